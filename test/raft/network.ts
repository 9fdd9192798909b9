// A deterministic in-memory cluster for Raft tests: each node is a RawNode over a MemoryStorage; the
// harness plays the host (persist the Ready, queue its messages, apply committed entries, advance)
// and the network (deliver queued messages in order, unless a partition or filter drops them).
import { expect } from 'vitest';
import { createRandom } from '../../sim/random.ts';
import { decodeConfChange } from '../../core/codec/conf-change.ts';
import { decodeFrame, encodeFrame } from '../../core/codec/frame.ts';
import type { Tracer } from '../../core/env/tracer.ts';
import { BOOTSTRAP_HARD_STATE, MemoryStorage, bootstrapSnapshot } from '../../core/raft/memory-storage.ts';
import { makeMessage } from '../../core/raft/messages.ts';
import { RawNode } from '../../core/raft/raw-node.ts';
import type { RaftStatus } from '../../core/raft/status.ts';
import type { ConfChange, ConfChangeSingle, ConfState, Entry, Message, RaftConfig, ReadState, Snapshot } from '../../core/raft/types.ts';
import { NONE, assert, groupId, logIndex, nodeId } from '../../core/types.ts';
import type { Raft } from '../../core/raft/raft.ts';
import type { NodeId } from '../../core/types.ts';

export const GROUP = groupId(1);

export interface TraceEvent {
  readonly node: NodeId;
  readonly kind: string;
  readonly fields: Record<string, unknown>;
}

export class TestNode {
  raw!: RawNode;
  readonly storage = new MemoryStorage();
  /** Entries the state machine applied, in order (survives restarts: the state machine is durable). */
  readonly applied: Entry[] = [];
  readonly snapshotsApplied: Snapshot[] = [];
  readonly readStates: ReadState[] = [];
  /** Each configuration the host applied, in order. */
  readonly confHistory: ConfState[] = [];
  lastApplied = 0;
  confState: ConfState | undefined;
  down = false;

  constructor(readonly id: NodeId, public config: RaftConfig) {}

  status(): RaftStatus {
    return this.raw.status();
  }

  /** The whole durable log (every Ready processed). */
  log(): Entry[] {
    const s = this.storage;
    return s.lastIndex() < s.firstIndex() ? [] : [...s.entries(s.firstIndex(), logIndex(s.lastIndex() + 1), Infinity)];
  }

  /** "term:data" of each applied normal entry with data (no-ops skipped). */
  appliedData(): string[] {
    return this.applied.filter((e) => e.type === 'normal' && e.data.length > 0).map((e) => new TextDecoder().decode(e.data));
  }
}

export interface NetworkOptions {
  /** Members at bootstrap (default all ids voters). */
  readonly voters?: readonly number[];
  readonly learners?: readonly number[];
  /** Nodes created empty (to join later). */
  readonly joiners?: readonly number[];
  /** Round-trip every delivered message through the wire codec (encodeFrame/decodeFrame). */
  readonly wire?: boolean;
  readonly config?: Partial<RaftConfig>;
  readonly seed?: number | string;
}

export function testConfig(id: NodeId, overrides: Partial<RaftConfig> = {}): RaftConfig {
  return {
    id,
    group: GROUP,
    electionTicks: 10,
    heartbeatTicks: 1,
    preVote: false,
    checkQuorum: false,
    readOnlyOption: 'safe',
    maxMsgBytes: 1 << 20,
    inflightMsgsMax: 256,
    inflightBytesMax: 0,
    uncommittedBytesMax: 0,
    snapshotChunkBytes: 1 << 16,
    applied: logIndex(0),
    ...overrides,
  };
}

export class RaftNetwork {
  readonly nodes = new Map<NodeId, TestNode>();
  inflight: Message[] = [];
  readonly events: TraceEvent[] = [];
  /** Directed links that drop everything ("from-to"). */
  private readonly cut = new Set<string>();
  /** Extra drop rule for tests (return true to drop). */
  dropIf: ((m: Message) => boolean) | undefined;
  /** Observers for interaction tests. */
  onDeliver: ((m: Message) => void) | undefined;
  onApply: ((node: NodeId, e: Entry) => void) | undefined;
  onEvent: ((e: TraceEvent) => void) | undefined;
  readonly seed: number | string;

  constructor(readonly ids: readonly number[], readonly options: NetworkOptions = {}) {
    this.seed = options.seed ?? 1;
    const voters = options.voters ?? ids.filter((id) => !options.joiners?.includes(id) && !options.learners?.includes(id));
    for (const id of ids) {
      const node = new TestNode(nodeId(id), testConfig(nodeId(id), options.config));
      if (!options.joiners?.includes(id)) {
        node.storage.applySnapshot(bootstrapSnapshot(voters.map(nodeId), (options.learners ?? []).map(nodeId)));
        node.storage.setHardState(BOOTSTRAP_HARD_STATE);
        node.lastApplied = 1;
      }
      this.nodes.set(node.id, node);
      this.start(node);
    }
  }

  private tracerFor(id: NodeId): Tracer {
    return {
      enabled: () => true,
      emit: (kind, fields) => {
        const event = { node: id, kind, fields: fields ?? {} };
        this.events.push(event);
        this.onEvent?.(event);
      },
    };
  }

  private start(node: TestNode): void {
    const config = { ...node.config, applied: logIndex(node.lastApplied) };
    node.raw = new RawNode(config, node.storage, this.tracerFor(node.id), createRandom(this.seed).child(`raft-${node.id}`));
  }

  node(id: number): TestNode {
    const n = this.nodes.get(nodeId(id));
    assert(n, `no node ${id}`);
    return n;
  }

  /** Plays the host for one Ready of `id`; false when it had none. */
  process(id: number): boolean {
    const n = this.node(id);
    if (n.down || !n.raw.hasReady()) return false;
    const rd = n.raw.ready();
    if (rd.snapshot) {
      n.storage.applySnapshot(rd.snapshot);
      n.snapshotsApplied.push(rd.snapshot);
      n.lastApplied = rd.snapshot.metadata.index;
    }
    n.storage.append(rd.entries);
    if (rd.hardState) n.storage.setHardState(rd.hardState);
    for (const m of rd.messages) this.inflight.push(m);
    for (const e of rd.committedEntries) {
      if (e.type === 'confChange') {
        n.confState = n.raw.applyConfChange(decodeConfChange(e.data));
        n.storage.setConfState(n.confState);
        n.confHistory.push(n.confState);
      }
      n.applied.push(e);
      n.lastApplied = e.index;
      this.onApply?.(n.id, e);
    }
    n.readStates.push(...rd.readStates);
    n.raw.advance(rd);
    return true;
  }

  processAll(): boolean {
    let any = false;
    for (const id of this.nodes.keys()) while (this.process(id)) any = true;
    return any;
  }

  private dropped(m: Message): boolean {
    const to = this.nodes.get(m.to);
    return !to || to.down || this.nodes.get(m.from)?.down === true || this.cut.has(`${m.from}-${m.to}`) || (this.dropIf?.(m) ?? false);
  }

  /** Delivers every queued message (in order) once; returns how many were delivered. */
  deliver(): number {
    const batch = this.inflight;
    this.inflight = [];
    let delivered = 0;
    for (const m of batch) {
      if (this.dropped(m)) continue;
      this.onDeliver?.(m);
      this.nodes.get(m.to)!.raw.step(this.overWire(m));
      delivered++;
    }
    return delivered;
  }

  /** Removes and returns queued messages matching `pred` (to deliver later, or never). */
  take(pred: (m: Message) => boolean): Message[] {
    const taken = this.inflight.filter(pred);
    this.inflight = this.inflight.filter((m) => !pred(m));
    return taken;
  }

  stepMessages(msgs: readonly Message[]): void {
    for (const m of msgs) if (!this.dropped(m)) this.nodes.get(m.to)!.raw.step(this.overWire(m));
  }

  private overWire(m: Message): Message {
    if (!this.options.wire) return m;
    const frame = decodeFrame(encodeFrame({ kind: 'raft', message: m }));
    assert(frame.kind === 'raft', 'a raft frame decoded as another kind');
    return frame.message;
  }

  /** Processes and delivers until nothing moves. */
  stabilize(roundsMax = 10_000): void {
    for (let round = 0; round < roundsMax; round++) {
      const processed = this.processAll();
      if (this.inflight.length === 0 && !processed) return;
      this.deliver();
    }
    throw new Error(`network did not stabilize within ${roundsMax} rounds (seed ${this.seed})`);
  }

  tick(id: number, times = 1): void {
    for (let i = 0; i < times; i++) if (!this.node(id).down) this.node(id).raw.tick();
  }

  tickAll(times = 1): void {
    for (let i = 0; i < times; i++) for (const n of this.nodes.values()) if (!n.down) n.raw.tick();
  }

  /** Ticks every live node and stabilizes after each tick. */
  run(ticks: number): void {
    for (let i = 0; i < ticks; i++) {
      this.tickAll();
      this.stabilize();
    }
  }

  campaign(id: number): void {
    this.node(id).raw.campaign();
    this.stabilize();
  }

  propose(id: number, data: string): ReturnType<RawNode['propose']> {
    return this.node(id).raw.propose(new TextEncoder().encode(data));
  }

  isolate(id: number): void {
    for (const other of this.nodes.keys()) {
      if (other === id) continue;
      this.cut.add(`${id}-${other}`);
      this.cut.add(`${other}-${id}`);
    }
  }

  /** Cuts the network into the given groups (no traffic between groups). */
  partition(...groups: number[][]): void {
    for (const a of groups) for (const b of groups) if (a !== b) for (const x of a) for (const y of b) this.cut.add(`${x}-${y}`);
  }

  cutLink(from: number, to: number): void {
    this.cut.add(`${from}-${to}`);
  }

  heal(): void {
    this.cut.clear();
    this.dropIf = undefined;
  }

  crash(id: number): void {
    this.node(id).down = true;
  }

  /** Rebuilds the node from its storage (all Readys it processed were durable). */
  restart(id: number, configOverrides: Partial<RaftConfig> = {}): void {
    const n = this.node(id);
    n.down = false;
    n.config = { ...n.config, ...configOverrides };
    this.start(n);
  }

  /** Adds a node that starts empty (it joins through a membership change). */
  addEmptyNode(id: number, overrides: Partial<RaftConfig> = {}): TestNode {
    const node = new TestNode(nodeId(id), testConfig(nodeId(id), { ...this.options.config, ...overrides }));
    this.nodes.set(node.id, node);
    this.start(node);
    return node;
  }

  /** The leaders among live nodes (normally exactly one after stabilizing). */
  leaders(): NodeId[] {
    return [...this.nodes.values()].filter((n) => !n.down && n.status().role === 'leader').map((n) => n.id);
  }

  leader(): TestNode {
    const leaders = this.leaders();
    assert(leaders.length === 1, () => `expected one leader, found [${leaders.join(', ')}] (seed ${this.seed})`);
    return this.node(leaders[0]);
  }

  eventsOf(kind: string, node?: number): TraceEvent[] {
    return this.events.filter((e) => e.kind === kind && (node === undefined || e.node === node));
  }
}

export const text = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Test-only access to the Raft inside a RawNode (for white-box assertions). */
export function internals(raw: RawNode): Raft {
  return (raw as unknown as { raft: Raft }).raft;
}

/** Campaigns `id` until it leads (a first attempt may lose to a term it learns about). */
export function elect(net: RaftNetwork, id: number, attemptsMax = 5): void {
  for (let i = 0; i < attemptsMax; i++) {
    net.campaign(id);
    if (net.node(id).status().role === 'leader') return;
  }
  throw new Error(`node ${id} did not become leader after ${attemptsMax} campaigns (seed ${net.seed})`);
}

/** Replaces node `id`'s log after the bootstrap snapshot with entries of `terms` (index 2 on) and restarts it. */
export function setLog(net: RaftNetwork, id: number, terms: readonly number[], currentTerm: number): void {
  const n = net.node(id);
  n.storage.append(terms.map((t, i) => ({ index: logIndex(2 + i), term: t as Entry['term'], type: 'normal' as const, data: new TextEncoder().encode(`e${2 + i}@${t}`) })));
  n.storage.setHardState({ term: currentTerm as Entry['term'], vote: NONE, commit: logIndex(1) });
  net.restart(id);
}

/** Steps `type` from `from` into `to` at `term` and returns what `to` sent in answer. */
export function stepAt(net: RaftNetwork, to: number, from: number, type: Message['type'], term: number, fields: Parameters<typeof makeMessage>[5] = {}): Message[] {
  const raft = internals(net.node(to).raw);
  raft.takeMessages();
  net.node(to).raw.step(makeMessage(type, GROUP, nodeId(from), nodeId(to), term, fields));
  return raft.takeMessages();
}

/** Type, recipient, term and reject flag of each message: enough to compare answers in a test. */
export const brief = (msgs: Message[]) => msgs.map((m) => [m.type, m.to, m.term, m.reject]);

export const addVoter = (id: number): ConfChangeSingle => ({ type: 'addVoter', nodeId: nodeId(id) });
export const addLearner = (id: number): ConfChangeSingle => ({ type: 'addLearner', nodeId: nodeId(id) });
export const removeNode = (id: number): ConfChangeSingle => ({ type: 'removeNode', nodeId: nodeId(id) });

/** Proposes `cc` at `leader` (it must be accepted) and runs the network until it settles. */
export function change(net: RaftNetwork, leader: number, cc: ConfChange): void {
  expect(net.node(leader).raw.proposeConfChange(cc)).toBeNull();
  net.stabilize();
}
