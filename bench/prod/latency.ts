// Latency percentiles from raw samples (nearest-rank on the sorted samples: p99 of 100 samples is the
// 99th smallest), the way the benchmark tables report them.

export interface LatencySummary {
  readonly samples: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly meanMs: number;
}

export function latencySummary(samplesMs: readonly number[]): LatencySummary {
  if (samplesMs.length === 0) return { samples: 0, p50Ms: NaN, p99Ms: NaN, maxMs: NaN, meanMs: NaN };
  const sorted = Float64Array.from(samplesMs).sort();
  const rank = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
  let total = 0;
  for (const sample of sorted) total += sample;
  return { samples: sorted.length, p50Ms: rank(0.5), p99Ms: rank(0.99), maxMs: sorted[sorted.length - 1], meanMs: total / sorted.length };
}
