// One simulated client: invokes operations at a seeded rate against a node, records each in the
// history (invoke, then ok / fail / info; a cas whose expectation did not hold is an ok with
// "swapped": false, an observation the checker verifies), and traces them. A client has one operation outstanding;
// after an `info` (unknown outcome) it continues under a new process id, as the history format asks.
import type { Random } from '../../core/env/random.ts';
import type { Tracer } from '../../core/env/tracer.ts';
import type { KvClientApi, WriteReceipt } from '../../core/node/client-api.ts';
import type { NodeId } from '../../core/types.ts';
import type { HistoryF, OperationCall } from '../../check/history-types.ts';
import type { OperationKind } from './operation-mix.ts';
import type { HistoryWriter } from '../../check/history.ts';
import { learn, nextCall, type SeenValues } from './next-call.ts';
import { callValue, type Outcome, type ReadValue, sendCall, traceOutcome } from './client-outcome.ts';

export interface ClientWorld {
  nowUs(): number;
  /** Runs `callback` after `delayUs` of virtual time (a world-owned event: clients never crash). Returns an id for cancel(). */
  schedule(delayUs: number, callback: () => void): number;
  /** Cancels a scheduled callback; a no-op if it already ran. */
  cancel(id: number): void;
  /** A node's client API, or undefined when the node is down. */
  api(node: NodeId): KvClientApi | undefined;
  /**
   * Carries a request to `node`: runs `deliver` as an event of that node after the client link's
   * latency, so a paused node takes it only when it resumes and a crashed one never does. Not before
   * virtual µs `notBeforeUs` (a connection keeps its requests in order). Returns when it arrives.
   */
  toNode(node: NodeId, deliver: () => void, notBeforeUs?: number): number;
  /** Carries a reply back to the client after the link's latency. */
  toClient(deliver: () => void): void;
  nodes(): readonly NodeId[];
  /** A node's wall clock in ms (it turns a ttl into the absolute expiry the node proposes). */
  wallMs?(node: NodeId): number;
  /** Calls `listener` if `node` goes down (the client's connection breaks); returns a cancel function. */
  onNodeDown?(node: NodeId, listener: () => void): () => void;
  readonly tracer: Tracer;
  readonly history: HistoryWriter;
  /** Allocates a fresh process id. */
  newProcess(): number;
  /** Allocates a fresh session id (a connection of a pipelining client). */
  newSession?(): number;
  /** Called for every acknowledged write, with where it sits in the log. */
  onWriteAcknowledged?(receipt: WriteReceipt, call: OperationCall): void;
  onOutcome?(outcome: 'ok' | 'fail' | 'info', f: HistoryF, latencyUs: number): void;
}

export interface ClientPlan {
  readonly chooseOperation: () => OperationKind;
  /** The ttl of an expiring put (needed when the mix has putExpiring). */
  readonly newTtlMs?: () => number;
  readonly chooseKey: () => string;
  readonly newValue: () => string;
  readonly reads: 'linearizable' | 'lease' | 'stale';
  /** Mean time between operations of this client. */
  readonly intervalUs: number;
  /** The client gives up (info) after this, even if the node never answers (it may have crashed). */
  readonly timeoutUs: number;
  /** No new operation starts at or after this time. */
  readonly stopUs: number;
  /** Shared budget of operations; the client stops when it reaches 0. */
  readonly budget: { remaining: number };
  /** False when the mix has no cas: then no expectation is ever built, so values seen are not kept. */
  readonly keepsSeenValues?: boolean;
}

export class SimClient {
  private process: number;
  private node: NodeId;
  private opToken = 0;
  /** Last value this client saw per key: cas expectations that can succeed. */
  private readonly seen: SeenValues = new Map();

  constructor(private readonly world: ClientWorld, private readonly plan: ClientPlan, private readonly random: Random) {
    this.process = world.newProcess();
    this.node = random.pick(world.nodes());
  }

  start(): void {
    this.scheduleNext();
  }

  private scheduleNext(): void {
    const waitUs = Math.max(1, Math.round(-this.plan.intervalUs * Math.log(1 - this.random.next())));
    if (this.world.nowUs() + waitUs >= this.plan.stopUs) return;
    this.world.schedule(waitUs, () => this.invoke());
  }

  private invoke(): void {
    if (this.plan.budget.remaining <= 0) return;
    this.plan.budget.remaining--;
    const call = nextCall(this.plan, this.seen);
    const startUs = this.world.nowUs();
    const op = this.world.history.invoke(this.process, call, startUs);
    this.trace('client.invoke', op, call, callValue(call));
    const token = ++this.opToken;
    let settled = false;
    let unwatch: (() => void) | undefined;
    const settle = (outcome: Outcome, read?: ReadValue, receipt?: WriteReceipt) => {
      if (settled || token !== this.opToken) return;
      settled = true;
      unwatch?.();
      // The timeout would find the operation settled and do nothing: dropping it saves a kernel event per operation.
      this.world.cancel(timeout);
      this.complete(op, call, outcome, startUs, read, receipt);
    };
    const timeout = this.world.schedule(this.plan.timeoutUs, () => settle('info'));
    const node = this.node;
    if (!this.world.api(node)) {
      // The node is down: the connection is refused, the request never left the client.
      this.world.schedule(1, () => settle('fail'));
      return;
    }
    // A crash breaks the connection: the client learns at once that the outcome is unknown.
    unwatch = this.world.onNodeDown?.(node, () => this.world.schedule(1, () => settle('info')));
    this.world.toNode(node, () => {
      const api = this.world.api(node);
      if (!api) return;
      const wallMs = () => this.world.wallMs?.(node) ?? 0;
      sendCall(api, call, this.plan.reads, wallMs, (outcome, read, receipt) => this.world.toClient(() => settle(outcome, read, receipt)));
    });
  }

  private complete(op: number, call: OperationCall, outcome: Outcome, startUs: number, read?: ReadValue, receipt?: WriteReceipt): void {
    const nowUs = this.world.nowUs();
    const { history } = this.world;
    if (outcome === 'ok') history.ok(this.process, nowUs, call.f === 'get' || call.f === 'ttl' ? (read ?? null) : undefined);
    else if (outcome === 'refused') history.refused(this.process, nowUs);
    else if (outcome === 'fail') history.fail(this.process, nowUs);
    else history.info(this.process, nowUs);
    traceOutcome(this.world.tracer, outcome, { op, process: this.process, call, read, target: this.node });
    // A refused cas counts as a fail in the run's statistics, as it always did.
    this.world.onOutcome?.(outcome === 'refused' ? 'fail' : outcome, call.f, nowUs - startUs);
    if (outcome === 'ok' && this.plan.keepsSeenValues !== false) learn(this.seen, call, read);
    if (outcome === 'ok' && receipt && call.f !== 'get') this.world.onWriteAcknowledged?.(receipt, call);
    if (outcome === 'info') this.process = this.world.newProcess();
    // After trouble, try another node next time (the one we used may be partitioned or down).
    if (outcome !== 'ok') this.node = this.random.pick(this.world.nodes());
    this.scheduleNext();
  }



  private trace(kind: string, op: number, call: OperationCall, value: unknown): void {
    if (!this.world.tracer.enabled(kind)) return;
    this.world.tracer.emit(kind, { op, process: this.process, f: call.f, key: call.key, value, target: this.node });
  }
}
