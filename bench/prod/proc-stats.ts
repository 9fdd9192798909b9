// CPU time of a process from /proc/<pid>/stat (Linux): how busy a node really was during a load window,
// which a CPU profile alone cannot tell on a shared machine (a descheduled thread is not sampled).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

let clockTicksPerSec: number | undefined;

function ticksPerSec(): number {
  if (clockTicksPerSec === undefined) {
    try {
      clockTicksPerSec = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8', timeout: 5_000 }).trim()) || 100;
    } catch {
      clockTicksPerSec = 100;
    }
  }
  return clockTicksPerSec;
}

/** User + system CPU milliseconds the process used so far, or null if it is gone (or not Linux). */
export function processCpuMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After "pid (comm) ": state is field 3 of proc(5), utime 14 and stime 15.
    const utime = Number(fields[14 - 3]);
    const stime = Number(fields[15 - 3]);
    return ((utime + stime) * 1000) / ticksPerSec();
  } catch {
    return null;
  }
}

export interface ProcessIo {
  /** read-like and write-like system calls (files, sockets, pipes): see proc(5), /proc/<pid>/io. */
  readonly syscr: number;
  readonly syscw: number;
  /** Bytes this process caused to be sent to the storage layer. */
  readonly writeBytes: number;
}

export function processIo(pid: number): ProcessIo | null {
  try {
    const fields = new Map<string, number>();
    for (const line of readFileSync(`/proc/${pid}/io`, 'utf8').split('\n')) {
      const [name, value] = line.split(':');
      if (value !== undefined) fields.set(name.trim(), Number(value.trim()));
    }
    return { syscr: fields.get('syscr') ?? 0, syscw: fields.get('syscw') ?? 0, writeBytes: fields.get('write_bytes') ?? 0 };
  } catch {
    return null;
  }
}

/**
 * Milliseconds the process's main thread (the event loop) has spent runnable but waiting for a CPU, from
 * /proc/<pid>/schedstat (field 2, nanoseconds on the run queue), or null if unavailable: on a shared
 * machine, the part of a latency tail that is the scheduler's, not the node's.
 */
export function mainThreadRunQueueMs(pid: number): number | null {
  try {
    const waitNs = Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[1]);
    return Number.isFinite(waitNs) ? waitNs / 1e6 : null;
  } catch {
    return null;
  }
}
