// Puts the page together: view state, canvas renderer, SVG overlay, inspector, controls, shortcuts,
// mouse, deep links, and the `window.__kvlabViz` handle that tests and the benchmark drive.
import type { TimelineModel } from '../model/timeline-model.ts';
import { problemText } from '../model/trace-types.ts';
import { Actions } from './actions.ts';
import type { MachineSpecs } from './boot-data.ts';
import { Controls } from './controls.ts';
import { opAt } from './draw-ops.ts';
import { Inspector } from './inspector.ts';
import { computeLayout, laneAt, type Layout } from './layout.ts';
import { Overlay } from './overlay.ts';
import { Renderer } from './renderer.ts';
import { installShortcuts, shortcutTable } from './shortcuts.ts';
import { formatHash, parseHash } from './url-hash.ts';
import { ViewState, type ChangeKind, type ViewStateData } from './view-state.ts';

export interface AppElements {
  readonly toolbar: HTMLElement;
  readonly footer: HTMLElement;
  readonly wrap: HTMLElement;
  readonly timeline: HTMLElement;
  readonly canvas: HTMLCanvasElement;
  readonly overlay: SVGSVGElement;
  readonly inspector: HTMLElement;
}

const clickMovePxMax = 4;
const pickRadiusPx = 5;
const hashDelayMs = 250;

export class TimelineApp {
  readonly state: ViewState;
  readonly actions: Actions;
  private readonly renderer: Renderer;
  private readonly overlay: Overlay;
  private readonly inspector: Inspector;
  private readonly controls: Controls;
  private layout: Layout;
  private hashTimer: ReturnType<typeof setTimeout> | null = null;
  private lastPlayFrame = 0;

  constructor(private readonly els: AppElements, readonly model: TimelineModel, machines: MachineSpecs) {
    this.state = new ViewState({
      t0: model.startT, t1: model.endT, cursorT: model.startT, cursorEvent: -1, selection: null, focusNode: model.nodes[0] ?? null,
      filters: { hiddenNodes: new Set(), hiddenMessageTypes: new Set(), hiddenFaults: new Set() }, playing: false, speedLog10: 0, stepKind: '',
    });
    this.actions = new Actions(model, this.state);
    this.actions.fit();
    this.applyHash(location.hash);
    this.renderer = new Renderer(els.canvas, model);
    this.renderer.onSettle = () => this.paint(this.state.get(), true);
    this.overlay = new Overlay(els.overlay, model);
    this.inspector = new Inspector(els.inspector, model, this.state, machines);
    const table = shortcutTable(this.actions, this.state, {
      toggleHelp: () => this.controls.toggleHelp(),
      focusSearch: () => this.controls.search.focus(),
      toggleFilters: () => (this.controls.filters.open = !this.controls.filters.open),
      closePanels: () => {
        this.controls.help.hidden = true;
        this.controls.filters.open = false;
      },
    });
    this.controls = new Controls(els.toolbar, els.footer, model, this.state, this.actions, table);
    document.body.append(this.controls.help);
    installShortcuts(table, this.actions, this.state);
    this.layout = this.computeLayout();
    this.state.flush();
    this.state.subscribe((data, changed) => this.onChange(data, changed));
    this.installMouse();
    // The observer also reports the initial size: only a real change warrants a repaint.
    let size = `${els.wrap.clientWidth}x${els.wrap.clientHeight}`;
    new ResizeObserver(() => {
      const now = `${els.wrap.clientWidth}x${els.wrap.clientHeight}`;
      if (now !== size) (size = now), this.redraw();
    }).observe(els.wrap);
    window.addEventListener('hashchange', () => this.applyHash(location.hash));
    this.redraw();
  }

  private computeLayout(): Layout {
    return computeLayout(this.model, this.state.get().filters, Math.max(400, this.els.wrap.clientWidth - 2), this.els.wrap.clientHeight);
  }

  /** Full repaint (canvas, overlay, inspector, controls). */
  redraw(): void {
    this.layout = this.computeLayout();
    const data = this.state.get();
    this.paint(data);
    this.inspector.update(data);
    this.controls.sync(data);
  }

  private paint(data: ViewStateData, force = false): void {
    this.renderer.render(this.layout, data, force);
    this.overlay.update(this.layout, data, this.renderer.context);
    const counts = this.renderer.counts;
    const t = this.els.timeline.dataset;
    t.lanes = String(counts.lanes);
    t.arrows = String(counts.arrows + counts.aggregatedArrows);
    t.roleBands = String(counts.roleBands);
    t.crosses = String(counts.crosses);
    t.violationMarkers = String(counts.violationMarkers);
  }

  private onChange(data: ViewStateData, changed: ReadonlySet<ChangeKind>): void {
    if (changed.has('filters')) this.layout = this.computeLayout();
    if (changed.has('view') || changed.has('filters')) this.paint(data);
    else if (changed.has('cursor') || changed.has('selection')) this.overlay.update(this.layout, data, this.renderer.context);
    if (changed.has('cursor') || changed.has('selection') || changed.has('focus') || changed.has('filters')) this.inspector.update(data);
    this.controls.sync(data);
    if (changed.has('play') && data.playing) this.startPlayback();
    this.scheduleHash();
  }

  private startPlayback(): void {
    this.lastPlayFrame = performance.now();
    const frame = (now: number) => {
      if (!this.state.get().playing) return;
      this.actions.advancePlayback(Math.min(100, now - this.lastPlayFrame));
      this.lastPlayFrame = now;
      requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  }

  private scheduleHash(): void {
    if (this.hashTimer !== null) clearTimeout(this.hashTimer);
    this.hashTimer = setTimeout(() => {
      const d = this.state.get();
      history.replaceState(null, '', formatHash({ t: d.cursorT, node: d.focusNode ?? undefined, view: [d.t0, d.t1], selection: d.selection }));
    }, hashDelayMs);
  }

  private applyHash(hash: string): void {
    const h = parseHash(hash);
    if (h.view) this.actions.setView(h.view[0], h.view[1]);
    if (h.t !== undefined) this.actions.setCursorTime(h.t);
    if (h.node !== undefined) this.state.update({ focusNode: h.node });
    if (h.selection) this.state.update({ selection: h.selection });
    if (h.t !== undefined && !h.view) this.actions.keepInView(h.t);
  }

  private installMouse(): void {
    const svg = this.els.overlay;
    let drag: { x: number; t0: number; t1: number; moved: number } | null = null;
    svg.addEventListener('pointerdown', (e) => {
      const d = this.state.get();
      drag = { x: e.clientX, t0: d.t0, t1: d.t1, moved: 0 };
      svg.setPointerCapture(e.pointerId);
    });
    svg.addEventListener('pointermove', (e) => {
      if (drag === null) return;
      const dx = e.clientX - drag.x;
      drag.moved = Math.max(drag.moved, Math.abs(dx));
      if (drag.moved <= clickMovePxMax) return;
      const msPerPx = (drag.t1 - drag.t0) / (this.layout.plotRight - this.layout.plotLeft);
      this.actions.setView(drag.t0 - dx * msPerPx, drag.t1 - dx * msPerPx);
    });
    svg.addEventListener('pointerup', (e) => {
      if (drag !== null && drag.moved <= clickMovePxMax) this.click(e);
      drag = null;
    });
    svg.addEventListener('wheel', (e) => {
      e.preventDefault();
      if (Math.abs(e.deltaX) > Math.abs(e.deltaY)) return this.actions.pan(e.deltaX / (this.layout.plotRight - this.layout.plotLeft));
      this.actions.zoom(Math.exp(-e.deltaY * 0.002), this.timeAt(this.localPoint(e).x));
    }, { passive: false });
  }

  private localPoint(e: MouseEvent): { x: number; y: number } {
    const box = this.els.overlay.getBoundingClientRect();
    return { x: e.clientX - box.left, y: e.clientY - box.top };
  }

  private timeAt(x: number): number {
    const d = this.state.get();
    return d.t0 + ((x - this.layout.plotLeft) / (this.layout.plotRight - this.layout.plotLeft)) * (d.t1 - d.t0);
  }

  /** A click picks a moment, and the message, operation, fault or node under the pointer. */
  private click(e: MouseEvent): void {
    const { x, y } = this.localPoint(e);
    if (x < this.layout.plotLeft) return;
    this.actions.setCursorTime(this.timeAt(x));
    const dc = this.renderer.context;
    const message = this.renderer.picks.nearestMessage(x, y, pickRadiusPx);
    const op = dc === null ? null : opAt(dc, this.renderer.opIndex, x, y);
    const t = this.timeAt(x);
    const inFaults = y >= this.layout.faults.y && y < this.layout.faults.y + this.layout.faults.height;
    const fault = inFaults ? this.model.faults.findIndex((f) => f.start <= t && f.end >= t) : -1;
    if (message !== null) this.state.update({ selection: { kind: 'message', index: message } });
    else if (op !== null) this.state.update({ selection: { kind: 'op', index: op } });
    else if (fault >= 0) this.state.update({ selection: { kind: 'fault', index: fault } });
    else this.state.update({ selection: null });
    const lane = laneAt(this.layout, y);
    if (lane !== undefined) this.state.update({ focusNode: lane.lane.node });
  }

  /** The handle tests and the benchmark use (window.__kvlabViz). */
  testApi(): Record<string, unknown> {
    const frame = () => {
      this.state.flush();
      return this.renderer.lastFrameMs;
    };
    return {
      ready: true,
      problems: this.model.problems.map(problemText),
      counts: () => ({ ...this.renderer.counts }),
      violationLabels: () => this.renderer.violationLabels.map((box) => ({ ...box })),
      lastFrameMs: () => this.renderer.lastFrameMs,
      lastFrameShifted: () => this.renderer.lastFrameShifted,
      /** Redraws everything now (no shifted layer); returns the frame time. */
      redrawNow: () => (this.paint(this.state.get(), true), this.renderer.lastFrameMs),
      view: () => {
        const d = this.state.get();
        return { t0: d.t0, t1: d.t1, cursorT: d.cursorT, cursorEvent: d.cursorEvent, selection: d.selection, focusNode: d.focusNode, playing: d.playing };
      },
      eventCount: this.model.events.count,
      setCursorTime: (t: number) => (this.actions.setCursorTime(t), frame()),
      step: (direction: 1 | -1, byKind = false) => (this.actions.step(direction, byKind), frame()),
      setStepKind: (kind: string) => (this.state.update({ stepKind: kind }), frame()),
      panBy: (px: number) => (this.actions.pan(px / (this.layout.plotRight - this.layout.plotLeft)), frame()),
      zoom: (factor: number) => (this.actions.zoom(factor), frame()),
      fit: () => (this.actions.fit(), frame()),
      jumpToViolation: () => (this.actions.jumpToViolation(0), frame()),
      selectMessage: (index: number) => (this.state.update({ selection: { kind: 'message', index } }), frame()),
    };
  }
}
