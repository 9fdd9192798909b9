// What every drawing pass shares: the canvas, the model, the layout, the time -> x mapping, the
// filters, the counts of marks drawn (exposed for tests) and the pick index for clicks.
import type { TimelineModel } from '../model/timeline-model.ts';
import type { Layout, LaneRow } from './layout.ts';
import type { Filters } from './view-state.ts';

export interface MarkCounts {
  lanes: number;
  roleBands: number;
  hatched: number;
  partitions: number;
  faults: number;
  arrows: number;
  aggregatedArrows: number;
  crosses: number;
  duplicates: number;
  commits: number;
  elections: number;
  ops: number;
  violationMarkers: number;
  latencyPoints: number;
  throughputBars: number;
}

export function zeroCounts(): MarkCounts {
  return {
    lanes: 0, roleBands: 0, hatched: 0, partitions: 0, faults: 0, arrows: 0, aggregatedArrows: 0, crosses: 0, duplicates: 0,
    commits: 0, elections: 0, ops: 0, violationMarkers: 0, latencyPoints: 0, throughputBars: 0,
  };
}

/** Message segments drawn one by one, for picking with the mouse. Bounded: zoom in to pick in dense views. */
export const pickSegmentsMax = 40_000;

export class PickIndex {
  readonly segments = new Float32Array(pickSegmentsMax * 4);
  readonly messages = new Int32Array(pickSegmentsMax);
  count = 0;

  reset(): void {
    this.count = 0;
  }

  /** Moves every segment right by `dx` px (the picture was shifted by a pan). */
  shift(dx: number): void {
    for (let i = 0; i < this.count; i += 1) {
      this.segments[i * 4] += dx;
      this.segments[i * 4 + 2] += dx;
    }
  }

  addSegment(x1: number, y1: number, x2: number, y2: number, message: number): void {
    if (this.count >= pickSegmentsMax) return;
    this.segments.set([x1, y1, x2, y2], this.count * 4);
    this.messages[this.count++] = message;
  }

  /** The message whose segment passes nearest (x, y), within `radius` px. */
  nearestMessage(x: number, y: number, radius: number): number | null {
    let best: number | null = null;
    let bestDistance = radius * radius;
    for (let i = 0; i < this.count; i += 1) {
      const d = distanceToSegmentSquared(x, y, this.segments[i * 4], this.segments[i * 4 + 1], this.segments[i * 4 + 2], this.segments[i * 4 + 3]);
      if (d <= bestDistance) {
        bestDistance = d;
        best = this.messages[i];
      }
    }
    return best;
  }
}

function distanceToSegmentSquared(px: number, py: number, x1: number, y1: number, x2: number, y2: number): number {
  const dx = x2 - x1;
  const dy = y2 - y1;
  const length = dx * dx + dy * dy;
  const u = length === 0 ? 0 : Math.max(0, Math.min(1, ((px - x1) * dx + (py - y1) * dy) / length));
  const cx = x1 + u * dx - px;
  const cy = y1 + u * dy - py;
  return cx * cx + cy * cy;
}

export interface DrawContext {
  readonly ctx: CanvasRenderingContext2D;
  readonly model: TimelineModel;
  readonly layout: Layout;
  readonly laneRows: ReadonlyMap<number, LaneRow>;
  /** The time drawn at x = layout.plotLeft. */
  readonly originT: number;
  /** Pixels per ms. */
  readonly k: number;
  /** The time range to draw in this pass: the whole view, or a strip newly exposed by a pan. */
  readonly t0: number;
  readonly t1: number;
  /** Per message class (message-index.ts): drawn merged at this zoom. Decided once per view. */
  readonly merged: readonly boolean[];
  readonly filters: Filters;
  readonly counts: MarkCounts;
  readonly picks: PickIndex;
  readonly patterns: Readonly<Record<'crashed' | 'paused' | 'stopped' | 'starting', CanvasPattern | string>>;
}

export function xOf(dc: DrawContext, t: number): number {
  return dc.layout.plotLeft + (t - dc.originT) * dc.k;
}

/** The time range to draw with one pixel of slack each side. */
export function visibleRange(dc: DrawContext): [number, number] {
  const slack = 1 / dc.k;
  return [dc.t0 - slack, dc.t1 + slack];
}

/** Diagonal hatching, made once per canvas. */
export function hatchPattern(ctx: CanvasRenderingContext2D, colour: string, background: string): CanvasPattern | string {
  const tile = document.createElement('canvas');
  tile.width = 8;
  tile.height = 8;
  const t = tile.getContext('2d');
  if (t === null) return colour;
  t.fillStyle = background;
  t.fillRect(0, 0, 8, 8);
  t.strokeStyle = colour;
  t.lineWidth = 2;
  t.beginPath();
  t.moveTo(-2, 10);
  t.lineTo(10, -2);
  t.moveTo(-2, 2);
  t.lineTo(2, -2);
  t.moveTo(6, 10);
  t.lineTo(10, 6);
  t.stroke();
  return ctx.createPattern(tile, 'repeat') ?? colour;
}
