// The simulated world: one kernel, one network, and per node a clock, timers, a random stream, a
// network endpoint, a volume and a tracer, bundled as the node's core/env Env. Lifecycle operations
// (start, crash, restart, pause, resume, stop) go through the xstate lifecycle machine and are traced.
import type { Env } from '../../core/env/index.ts';
import type { Tracer } from '../../core/env/tracer.ts';
import { advanceLifecycle, initialLifecycle, lifecycleState } from './lifecycle-machine.ts';
import type { LifecycleEventType, LifecycleSnapshot, LifecycleState } from './lifecycle-machine.ts';
import { assert, KvlabError } from '../../core/types.ts';
import type { NodeId } from '../../core/types.ts';
import { ownerIdMax, Simulator } from '../kernel/simulator.ts';
import type { LinkConfig } from '../network/link-config.ts';
import { SimNetwork } from '../network/sim-network.ts';
import { createRandom, type SimRandom } from '../random.ts';
import { FaultLog, type FaultId } from '../trace/fault-log.ts';
import { nullTraceSink, stampedTracer, type TraceSink } from '../trace/trace-sink.ts';
import { NodeClock } from './node-clock.ts';
import type { NodeInstance, NodeProgram } from './node-program.ts';
import { NodeTimers, type TimerIdSource } from './node-timers.ts';
import type { SimVolume, VolumeFactory } from './sim-volume.ts';

export interface SimWorldOptions {
  readonly seed: number | string;
  /** Node ids (integers 1..65535), in the order volumes are created and startAll() starts them. */
  readonly nodes: readonly NodeId[];
  readonly program: NodeProgram;
  /** Called once per node, at construction; SimDisk plugs in here. */
  readonly volumes: VolumeFactory;
  /** Where trace events go; default nowhere. */
  readonly sink?: TraceSink;
  /** Default link behaviour (see SimNetwork). */
  readonly link?: Partial<LinkConfig>;
  readonly describeFrame?: (frame: Uint8Array) => unknown;
  readonly eventsMax?: number;
  /** Wall clock (ms since the Unix epoch) at virtual time 0. Default 2024-01-01T00:00:00Z. */
  readonly wallEpochMs?: number;
  /** Each node's monotonic clock starts at a seeded origin in [0, clockOriginMsMax] ms. Default 1,000,000. */
  readonly clockOriginMsMax?: number;
  /** Per node. Default 100,000. */
  readonly timersPendingMax?: number;
  /** Frames waiting at one paused node. Default 10,000. */
  readonly pausedFramesMax?: number;
}

interface SimNode {
  readonly id: NodeId;
  readonly clock: NodeClock;
  readonly volume: SimVolume;
  readonly tracer: Tracer;
  lifecycle: LifecycleSnapshot;
  /** Processes started so far (the first start is incarnation 1). */
  incarnation: number;
  env: Env | undefined;
  timers: NodeTimers | undefined;
  instance: NodeInstance | undefined;
}

export class SimWorld {
  readonly sim: Simulator;
  readonly random: SimRandom;
  readonly network: SimNetwork;
  readonly faults: FaultLog;
  readonly sink: TraceSink;
  /** Tracer for world-level events (node null): nemesis, workload. */
  readonly tracer: Tracer;
  private readonly nodes = new Map<NodeId, SimNode>();
  private readonly program: NodeProgram;
  private readonly timerIds: TimerIdSource = { next: 1 };
  private readonly timersPendingMax: number;

  constructor(options: SimWorldOptions) {
    this.sim = new Simulator({ eventsMax: options.eventsMax });
    this.random = createRandom(options.seed);
    this.sink = options.sink ?? nullTraceSink;
    this.tracer = stampedTracer(this.sink, this.sim, null);
    this.faults = new FaultLog(this.sink, this.sim);
    this.program = options.program;
    this.timersPendingMax = options.timersPendingMax ?? 100_000;
    this.network = new SimNetwork(this.sim, {
      random: this.random,
      sink: this.sink,
      faults: this.faults,
      link: options.link,
      describeFrame: options.describeFrame,
      pausedFramesMax: options.pausedFramesMax,
    });
    const wallEpochMs = options.wallEpochMs ?? Date.UTC(2024, 0, 1);
    const clockOriginMsMax = options.clockOriginMsMax ?? 1_000_000;
    for (const id of options.nodes) this.addNode(id, options.volumes, wallEpochMs, clockOriginMsMax);
  }

  private addNode(id: NodeId, volumes: VolumeFactory, wallEpochMs: number, clockOriginMsMax: number): void {
    if (!(Number.isInteger(id) && id >= 1 && id <= ownerIdMax)) throw new KvlabError('invalidNode', `node id must be an integer in [1, ${ownerIdMax}], got ${id}`);
    if (this.nodes.has(id)) throw new KvlabError('invalidNode', `node id ${id} is listed twice`);
    const tracer = stampedTracer(this.sink, this.sim, id);
    const originMs = this.random.child(`node/${id}/clock`).int(0, clockOriginMsMax);
    const volume = volumes(id, {
      schedule: (delayUs, callback) => {
        this.sim.schedule(Math.max(0, Math.ceil(delayUs)), callback, id);
      },
      random: this.random.child(`node/${id}/disk`),
      tracer,
    });
    const clock = new NodeClock(this.sim, originMs, wallEpochMs);
    this.nodes.set(id, { id, clock, volume, tracer, lifecycle: initialLifecycle(), incarnation: 0, env: undefined, timers: undefined, instance: undefined });
  }

  // ---- queries ----

  nodeIds(): NodeId[] {
    return [...this.nodes.keys()];
  }

  state(node: NodeId): LifecycleState {
    return lifecycleState(this.node(node).lifecycle);
  }

  /** The running instance (undefined unless starting, up or paused). */
  instance(node: NodeId): NodeInstance | undefined {
    return this.node(node).instance;
  }

  env(node: NodeId): Env | undefined {
    return this.node(node).env;
  }

  volume(node: NodeId): SimVolume {
    return this.node(node).volume;
  }

  clock(node: NodeId): NodeClock {
    return this.node(node).clock;
  }

  incarnation(node: NodeId): number {
    return this.node(node).incarnation;
  }

  // ---- lifecycle ----

  /** Starts a stopped node (every node begins stopped). */
  start(node: NodeId): void {
    this.boot(this.node(node), 'start');
  }

  startAll(): void {
    for (const node of this.nodes.values()) this.boot(node, 'start');
  }

  /** Power loss: timers, in-flight frames and memory are gone; the volume keeps what its policy keeps. */
  crash(node: NodeId): void {
    const n = this.node(node);
    const change = advanceLifecycle(n.lifecycle, 'crash');
    this.sim.cancelOwner(node);
    this.network.detach(node, 'crash');
    this.forgetProcess(n);
    const outcome = n.volume.crash() ?? undefined;
    n.tracer.emit('node.crash', { unsynced: { lost: 0, kept: 0, torn: 0, ...outcome } });
    this.commit(n, change);
  }

  /**
   * kill -9: the process dies at once (timers, in-flight frames and memory gone, no stop() runs) but
   * the machine does not, so its volume keeps every write, synced or not, in the page cache. Traced as
   * `node.kill`; the node is then `crashed` and `restart` brings it back from what its volume holds.
   */
  kill(node: NodeId): void {
    const n = this.node(node);
    const change = advanceLifecycle(n.lifecycle, 'crash');
    this.sim.cancelOwner(node);
    this.network.detach(node, 'crash');
    this.forgetProcess(n);
    if (n.volume.kill) n.volume.kill();
    else n.volume.crash();
    n.tracer.emit('node.kill', {});
    this.commit(n, change);
  }

  /** A fresh instance of a crashed node, built from its volume. */
  restart(node: NodeId): void {
    this.boot(this.node(node), 'restart');
  }

  /** A stalled process: its timers and incoming frames wait, and run at resume in the order they came due. */
  pause(node: NodeId): void {
    const n = this.node(node);
    const change = advanceLifecycle(n.lifecycle, 'pause');
    this.sim.pauseOwner(node);
    this.network.pause(node);
    this.commit(n, change);
  }

  resume(node: NodeId): void {
    const n = this.node(node);
    const change = advanceLifecycle(n.lifecycle, 'resume');
    this.commit(n, change);
    this.network.resume(node);
    this.sim.resumeOwner(node);
  }

  /** Graceful stop: the instance's stop() runs, then the process exits. Its disk is untouched. */
  stop(node: NodeId): void {
    const n = this.node(node);
    const change = advanceLifecycle(n.lifecycle, 'stop');
    n.instance?.stop?.();
    this.sim.cancelOwner(node);
    this.network.detach(node, 'stop');
    this.forgetProcess(n);
    this.commit(n, change);
  }

  private boot(n: SimNode, event: 'start' | 'restart'): void {
    this.commit(n, advanceLifecycle(n.lifecycle, event));
    if (event === 'restart') n.tracer.emit('node.restart', {});
    n.incarnation++;
    const timers = new NodeTimers(this.sim, n.id, n.clock, this.timerIds, this.timersPendingMax);
    const env: Env = {
      nodeId: n.id,
      clock: n.clock,
      timers,
      random: this.random.child(`node/${n.id}/incarnation/${n.incarnation}`),
      network: this.network.attach(n.id),
      disk: n.volume.disk,
      tracer: n.tracer,
    };
    n.timers = timers;
    n.env = env;
    n.instance = this.program(env);
    this.commit(n, advanceLifecycle(n.lifecycle, 'ready'));
  }

  private forgetProcess(n: SimNode): void {
    n.timers?.retire();
    n.env = undefined;
    n.timers = undefined;
    n.instance = undefined;
  }

  private commit(n: SimNode, change: { snapshot: LifecycleSnapshot; from: LifecycleState; to: LifecycleState; event: LifecycleEventType }): void {
    n.lifecycle = change.snapshot;
    n.tracer.emit('node.lifecycle', { from: change.from, to: change.to, event: change.event });
  }

  // ---- clocks ----

  /** Sets the node's clock rate error: +100 means its clock gains 100 µs per virtual second. */
  setClockDrift(node: NodeId, driftPpm: number): void {
    const n = this.node(node);
    n.clock.setDrift(driftPpm);
    n.tracer.emit('clock.skew', { driftPpm, stepMs: 0, offsetMs: n.clock.offsetMs });
  }

  /** Jumps the node's wall clock by `stepMs` (either way); its monotonic clock is unaffected. */
  stepClock(node: NodeId, stepMs: number): void {
    const n = this.node(node);
    n.clock.step(stepMs);
    n.tracer.emit('clock.skew', { driftPpm: n.clock.driftPpm, stepMs, offsetMs: n.clock.offsetMs });
  }

  // ---- faults and running ----

  /** Traces `fault.start` for a fault the caller implements (pause, crash loop, disk fault, ...). */
  faultStart(fault: string, fields: Record<string, unknown> = {}): FaultId {
    return this.faults.start(fault, fields);
  }

  faultStop(id: FaultId): void {
    this.faults.stop(id);
  }

  /** Runs until virtual time `ms` (milliseconds; microsecond resolution). */
  runUntilMs(ms: number): void {
    this.sim.runUntil(Math.round(ms * 1000));
  }

  runForMs(ms: number): void {
    this.sim.runFor(Math.round(ms * 1000));
  }

  private node(node: NodeId): SimNode {
    const n = this.nodes.get(node);
    if (n === undefined) throw new KvlabError('unknownNode', `node ${node} is not in this world (nodes: ${this.nodeIds().join(', ')})`);
    assert(n.id === node, 'node table is inconsistent');
    return n;
  }
}
