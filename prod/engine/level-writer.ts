// The serial, ordered path from the engine's synchronous writes to LevelDB. At most one LevelDB batch
// is in flight; writes that arrive meanwhile wait and then leave together as one batch (group commit),
// so one fsync covers many applied commands. Every LevelDB batch also records the applied index of its
// last job, so the applied index and the data it describes are always on disk together.
//
// A failed LevelDB write stops the writer for good (fail-stop): the durable index stops advancing,
// flush callbacks get the error, and the host is told through onFailure. Memory stays correct, but the
// node must stop and restart, replaying from its Raft log beyond durableAppliedIndex().
import type { BatchOperation, ClassicLevel } from 'classic-level';
import type { FlushCallback } from '../../core/kv/engine.ts';
import { assert } from '../../core/types.ts';
import { appliedKey, encodeIndex } from './level-format.ts';

/**
 * One LevelDB operation. `session` (a client id) marks a session record's op: a grouped batch keeps only
 * the last op per session, since every write of a client rewrites its one session record.
 */
export type LevelOp =
  | { readonly type: 'put'; readonly key: Buffer; readonly value: Buffer; readonly session?: string }
  | { readonly type: 'del'; readonly key: Buffer; readonly session?: string };

export interface WriteJob {
  readonly seq: number;
  readonly ops: readonly LevelOp[];
  readonly appliedIndex: number;
  readonly sync: boolean;
  /** Keys whose values this job writes: the engine's in-memory overlay may drop them once written. */
  readonly putKeys: readonly string[];
}

export interface LevelWriterOptions {
  /** Ops merged into one LevelDB batch, beyond which jobs wait for the next one (one big job goes alone). */
  readonly batchOpsMax: number;
  readonly onWritten: (jobs: readonly WriteJob[]) => void;
  readonly onFailure: (error: Error) => void;
}

/** Runs between batches once jobs up to `afterSeq` are in LevelDB and no later one is (see atBoundary). */
interface Boundary {
  readonly afterSeq: number;
  readonly run: (error: Error | null) => void;
}

interface FlushWaiter {
  readonly seq: number;
  readonly done: FlushCallback;
}

export class LevelWriter {
  private readonly queue: WriteJob[] = [];
  private readonly waiters: FlushWaiter[] = [];
  private readonly boundaries: Boundary[] = [];
  private inFlight = false;
  private failureError: Error | null = null;
  private enqueuedSeq = 0;
  private durableSeq = 0;
  /** The seq of the last job in LevelDB (in its memtable: readable, not necessarily durable). */
  private writtenSeq = 0;
  private durableApplied: number;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly db: ClassicLevel<Buffer, Buffer>,
    appliedOnDisk: number,
    private readonly options: LevelWriterOptions,
  ) {
    this.durableApplied = appliedOnDisk;
  }

  enqueue(job: WriteJob): void {
    assert(job.seq > this.enqueuedSeq, () => `write job ${job.seq} is not after ${this.enqueuedSeq}`);
    this.enqueuedSeq = job.seq;
    if (this.failureError !== null) return; // fail-stop: nothing more reaches the disk
    this.queue.push(job);
    this.kick();
  }

  /** Calls `done` once every job enqueued so far is durable (or with the writer's failure). */
  flushAfter(seq: number, done: FlushCallback): void {
    if (this.failureError !== null) {
      const error = this.failureError;
      setImmediate(() => done(error));
    } else if (this.durableSeq >= seq) setImmediate(() => done(null));
    else this.waiters.push({ seq, done });
  }

  /**
   * Calls `run` synchronously at the point where every job enqueued so far is in LevelDB and no later
   * job is: an iterator opened inside `run` reads exactly the state those jobs describe. Later jobs wait
   * for `run` to return (it must be quick). On the writer's failure `run` gets the error instead.
   */
  atBoundary(run: (error: Error | null) => void): void {
    if (this.failureError !== null) return run(this.failureError);
    if (!this.inFlight && this.queue.length === 0) return run(null);
    this.boundaries.push({ afterSeq: this.enqueuedSeq, run });
  }

  /** The seq of the last job known durable. */
  durableSequence(): number {
    return this.durableSeq;
  }

  durableAppliedIndex(): number {
    return this.durableApplied;
  }

  /** The LevelDB error that stopped the writer, if any. */
  failure(): Error | null {
    return this.failureError;
  }

  pendingJobs(): number {
    return this.queue.length + (this.inFlight ? 1 : 0);
  }

  /** Resolves once nothing is queued or in flight. */
  idle(): Promise<void> {
    if (!this.inFlight && (this.queue.length === 0 || this.failureError !== null)) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private kick(): void {
    if (this.inFlight || this.failureError !== null) return;
    this.runBoundaries();
    if (this.queue.length === 0) return;
    const jobs = this.takeBatch();
    const last = jobs[jobs.length - 1];
    const ops = mergedOps(jobs);
    ops.push({ type: 'put', key: appliedKey, value: encodeIndex(last.appliedIndex) });
    const sync = jobs.some((job) => job.sync);
    this.inFlight = true;
    writeBatch(this.db, ops, sync).then(
      () => this.written(jobs, sync),
      (error: unknown) => this.failed(error instanceof Error ? error : new Error(String(error))),
    );
  }

  private takeBatch(): WriteJob[] {
    let ops = 0;
    let count = 0;
    // Jobs after a pending boundary wait for it: the boundary must see LevelDB without them.
    const seqMax = this.boundaries.length > 0 ? this.boundaries[0].afterSeq : Number.POSITIVE_INFINITY;
    while (count < this.queue.length && this.queue[count].seq <= seqMax) {
      const next = this.queue[count].ops.length;
      if (count > 0 && ops + next > this.options.batchOpsMax) break;
      ops += next;
      count += 1;
    }
    return this.queue.splice(0, count);
  }

  private written(jobs: readonly WriteJob[], sync: boolean): void {
    this.inFlight = false;
    const last = jobs[jobs.length - 1];
    this.writtenSeq = last.seq;
    if (sync) {
      // LevelDB's log is sequential: a synced batch makes every earlier batch durable too.
      this.durableSeq = last.seq;
      this.durableApplied = last.appliedIndex;
    }
    this.options.onWritten(jobs);
    this.releaseWaiters();
    this.kick();
    this.notifyIdle();
  }

  private failed(error: Error): void {
    this.inFlight = false;
    this.failureError = error;
    this.queue.length = 0;
    this.releaseWaiters();
    this.runBoundaries();
    this.notifyIdle();
    this.options.onFailure(error);
  }

  private runBoundaries(): void {
    while (this.boundaries.length > 0 && (this.failureError !== null || this.boundaries[0].afterSeq <= this.writtenSeq)) {
      this.boundaries.shift()!.run(this.failureError);
    }
  }

  private releaseWaiters(): void {
    let kept = 0;
    for (const waiter of this.waiters) {
      if (this.failureError !== null) waiter.done(this.failureError);
      else if (waiter.seq <= this.durableSeq) waiter.done(null);
      else this.waiters[kept++] = waiter;
    }
    this.waiters.length = kept;
  }

  private notifyIdle(): void {
    if (this.inFlight || (this.queue.length > 0 && this.failureError === null)) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}

/**
 * One LevelDB batch. Our ops are already what LevelDB stores (Buffer keys and values, no hooks, no
 * listeners), so they go straight to classic-level's own batch (abstract-level's `_batch`, the method a
 * store implements) when it has one: the public batch() clones, validates and re-encodes every op,
 * which was about a tenth of a node's CPU under write load. The writer only runs while the db is open.
 */
function writeBatch(db: ClassicLevel<Buffer, Buffer>, ops: LevelOp[], sync: boolean): Promise<void> {
  const direct = (db as unknown as { _batch?: (ops: LevelOp[], options: { sync: boolean }) => Promise<void> })._batch;
  if (typeof direct === 'function') return direct.call(db, ops, { sync });
  return db.batch(ops as Array<BatchOperation<ClassicLevel<Buffer, Buffer>, Buffer, Buffer>>, { sync });
}

/** The jobs' ops in order, a session's later op replacing its earlier one (same key: last one wins). */
function mergedOps(jobs: readonly WriteJob[]): LevelOp[] {
  const ops: LevelOp[] = [];
  const sessionAt = new Map<string, number>();
  for (const job of jobs) {
    for (const op of job.ops) {
      if (op.session !== undefined) {
        const at = sessionAt.get(op.session);
        if (at !== undefined) {
          ops[at] = op;
          continue;
        }
        sessionAt.set(op.session, ops.length);
      }
      ops.push(op);
    }
  }
  return ops;
}
