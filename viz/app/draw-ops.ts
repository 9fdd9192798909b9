// The client lane: each operation an interval from invoke to outcome (ok, fail, info; pending ones
// run to the end), one row per live process. Operations named by a violation are ringed.
import type { ClientOp } from '../model/client-ops.ts';
import { firstAtOrAfter } from '../model/growable.ts';
import type { TimelineModel } from '../model/timeline-model.ts';
import { outcomeColour, violationColour } from './palette.ts';
import { visibleRange, xOf, type DrawContext } from './draw-context.ts';

/** Operations by start time, and how far back an operation still visible may have started. */
export interface OpIndex {
  readonly start: Float64Array;
  readonly longestMs: number;
  /** Longest completed operation, for the latency plot's scale. */
  readonly latencyMsMax: number;
  readonly inViolation: ReadonlySet<ClientOp>;
}

export function buildOpIndex(model: TimelineModel): OpIndex {
  const start = Float64Array.from(model.ops, (op) => op.start);
  let longestMs = 0;
  let latencyMsMax = 1;
  for (const op of model.ops) {
    longestMs = Math.max(longestMs, op.end - op.start);
    if (op.outcome !== 'pending') latencyMsMax = Math.max(latencyMsMax, op.end - op.start);
  }
  return { start, longestMs, latencyMsMax, inViolation: new Set(model.violations.flatMap((v) => v.resolved)) };
}

export function forEachOpIn(model: TimelineModel, index: OpIndex, t0: number, t1: number, visit: (op: ClientOp, i: number) => void): void {
  for (let i = firstAtOrAfter(index.start, t0 - index.longestMs); i < model.ops.length && model.ops[i].start <= t1; i += 1) {
    if (model.ops[i].end >= t0) visit(model.ops[i], i);
  }
}

const outcomeOrder = ['ok', 'fail', 'info', 'pending'] as const;

export function opRowY(dc: DrawContext, row: number): number {
  return dc.layout.ops.y + 2 + row * dc.layout.ops.rowHeight;
}

export function drawOps(dc: DrawContext, index: OpIndex): void {
  const { ctx, layout } = dc;
  ctx.fillStyle = '#f6f6f6';
  ctx.fillRect(layout.plotLeft, layout.ops.y, layout.plotRight - layout.plotLeft, layout.ops.height);
  const [t0, t1] = visibleRange(dc);
  const lastPixel = new Map<number, number>();
  const flagged: Array<[number, number, number, number]> = [];
  // One path per outcome, filled once: a fill per operation (and a colour change) costs far more.
  const paths: Record<string, Path2D> = { ok: new Path2D(), fail: new Path2D(), info: new Path2D(), pending: new Path2D() };
  forEachOpIn(dc.model, index, t0, t1, (op) => {
    const x0 = Math.max(layout.plotLeft, xOf(dc, op.start));
    const x1 = Math.min(layout.plotRight, xOf(dc, op.end));
    const y = opRowY(dc, op.row);
    const h = layout.ops.rowHeight - 2;
    if (index.inViolation.has(op)) flagged.push([x0, y, x1, h]);
    // Zoomed out, many operations share a pixel: draw the first of each row and pixel only.
    const pixel = Math.round(x0) * 8 + outcomeOrder.indexOf(op.outcome);
    if (x1 - x0 < 1 && lastPixel.get(op.row) === pixel) return;
    lastPixel.set(op.row, pixel);
    paths[op.outcome].rect(x0, y, Math.max(1, x1 - x0), h);
    dc.counts.ops += 1;
  });
  for (const outcome of outcomeOrder) {
    ctx.fillStyle = outcomeColour[outcome];
    ctx.fill(paths[outcome]);
  }
  ctx.strokeStyle = violationColour;
  ctx.lineWidth = 2;
  for (const [x0, y, x1, h] of flagged) ctx.strokeRect(x0 - 2, y - 2, Math.max(4, x1 - x0 + 4), h + 4);
  ctx.lineWidth = 1;
}

/** The operation drawn at (x, y), if any. */
export function opAt(dc: DrawContext, index: OpIndex, x: number, y: number): number | null {
  const row = Math.floor((y - dc.layout.ops.y - 2) / dc.layout.ops.rowHeight);
  if (row < 0 || row >= dc.layout.ops.rows) return null;
  const t = dc.originT + (x - dc.layout.plotLeft) / dc.k;
  const slack = 2 / dc.k;
  let found: number | null = null;
  forEachOpIn(dc.model, index, t - slack, t + slack, (op, i) => {
    if (op.row === row) found = i;
  });
  return found;
}
