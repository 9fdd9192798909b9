// Directory changes that still need an fsyncDir (segment creation and removal, snapshot renames, the
// data directories themselves). Shared by the WAL and the snapshot store: a flush starts an fsyncDir
// for every pending directory and also waits for the ones another caller already started, so nobody
// relies on a directory entry whose fsyncDir has not completed.
import type { Disk, DiskError } from '../env/disk.ts';

interface InFlight {
  readonly listeners: Array<(error: DiskError | null) => void>;
}

export class DirSyncs {
  private readonly pending = new Set<string>();
  private readonly inFlight = new Set<InFlight>();

  constructor(private readonly disk: Disk) {}

  add(dir: string): void {
    this.pending.add(dir);
  }

  /** No directory change waits for, or is in, an fsyncDir. */
  idle(): boolean {
    return this.pending.size === 0 && this.inFlight.size === 0;
  }

  /** Calls `done` once every directory change made so far is durable (or with the first error). */
  flush(done: (error: DiskError | null) => void): void {
    const waitFor = [...this.inFlight];
    for (const dir of this.pending) waitFor.push(this.start(dir));
    this.pending.clear();
    if (waitFor.length === 0) {
      done(null);
      return;
    }
    let left = waitFor.length;
    let firstError: DiskError | null = null;
    for (const op of waitFor) {
      op.listeners.push((error) => {
        firstError ??= error;
        if (--left === 0) done(firstError);
      });
    }
  }

  private start(dir: string): InFlight {
    const op: InFlight = { listeners: [] };
    this.inFlight.add(op);
    this.disk.fsyncDir(dir, (error) => {
      this.inFlight.delete(op);
      if (error !== null) this.pending.add(dir);
      for (const listener of op.listeners) listener(error);
    });
    return op;
  }
}
