// Latency (log scale, one point per completed operation at its completion) and throughput (ok
// operations per second, per few-pixel bucket) over the same time axis as the lanes.
import type { OpIndex } from './draw-ops.ts';
import { forEachOpIn } from './draw-ops.ts';
import { outcomeColour, okabeIto } from './palette.ts';
import { visibleRange, xOf, type DrawContext } from './draw-context.ts';

const bucketPx = 4;

export function drawLatency(dc: DrawContext, index: OpIndex): void {
  const { ctx, layout } = dc;
  const band = layout.latency;
  const [t0, t1] = visibleRange(dc);
  const yOf = latencyScale(dc, index);
  ctx.fillStyle = '#fafafa';
  ctx.fillRect(xOf(dc, t0), band.y, (t1 - t0) * dc.k, band.height);
  ctx.fillStyle = '#eee';
  for (const { y } of latencyTicks(dc, index)) ctx.fillRect(layout.plotLeft, y, layout.plotRight - layout.plotLeft, 1);
  const seen = new Set<number>();
  const points: Record<string, Path2D> = { ok: new Path2D(), fail: new Path2D(), info: new Path2D() };
  forEachOpIn(dc.model, index, t0, t1, (op) => {
    if (op.outcome === 'pending' || op.end < t0 || op.end > t1) return;
    const x = Math.round(xOf(dc, op.end));
    const y = Math.round(yOf(op.end - op.start));
    const key = (x * 4096 + y) * 4 + ['ok', 'fail', 'info'].indexOf(op.outcome);
    if (seen.has(key)) return;
    seen.add(key);
    points[op.outcome].rect(x - 1, y - 1, 2.5, 2.5);
    dc.counts.latencyPoints += 1;
  });
  for (const [outcome, path] of Object.entries(points)) {
    ctx.fillStyle = outcomeColour[outcome];
    ctx.fill(path);
  }
}

const latencyLog10Min = -1;

function latencyLog10Max(index: OpIndex): number {
  return Math.max(1, Math.ceil(Math.log10(index.latencyMsMax)));
}

function latencyScale(dc: DrawContext, index: OpIndex): (ms: number) => number {
  const band = dc.layout.latency;
  const top = latencyLog10Max(index);
  return (ms) => band.y + band.height - ((Math.log10(Math.max(ms, 0.1)) - latencyLog10Min) / (top - latencyLog10Min)) * band.height;
}

/** Decades of the latency axis: 1 ms, 10 ms, 100 ms, 1 s... */
export function latencyTicks(dc: DrawContext, index: OpIndex): Array<{ y: number; label: string }> {
  const yOf = latencyScale(dc, index);
  const ticks: Array<{ y: number; label: string }> = [];
  for (let e = latencyLog10Min + 1; e <= latencyLog10Max(index); e += 1) ticks.push({ y: yOf(10 ** e), label: e >= 3 ? `${10 ** (e - 3)} s` : `${10 ** e} ms` });
  return ticks;
}

/** Buckets of the throughput plot, aligned to absolute time (so a pan only shifts them). */
function throughputBuckets(dc: DrawContext): number {
  return bucketPx / dc.k;
}

const peakCache = new WeakMap<OpIndex, { msPerBucket: number; peak: number }>();

/** The highest rate over the whole run at this zoom: the plot's scale does not jump while panning. */
export function throughputPeak(dc: DrawContext, index: OpIndex): number {
  const msPerBucket = throughputBuckets(dc);
  const cached = peakCache.get(index);
  if (cached !== undefined && cached.msPerBucket === msPerBucket) return cached.peak;
  const counts = new Map<number, number>();
  let most = 0;
  for (const op of dc.model.ops) {
    if (op.outcome !== 'ok') continue;
    const b = Math.floor(op.end / msPerBucket);
    const c = (counts.get(b) ?? 0) + 1;
    counts.set(b, c);
    most = Math.max(most, c);
  }
  const peak = most / (msPerBucket / 1000);
  peakCache.set(index, { msPerBucket, peak });
  return peak;
}

export function drawThroughput(dc: DrawContext, index: OpIndex): void {
  const { ctx, layout } = dc;
  const band = layout.throughput;
  const [t0, t1] = visibleRange(dc);
  const msPerBucket = throughputBuckets(dc);
  const first = Math.floor(t0 / msPerBucket);
  const counts = new Float64Array(Math.ceil(t1 / msPerBucket) - first + 1);
  forEachOpIn(dc.model, index, t0, t1, (op) => {
    if (op.outcome !== 'ok' || op.end < t0 || op.end > t1) return;
    counts[Math.floor(op.end / msPerBucket) - first] += 1;
  });
  ctx.fillStyle = '#fafafa';
  ctx.fillRect(xOf(dc, t0), band.y, (t1 - t0) * dc.k, band.height);
  const peak = throughputPeak(dc, index);
  if (peak === 0) return;
  const bars = new Path2D();
  counts.forEach((count, b) => {
    if (count === 0) return;
    const h = (count / (msPerBucket / 1000) / peak) * (band.height - 2);
    bars.rect(xOf(dc, (first + b) * msPerBucket), band.y + band.height - h, bucketPx - 1, h);
    dc.counts.throughputBars += 1;
  });
  ctx.fillStyle = okabeIto.bluishGreen;
  ctx.fill(bars);
}

export function formatRate(perSecond: number): string {
  return perSecond >= 1000 ? `${(perSecond / 1000).toFixed(1)}k` : perSecond.toFixed(0);
}
