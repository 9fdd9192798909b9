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

/** An operation waiting behind a barrier. */
interface Queued {
  readonly kind: Kind;
  readonly write: KvWrite | null;
  readonly read: KvRead | null;
  readonly options: WriteOptions | ReadOptions;
  readonly done: ClientCallback;
}

/** Dispatched entries before the head are cut off once this many have piled up. */
const compactAfter = 1024;

export class OrderedSession implements KvClientApi {
  private readonly waiting: Queued[] = [];
  private head = 0;
  private dispatched = 0;
  private dispatchedKind: Kind = 'write';
  private advancing = false;
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
    if (this.brokenBy !== null) return done(this.brokenError());
    if (this.mayStartNow('write')) return this.startWrite(write, options, done);
    this.waiting.push({ kind: 'write', write, read: null, options, done });
  }

  read(read: KvRead, options: ReadOptions, done: ClientCallback): void {
    if (this.brokenBy !== null) return done(this.brokenError());
    if (this.mayStartNow('read')) return this.startRead(read, options, done);
    this.waiting.push({ kind: 'read', write: null, read, options, done });
  }

  /** Nothing waits, and nothing of the other kind is in flight (the common case: no closure, no record). */
  private mayStartNow(kind: Kind): boolean {
    return !this.advancing && this.head === this.waiting.length && (this.dispatched === 0 || this.dispatchedKind === kind);
  }

  private startWrite(write: KvWrite, options: WriteOptions, done: ClientCallback): void {
    this.dispatched++;
    this.dispatchedKind = 'write';
    this.call(() =>
      this.inner.write(write, options, (error, result, receipt) => {
        if (error === null) {
          if (receipt !== undefined && receipt.index > (this.acknowledged.get(receipt.group) ?? 0)) this.acknowledged.set(receipt.group, receipt.index);
        } else if (this.brokenBy === null && isOutcomeUnknown(error)) {
          this.brokenBy = error;
        }
        this.finish(done, error, result, receipt);
      }),
    );
  }

  private startRead(read: KvRead, options: ReadOptions, done: ClientCallback): void {
    this.dispatched++;
    this.dispatchedKind = 'read';
    const withFloor = this.acknowledged.size === 0 ? options : { ...options, appliedIndexMin: this.acknowledged };
    this.call(() => this.inner.read(read, withFloor, (error, result, receipt) => this.finish(done, error, result, receipt)));
  }

  /** A node that throws instead of answering has a bug: let it surface, but keep the count right. */
  private call(send: () => void): void {
    try {
      send();
    } catch (error) {
      this.dispatched--;
      throw error;
    }
  }

  /** An operation answered: its caller hears first, then whatever waited on it may start. */
  private finish(done: ClientCallback, error: ClientError | null, result: Parameters<ClientCallback>[1], receipt: Parameters<ClientCallback>[2]): void {
    this.dispatched--;
    try {
      done(error, result, receipt);
    } finally {
      if (this.head < this.waiting.length) {
        if (this.brokenBy !== null) this.failWaiting();
        else if (this.dispatched === 0) this.advance();
      }
    }
  }

  /**
   * Starts the run of waiting operations of the head's kind (nothing is in flight). An inner call that
   * answers synchronously re-enters finish(); `advancing` keeps it from nesting another loop, and
   * this loop goes on to the next run itself once the in-flight count drops to zero.
   */
  private advance(): void {
    if (this.advancing) return;
    this.advancing = true;
    try {
      while (this.head < this.waiting.length && this.brokenBy === null) {
        const next = this.waiting[this.head];
        if (this.dispatched > 0 && next.kind !== this.dispatchedKind) break;
        this.head++;
        if (next.kind === 'write') this.startWrite(next.write!, next.options as WriteOptions, next.done);
        else this.startRead(next.read!, next.options as ReadOptions, next.done);
      }
    } finally {
      this.advancing = false;
      this.compact();
    }
    if (this.brokenBy !== null) this.failWaiting();
  }

  private failWaiting(): void {
    const error = this.brokenError();
    while (this.head < this.waiting.length) this.waiting[this.head++].done(error);
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
