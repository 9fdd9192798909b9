// Draws the whole timeline on one canvas, in layers, and records what it drew (counts for tests,
// the frame time for the benchmark, segments for picking).
import type { TimelineModel } from '../model/timeline-model.ts';
import { hatchPattern, PickIndex, zeroCounts, type DrawContext, type MarkCounts } from './draw-context.ts';
import { drawFaultStrip, drawViolations } from './draw-faults.ts';
import { drawGutter } from './draw-gutter.ts';
import { drawCommits, drawElections, drawLaneLines, drawLifecycleHatching, drawPartitions, drawRoleBands } from './draw-lanes.ts';
import { drawMessages } from './draw-messages.ts';
import { buildOpIndex, drawOps, type OpIndex } from './draw-ops.ts';
import { drawLatency, drawThroughput } from './draw-plots.ts';
import { laneRowIndex, type Layout } from './layout.ts';
import type { ViewStateData } from './view-state.ts';

export class Renderer {
  readonly picks = new PickIndex();
  counts: MarkCounts = zeroCounts();
  lastFrameMs = 0;
  readonly opIndex: OpIndex;
  private readonly ctx: CanvasRenderingContext2D;
  private readonly patterns: DrawContext['patterns'];
  private lastContext: DrawContext | null = null;

  constructor(private readonly canvas: HTMLCanvasElement, private readonly model: TimelineModel) {
    const ctx = canvas.getContext('2d', { alpha: false });
    if (ctx === null) throw new Error('this browser cannot draw on a canvas (2d context unavailable)');
    this.ctx = ctx;
    this.opIndex = buildOpIndex(model);
    this.patterns = {
      crashed: hatchPattern(ctx, 'rgba(0,0,0,0.55)', 'rgba(255,255,255,0.6)'),
      paused: hatchPattern(ctx, 'rgba(200,170,0,0.8)', 'rgba(255,255,255,0.5)'),
      stopped: hatchPattern(ctx, 'rgba(120,120,120,0.6)', 'rgba(255,255,255,0.6)'),
      starting: hatchPattern(ctx, 'rgba(0,158,115,0.35)', 'rgba(255,255,255,0.3)'),
    };
  }

  /** The context of the last frame (for picking in the same geometry). */
  get context(): DrawContext | null {
    return this.lastContext;
  }

  render(layout: Layout, state: ViewStateData): void {
    const started = performance.now();
    this.resize(layout);
    const { ctx } = this;
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, layout.width, layout.height);
    this.picks.reset();
    const dc: DrawContext = {
      ctx, model: this.model, layout, laneRows: laneRowIndex(layout), t0: state.t0, t1: state.t1,
      k: (layout.plotRight - layout.plotLeft) / Math.max(1e-9, state.t1 - state.t0), filters: state.filters,
      counts: zeroCounts(), picks: this.picks, patterns: this.patterns,
    };
    ctx.save();
    ctx.beginPath();
    ctx.rect(layout.plotLeft, 0, layout.plotRight - layout.plotLeft, layout.height);
    ctx.clip();
    const throughputPeak = this.drawMarks(dc);
    ctx.restore();
    drawGutter(dc, this.opIndex, throughputPeak);
    this.counts = dc.counts;
    this.lastContext = dc;
    this.lastFrameMs = performance.now() - started;
  }

  /** Returns the throughput plot's peak, for its gutter label. */
  private drawMarks(dc: DrawContext): number {
    drawLaneLines(dc);
    drawPartitions(dc);
    drawRoleBands(dc);
    drawLifecycleHatching(dc);
    drawCommits(dc);
    drawMessages(dc);
    drawElections(dc);
    drawFaultStrip(dc);
    drawOps(dc, this.opIndex);
    drawViolations(dc);
    drawLatency(dc, this.opIndex);
    return drawThroughput(dc, this.opIndex);
  }

  private resize(layout: Layout): void {
    const ratio = window.devicePixelRatio || 1;
    const width = Math.round(layout.width * ratio);
    const height = Math.round(layout.height * ratio);
    if (this.canvas.width !== width || this.canvas.height !== height) {
      this.canvas.width = width;
      this.canvas.height = height;
      this.canvas.style.width = `${layout.width}px`;
      this.canvas.style.height = `${layout.height}px`;
    }
    this.ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  }
}
