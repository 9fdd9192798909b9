// Nodes (lifecycle, replicas, KV maps), the nemesis and the clients of a synthetic run.
import { EventQueue } from './event-queue.ts';
import { SynthNetwork } from './network.ts';
import { Replica, type ReplicaHost, type SynthMessage } from './replica.ts';
import { TraceOut } from './trace-out.ts';

const tickUs = 10_000;
const faultGapUsMin = 2_500_000;
const opTimeoutUs = 800_000;
const keysMax = 6;

interface SynthNode {
  lifecycle: string;
  readonly replicas: Map<number, Replica>;
  readonly kv: Map<number, Map<string, string>>;
  resumeWaiters: Array<() => void>;
}

interface PendingOp {
  readonly process: number;
  readonly index: number;
  readonly f: string;
  readonly key: string;
  readonly value: unknown;
  readonly group: number;
  readonly leader: number;
  done: boolean;
}

export interface CompletedOp {
  readonly index: number;
  readonly f: string;
  readonly key: string;
  readonly type: string;
}

export class SynthCluster implements ReplicaHost {
  readonly queue = new EventQueue();
  readonly out = new TraceOut(this.queue);
  readonly nodes = new Map<number, SynthNode>();
  readonly completed: CompletedOp[] = [];
  private readonly network: SynthNetwork;
  /** Every operation by history index; kept after completion because replicas apply it later. */
  private readonly ops = new Map<number, PendingOp>();
  private faultId = 1;

  constructor(readonly nodeIds: readonly number[], readonly groups: readonly number[], readonly random: () => number, private readonly faultRandom: () => number) {
    this.network = new SynthNetwork({
      queue: this.queue, out: this.out, random,
      lifecycleOf: (n) => this.nodes.get(n)!.lifecycle,
      whenResumed: (n, run) => this.nodes.get(n)!.resumeWaiters.push(run),
      deliver: (from, to, m) => this.nodes.get(to)!.replicas.get(m.group)?.receive(from, m),
    });
    for (const id of nodeIds) {
      const replicas = new Map(groups.map((g) => [g, new Replica(id, g, nodeIds.filter((p) => p !== id), this)] as const));
      this.nodes.set(id, { lifecycle: 'stopped', replicas, kv: new Map(groups.map((g) => [g, new Map()])), resumeWaiters: [] });
    }
  }

  start(clients: number): void {
    for (const id of this.nodeIds) {
      this.setLifecycle(id, 'starting', 'start');
      this.queue.after(1_000 + id * 100, () => this.setLifecycle(id, 'up', 'ready'));
    }
    this.queue.after(tickUs, () => this.tick());
    this.queue.after(faultGapUsMin, () => this.nemesis());
    for (let p = 1; p <= clients; p += 1) this.queue.after(200_000 + p * 7_000, () => this.invoke(p));
  }

  send(from: number, to: number, message: SynthMessage): void {
    this.network.send(from, to, message);
  }

  applied(node: number, group: number, index: number, tag: number): void {
    const op = tag === 0 ? undefined : this.ops.get(tag);
    const kv = this.nodes.get(node)!.kv.get(group)!;
    if (op === undefined) return;
    const sizeBefore = kv.size;
    let result: unknown = op.value;
    if (op.f === 'put') kv.set(op.key, op.value as string);
    else if (op.f === 'get') result = kv.get(op.key) ?? null;
    else if (op.f === 'cas') {
      const [expected, next] = op.value as [string | null, string];
      if ((kv.get(op.key) ?? null) === expected) kv.set(op.key, next);
      else if (node === op.leader) return this.complete(op, 'fail', op.value);
    }
    if (kv.size !== sizeBefore) this.out.emit(node, 'kv.size', { group, keys: kv.size, bytes: kv.size * 24 });
    if (node === op.leader) this.complete(op, 'ok', result);
  }

  private tick(): void {
    for (const node of this.nodes.values()) if (node.lifecycle === 'up') for (const replica of node.replicas.values()) replica.tick();
    // Drift the tick a little so nodes do not move in lockstep.
    this.queue.after(tickUs + Math.floor(this.random() * 500), () => this.tick());
  }

  private setLifecycle(node: number, to: string, event: string): void {
    const n = this.nodes.get(node)!;
    this.out.emit(node, 'node.lifecycle', { from: n.lifecycle, to, event });
    n.lifecycle = to;
    if (to === 'up' && event === 'resume') {
      const waiters = n.resumeWaiters;
      n.resumeWaiters = [];
      for (const run of waiters) run();
    }
  }

  private nemesis(): void {
    const r = this.faultRandom;
    const pick = r();
    const durationUs = 600_000 + Math.floor(r() * 2_000_000);
    const up = this.nodeIds.filter((id) => this.nodes.get(id)!.lifecycle === 'up');
    if (pick < 0.45) this.partition(durationUs);
    else if (pick < 0.8 && up.length > 0) this.crash(up[Math.floor(r() * up.length)], durationUs);
    else if (up.length > 0) this.pause(up[Math.floor(r() * up.length)], durationUs / 2);
    this.queue.after(durationUs + faultGapUsMin + Math.floor(r() * faultGapUsMin), () => this.nemesis());
  }

  private partition(durationUs: number): void {
    const shuffled = [...this.nodeIds].sort(() => this.faultRandom() - 0.5);
    const cut = 1 + Math.floor(this.faultRandom() * Math.floor(shuffled.length / 2));
    const sides = [shuffled.slice(cut).sort(), shuffled.slice(0, cut).sort()];
    const id = this.faultId++;
    this.network.sides = sides;
    this.out.emit(null, 'fault.start', { fault: 'partition', id, groups: sides });
    this.queue.after(durationUs, () => {
      this.network.sides = [];
      this.out.emit(null, 'fault.stop', { fault: 'partition', id });
    });
  }

  private crash(node: number, durationUs: number): void {
    this.setLifecycle(node, 'crashed', 'crash');
    const lost = Math.floor(this.faultRandom() * 3);
    this.out.emit(node, 'node.crash', { unsynced: { lost, kept: 1, torn: 0 } });
    for (const replica of this.nodes.get(node)!.replicas.values()) replica.crash();
    this.queue.after(durationUs, () => {
      this.setLifecycle(node, 'starting', 'restart');
      this.out.emit(node, 'node.restart');
      this.queue.after(30_000, () => this.setLifecycle(node, 'up', 'ready'));
    });
  }

  private pause(node: number, durationUs: number): void {
    const id = this.faultId++;
    this.out.emit(node, 'fault.start', { fault: 'pause', id });
    this.setLifecycle(node, 'paused', 'pause');
    this.queue.after(durationUs, () => {
      this.setLifecycle(node, 'up', 'resume');
      this.out.emit(node, 'fault.stop', { fault: 'pause', id });
    });
  }

  private invoke(process: number): void {
    const r = this.random;
    const key = `k${1 + Math.floor(r() * keysMax)}`;
    const roll = r();
    const f = roll < 0.45 ? 'get' : roll < 0.85 ? 'put' : 'cas';
    const value = f === 'get' ? null : f === 'put' ? `v${Math.floor(r() * 1000)}` : [`v${Math.floor(r() * 1000)}`, `v${Math.floor(r() * 1000)}`];
    const index = this.out.history(process, 'invoke', f, key, value);
    this.out.emit(null, 'client.invoke', { op: index, process, f, key, value });
    const group = this.groups[key.charCodeAt(1) % this.groups.length];
    const leader = this.leaderOf(group);
    const op: PendingOp = { process, index, f, key, value, group, leader: leader?.node ?? 0, done: false };
    this.ops.set(index, op);
    if (leader === undefined || !leader.propose(index)) {
      this.queue.after(2_000 + r() * 3_000, () => this.complete(op, 'fail', value));
      return;
    }
    this.queue.after(opTimeoutUs, () => this.complete(op, 'info', value));
  }

  private leaderOf(group: number): Replica | undefined {
    let best: Replica | undefined;
    for (const node of this.nodes.values()) {
      const replica = node.replicas.get(group)!;
      if (node.lifecycle === 'up' && replica.role === 'leader' && (best === undefined || replica.term > best.term)) best = replica;
    }
    return best;
  }

  private complete(op: PendingOp, type: string, value: unknown): void {
    if (op.done) return;
    op.done = true;
    this.out.history(op.process, type, op.f, op.key, value);
    this.out.emit(null, `client.${type}`, { op: op.index, process: op.process, f: op.f, key: op.key, value });
    this.completed.push({ index: op.index, f: op.f, key: op.key, type });
    // After an unknown outcome the client continues as a new process (CONTRACTS.md).
    const next = type === 'info' ? op.process + 1000 : op.process;
    this.queue.after(3_000 + Math.floor(this.random() * 30_000), () => this.invoke(next));
  }
}
