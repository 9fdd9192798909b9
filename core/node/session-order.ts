// A client session (one RESP connection, one simulated pipelining client) whose operations take effect
// in the order they were sent, however many are in flight. A node dispatches requests concurrently:
// a read is served from the state applied when its read index comes back, so a pipelined `SET k v`
// + `GET k` could read the old value, and `GET k` + `SET k new` could read `new`. This wrapper puts
// a barrier wherever the session switches between reads and writes:
//   - consecutive writes go straight through: the node proposes them in call order, under one
//     exactly-once session with increasing sequence numbers, so a write can never take effect after
//     a later write of the same node (a reordered forwarded proposal is refused as stale, never
//     applied out of order). Pipelined writes therefore still batch into one Raft entry run;
//   - consecutive reads run concurrently (they cannot affect one another);
//   - a read waits until every write sent before it has answered, and a write until every read sent
//     before it has answered.
// A read after a write also carries `appliedIndexMin` (per group, the log index of the session's
// latest acknowledged write there), so a stale read served by any replica waits to see that write.
//
// The guarantee: every operation of the session takes effect after every earlier operation of the
// session that takes effect. Its one hole is a write whose outcome is unknown (timeout, the node
// stopping): it may still take effect later, after operations sent behind it. So such an answer
// breaks the session: operations queued behind it, and every later one, fail at once with
// `sessionBroken` and are never executed; the client must open a new session (RESP closes the
// connection). Operations already dispatched with it (consecutive writes of its run) are ordered
// after it by the node's session sequence and complete normally. Definite failures (noLeader,
// overloaded, invalid, tooLarge) had no effect and leave the session usable.
//
// API (stable: the simulator's pipelining clients and prod's RESP connections both use it):
//   new OrderedSession(inner: KvClientApi)      wraps one node's client API (a node, or a bridge to one)
//   session.write(write, options, done)        as KvClientApi.write
//   session.read(read, options, done)          as KvClientApi.read (appliedIndexMin is filled in)
//   session.broken: boolean                     true once a write answered with an unknown outcome
//   session.inFlight / session.queued: number   dispatched and not answered / waiting for a barrier
// Callbacks run in the order the node answers, not in send order (RESP orders its replies itself).
// Pure and synchronous: no timers; an inner call may answer synchronously (re-entrancy is handled).
// Queue length is the caller's to bound (RESP: pipelineDepthMax).
import type { KvRead, KvWrite } from '../kv/commands.ts';
import type { GroupId } from '../types.ts';
import { type ClientCallback, type ClientError, type KvClientApi, type ReadOptions, type WriteOptions, isOutcomeUnknown } from './client-api.ts';

type Kind = 'read' | 'write';

interface Queued {
  readonly kind: Kind;
  readonly start: () => void;
  readonly fail: (error: ClientError) => void;
}

/** Dispatched entries before the head are cut off once this many have piled up. */
const compactAfter = 1024;

export class OrderedSession implements KvClientApi {
  private readonly waiting: Queued[] = [];
  private head = 0;
  private dispatched = 0;
  private dispatchedKind: Kind = 'write';
  private advancing = false;
  private advanceAgain = false;
  private brokenBy: ClientError | null = null;
  /** Per group, the log index of the latest acknowledged write of this session. */
  private readonly acknowledged = new Map<GroupId, number>();

  constructor(private readonly inner: KvClientApi) {}

  get broken(): boolean {
    return this.brokenBy !== null;
  }

  get inFlight(): number {
    return this.dispatched;
  }

  get queued(): number {
    return this.waiting.length - this.head;
  }

  write(write: KvWrite, options: WriteOptions, done: ClientCallback): void {
    this.submit({
      kind: 'write',
      fail: done,
      start: () =>
        this.inner.write(write, options, (error, result, receipt) => {
          if (error === null && receipt !== undefined && receipt.index > (this.acknowledged.get(receipt.group) ?? 0)) {
            this.acknowledged.set(receipt.group, receipt.index);
          }
          if (error !== null && isOutcomeUnknown(error) && this.brokenBy === null) this.brokenBy = error;
          this.finish(() => done(error, result, receipt));
        }),
    });
  }

  read(read: KvRead, options: ReadOptions, done: ClientCallback): void {
    this.submit({
      kind: 'read',
      fail: done,
      start: () => {
        const withFloor = this.acknowledged.size === 0 ? options : { ...options, appliedIndexMin: this.acknowledged };
        this.inner.read(read, withFloor, (error, result, receipt) => this.finish(() => done(error, result, receipt)));
      },
    });
  }

  private submit(op: Queued): void {
    if (this.brokenBy !== null) return op.fail(this.brokenError());
    this.waiting.push(op);
    this.advance();
  }

  /** An operation answered: its caller hears first, then whatever waited on it may start. */
  private finish(answer: () => void): void {
    this.dispatched--;
    try {
      answer();
    } finally {
      if (this.brokenBy !== null) this.failWaiting();
      this.advance();
    }
  }

  /**
   * Starts waiting operations from the head while they may go: one of the kind in flight, or any
   * once nothing is in flight. An inner call that answers synchronously re-enters here; the outer
   * loop then goes round again instead of nesting.
   */
  private advance(): void {
    if (this.advancing) {
      this.advanceAgain = true;
      return;
    }
    this.advancing = true;
    try {
      do {
        this.advanceAgain = false;
        while (this.head < this.waiting.length) {
          const next = this.waiting[this.head];
          if (this.dispatched > 0 && next.kind !== this.dispatchedKind) break;
          this.head++;
          this.dispatched++;
          this.dispatchedKind = next.kind;
          try {
            next.start();
          } catch (error) {
            // A node that throws instead of answering has a bug: let it surface, but keep counting right.
            this.dispatched--;
            throw error;
          }
        }
      } while (this.advanceAgain);
    } finally {
      this.advancing = false;
      this.compact();
    }
  }

  private failWaiting(): void {
    const error = this.brokenError();
    while (this.head < this.waiting.length) this.waiting[this.head++].fail(error);
    this.compact();
  }

  private compact(): void {
    if (this.head === this.waiting.length) {
      this.waiting.length = 0;
      this.head = 0;
    } else if (this.head >= compactAfter && this.head * 2 >= this.waiting.length) {
      this.waiting.splice(0, this.head);
      this.head = 0;
    }
  }

  private brokenError(): ClientError {
    return {
      code: 'sessionBroken',
      message: `not executed: an earlier write of this session has an unknown outcome (${this.brokenBy!.message}); order after it cannot be promised, so open a new connection`,
    };
  }
}
