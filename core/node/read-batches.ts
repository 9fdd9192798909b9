// Linearizable reads share ReadIndex rounds: at most one ReadIndex request is in flight per group, and
// the reads that arrive meanwhile wait and go together in the next one (etcd's linearizable read
// loop). A batch is safe for every read in it because each read arrived before the batch's request
// was made, so the read index Raft returns is at least the commit index at each read's arrival.
// A request can vanish (the leader changed, the message was dropped): after `retryTicks` without its
// ReadState the batch's reads go again in a new request.
// Contexts must be unique across nodes and across restarts of one node: the leader answers a request
// whose context is already pending with that pending request's read index, and a node that restarted
// may still get answers (pending on the leader, or delayed in the network) to its previous life's
// requests. A context that repeated would match such an answer and serve a read index taken before the
// read arrived: a stale read. So every context starts with the replica's per-incarnation session id.
import { assert } from '../types.ts';

interface Batch {
  readonly context: string;
  readonly keys: readonly string[];
  ticks: number;
}

export class ReadBatches {
  private unsent: string[] = [];
  private inFlight: Batch | undefined = undefined;
  private batchSeq = 0;

  /** `contextPrefix` must differ between nodes and between incarnations of one node (see above). */
  constructor(
    private readonly retryTicks: number,
    private readonly contextPrefix: string,
  ) {
    assert(retryTicks >= 1, 'read batch retry ticks must be >= 1');
  }

  /** A read (its pending-request key) waits for the next batch. */
  add(key: string): void {
    this.unsent.push(key);
  }

  /**
   * Starts a batch of the waiting reads still `live` if none is in flight; returns the ReadIndex
   * context to request, or undefined when there is nothing to start.
   */
  start(live: (key: string) => boolean): string | undefined {
    if (this.inFlight !== undefined || this.unsent.length === 0) return undefined;
    const keys = this.unsent.filter(live);
    this.unsent = [];
    if (keys.length === 0) return undefined;
    const context = `${this.contextPrefix}/b/${++this.batchSeq}`;
    this.inFlight = { context, keys, ticks: 0 };
    return context;
  }

  /** The reads a ReadState with `context` answers (none if it is not the batch in flight). */
  answered(context: string): readonly string[] {
    const batch = this.inFlight;
    if (batch === undefined || batch.context !== context) return [];
    this.inFlight = undefined;
    return batch.keys;
  }

  /** Counts a tick; a batch in flight for `retryTicks` is given up and its reads wait again, first. */
  tick(): void {
    const batch = this.inFlight;
    if (batch === undefined || ++batch.ticks < this.retryTicks) return;
    this.inFlight = undefined;
    this.unsent = [...batch.keys, ...this.unsent];
  }

  /**
   * Forgets every read, in flight or waiting: leadership changed and they were all answered (failed,
   * retryably). A late ReadState for the dropped batch then matches nothing, and the next read goes
   * out at once instead of waiting for the old request to be given up.
   */
  clear(): void {
    this.inFlight = undefined;
    this.unsent = [];
  }

  /** Reads waiting or in flight (a bound check for tests). */
  size(): number {
    return this.unsent.length + (this.inFlight?.keys.length ?? 0);
  }
}
