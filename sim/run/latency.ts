// Percentiles of operation latency, in virtual ms.
export function percentiles(samplesUs: readonly number[]): { p50: number; p90: number; p99: number; max: number } {
  if (samplesUs.length === 0) return { p50: 0, p90: 0, p99: 0, max: 0 };
  const sorted = Float64Array.from(samplesUs).sort();
  const at = (q: number) => round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] / 1000);
  return { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: round(sorted[sorted.length - 1] / 1000) };
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
