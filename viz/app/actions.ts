// Everything a control, a shortcut or a test can do to the view: move the cursor, step through
// events, zoom, pan, play, search, jump to the violation. Each only updates the ViewState.
import { eventAtTime, stepEvent } from '../model/event-table.ts';
import type { TimelineModel } from '../model/timeline-model.ts';
import type { ViewState, ViewStateData } from './view-state.ts';

/** Narrowest window: 20 µs across the whole width. */
const spanMsMin = 0.02;
const speedLog10Min = -3;
const speedLog10Max = 3;
const matchesMax = 1_000_000;

export class Actions {
  private searchQuery = '';
  private searchMatches: Int32Array = new Int32Array(0);

  constructor(private readonly model: TimelineModel, private readonly state: ViewState) {}

  private get data(): ViewStateData {
    return this.state.get();
  }

  get fullSpan(): [number, number] {
    return [this.model.startT, Math.max(this.model.endT, this.model.startT + spanMsMin)];
  }

  setView(t0: number, t1: number): void {
    const [start, end] = this.fullSpan;
    const spanMax = (end - start) * 1.1;
    let span = Math.min(spanMax, Math.max(spanMsMin, t1 - t0));
    const center = (t0 + t1) / 2;
    let a = center - span / 2;
    const slack = (end - start) * 0.05;
    a = Math.max(start - slack, Math.min(a, end + slack - span));
    if (span >= spanMax) span = spanMax;
    this.state.update({ t0: a, t1: a + span });
  }

  fit(): void {
    const [start, end] = this.fullSpan;
    const pad = (end - start) * 0.01;
    this.setView(start - pad, end + pad);
  }

  zoom(factor: number, aroundT = (this.data.t0 + this.data.t1) / 2): void {
    const { t0, t1 } = this.data;
    this.setView(aroundT - (aroundT - t0) / factor, aroundT + (t1 - aroundT) / factor);
  }

  /** Shifts the window by a fraction of its width (positive: later). */
  pan(fraction: number): void {
    const { t0, t1 } = this.data;
    const shift = (t1 - t0) * fraction;
    this.setView(t0 + shift, t1 + shift);
  }

  setCursorTime(t: number): void {
    const [start, end] = this.fullSpan;
    const clamped = Math.max(start, Math.min(end, t));
    this.state.update({ cursorT: clamped, cursorEvent: eventAtTime(this.model.events, clamped) });
  }

  setCursorEvent(index: number, follow = true): void {
    if (index < 0 || index >= this.model.events.count) return;
    this.state.update({ cursorEvent: index, cursorT: this.model.events.t[index] });
    if (follow) this.keepInView(this.model.events.t[index]);
  }

  /** Pans (never zooms) so that `t` is visible. */
  keepInView(t: number): void {
    const { t0, t1 } = this.data;
    const span = t1 - t0;
    if (t < t0 + span * 0.02 || t > t1 - span * 0.02) this.setView(t - span * 0.3, t + span * 0.7);
  }

  /** Next (1) or previous (-1) event; `byKind` restricts it to the chosen step kind. Hidden nodes are skipped. */
  step(direction: 1 | -1, byKind = false): void {
    const { events } = this.model;
    const hidden = this.data.filters.hiddenNodes;
    const kindCode = byKind && this.data.stepKind !== '' ? events.kinds.indexOf(this.data.stepKind) : -1;
    const accept = (i: number) => (kindCode < 0 || events.kindCode[i] === kindCode) && !hidden.has(events.node[i]);
    const next = stepEvent(events, this.data.cursorEvent, direction, accept);
    if (next >= 0) this.setCursorEvent(next);
  }

  togglePlay(): void {
    const playing = !this.data.playing;
    if (playing && this.data.cursorT >= this.model.endT) this.setCursorTime(this.model.startT);
    this.state.update({ playing });
  }

  /** Advances playback by `realMs` of wall time. */
  advancePlayback(realMs: number): void {
    const t = this.data.cursorT + realMs * 10 ** this.data.speedLog10;
    if (t >= this.model.endT) {
      this.setCursorTime(this.model.endT);
      this.state.update({ playing: false });
      return;
    }
    this.setCursorTime(t);
    this.keepInView(t);
  }

  setSpeed(log10: number): void {
    this.state.update({ speedLog10: Math.max(speedLog10Min, Math.min(speedLog10Max, log10)) });
  }

  jumpToViolation(which = 0): boolean {
    const violation = this.model.violations[which];
    if (violation === undefined) return false;
    let start = violation.t;
    let end = violation.t;
    for (const op of violation.resolved) {
      start = Math.min(start, op.start);
      end = Math.max(end, op.end);
    }
    const pad = Math.max((end - start) * 0.15, (this.model.endT - this.model.startT) * 0.005);
    this.setView(start - pad, end + pad);
    const index = violation.eventIndex >= 0 ? violation.eventIndex : eventAtTime(this.model.events, violation.t);
    this.state.update({ cursorT: violation.t, cursorEvent: index, selection: { kind: 'violation', index: which } });
    return true;
  }

  /** Moves to the next (or previous) event whose line contains `query` (any case); returns [match number, matches]. */
  search(query: string, direction: 1 | -1): [number, number] {
    if (query !== this.searchQuery) {
      this.searchQuery = query;
      this.searchMatches = this.findAll(query);
    }
    const matches = this.searchMatches;
    if (matches.length === 0) return [0, 0];
    const cursor = this.data.cursorEvent;
    let k = direction === 1 ? matches.findIndex((i) => i > cursor) : findLastIndex(matches, (i) => i < cursor);
    if (k < 0) k = direction === 1 ? 0 : matches.length - 1; // wrap around
    this.setCursorEvent(matches[k]);
    return [k + 1, matches.length];
  }

  private findAll(query: string): Int32Array {
    if (query.length === 0) return new Int32Array(0);
    const pattern = new RegExp(query.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i');
    const found: number[] = [];
    const lines = this.model.events.lines;
    for (let i = 0; i < lines.length && found.length < matchesMax; i += 1) if (pattern.test(lines[i])) found.push(i);
    return Int32Array.from(found);
  }
}

function findLastIndex(values: Int32Array, accept: (value: number) => boolean): number {
  for (let i = values.length - 1; i >= 0; i -= 1) if (accept(values[i])) return i;
  return -1;
}
