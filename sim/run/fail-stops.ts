// A node that stops itself (KvNode's fail path: node.fatal, onFatal) is either doing its job or hiding a
// bug. Detecting what it cannot safely go on from is correct: a damaged WAL or snapshot, an engine file
// damaged on disk, a disk that failed an I/O (the simulator injects all of these). Those are errors the
// world causes, and kvlab reports them as KvlabError (StorageCorruption, corruptSnapshot, storageFailed,
// unstableRead, ...) or DiskError. Anything else is a bug: a failed assertion (AssertionFailure), or a
// TypeError or RangeError from kvlab's own code. Such a stop fails the run under `assertions`.
import { DiskError } from '../../core/env/disk.ts';
import { KvlabError } from '../../core/types.ts';

export type FailStopKind = 'expected' | 'bug';

/** Causes followed (error.cause) before judging: storageFailed wraps whatever stopped the storage. */
const causeDepthMax = 8;

export function failStopKind(error: Error): FailStopKind {
  let current: unknown = error;
  for (let depth = 0; depth < causeDepthMax && current instanceof Error; depth++) {
    if (!(current instanceof KvlabError || current instanceof DiskError)) return 'bug';
    current = current.cause;
  }
  return 'expected';
}

/** A node's stop that was a bug, for the `assertions` check. */
export interface FailStopBug {
  readonly node: number;
  readonly atMs: number;
  readonly message: string;
}

/** The `assertions` detail for the bugs found (the first in full, the rest counted). */
export function describeFailStopBugs(bugs: readonly FailStopBug[]): string {
  const first = bugs[0];
  const more = bugs.length > 1 ? ` (and ${bugs.length - 1} more node stops of the kind)` : '';
  return `node ${first.node} stopped at ${first.atMs} ms on ${first.message}${more}`;
}
