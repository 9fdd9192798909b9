// Pending linearizable reads on the leader (Raft thesis 6.4): each request records the commit index
// when it arrived; it is answered once a quorum acknowledged a heartbeat round that carried its
// context (or a later one), proving the leader was still the leader at that point.
import type { NodeId } from '../types.ts';

export interface ReadRequest {
  readonly index: number;
  /** NONE for a local request, else the follower that forwarded it. */
  readonly from: NodeId;
  readonly context: Uint8Array;
  readonly acks: Map<NodeId, boolean>;
}

export function contextKey(context: Uint8Array): string {
  let key = '';
  for (let i = 0; i < context.length; i++) key += String.fromCharCode(context[i]);
  return key;
}

export class ReadOnlyQueue {
  private readonly pending = new Map<string, ReadRequest>();
  private queue: string[] = [];

  get size(): number {
    return this.queue.length;
  }

  /** Returns false when a request with the same context is already pending (it is answered once). */
  add(index: number, from: NodeId, context: Uint8Array): boolean {
    const key = contextKey(context);
    if (this.pending.has(key)) return false;
    this.pending.set(key, { index, from, context, acks: new Map() });
    this.queue.push(key);
    return true;
  }

  /** Records that `from` acknowledged the round carrying `context`; the acks so far, or undefined. */
  recvAck(from: NodeId, context: Uint8Array): Map<NodeId, boolean> | undefined {
    const request = this.pending.get(contextKey(context));
    if (!request) return undefined;
    request.acks.set(from, true);
    return request.acks;
  }

  /** Removes and returns every request up to and including the one with `context`, oldest first. */
  advance(context: Uint8Array): ReadRequest[] {
    const key = contextKey(context);
    const at = this.queue.indexOf(key);
    if (at < 0) return [];
    const done = this.queue.slice(0, at + 1);
    this.queue = this.queue.slice(at + 1);
    const requests: ReadRequest[] = [];
    for (const k of done) {
      requests.push(this.pending.get(k)!);
      this.pending.delete(k);
    }
    return requests;
  }

  /** The newest pending context: a heartbeat round carrying it confirms every request before it too. */
  lastContext(): Uint8Array | undefined {
    const key = this.queue[this.queue.length - 1];
    return key === undefined ? undefined : this.pending.get(key)!.context;
  }

  reset(): void {
    this.pending.clear();
    this.queue = [];
  }
}
