// Where each row of the timeline goes: the fault strip, one lane per (group, node) under a group
// header, the client operations, then the latency and throughput plots. Pure geometry, no drawing.
import type { Lane, TimelineModel } from '../model/timeline-model.ts';
import type { Filters } from './view-state.ts';

export interface Band {
  readonly y: number;
  readonly height: number;
}

export interface LaneRow extends Band {
  readonly lane: Lane;
  /** Position among the drawn lanes. */
  readonly index: number;
}

export interface Layout {
  readonly width: number;
  readonly height: number;
  /** x range of the time axis. */
  readonly plotLeft: number;
  readonly plotRight: number;
  readonly axis: Band;
  readonly faults: Band;
  readonly groupHeaders: ReadonlyArray<Band & { readonly group: number }>;
  readonly lanes: readonly LaneRow[];
  readonly ops: Band & { readonly rowHeight: number; readonly rows: number };
  readonly latency: Band;
  readonly throughput: Band;
}

const gutterWidth = 86;
const rightMargin = 12;
const axisHeight = 26;
const faultsHeight = 22;
const groupHeaderHeight = 14;
const laneHeightMax = 96;
const laneHeightMin = 20;
const opRowHeight = 7;
const opsHeightMin = 28;
const latencyHeight = 72;
const throughputHeight = 52;
const gap = 6;

export function laneKey(group: number, node: number): number {
  return group * 1_048_576 + node;
}

export function computeLayout(model: TimelineModel, filters: Filters, width: number, heightAvailable: number): Layout {
  const lanes = model.lanes.filter((lane) => !filters.hiddenNodes.has(lane.node));
  const groups = [...new Set(lanes.map((lane) => lane.group))];
  const opsHeight = Math.max(opsHeightMin, model.opRows * opRowHeight + 4);
  const fixed = axisHeight + faultsHeight + groups.length * groupHeaderHeight + opsHeight + latencyHeight + throughputHeight + 5 * gap;
  const laneHeight = Math.max(laneHeightMin, Math.min(laneHeightMax, Math.floor((heightAvailable - fixed) / Math.max(1, lanes.length))));
  let y = 0;
  const take = (height: number): Band => {
    const band = { y, height };
    y += height;
    return band;
  };
  const axis = take(axisHeight);
  const faults = take(faultsHeight);
  y += gap;
  const groupHeaders: Array<Band & { group: number }> = [];
  const rows: LaneRow[] = [];
  for (const group of groups) {
    groupHeaders.push({ ...take(groupHeaderHeight), group });
    for (const lane of lanes) if (lane.group === group) rows.push({ ...take(laneHeight), lane, index: rows.length });
  }
  y += gap;
  const ops = { ...take(opsHeight), rowHeight: opRowHeight, rows: model.opRows };
  y += gap * 2;
  const latency = take(latencyHeight);
  y += gap;
  const throughput = take(throughputHeight);
  return { width, height: y + gap, plotLeft: gutterWidth, plotRight: width - rightMargin, axis, faults, groupHeaders, lanes: rows, ops, latency, throughput };
}

/** Row of a lane by key, for message endpoints. */
export function laneRowIndex(layout: Layout): Map<number, LaneRow> {
  const index = new Map<number, LaneRow>();
  for (const row of layout.lanes) index.set(laneKey(row.lane.group, row.lane.node), row);
  return index;
}

/** The lane row under a y coordinate, if any. */
export function laneAt(layout: Layout, y: number): LaneRow | undefined {
  return layout.lanes.find((row) => y >= row.y && y < row.y + row.height);
}
