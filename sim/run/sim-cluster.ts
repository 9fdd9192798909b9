// The simulated cluster: a SimWorld whose nodes run the real KvNode host over SimDisk, plus the views
// the nemesis, the workload and the checkers need. Spare nodes exist from the start (stopped) so that
// membership faults can add them.
import type { Env } from '../../core/env/index.ts';
import { MemoryEngine } from '../../core/kv/memory-engine.ts';
import { PersistentSimEngine } from '../engine/persistent-sim-engine.ts';
import { KvNode, firstGroup } from '../../core/node/kv-node.ts';
import { nodeConfigDefaults, type NodeConfig } from '../../core/node/node-config.ts';
import { decodeFrame, describeFrame } from '../../core/codec/frame.ts';
import { openDurableLog } from '../../core/node/open-durable-log.ts';
import { type NodeId, nodeId } from '../../core/types.ts';
import { RaftInvariantChecker, type LogView } from '../check/raft-invariants.ts';
import { SimDisk } from '../disk/sim-disk.ts';
import type { ClusterView } from '../nemesis/cluster-view.ts';
import type { Scenario } from '../scenario/schema.ts';
import type { TraceSink } from '../trace/trace-sink.ts';
import { SimWorld } from '../world/sim-world.ts';
import { type CrashPoint, countingDisk } from './crash-points.ts';
import { type FailStopBug, failStopKind } from './fail-stops.ts';

export interface SimClusterOptions {
  readonly scenario: Scenario;
  readonly seed: number;
  readonly bugs: ReadonlySet<string>;
  readonly sink: TraceSink;
  /** Spare nodes (stopped until a membership fault adds them). */
  readonly spares: number;
  readonly crashPoints?: readonly CrashPoint[];
}

export class SimCluster implements ClusterView {
  readonly world: SimWorld;
  readonly checker: RaftInvariantChecker;
  readonly disks = new Map<NodeId, SimDisk>();
  /** Nodes whose host gave up (corruption found at start, a disk error): they stay down. */
  readonly fatal = new Map<NodeId, string>();
  /** Node stops that were bugs (a failed assertion, a TypeError): each fails the run (fail-stops.ts). */
  readonly fatalBugs: FailStopBug[] = [];
  private readonly memberSet = new Set<NodeId>();
  /** members() as last built; a new array (never mutated) each time the set changes. */
  private membersSorted: readonly NodeId[] | undefined = undefined;
  private readonly downListeners = new Map<NodeId, Set<() => void>>();
  private readonly electedListeners = new Set<(node: NodeId) => void>();
  private readonly founders: NodeId[];
  leaderChanges = 0;

  constructor(private readonly options: SimClusterOptions) {
    const { scenario, seed, sink, spares } = options;
    this.founders = range(1, scenario.cluster.nodes);
    const all = range(1, scenario.cluster.nodes + spares);
    this.checker = new RaftInvariantChecker(() => this.world.sim.nowUs);
    this.world = new SimWorld({
      seed,
      nodes: all,
      program: (env) => this.boot(env),
      volumes: (node, hooks) => {
        const disk = new SimDisk({ ...hooks, options: scenario.disk });
        this.disks.set(node, disk);
        const point = options.crashPoints?.find((p) => p.node === node);
        const seen = point
          ? countingDisk(disk, (count, op) => {
              if (this.diskOps.length < diskOpsRecordedMax) this.diskOps.push(op);
              this.crashPointReached(point, count, op);
            })
          : disk;
        return { disk: seen, crash: () => disk.crash(), kill: () => disk.killProcess() };
      },
      sink,
      link: linkFrom(scenario),
      describeFrame: (frame) => safeDescribe(frame),
    });
    for (const n of this.founders) this.memberSet.add(n);
  }

  /** The mutating disk operations of the crash-point node, in order (for choosing crash points). */
  readonly diskOps: string[] = [];
  /** Crash points whose crash has happened, with the operation they followed. */
  readonly crashPointsHit: { node: NodeId; op: string; atUs: number }[] = [];

  private crashPointReached(point: CrashPoint, count: number, op: string): void {
    if (count !== point.afterDiskOps) return;
    const { world } = this;
    // Crash before anything else happens on this node: at the same virtual instant, as the next event.
    world.sim.schedule(0, () => {
      const state = world.state(point.node);
      if (state !== 'up' && state !== 'paused' && state !== 'starting') return;
      this.crashPointsHit.push({ node: point.node, op, atUs: world.sim.nowUs });
      world.crash(point.node);
      this.nodeDown(point.node);
      world.sim.schedule(point.restartAfterMs * 1000, () => {
        if (world.state(point.node) === 'crashed') world.restart(point.node);
      });
    });
  }

  start(): void {
    for (const n of this.founders) this.world.start(n);
  }

  node(id: NodeId): KvNode | undefined {
    const state = this.world.state(id);
    if (state !== 'up' && state !== 'paused' && state !== 'starting') return undefined;
    const instance = this.world.instance(id) as KvNode | undefined;
    return instance && !instance.isStopped() ? instance : undefined;
  }

  // ---- ClusterView ----

  allNodes(): readonly NodeId[] {
    return this.world.nodeIds();
  }

  /** Asked by every client after each failed operation and by leader() (so every inspection): kept, not rebuilt. */
  members(): readonly NodeId[] {
    this.membersSorted ??= [...this.memberSet].sort((a, b) => a - b);
    return this.membersSorted;
  }

  isUp(id: NodeId): boolean {
    return this.world.state(id) === 'up' && this.node(id) !== undefined;
  }

  leader(): NodeId | undefined {
    let best: { id: NodeId; term: number } | undefined;
    for (const id of this.members()) {
      if (!this.isUp(id)) continue;
      const info = this.node(id)?.replica()?.leaderInfo();
      if (info?.role === 'leader' && (!best || info.term > best.term)) best = { id, term: info.term };
    }
    return best?.id;
  }

  /** Voters as the current leader (or any up member) sees them. */
  voters(): readonly NodeId[] {
    const from = this.leader() ?? this.members().find((n) => this.isUp(n));
    return (from !== undefined && this.node(from)?.replica()?.voters()) || this.founders;
  }

  /**
   * Voters and learners of the configuration as the leader (or any up member) has applied it: the
   * nodes that must keep up. A spare started for an addition that never committed is not among them.
   */
  configuredMembers(): readonly NodeId[] {
    const from = this.leader() ?? this.members().find((n) => this.isUp(n));
    const conf = from === undefined ? undefined : this.node(from)?.replica()?.members();
    return conf ? [...conf.voters, ...conf.learners] : this.members();
  }

  /** The voters the cluster was founded with. */
  foundingVoters(): readonly NodeId[] {
    return this.founders;
  }

  /** Calls `listener` once if `id` crashes or stops (a client's connection to it breaks). */
  onNodeDown(id: NodeId, listener: () => void): () => void {
    let set = this.downListeners.get(id);
    if (!set) this.downListeners.set(id, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  onLeaderElected(listener: (node: NodeId) => void): () => void {
    this.electedListeners.add(listener);
    return () => this.electedListeners.delete(listener);
  }

  /** The node went down: every client waiting on it sees its connection drop. */
  nodeDown(id: NodeId): void {
    const set = this.downListeners.get(id);
    if (!set) return;
    this.downListeners.delete(id);
    for (const listener of set) listener();
  }

  addMember(id: NodeId): void {
    this.memberSet.add(id);
    this.membersSorted = undefined;
  }

  removeMember(id: NodeId): void {
    this.memberSet.delete(id);
    this.membersSorted = undefined;
  }

  /** Log matching, leader completeness and index order over every running member. */
  inspect(): void {
    const logs = new Map<NodeId, LogView>();
    for (const id of this.world.nodeIds()) {
      const replica = this.node(id)?.replica();
      if (!replica || replica.isFailed()) continue;
      const log = replica.log();
      const status = replica.status();
      // Nothing changes a log during an inspection: its bounds are read once.
      const firstIndex = log.firstIndex();
      const lastIndex = log.lastIndex();
      logs.set(id, {
        firstIndex,
        lastIndex,
        raftLastIndex: status.lastIndex,
        commit: status.commit,
        applied: status.applied, // Raft's applied index: a persistent engine may be ahead of it after a restart
        term: (i) => (i >= firstIndex && i <= lastIndex ? log.term(i as never) : undefined),
        source: log,
        rewrites: log.rewrites,
      });
    }
    const leader = this.leader();
    const leaderTerm = leader === undefined ? 0 : (this.node(leader)?.replica()?.leaderInfo().term ?? 0);
    this.checker.inspectLogs(firstGroup, logs, leader, leaderTerm);
  }

  private boot(env: Env): KvNode {
    const id = env.nodeId;
    if (!this.founders.includes(id)) this.addMember(id);
    this.checker.restarted(id);
    this.fatal.delete(id);
    return new KvNode(env, this.nodeConfig(id), {
      engine: (group, nodeEnv) =>
        this.options.scenario.cluster.engine === 'persistent'
          ? new PersistentSimEngine({ disk: nodeEnv.disk, dir: `kv/g${group}`, appliedIndexNotAtomic: this.options.bugs.has('appliedIndexNotAtomic') })
          : new MemoryEngine(),
      openDurableLog: (nodeEnv, dir) => openDurableLog(nodeEnv.disk, dir, { bugs: this.options.bugs, tracer: nodeEnv.tracer, storage: { segmentBytesMax: this.options.scenario.cluster.walSegmentBytesMax } }),
      observer: {
        persisted: (n, g, e) => this.checker.persisted(n, g, e),
        snapshotPersisted: (n, g, i) => this.checker.snapshotPersisted(n, g, i),
        configurationApplied: (n, g, i, v, o) => this.checker.configurationApplied(n, g, i, v, o),
        applied: (n, g, e, t) => this.checker.applied(n, g, e, t),
        committed: (n, g, i) => this.checker.committed(n, g, i),
        becameLeader: (n, g, t) => {
          this.leaderChanges++;
          this.checker.becameLeader(n, g, t);
          for (const listener of [...this.electedListeners]) listener(n);
        },
      },
      onFatal: (error) => {
        this.fatal.set(id, error.message);
        if (failStopKind(error) === 'bug') this.fatalBugs.push({ node: id, atMs: this.world.sim.nowUs / 1000, message: `${error.name}: ${error.message}` });
      },
    });
  }

  private nodeConfig(id: NodeId): NodeConfig {
    const c = this.options.scenario.cluster;
    return {
      ...nodeConfigDefaults,
      nodeId: id,
      initialVoters: this.founders,
      join: !this.founders.includes(id),
      tickMs: c.tickMs,
      electionTicks: c.electionTicks,
      heartbeatTicks: c.heartbeatTicks,
      preVote: c.preVote,
      checkQuorum: c.checkQuorum,
      reads: c.reads,
      leaseDriftTicksMax: c.leaseDriftTicksMax,
      maxMsgBytes: c.maxMsgBytes,
      inflightMsgsMax: c.inflightMsgsMax,
      snapshotEntries: c.snapshotEntries,
      snapshotTrailingEntries: Math.max(1, Math.floor(c.snapshotEntries / 4)),
      snapshotChunkBytes: c.snapshotChunkBytes,
      requestTimeoutMs: c.requestTimeoutMs,
      walSegmentBytesMax: c.walSegmentBytesMax,
      bugs: this.options.bugs,
    };
  }
}

const diskOpsRecordedMax = 1_000_000;

function range(from: number, to: number): NodeId[] {
  const out: NodeId[] = [];
  for (let i = from; i <= to; i++) out.push(nodeId(i));
  return out;
}

function linkFrom(s: Scenario) {
  const n = s.network;
  return {
    ...(n.latency ? { latency: n.latency } : {}),
    ...(n.dropProbability !== undefined ? { dropProbability: n.dropProbability } : {}),
    ...(n.duplicateProbability !== undefined ? { duplicateProbability: n.duplicateProbability } : {}),
    ...(n.reorderProbability !== undefined ? { reorderProbability: n.reorderProbability } : {}),
    ...(n.reorderDelayMsMax !== undefined ? { reorderDelayMsMax: n.reorderDelayMsMax } : {}),
    ...(n.inflightBytesMax !== undefined ? { inflightBytesMax: n.inflightBytesMax } : {}),
    ...(n.fifo !== undefined ? { fifo: n.fifo } : {}),
  };
}

function safeDescribe(frame: Uint8Array): unknown {
  try {
    return describeFrame(decodeFrame(frame));
  } catch {
    return { type: 'malformed', bytes: frame.length };
  }
}
