// Crash points: crash a node right after its k-th mutating disk operation (append, write, truncate,
// fsync, create, rename, remove, directory fsync), then restart it. Sweeping k walks a crash through
// every step of the write path — before and after fsync, mid-segment, mid-rotation, mid-snapshot —
// which random crashes reach only by luck.
import type { Disk } from '../../core/env/disk.ts';
import type { NodeId } from '../../core/types.ts';

export interface CrashPoint {
  readonly node: NodeId;
  /** Crash right after this many mutating disk operations of the node (counted across restarts). */
  readonly afterDiskOps: number;
  /** Restart this long after the crash. */
  readonly restartAfterMs: number;
}

const mutating = new Set(['append', 'writeAt', 'truncate', 'fsync', 'rename', 'remove', 'fsyncDir', 'mkdir']);

/** Wraps `disk` so that `onOp(count, op)` runs after each mutating operation. */
export function countingDisk(disk: Disk, onOp: (count: number, op: string) => void): Disk {
  let count = 0;
  return new Proxy(disk, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      const name = String(prop);
      const counts = mutating.has(name) || name === 'open';
      return (...args: unknown[]) => {
        const result = (value as (...a: unknown[]) => unknown).apply(target, args);
        if (counts && (name !== 'open' || args[1] === 'create')) onOp(++count, name);
        return result;
      };
    },
  });
}
