// Sweep progress on stderr: a live bar with rate and ETA on a terminal, otherwise a plain line now and
// then (CI logs should not fill with carriage returns).
import type { SweepProgress } from './sweep-types.ts';

export interface ProgressStream {
  readonly isTTY?: boolean;
  readonly columns?: number;
  write(text: string): unknown;
}

/** Redraw the bar at most this often. */
const barEveryMs = 100;
/** Plain lines at most this often, and at least every tenth of the sweep. */
const lineEveryMs = 10_000;
const barWidthMax = 30;

export class ProgressReporter {
  private lastDrawMs = Number.NEGATIVE_INFINITY;
  private lastTenth = 0;
  private drawn = false;

  constructor(private readonly stream: ProgressStream, private readonly label: string) {}

  update(p: SweepProgress): void {
    if (this.stream.isTTY) {
      if (p.elapsedMs - this.lastDrawMs < barEveryMs && p.done < p.total) return;
      this.lastDrawMs = p.elapsedMs;
      this.drawn = true;
      this.stream.write(`\r${fit(bar(p, this.label), this.stream.columns)}\x1b[K`);
      return;
    }
    const tenth = Math.floor((p.done * 10) / p.total);
    if (p.elapsedMs - this.lastDrawMs < lineEveryMs && tenth === this.lastTenth && p.done < p.total) return;
    this.lastDrawMs = p.elapsedMs;
    this.lastTenth = tenth;
    this.stream.write(`${plainLine(p, this.label)}\n`);
  }

  /** Ends the bar's line so that what follows starts on a fresh one. */
  finish(): void {
    if (this.drawn) this.stream.write('\n');
    this.drawn = false;
  }
}

export function bar(p: SweepProgress, label: string): string {
  const filled = p.total === 0 ? barWidthMax : Math.round((p.done / p.total) * barWidthMax);
  const meter = `[${'#'.repeat(filled)}${'.'.repeat(barWidthMax - filled)}]`;
  return `${label} ${meter} ${counts(p)}  ${rate(p)}  ETA ${eta(p)}${p.failed ? `  ${p.failed} failed` : ''}`;
}

export function plainLine(p: SweepProgress, label: string): string {
  return `${label}: ${counts(p)}, ${rate(p)}, ETA ${eta(p)}, ${p.failed} failed`;
}

function counts(p: SweepProgress): string {
  return `${p.done}/${p.total} seeds (${p.total ? Math.floor((p.done * 100) / p.total) : 100}%)`;
}

function rate(p: SweepProgress): string {
  const perSecond = p.elapsedMs > 0 ? (p.done * 1000) / p.elapsedMs : 0;
  return `${perSecond.toFixed(perSecond < 10 ? 1 : 0)} seeds/s`;
}

function eta(p: SweepProgress): string {
  if (p.done === 0) return '?';
  return formatDuration(((p.total - p.done) * p.elapsedMs) / p.done);
}

export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

function fit(text: string, columns: number | undefined): string {
  return columns && text.length >= columns ? text.slice(0, columns - 1) : text;
}
