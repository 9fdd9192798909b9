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
  ctx.fillRect(layout.plotLeft, band.y, layout.plotRight - layout.plotLeft, band.height);
  ctx.fillStyle = '#eee';
  for (const { y } of latencyTicks(dc, index)) ctx.fillRect(layout.plotLeft, y, layout.plotRight - layout.plotLeft, 1);
  const seen = new Set<number>();
  forEachOpIn(dc.model, index, t0, t1, (op) => {
    if (op.outcome === 'pending' || op.end < t0 || op.end > t1) return;
    const x = Math.round(xOf(dc, op.end));
    const y = Math.round(yOf(op.end - op.start));
    const key = (x * 4096 + y) * 4 + ['ok', 'fail', 'info'].indexOf(op.outcome);
    if (seen.has(key)) return;
    seen.add(key);
    ctx.fillStyle = outcomeColour[op.outcome];
    ctx.fillRect(x - 1, y - 1, 2.5, 2.5);
    dc.counts.latencyPoints += 1;
  });
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

/** Draws the bars and returns the peak rate (ok operations per second) for the gutter label. */
export function drawThroughput(dc: DrawContext, index: OpIndex): number {
  const { ctx, layout } = dc;
  const band = layout.throughput;
  const [t0, t1] = visibleRange(dc);
  const buckets = new Float64Array(Math.ceil((layout.plotRight - layout.plotLeft) / bucketPx) + 1);
  forEachOpIn(dc.model, index, t0, t1, (op) => {
    if (op.outcome !== 'ok' || op.end < dc.t0 || op.end > dc.t1) return;
    buckets[Math.floor((xOf(dc, op.end) - layout.plotLeft) / bucketPx)] += 1;
  });
  const bucketSeconds = bucketPx / dc.k / 1000;
  let peak = 0;
  for (const count of buckets) peak = Math.max(peak, count / bucketSeconds);
  ctx.fillStyle = '#fafafa';
  ctx.fillRect(layout.plotLeft, band.y, layout.plotRight - layout.plotLeft, band.height);
  if (peak === 0) return 0;
  ctx.fillStyle = okabeIto.bluishGreen;
  buckets.forEach((count, b) => {
    if (count === 0) return;
    const h = (count / bucketSeconds / peak) * (band.height - 2);
    ctx.fillRect(layout.plotLeft + b * bucketPx, band.y + band.height - h, bucketPx - 1, h);
    dc.counts.throughputBars += 1;
  });
  return peak;
}

export function formatRate(perSecond: number): string {
  return perSecond >= 1000 ? `${(perSecond / 1000).toFixed(1)}k` : perSecond.toFixed(0);
}
