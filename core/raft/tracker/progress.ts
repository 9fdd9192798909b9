// The leader's view of one follower's log (etcd's Progress): how far it matches, what to send next,
// and how to send it. probe: one append at a time until a match is found; replicate: stream appends
// within the inflight window; snapshot: entries it needs are compacted, a snapshot is being sent.
import type { Snapshot } from '../types.ts';
import { Inflights } from './inflights.ts';

export type ProgressState = 'probe' | 'replicate' | 'snapshot';

/** The chunked transfer of one snapshot to one follower. */
export interface SnapshotTransfer {
  readonly snapshot: Snapshot;
  /** Bytes sent so far (the next chunk starts here). */
  sentBytes: number;
  /** Bytes the follower acknowledged having assembled. */
  ackedBytes: number;
  /** Leader ticks since the last acknowledgement; the transfer restarts after snapshotStallTicksMax. */
  stallTicks: number;
  /** Whether any chunk was sent (an empty snapshot still needs one). */
  started: boolean;
  /** Where the last rejection rewound the transfer to (-1: none since the last acknowledgement). */
  rewoundTo: number;
}

export class Progress {
  match = 0;
  next: number;
  state: ProgressState = 'probe';
  /** snapshot state: the index of the snapshot being sent. */
  pendingSnapshot = 0;
  /** Heard from since the last check-quorum round. */
  recentActive = false;
  /** probe state: an append is outstanding; wait for its answer or the next heartbeat answer. */
  msgAppFlowPaused = false;
  readonly inflights: Inflights;
  isLearner: boolean;
  transfer: SnapshotTransfer | undefined = undefined;
  /** Lease reads: the latest leader tick at which this follower was sent a heartbeat it acknowledged. */
  leaseAckTick = -1;
  /** The highest commit index sent to this follower (an empty append is only worth sending above it). */
  sentCommit = 0;

  constructor(next: number, isLearner: boolean, inflightMsgsMax: number, inflightBytesMax: number) {
    this.next = next;
    this.isLearner = isLearner;
    this.inflights = new Inflights(inflightMsgsMax, inflightBytesMax);
  }

  private resetState(state: ProgressState): void {
    this.msgAppFlowPaused = false;
    this.pendingSnapshot = 0;
    this.state = state;
    this.transfer = undefined;
    this.inflights.reset();
  }

  becomeProbe(): void {
    // After a snapshot, assume it arrived: probe right after it (a rejection moves next back).
    const afterSnapshot = this.state === 'snapshot' ? this.pendingSnapshot + 1 : 0;
    this.resetState('probe');
    this.next = Math.max(this.match + 1, afterSnapshot);
  }

  becomeReplicate(): void {
    this.resetState('replicate');
    this.next = this.match + 1;
  }

  becomeSnapshot(snapshot: Snapshot): void {
    this.resetState('snapshot');
    this.pendingSnapshot = snapshot.metadata.index;
    this.transfer = { snapshot, sentBytes: 0, ackedBytes: 0, stallTicks: 0, started: false, rewoundTo: -1 };
  }

  /** An acknowledgement of `index`: returns whether match moved. */
  maybeUpdate(index: number): boolean {
    if (this.next < index + 1) this.next = index + 1;
    if (this.match >= index) return false;
    this.match = index;
    this.msgAppFlowPaused = false;
    return true;
  }

  /**
   * The follower rejected an append after `rejected`; `matchHint` is where it suggests probing.
   * Returns false for a stale rejection (one we already moved past).
   */
  maybeDecrTo(rejected: number, matchHint: number): boolean {
    if (this.state === 'replicate') {
      if (rejected <= this.match) return false;
      this.next = this.match + 1;
      return true;
    }
    if (this.next - 1 !== rejected) return false;
    this.next = Math.max(Math.min(rejected, matchHint + 1), this.match + 1);
    this.msgAppFlowPaused = false;
    return true;
  }

  isPaused(): boolean {
    if (this.state === 'probe') return this.msgAppFlowPaused;
    if (this.state === 'replicate') return this.inflights.full();
    return true;
  }

  /** An append with `count` entries (`bytes` of them) after next - 1 was sent. */
  sentEntries(count: number, bytes: number): void {
    if (this.state === 'replicate') {
      if (count > 0) {
        this.next += count;
        this.inflights.add(this.next - 1, bytes);
      }
    } else if (this.state === 'probe' && count > 0) {
      this.msgAppFlowPaused = true;
    }
  }
}
