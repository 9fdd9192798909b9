// Lane marks: labels, partition shading, role bands with their term, hatched crashed / paused /
// stopped spans, commit ticks and election marks.
import { firstAtOrAfter } from '../model/growable.ts';
import { downStates } from '../model/lifecycle-spans.ts';
import { partitionSide } from '../model/fault-spans.ts';
import { laneKey, type LaneRow } from './layout.ts';
import { colourOfRole, okabeIto, partitionAloneTint, partitionSideTint, textOnRole } from './palette.ts';
import { visibleRange, xOf, type DrawContext } from './draw-context.ts';

/** Lane separators inside the plot area; labels go in the gutter (draw-gutter.ts). */
export function drawLaneLines(dc: DrawContext): void {
  const { ctx, layout } = dc;
  ctx.fillStyle = '#e4e4e4';
  for (const header of layout.groupHeaders) ctx.fillRect(layout.plotLeft, header.y + header.height - 1, layout.plotRight - layout.plotLeft, 1);
  ctx.fillStyle = '#f0f0f0';
  for (const row of layout.lanes) {
    ctx.fillRect(layout.plotLeft, row.y + row.height - 0.5, layout.plotRight - layout.plotLeft, 0.5);
    dc.counts.lanes += 1;
  }
}

export function drawPartitions(dc: DrawContext): void {
  const { ctx, layout } = dc;
  const [t0, t1] = visibleRange(dc);
  for (const fault of dc.model.faults) {
    if (fault.groups === null || fault.end < t0 || fault.start > t1 || dc.filters.hiddenFaults.has(fault.fault)) continue;
    const x0 = Math.max(layout.plotLeft, xOf(dc, fault.start));
    const x1 = Math.min(layout.plotRight, xOf(dc, fault.end));
    for (const row of layout.lanes) {
      const side = partitionSide(fault.groups, row.lane.node);
      ctx.fillStyle = side < 0 ? partitionAloneTint : partitionSideTint[side % partitionSideTint.length];
      ctx.fillRect(x0, row.y, Math.max(1, x1 - x0), row.height);
    }
    dc.counts.partitions += 1;
  }
}

function bandGeometry(row: LaneRow): { y: number; height: number } {
  const height = row.height * 0.5;
  return { y: row.y + (row.height - height) / 2, height };
}

export function drawRoleBands(dc: DrawContext): void {
  const { ctx } = dc;
  const [t0, t1] = visibleRange(dc);
  for (const span of dc.model.roleSpans) {
    if (span.end < t0 || span.start > t1) continue;
    const row = dc.laneRows.get(laneKey(span.group, span.node));
    if (row === undefined) continue;
    const x0 = Math.max(dc.layout.plotLeft - 1, xOf(dc, span.start));
    const x1 = Math.min(dc.layout.plotRight + 1, xOf(dc, span.end));
    const band = bandGeometry(row);
    ctx.fillStyle = colourOfRole(span.role);
    ctx.fillRect(x0, band.y, Math.max(0.75, x1 - x0), band.height);
    dc.counts.roleBands += 1;
  }
}

/** The term (and "leader") on each band wide enough, kept at the visible start of the band. */
export function drawRoleLabels(dc: DrawContext): void {
  const { ctx } = dc;
  const [t0, t1] = visibleRange(dc);
  ctx.font = '10px system-ui, sans-serif';
  ctx.textBaseline = 'middle';
  for (const span of dc.model.roleSpans) {
    if (span.end < t0 || span.start > t1) continue;
    const row = dc.laneRows.get(laneKey(span.group, span.node));
    if (row === undefined) continue;
    const x0 = Math.max(dc.layout.plotLeft, xOf(dc, span.start));
    const x1 = Math.min(dc.layout.plotRight, xOf(dc, span.end));
    const label = span.role === 'leader' ? `leader t${span.term}` : `t${span.term}`;
    if (x1 - x0 <= ctx.measureText(label).width + 6) continue;
    const band = bandGeometry(row);
    ctx.fillStyle = textOnRole(span.role);
    ctx.fillText(label, x0 + 3, band.y + band.height / 2);
  }
}

function hatchOf(dc: DrawContext, state: string): CanvasPattern | string | undefined {
  if (!downStates.has(state) && state !== 'starting') return undefined;
  const fault = state === 'crashed' ? 'crash' : state === 'paused' ? 'pause' : state;
  return dc.filters.hiddenFaults.has(fault) ? undefined : dc.patterns[state as keyof typeof dc.patterns];
}

export function drawLifecycleHatching(dc: DrawContext): void {
  const { ctx } = dc;
  const [t0, t1] = visibleRange(dc);
  for (const span of dc.model.lifecycleSpans) {
    if (span.end < t0 || span.start > t1) continue;
    const pattern = hatchOf(dc, span.state);
    if (pattern === undefined) continue;
    const x0 = Math.max(dc.layout.plotLeft - 1, xOf(dc, span.start));
    const x1 = Math.min(dc.layout.plotRight + 1, xOf(dc, span.end));
    ctx.fillStyle = pattern;
    for (const row of dc.layout.lanes) if (row.lane.node === span.node) ctx.fillRect(x0, row.y + 1, Math.max(1, x1 - x0), row.height - 2);
    dc.counts.hatched += 1;
  }
}

/** "crashed", "paused"... at the visible start of each hatched span wide enough. */
export function drawLifecycleLabels(dc: DrawContext): void {
  const { ctx } = dc;
  const [t0, t1] = visibleRange(dc);
  ctx.font = 'bold 10px system-ui, sans-serif';
  ctx.fillStyle = '#000';
  for (const span of dc.model.lifecycleSpans) {
    if (span.end < t0 || span.start > t1 || hatchOf(dc, span.state) === undefined) continue;
    const x0 = Math.max(dc.layout.plotLeft, xOf(dc, span.start));
    const x1 = Math.min(dc.layout.plotRight, xOf(dc, span.end));
    if (x1 - x0 <= 60) continue;
    for (const row of dc.layout.lanes) if (row.lane.node === span.node) ctx.fillText(span.state, x0 + 4, row.y + 8);
  }
}

/** Commit index advances: short ticks along the lane's bottom edge, one per pixel at most. */
export function drawCommits(dc: DrawContext): void {
  const { ctx } = dc;
  const commits = dc.model.commits;
  const [t0, t1] = visibleRange(dc);
  const ticks = new Path2D();
  const lastPixel = new Map<number, number>();
  for (let i = firstAtOrAfter(commits.t, t0); i < commits.count && commits.t[i] <= t1; i += 1) {
    const key = laneKey(commits.group[i], commits.node[i]);
    const row = dc.laneRows.get(key);
    if (row === undefined) continue;
    const x = Math.round(xOf(dc, commits.t[i]));
    if (lastPixel.get(key) === x) continue;
    lastPixel.set(key, x);
    ticks.rect(x, row.y + row.height - 5, 1, 4);
    dc.counts.commits += 1;
  }
  ctx.fillStyle = okabeIto.bluishGreen;
  ctx.fill(ticks);
}

export function drawElections(dc: DrawContext): void {
  const { ctx } = dc;
  const [t0, t1] = visibleRange(dc);
  ctx.font = 'bold 9px system-ui, sans-serif';
  for (const mark of dc.model.elections) {
    if (mark.t < t0 || mark.t > t1) continue;
    const row = dc.laneRows.get(laneKey(mark.group, mark.node));
    if (row === undefined) continue;
    const x = xOf(dc, mark.t);
    const y = row.y + 4;
    if (mark.kind === 'won') {
      ctx.fillStyle = okabeIto.blue;
      ctx.beginPath();
      ctx.moveTo(x, y + 6);
      ctx.lineTo(x - 4, y - 2);
      ctx.lineTo(x + 4, y - 2);
      ctx.closePath();
      ctx.fill();
    } else {
      ctx.strokeStyle = mark.kind === 'campaign' ? okabeIto.orange : '#a89a00';
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      ctx.arc(x, y + 1, 3, 0, Math.PI * 2);
      ctx.stroke();
    }
    dc.counts.elections += 1;
  }
}
