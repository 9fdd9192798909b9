// The node host: the same class runs in the simulator and in production, differing only in the Env
// and in the engine and durable-log factories it is given. It owns a map of Raft groups (multi-raft
// from day one; the first release runs group 1), routes frames to them, ticks them, and serves the
// client API by routing each key to its group.
import type { Env } from '../env/index.ts';
import type { KvRead, KvWrite } from '../kv/commands.ts';
import type { KvEngine } from '../kv/engine.ts';
import { KvStateMachine } from '../kv/state-machine.ts';
import { decodeFrame } from '../codec/frame.ts';
import { MemoryStorage, bootstrapSnapshot } from '../raft/memory-storage.ts';
import { RawNode } from '../raft/raw-node.ts';
import type { RaftBugName } from '../raft/bugs.ts';
import type { ConfChange, ConfState, RaftConfig } from '../raft/types.ts';
import { type GroupId, KvlabError, type NodeId, groupId, logIndex } from '../types.ts';
import type { TimerId } from '../env/timers.ts';
import type { ClientCallback, KvClientApi, ReadOptions, WriteOptions } from './client-api.ts';
import type { DurableLog } from './durable-log.ts';
import { GroupReplica } from './group-replica.ts';
import { EngineSnapshotStorage } from './engine-held-snapshot.ts';
import { installSnapshotState } from './install-snapshot.ts';
import type { NodeConfig } from './node-config.ts';
import type { NodeObserver } from './node-observer.ts';

export interface KvNodeDeps {
  /** A fresh or reopened engine for `group`: MemoryEngine (or PersistentSimEngine) in the simulator, LevelEngine in production. */
  readonly engine: (group: GroupId, env: Env) => KvEngine;
  /** Opens (recovering) the durable Raft log of `group` under `dir` of the node's Disk. */
  readonly openDurableLog: (env: Env, dir: string, group: GroupId) => DurableLog;
  readonly observer?: NodeObserver;
  /** The node cannot go on (a disk error, corruption at start): production exits, the simulator records it. */
  readonly onFatal?: (error: Error) => void;
  /** A configuration change applied in `group` (on every node), with the proposer's context. */
  readonly onConfChange?: (group: GroupId, change: ConfChange, confState: ConfState) => void;
  /**
   * Runs `run` once the current turn of the host's event loop is over (production: setImmediate).
   * When given, a client write proposes at once but takes the Ready loop only then, so every write
   * that arrived in the same turn (from many client connections) leaves in one Ready: one WAL write,
   * one fsync, one append per follower. Absent (the simulator), writes pump at once, as before.
   */
  readonly afterTurn?: (run: () => void) => void;
}

export const firstGroup = groupId(1);
/** raft.recover lists the recovered entries' terms (for the timeline's log view) up to this many. */
const recoverTermsTracedMax = 10_000;

export class KvNode implements KvClientApi {
  private readonly groups = new Map<GroupId, GroupReplica>();
  private tickTimer: TimerId | undefined;
  private lastTickMs: number;
  private stopped = false;
  private requestSeq = 0;

  constructor(private readonly env: Env, readonly config: NodeConfig, private readonly deps: KvNodeDeps) {
    this.lastTickMs = env.clock.nowMs();
    env.network.onReceive((from, frame) => this.receive(from, frame));
    this.openGroup(firstGroup, () => this.scheduleTick());
  }

  // ---- client API ----

  write(write: KvWrite, options: WriteOptions, done: ClientCallback): void {
    const replica = this.replicaFor(writeKey(write));
    if (!replica) return done({ code: 'noLeader', message: 'the node is still starting', retryAfterMs: 100 });
    replica.write(write, options, done);
  }

  read(read: KvRead, options: ReadOptions, done: ClientCallback): void {
    const replica = this.replicaFor(readKey(read));
    if (!replica) return done({ code: 'noLeader', message: 'the node is still starting', retryAfterMs: 100 });
    const consistency = options.consistency ?? (this.config.reads === 'lease' ? 'lease' : 'linearizable');
    replica.read(read, { consistency, timeoutMs: options.timeoutMs, appliedIndexMin: options.appliedIndexMin }, done);
  }

  // ---- administration ----

  changeMembership(change: ConfChange, done: ClientCallback, group: GroupId = firstGroup): void {
    const replica = this.groups.get(group);
    if (!replica) return done({ code: 'noLeader', message: 'the node is still starting', retryAfterMs: 100 });
    replica.proposeConfChange(change, `${this.env.nodeId}.${++this.requestSeq}`, done);
  }

  transferLeader(to: NodeId, group: GroupId = firstGroup): void {
    this.groups.get(group)?.transferLeader(to);
  }

  campaign(group: GroupId = firstGroup): void {
    this.groups.get(group)?.campaign();
  }

  replica(group: GroupId = firstGroup): GroupReplica | undefined {
    return this.groups.get(group);
  }

  replicas(): readonly GroupReplica[] {
    return [...this.groups.values()];
  }

  isStopped(): boolean {
    return this.stopped;
  }

  /** Graceful stop: pending requests fail with `stopping`; timers stop. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    if (this.tickTimer !== undefined) this.env.timers.cancel(this.tickTimer);
    for (const replica of this.groups.values()) replica.stop();
  }

  // ---- internals ----

  private replicaFor(_key: string): GroupReplica | undefined {
    // One group for now; sharding maps keys to slots to groups here.
    return this.stopped ? undefined : this.groups.get(firstGroup);
  }

  private receive(_from: NodeId, frame: Uint8Array): void {
    if (this.stopped) return;
    let decoded;
    try {
      decoded = decodeFrame(frame);
    } catch (error) {
      if (!(error instanceof KvlabError)) throw error;
      this.env.tracer.emit('node.badFrame', { from: _from, bytes: frame.length, error: error.message });
      return;
    }
    if (decoded.kind !== 'raft' || decoded.message.to !== this.env.nodeId) return;
    this.groups.get(decoded.message.group)?.step(decoded.message);
  }

  /**
   * Ticks follow the monotonic clock, not the count of timer firings: after a stall (a GC pause, a
   * stopped VM) the missed ticks are made up at once, so election timeouts and the leader's lease
   * expire when real time says they should. Counting firings would let a paused leader wake up
   * believing its lease still holds and serve a stale read.
   */
  private scheduleTick(): void {
    this.tickTimer = this.env.timers.schedule(this.config.tickMs, () => {
      if (this.stopped) return;
      const nowMs = this.env.clock.nowMs();
      const due = Math.max(1, Math.floor((nowMs - this.lastTickMs) / this.config.tickMs));
      const ticks = Math.min(due, this.config.electionTicks * 4);
      this.lastTickMs = due > ticks ? nowMs : this.lastTickMs + ticks * this.config.tickMs;
      for (const replica of this.groups.values()) for (let i = 0; i < ticks && !this.stopped; i++) replica.tick();
      this.scheduleTick();
    });
  }

  /** Recovers a group from disk, or founds it; calls `ready` once the group can take part. */
  private openGroup(group: GroupId, ready: () => void): void {
    let durable: DurableLog;
    try {
      durable = this.deps.openDurableLog(this.env, `raft/g${group}`, group);
    } catch (error) {
      return this.fail(error as Error);
    }
    const { recovered } = durable;
    const fresh = !recovered.snapshot && !recovered.hardState && recovered.entries.length === 0;
    // What recovery read may still sit only in the page cache (a process crash keeps it, a power loss
    // would not): make it durable before this node promises anything based on it.
    durable.sync((syncError) => {
      if (this.stopped) return;
      if (syncError) return this.fail(syncError);
      this.reportRecoveredDurable(group, recovered);
      if (!fresh || this.config.join) {
        this.startGroup(group, durable, recovered);
        return ready();
      }
      const snapshot = bootstrapSnapshot(this.config.initialVoters);
      durable.saveSnapshot(snapshot, (error) => {
        if (this.stopped) return;
        if (error) return this.fail(error);
        this.startGroup(group, durable, { ...recovered, snapshot });
        ready();
      });
    });
  }

  /**
   * What recovery read is durable now that the first sync completed, including WAL records a crash kept
   * in the page cache without an fsync. Observers that judge durability (durable-before-ack) must count it.
   */
  private reportRecoveredDurable(group: GroupId, recovered: DurableLog['recovered']): void {
    const observer = this.deps.observer;
    if (!observer) return;
    if (recovered.snapshot) observer.snapshotPersisted(this.env.nodeId, group, recovered.snapshot.metadata.index);
    if (recovered.entries.length > 0) observer.persisted(this.env.nodeId, group, recovered.entries);
  }

  private startGroup(group: GroupId, durable: DurableLog, recovered: DurableLog['recovered']): void {
    const memory = new MemoryStorage();
    const engine = this.deps.engine(group, this.env);
    const stateMachine = new KvStateMachine({ engine });
    const snapshot = recovered.snapshot;
    if (snapshot) {
      memory.applySnapshot(snapshot);
      installSnapshotState(stateMachine, snapshot);
    }
    memory.append(recovered.entries);
    if (recovered.hardState) memory.setHardState(recovered.hardState);
    this.env.tracer.emit('raft.recover', {
      group,
      snapshotIndex: snapshot?.metadata.index ?? 0,
      snapshotTerm: snapshot?.metadata.term ?? 0,
      lastIndex: memory.lastIndex(),
      terms: recovered.entries.length <= recoverTermsTracedMax ? recovered.entries.map((e) => e.term) : undefined,
      commit: recovered.hardState?.commit ?? 0,
    });
    // An engine that can export its state in the background holds it durably: Raft snapshots name it.
    const engineSnapshots = engine.exportSnapshotLater && engine.flush && engine.durableAppliedIndex ? new EngineSnapshotStorage(memory) : undefined;
    const raw = new RawNode(this.raftConfig(group, snapshot?.metadata.index ?? 0), engineSnapshots ?? memory, this.env.tracer, this.env.random.child(`raft/${group}`));
    const replica = new GroupReplica(this.env, this.config, {
      group,
      raw,
      memory,
      durable,
      stateMachine,
      engine,
      engineSnapshots,
      afterTurn: this.deps.afterTurn,
      confState: memory.initialState().confState,
      observer: this.deps.observer,
      onFatal: (error) => this.fail(error),
      onConfChange: (change, confState) => this.deps.onConfChange?.(group, change, confState),
    });
    this.groups.set(group, replica);
  }

  private raftConfig(group: GroupId, applied: number): RaftConfig {
    const c = this.config;
    return {
      id: this.env.nodeId,
      group,
      electionTicks: c.electionTicks,
      heartbeatTicks: c.heartbeatTicks,
      preVote: c.preVote,
      checkQuorum: c.checkQuorum,
      readOnlyOption: c.reads === 'lease' ? 'leaseBased' : 'safe',
      leaseDriftTicksMax: c.leaseDriftTicksMax,
      maxMsgBytes: c.maxMsgBytes,
      inflightMsgsMax: c.inflightMsgsMax,
      inflightBytesMax: c.inflightBytesMax,
      uncommittedBytesMax: c.uncommittedBytesMax,
      snapshotChunkBytes: c.snapshotChunkBytes,
      applied: logIndex(applied),
      bugs: new Set([...c.bugs]) as ReadonlySet<RaftBugName>,
    } as RaftConfig;
  }

  private fail(error: Error): void {
    if (this.stopped) return;
    this.env.tracer.emit('node.fatal', { error: error.message });
    this.stop();
    this.deps.onFatal?.(error);
  }
}

function writeKey(write: KvWrite): string {
  switch (write.op) {
    case 'del':
    case 'purgeExpired':
      return write.keys[0] ?? '';
    case 'mset':
      return write.pairs[0]?.[0] ?? '';
    default:
      return write.key;
  }
}

function readKey(read: KvRead): string {
  switch (read.op) {
    case 'mget':
    case 'exists':
      return read.keys[0] ?? '';
    case 'scan':
    case 'dbsize':
      return '';
    default:
      return read.key;
  }
}
