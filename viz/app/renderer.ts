// Draws the timeline on one canvas. The marks (bands, hatching, arrows, operations, plots) go to an
// offscreen layer; text and the few fault and violation marks are drawn on top each frame. When the
// view only pans, the layer is shifted and only the newly exposed strip is drawn, so a pan costs a
// blit and a sliver of drawing however dense the run; a full redraw follows once panning settles.
// Records what it drew (counts for tests), the frame time and segments for picking.
import type { TimelineModel } from '../model/timeline-model.ts';
import { hatchPattern, PickIndex, zeroCounts, type DrawContext, type MarkCounts } from './draw-context.ts';
import { drawFaultStrip, drawViolations } from './draw-faults.ts';
import type { LabelBox } from './label-placement.ts';
import { drawGutter } from './draw-gutter.ts';
import { drawCommits, drawElections, drawLaneLines, drawLifecycleHatching, drawLifecycleLabels, drawPartitions, drawRoleBands, drawRoleLabels } from './draw-lanes.ts';
import { drawMessages, mergeDecision } from './draw-messages.ts';
import { buildOpIndex, drawOps, type OpIndex } from './draw-ops.ts';
import { drawLatency, drawThroughput, throughputPeak } from './draw-plots.ts';
import { laneRowIndex, type Layout } from './layout.ts';
import { buildMessageIndex, type MessageIndex } from './message-index.ts';
import type { ViewStateData } from './view-state.ts';

/** Redraw everything once the view has not moved for this long (exact counts, no seams). */
const settleMs = 180;
/** Shift the layer only for pans shorter than this share of the width. */
const shiftShareMax = 0.5;

interface LayerState {
  /** What the layer's picture depends on, besides the time origin. */
  readonly key: string;
  /** Time at x = plotLeft in the layer. */
  originT: number;
}

export class Renderer {
  readonly picks = new PickIndex();
  counts: MarkCounts = zeroCounts();
  /** Where the last frame put the violation labels (for tests: none overlaps another). */
  violationLabels: readonly LabelBox[] = [];
  lastFrameMs = 0;
  /** True when the last frame shifted the layer instead of redrawing it. */
  lastFrameShifted = false;
  readonly opIndex: OpIndex;
  private readonly messageIndex: MessageIndex;
  private readonly ctx: CanvasRenderingContext2D;
  private readonly layer = document.createElement('canvas');
  private readonly layerCtx: CanvasRenderingContext2D;
  private readonly scratch = document.createElement('canvas');
  private readonly patterns: DrawContext['patterns'];
  private layerState: LayerState | null = null;
  private lastContext: DrawContext | null = null;
  private settleTimer: ReturnType<typeof setTimeout> | null = null;
  private filtersSeen: object | null = null;
  private filtersVersion = 0;

  constructor(private readonly canvas: HTMLCanvasElement, private readonly model: TimelineModel) {
    const ctx = canvas.getContext('2d', { alpha: false });
    const layerCtx = this.layer.getContext('2d', { alpha: false });
    if (ctx === null || layerCtx === null) throw new Error('this browser cannot draw on a canvas (2d context unavailable)');
    this.ctx = ctx;
    this.layerCtx = layerCtx;
    this.opIndex = buildOpIndex(model);
    this.messageIndex = buildMessageIndex(model);
    this.patterns = {
      crashed: hatchPattern(layerCtx, 'rgba(0,0,0,0.55)', 'rgba(255,255,255,0.6)'),
      paused: hatchPattern(layerCtx, 'rgba(200,170,0,0.8)', 'rgba(255,255,255,0.5)'),
      stopped: hatchPattern(layerCtx, 'rgba(120,120,120,0.6)', 'rgba(255,255,255,0.6)'),
      starting: hatchPattern(layerCtx, 'rgba(0,158,115,0.35)', 'rgba(255,255,255,0.3)'),
    };
  }

  /** The context of the last frame (for picking in the same geometry). */
  get context(): DrawContext | null {
    return this.lastContext;
  }

  render(layout: Layout, state: ViewStateData, force = false): void {
    const started = performance.now();
    const ratio = window.devicePixelRatio || 1;
    this.resize(layout, ratio);
    const k = (layout.plotRight - layout.plotLeft) / Math.max(1e-9, state.t1 - state.t0);
    const merged = mergeDecision({ model: this.model }, this.messageIndex, state.t0, state.t1, layout.plotRight - layout.plotLeft);
    if (state.filters !== this.filtersSeen) (this.filtersSeen = state.filters), (this.filtersVersion += 1);
    const key = `${layout.width}x${layout.height}/${ratio}/${k}/${this.filtersVersion}/${merged.join()}`;
    const base = { model: this.model, layout, laneRows: laneRowIndex(layout), k, filters: state.filters, picks: this.picks, patterns: this.patterns, merged };
    const shiftPx = this.layerState === null ? Infinity : (this.layerState.originT - state.t0) * k;
    const shifted = !force && this.layerState?.key === key && Math.abs(shiftPx) < (layout.plotRight - layout.plotLeft) * shiftShareMax;
    let counts: MarkCounts;
    if (shifted) {
      counts = this.shiftLayer(base, layout, ratio, shiftPx);
    } else {
      counts = zeroCounts();
      this.picks.reset();
      this.drawLayer({ ...base, ctx: this.layerCtx, originT: state.t0, t0: state.t0, t1: state.t1, counts }, 0, layout.width);
      this.layerState = { key, originT: state.t0 };
    }
    const dc: DrawContext = { ...base, ctx: this.ctx, originT: state.t0, t0: state.t0, t1: state.t1, counts };
    this.composite(dc, ratio);
    this.counts = counts;
    this.lastContext = dc;
    this.lastFrameShifted = shifted;
    this.lastFrameMs = performance.now() - started;
    if (shifted) this.scheduleSettle();
  }

  /** Shifts the layer by whole device pixels and draws the strip that came into view. */
  private shiftLayer(base: Omit<DrawContext, 'ctx' | 'originT' | 't0' | 't1' | 'counts'>, layout: Layout, ratio: number, shiftPx: number): MarkCounts {
    const layerState = this.layerState!;
    const devicePx = Math.round(shiftPx * ratio);
    const cssPx = devicePx / ratio;
    const scratch = this.scratch.getContext('2d')!;
    scratch.setTransform(1, 0, 0, 1, 0, 0);
    scratch.clearRect(0, 0, this.scratch.width, this.scratch.height);
    scratch.drawImage(this.layer, 0, 0);
    this.layerCtx.setTransform(1, 0, 0, 1, 0, 0);
    this.layerCtx.drawImage(this.scratch, devicePx, 0);
    layerState.originT -= cssPx / base.k;
    this.picks.shift(cssPx);
    // Counts describe the last full frame; the strip's marks are drawn but not counted twice.
    const counts = { ...this.counts };
    const margin = 2;
    const [x0, x1] = cssPx > 0 ? [layout.plotLeft - margin, layout.plotLeft + cssPx + margin] : [layout.plotRight + cssPx - margin, layout.plotRight + margin];
    const toT = (x: number) => layerState.originT + (x - layout.plotLeft) / base.k;
    this.drawLayer({ ...base, ctx: this.layerCtx, originT: layerState.originT, t0: toT(x0), t1: toT(x1), counts: zeroCounts() }, x0, x1 - x0);
    return counts;
  }

  /** Draws the layer's marks for dc.t0..dc.t1 inside the columns [x, x + width). */
  private drawLayer(dc: DrawContext, x: number, width: number): void {
    const ctx = dc.ctx;
    const ratio = window.devicePixelRatio || 1;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.save();
    ctx.beginPath();
    const left = Math.max(dc.layout.plotLeft, x);
    const right = Math.min(dc.layout.plotRight, x + width);
    ctx.rect(left, 0, Math.max(0, right - left), dc.layout.height);
    ctx.clip();
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(left, 0, right - left, dc.layout.height);
    drawLaneLines(dc);
    drawPartitions(dc);
    drawRoleBands(dc);
    drawLifecycleHatching(dc);
    drawCommits(dc);
    drawMessages(dc, this.messageIndex);
    drawElections(dc);
    drawOps(dc, this.opIndex);
    drawLatency(dc, this.opIndex);
    drawThroughput(dc, this.opIndex);
    ctx.restore();
  }

  /** The layer, then what is drawn fresh each frame: labels, faults, violations, the gutter. */
  private composite(dc: DrawContext, ratio: number): void {
    const { ctx } = this;
    const layout = dc.layout;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.imageSmoothingEnabled = false;
    const offset = Math.round((this.layerState!.originT - dc.originT) * dc.k * ratio);
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, this.canvas.width, this.canvas.height);
    ctx.drawImage(this.layer, offset, 0);
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    // Only the plot area of the layer is ever drawn: blank the margin to its right.
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(layout.plotRight, 0, layout.width - layout.plotRight, layout.height);
    ctx.save();
    ctx.beginPath();
    ctx.rect(layout.plotLeft, 0, layout.plotRight - layout.plotLeft, layout.height);
    ctx.clip();
    drawRoleLabels(dc);
    drawLifecycleLabels(dc);
    dc.counts.faults = 0;
    dc.counts.violationMarkers = 0;
    drawFaultStrip(dc);
    this.violationLabels = drawViolations(dc);
    ctx.restore();
    drawGutter(dc, this.opIndex, throughputPeak(dc, this.opIndex));
  }

  private scheduleSettle(): void {
    if (this.settleTimer !== null) clearTimeout(this.settleTimer);
    this.settleTimer = setTimeout(() => {
      this.settleTimer = null;
      this.onSettle?.();
    }, settleMs);
  }

  /** Called when a run of shifted frames has settled: the owner redraws with `force`. */
  onSettle: (() => void) | null = null;

  private resize(layout: Layout, ratio: number): void {
    const width = Math.round(layout.width * ratio);
    const height = Math.round(layout.height * ratio);
    if (this.canvas.width === width && this.canvas.height === height) return;
    for (const canvas of [this.canvas, this.layer, this.scratch]) {
      canvas.width = width;
      canvas.height = height;
    }
    this.canvas.style.width = `${layout.width}px`;
    this.canvas.style.height = `${layout.height}px`;
    this.layerState = null;
  }
}
