// A simulated client that pipelines: it keeps a connection (a session) to one node and sends bursts of
// operations on it without waiting for the answers, up to `depthMax` in flight. Each operation is
// recorded with its session in the history, so the checker holds the node to the session's order.
//
// The connection models a TCP connection: requests reach the node in the order they were sent (each
// one no earlier than the one before it), and on the node's side they enter one OrderedSession
// (core/node/session-order.ts), which makes them take effect in that order. The bug-zoo switch
// `sessionOrderIgnored` hands them to the node's API directly, as a node without sessions would.
//
// Every operation in flight has its own process id (the history allows one outstanding operation per
// process); a process that ended with `info` is never reused. The connection is dropped (the next
// burst opens a new session, on a node picked afresh) when the node goes down, when an operation times
// out or fails, or when the node breaks the session (a write with an unknown outcome); operations
// already sent on it still complete.
import type { Random } from '../../core/env/random.ts';
import type { KvClientApi, WriteReceipt } from '../../core/node/client-api.ts';
import { OrderedSession } from '../../core/node/session-order.ts';
import type { NodeId } from '../../core/types.ts';
import type { OperationCall } from '../../check/history-types.ts';
import type { ClientPlan, ClientWorld } from './client.ts';
import { learn, nextCall, type SeenValues } from './next-call.ts';
import { callValue, type Outcome, type ReadValue, type SendDone, sendCall, traceOutcome } from './client-outcome.ts';

export interface PipelinePlan extends ClientPlan {
  /** Operations in flight per connection at most; a burst sends 1..depthMax of them at once. */
  readonly depthMax: number;
  /** Bug zoo: the node serves the connection's requests without an OrderedSession. */
  readonly sessionOrderIgnored: boolean;
}

interface Connection {
  readonly session: number;
  readonly node: NodeId;
  /** The node-side API the session was opened on (a restarted node has a new one: the connection is gone). */
  inner?: KvClientApi;
  /** What serves the connection's requests on the node: an OrderedSession over `inner`, or `inner` itself. */
  served?: KvClientApi;
  inFlight: number;
  /** Virtual µs at which the last request sent on it reaches the node: the next one comes later. */
  lastArrivalUs: number;
  open: boolean;
  unwatch?: () => void;
}

export class PipelinedClient {
  private connection: Connection | undefined;
  private node: NodeId;
  private readonly idleProcesses: number[] = [];
  /** Last value this client saw per key: cas expectations that can succeed. */
  private readonly seen: SeenValues = new Map();

  constructor(private readonly world: ClientWorld & { newSession(): number }, private readonly plan: PipelinePlan, private readonly random: Random) {
    this.node = random.pick(world.nodes());
  }

  start(): void {
    this.scheduleNext();
  }

  /** Bursts of 1..depthMax operations, spaced so that the client averages the plan's rate of operations. */
  private scheduleNext(): void {
    const meanBurst = (this.plan.depthMax + 1) / 2;
    const waitUs = Math.max(1, Math.round(-this.plan.intervalUs * meanBurst * Math.log(1 - this.random.next())));
    if (this.world.nowUs() + waitUs >= this.plan.stopUs) return;
    this.world.schedule(waitUs, () => this.burst());
  }

  private burst(): void {
    const size = this.random.int(1, this.plan.depthMax);
    for (let i = 0; i < size; i++) {
      if (this.plan.budget.remaining <= 0) return;
      const connection = this.connect();
      if (connection && connection.inFlight >= this.plan.depthMax) break;
      this.invoke(connection);
    }
    this.scheduleNext();
  }

  /** The open connection, or a new one to `node`; undefined when the node is down (connection refused). */
  private connect(): Connection | undefined {
    if (this.connection?.open) return this.connection;
    if (!this.world.api(this.node)) return undefined;
    const connection: Connection = { session: this.world.newSession(), node: this.node, inFlight: 0, lastArrivalUs: 0, open: true };
    // A crash breaks the connection: every operation in flight on it has an unknown outcome.
    connection.unwatch = this.world.onNodeDown?.(this.node, () => this.close(connection));
    this.connection = connection;
    return connection;
  }

  private close(connection: Connection): void {
    if (!connection.open) return;
    connection.open = false;
    connection.unwatch?.();
    this.node = this.random.pick(this.world.nodes());
  }

  private invoke(connection: Connection | undefined): void {
    this.plan.budget.remaining--;
    const call = nextCall(this.plan, this.seen);
    const process = this.idleProcesses.pop() ?? this.world.newProcess();
    const startUs = this.world.nowUs();
    const node = connection?.node ?? this.node;
    const op = this.world.history.invoke(process, call, startUs, connection?.session);
    if (this.world.tracer.enabled('client.invoke')) {
      this.world.tracer.emit('client.invoke', { op, process, f: call.f, key: call.key, value: callValue(call), target: node, ...(connection ? { session: connection.session } : {}) });
    }
    let settled = false;
    let unwatch: (() => void) | undefined;
    const settle = (outcome: Outcome, read?: ReadValue, receipt?: WriteReceipt) => {
      if (settled) return;
      settled = true;
      unwatch?.();
      this.world.cancel(timeout);
      if (connection) connection.inFlight--;
      this.complete({ op, process, call, node, session: connection?.session }, outcome, startUs, read, receipt);
      // Trouble: stop sending on this connection; the next burst opens a new one elsewhere.
      if (connection && outcome !== 'ok' && outcome !== 'refused') this.close(connection);
    };
    const timeout = this.world.schedule(this.plan.timeoutUs, () => settle('info'));
    if (!connection) {
      // The node is down: the connection is refused, the request never left; try another node next.
      this.world.schedule(1, () => settle('fail'));
      this.node = this.random.pick(this.world.nodes());
      return;
    }
    connection.inFlight++;
    unwatch = this.world.onNodeDown?.(node, () => this.world.schedule(1, () => settle('info')));
    connection.lastArrivalUs = this.world.toNode(node, () => this.serve(connection, call, (outcome, read, receipt) => this.world.toClient(() => settle(outcome, read, receipt))), connection.lastArrivalUs + 1);
  }

  /** On the node: the request enters the connection's session (opened with the first request). */
  private serve(connection: Connection, call: OperationCall, done: SendDone): void {
    const api = this.world.api(connection.node);
    if (!api) return;
    if (connection.inner === undefined) {
      connection.inner = api;
      connection.served = this.plan.sessionOrderIgnored ? api : new OrderedSession(api);
    }
    if (connection.inner !== api) return; // the node restarted: the connection died with it
    const wallMs = () => this.world.wallMs?.(connection.node) ?? 0;
    sendCall(connection.served as KvClientApi, call, this.plan.reads, wallMs, done);
  }

  private complete(
    o: { op: number; process: number; call: OperationCall; node: NodeId; session: number | undefined },
    outcome: Outcome,
    startUs: number,
    read?: ReadValue,
    receipt?: WriteReceipt,
  ): void {
    const nowUs = this.world.nowUs();
    const { history } = this.world;
    const { process, call } = o;
    if (outcome === 'ok') history.ok(process, nowUs, call.f === 'get' || call.f === 'ttl' ? (read ?? null) : undefined);
    else if (outcome === 'refused') history.refused(process, nowUs);
    else if (outcome === 'fail') history.fail(process, nowUs);
    else history.info(process, nowUs);
    traceOutcome(this.world.tracer, outcome, { op: o.op, process, call, read, target: o.node, session: o.session });
    this.world.onOutcome?.(outcome === 'refused' ? 'fail' : outcome, call.f, nowUs - startUs);
    if (outcome === 'ok' && this.plan.keepsSeenValues !== false) learn(this.seen, call, read);
    if (outcome === 'ok' && receipt && call.f !== 'get') this.world.onWriteAcknowledged?.(receipt, call);
    // After info the process may still have an operation in the store: it is never used again.
    if (outcome !== 'info') this.idleProcesses.push(process);
  }


}
