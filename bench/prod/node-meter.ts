// Reads what node-meter.mjs recorded in a node process and reduces it to a load window: the WAL's
// fdatasync count and call-to-callback latency, and the event loop's utilisation.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WindowUs } from './cpuprofile.ts';
import { latencySummary, type LatencySummary } from './latency.ts';

export const NODE_METER_PRELOAD = fileURLToPath(new URL('./node-meter.mjs', import.meta.url));
/** The environment variable naming the directory node-meter.mjs writes to. */
export const NODE_METER_DIR_ENV = 'KVLAB_BENCH_METER_DIR';
/** Comma-separated Raft ports: socket writes on them count as peer traffic. */
export const NODE_METER_RAFT_PORTS_ENV = 'KVLAB_BENCH_RAFT_PORTS';

/** [atUs, idleMs, activeMs, peerWrites, peerBytes, clientWrites, clientBytes], cumulative. */
type MeterSample = readonly [number, number, number, number, number, number, number];

interface MeterFile {
  readonly calls: ReadonlyArray<readonly [number, number, string]>;
  readonly elu: readonly MeterSample[];
  /** [atUs, lateUs]: event-loop turns the 1 ms probe saw start 5+ ms late (older meter files lack it). */
  readonly gaps?: ReadonlyArray<readonly [number, number]>;
  /** [startUs, durationUs, kind]: garbage-collection pauses. */
  readonly gcs?: ReadonlyArray<readonly [number, number, number]>;
}

/** Pauses of one kind (event-loop gaps or GC) in a window. */
export interface Pauses {
  readonly count: number;
  readonly totalMs: number;
  readonly maxMs: number;
  /** Pauses of 20 ms or more. */
  readonly over20Ms: number;
}

export interface SocketWrites {
  readonly peerWrites: number;
  readonly peerBytes: number;
  readonly clientWrites: number;
  readonly clientBytes: number;
}

export interface MeterWindow {
  readonly fdatasyncs: number;
  readonly fdatasyncLatency: LatencySummary;
  /** Share of the window in which at least one fdatasync was in flight (0..1). */
  readonly fdatasyncBusy: number;
  /** Event-loop utilisation over the window (0..1), or null without samples around it. */
  readonly eventLoopUtilisation: number | null;
  /** socket.write calls and bytes in the window, or null without samples around it. */
  readonly socketWrites: SocketWrites | null;
  /** Event-loop turns that started 5+ ms late, or null for a meter file without them. */
  readonly gaps: Pauses | null;
  /** GC pauses, or null for a meter file without them. */
  readonly gcs: Pauses | null;
}

function pauses(durationsUs: readonly number[]): Pauses {
  let totalUs = 0;
  let maxUs = 0;
  let over20Ms = 0;
  for (const us of durationsUs) {
    totalUs += us;
    maxUs = Math.max(maxUs, us);
    if (us >= 20_000) over20Ms++;
  }
  return { count: durationsUs.length, totalMs: totalUs / 1000, maxMs: maxUs / 1000, over20Ms };
}

const inWindow = (atUs: number, window: WindowUs) => atUs >= window.fromUs && atUs < window.toUs;

export function readMeter(dir: string, pid: number): MeterFile | null {
  const path = join(dir, `meter-${pid}.json`);
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as MeterFile) : null;
}

/** Union length of [start, start + duration) intervals clipped to the window. */
function busyUs(intervals: ReadonlyArray<readonly [number, number]>, window: WindowUs): number {
  const sorted = [...intervals].sort((a, b) => a[0] - b[0]);
  let total = 0;
  let coveredTo = window.fromUs;
  for (const [start, duration] of sorted) {
    const from = Math.max(start, coveredTo);
    const to = Math.min(start + duration, window.toUs);
    if (to > from) {
      total += to - from;
      coveredTo = to;
    }
  }
  return total;
}

/** The last sample at or before the window's start and the first at or after its end. */
function bracket(samples: readonly MeterSample[], window: WindowUs): [MeterSample, MeterSample] | null {
  const before = [...samples].reverse().find(([atUs]) => atUs <= window.fromUs);
  const after = samples.find(([atUs]) => atUs >= window.toUs);
  return before && after ? [before, after] : null;
}

function utilisation([before, after]: [MeterSample, MeterSample]): number | null {
  const idle = after[1] - before[1];
  const active = after[2] - before[2];
  return idle + active > 0 ? active / (idle + active) : null;
}

function socketWrites([before, after]: [MeterSample, MeterSample]): SocketWrites {
  return { peerWrites: after[3] - before[3], peerBytes: after[4] - before[4], clientWrites: after[5] - before[5], clientBytes: after[6] - before[6] };
}

export function meterWindow(meter: MeterFile, window: WindowUs): MeterWindow {
  const samples = bracket(meter.elu, window);
  const syncs = meter.calls.filter(([startUs, , kind]) => kind === 'fdatasync' && startUs >= window.fromUs && startUs < window.toUs);
  return {
    fdatasyncs: syncs.length,
    fdatasyncLatency: latencySummary(syncs.map(([, us]) => us / 1000)),
    fdatasyncBusy: busyUs(syncs.map(([start, duration]) => [start, duration] as const), window) / (window.toUs - window.fromUs),
    eventLoopUtilisation: samples === null ? null : utilisation(samples),
    socketWrites: samples === null ? null : socketWrites(samples),
    gaps: meter.gaps ? pauses(meter.gaps.filter(([atUs]) => inWindow(atUs, window)).map(([, lateUs]) => lateUs)) : null,
    gcs: meter.gcs ? pauses(meter.gcs.filter(([startUs]) => inWindow(startUs, window)).map(([, us]) => us)) : null,
  };
}
