// Carries out one scenario fault on the simulated world, and knows how to undo it. Faults that name a
// duration undo themselves; `heal` and the heal phase undo the rest. A fault whose selector names
// nobody at that moment (no leader during an election, say) is skipped and traced as such.
import type { Random } from '../../core/env/random.ts';
import type { NodeId } from '../../core/types.ts';
import type { DiskWindowFaults } from '../disk/sim-disk.ts';
import type { Fault } from '../scenario/schema.ts';
import type { FaultId } from '../trace/fault-log.ts';
import type { SimWorld } from '../world/sim-world.ts';
import type { ClusterView } from './cluster-view.ts';
import { SelectorResolver } from './selectors.ts';

/** Operations that need the node host or the disk layout; the run harness provides them. */
export interface FaultHooks {
  corrupt(node: NodeId, file: 'wal' | 'snapshot', where: 'tail' | 'middle' | 'random'): boolean;
  addNode(promote: boolean): NodeId | undefined;
  removeNode(node: NodeId): boolean;
  transferLeader(to: NodeId | undefined): boolean;
  /** A node crashed or stopped. */
  nodeDown(node: NodeId): void;
  /** Opens a window of faults on the node's disk, or closes it (undefined). False when the node has no disk to fault. */
  diskFaults(node: NodeId, faults: DiskWindowFaults | undefined): boolean;
}

export type Undo = () => void;

/** A link-degrade ramp moves in steps of this (virtual ms). */
const rampStepMs = 100;

/**
 * A fault in effect: how to undo it, and whether it still is in effect. Something other than its own
 * undo can end a fault (an explicit `restart` ends a crash, an explicit `heal` ends a partition), and
 * a fault that has ended no longer counts against the nemesis's concurrentMax nor gets undone again.
 */
interface Effect {
  readonly undo: Undo;
  readonly inEffect: () => boolean;
}

export class FaultRunner {
  /** Faults started and not yet undone by the runner, by a runner-local number (some may have ended otherwise). */
  private readonly active = new Map<number, Effect>();
  private nextId = 1;
  /** crash-new-leader triggers waiting for an election, oldest first; each takes one. */
  private readonly armedForNewLeader: Array<(leader: NodeId) => void> = [];
  private listeningForElections = false;
  /** The disk-fault window open on each node (a later window on the same node replaces it). */
  private readonly diskWindows = new Map<NodeId, object>();

  constructor(
    private readonly world: SimWorld,
    private readonly view: ClusterView,
    private readonly random: Random,
    private readonly hooks: FaultHooks,
  ) {}

  /** Faults in effect now, explicit and nemesis alike: what the nemesis's concurrentMax limits. */
  get activeCount(): number {
    for (const [id, effect] of this.active) if (!effect.inEffect()) this.active.delete(id);
    return this.active.size;
  }

  /** Applies `fault` now. Returns false when it named nobody and was skipped. */
  apply(fault: Fault): boolean {
    const effect = this.carryOut(fault, new SelectorResolver(this.view, this.random.child(`fault/${this.nextId}`)));
    if (effect === null || typeof effect === 'string') {
      this.world.tracer.emit('fault.skip', { fault: fault.fault, reason: effect ?? 'its selector named no node at this moment' });
      return false;
    }
    if (effect === undefined) return true;
    const id = this.nextId++;
    this.active.set(id, effect);
    const durationMs = 'durationMs' in fault ? fault.durationMs : undefined;
    if (durationMs !== undefined) this.world.sim.schedule(Math.round(durationMs * 1000), () => this.undo(id));
    return true;
  }

  /** Undoes every fault in effect (network heals, paused nodes resume, crashed nodes restart, clocks settle). */
  healAll(): void {
    for (const id of [...this.active.keys()]) this.undo(id);
    this.world.network.healAll();
    for (const node of this.world.nodeIds()) {
      if (this.world.state(node) === 'paused') this.world.resume(node);
    }
  }

  private undo(id: number): void {
    const effect = this.active.get(id);
    if (!effect) return;
    this.active.delete(id);
    if (effect.inEffect()) effect.undo();
  }

  /**
   * Returns the fault's effect, undefined for a fault with nothing to undo, or when it was skipped
   * the reason (null: a selector named nobody).
   */
  private carryOut(fault: Fault, sel: SelectorResolver): Effect | undefined | null | string {
    const { world } = this;
    const net = world.network;
    switch (fault.fault) {
      case 'partition': {
        const groups = fault.groups.map((g) => sel.list(g));
        sel.finish();
        if (groups.filter((g) => g.length > 0).length < 2) return null;
        return this.networkFault(net.partition(groups));
      }
      case 'one-way': {
        const from = sel.list(fault.from);
        const to = sel.list(fault.to);
        sel.finish();
        if (!from.length || !to.length) return null;
        return this.networkFault(net.oneWay(from, to));
      }
      case 'bridge':
        return this.bridge(fault.bridge === undefined ? sel.one('random') : sel.one(fault.bridge));
      case 'heal':
        net.healAll();
        return undefined;
      case 'crash':
        return this.crash(sel.one(fault.node));
      case 'restart': {
        const node = sel.one(fault.node);
        if (node === undefined) return null;
        const state = world.state(node);
        if (state === 'crashed' || state === 'stopped') world.restart(node);
        return undefined;
      }
      case 'pause':
        return this.pause(sel.one(fault.node));
      case 'clock-skew':
        return this.skew(sel.one(fault.node), fault.driftPpm ?? 0, fault.stepMs ?? 0);
      case 'corrupt': {
        const node = sel.one(fault.node);
        if (node === undefined || !this.hooks.corrupt(node, fault.file, fault.where ?? 'random')) return null;
        return undefined;
      }
      case 'clog': {
        const from = sel.one(fault.from);
        const to = sel.one(fault.to);
        if (from === undefined || to === undefined || from === to) return null;
        return this.networkFault(net.clog([from], [to]));
      }
      case 'add-node':
        if (this.view.leader() === undefined) return 'no leader to add a node through';
        return this.hooks.addNode(fault.promote ?? true) === undefined ? 'no spare node left to add' : undefined;
      case 'remove-node': {
        const node = sel.one(fault.node);
        if (node === undefined) return null;
        if (this.view.leader() === undefined) return 'no leader to remove a node through';
        return this.hooks.removeNode(node) ? undefined : 'the cluster has a single member';
      }
      case 'transfer-leader':
        return this.transferLeader(fault.to === undefined ? undefined : sel.one(fault.to), fault.to !== undefined);
      case 'crash-new-leader':
        return this.crashNewLeader(fault.afterMs ?? 0, fault.durationMs);
      case 'kill':
        return this.crash(sel.one(fault.node), 'kill');
      case 'stop':
        return this.stop(sel.one(fault.node));
      case 'disk': {
        const { at: _at, fault: _kind, node: _node, durationMs: _duration, ...faults } = fault;
        return this.diskWindow(sel.one(fault.node), faults);
      }
      case 'link-degrade': {
        const from = sel.list(fault.from);
        const to = sel.list(fault.to);
        sel.finish();
        if (!from.length || !to.length) return null;
        return this.degrade(from, to, fault.dropProbability, fault.latencyMs ?? 0, fault.rampMs ?? 0);
      }
    }
  }

  /** A graceful restart, first half: the node stops cleanly (SIGTERM); its undo starts it again. */
  private stop(node: NodeId | undefined): Effect | null | string {
    if (node === undefined) return null;
    if (this.world.state(node) !== 'up') return `node ${node} is ${this.world.state(node)}, not up`;
    this.world.stop(node);
    this.hooks.nodeDown(node);
    const incarnation = this.world.incarnation(node);
    const inEffect = () => this.world.state(node) === 'stopped' && this.world.incarnation(node) === incarnation;
    return { undo: () => this.world.start(node), inEffect };
  }

  /** The node's disk misbehaves until the fault ends (traced as fault.start / fault.stop `disk`). */
  private diskWindow(node: NodeId | undefined, faults: DiskWindowFaults): Effect | null | string {
    if (node === undefined) return null;
    if (!this.hooks.diskFaults(node, faults)) return `node ${node} has no simulated disk to fault`;
    const id = this.world.faultStart('disk', { node, ...faults });
    const token = {};
    this.diskWindows.set(node, token);
    return {
      undo: () => {
        this.diskWindows.delete(node);
        this.hooks.diskFaults(node, undefined);
        this.world.faultStop(id);
      },
      inEffect: () => this.diskWindows.get(node) === token,
    };
  }

  /**
   * Links from each of `from` to each of `to` degrade: loss and extra latency grow linearly from the
   * link's own over `rampMs` (in steps of rampStepMs), then hold; undo restores each link as it was.
   */
  private degrade(from: NodeId[], to: NodeId[], dropProbability: number | undefined, latencyMs: number, rampMs: number): Effect {
    const net = this.world.network;
    const links = from.flatMap((a) => to.filter((b) => b !== a).map((b) => ({ a, b, before: net.linkConfig(a, b) })));
    const id = this.world.faultStart('linkDegrade', { from, to, dropProbability, latencyMs, rampMs });
    let ended = false;
    const set = (share: number) => {
      if (ended) return;
      for (const { a, b, before } of links) {
        const drop = dropProbability === undefined ? before.dropProbability : before.dropProbability + (dropProbability - before.dropProbability) * share;
        net.setLink(a, b, { dropProbability: drop, extraLatencyMs: before.extraLatencyMs + latencyMs * share });
      }
    };
    const steps = Math.max(1, Math.ceil(rampMs / rampStepMs));
    for (let k = 1; k < steps; k++) this.world.sim.schedule(Math.round(((rampMs * k) / steps) * 1000), () => set(k / steps));
    if (steps === 1 || rampMs === 0) set(1);
    else this.world.sim.schedule(Math.round(rampMs * 1000), () => set(1));
    return {
      undo: () => {
        ended = true;
        for (const { a, b, before } of links) net.setLink(a, b, { dropProbability: before.dropProbability, extraLatencyMs: before.extraLatencyMs });
        this.world.faultStop(id);
      },
      inEffect: () => !ended,
    };
  }

  /**
   * Arms a trigger until the fault's duration ends: the next node to take office is crashed `afterMs`
   * later (0: before its first appends arrive, so its no-op stays on its own disk) and restarted
   * `durationMs` after the crash. Leaders that die within a round trip of their election, again and
   * again, are what Figure 8 of the Raft paper is made of. Triggers armed together take successive
   * elections, oldest first. Undo disarms a trigger that has not fired.
   */
  private crashNewLeader(afterMs: number, durationMs: number | undefined): Effect {
    const { world } = this;
    const trigger = (leader: NodeId) => {
      world.sim.schedule(Math.round(afterMs * 1000), () => {
        if (!this.isRunning(leader)) return;
        world.tracer.emit('fault.crashNewLeader', { node: leader, afterMs });
        world.crash(leader);
        this.hooks.nodeDown(leader);
        if (durationMs === undefined) return;
        world.sim.schedule(Math.round(durationMs * 1000), () => {
          if (world.state(leader) === 'crashed') world.restart(leader);
        });
      });
    };
    this.armedForNewLeader.push(trigger);
    if (!this.listeningForElections) {
      this.listeningForElections = true;
      this.view.onLeaderElected((leader) => this.armedForNewLeader.shift()?.(leader));
    }
    return {
      undo: () => {
        const at = this.armedForNewLeader.indexOf(trigger);
        if (at >= 0) this.armedForNewLeader.splice(at, 1);
      },
      inEffect: () => this.armedForNewLeader.includes(trigger),
    };
  }

  /** A partition, one-way block or clog: in effect until healed, by its undo or by an explicit heal. */
  private networkFault(id: FaultId): Effect {
    const net = this.world.network;
    return { undo: () => net.heal(id), inEffect: () => net.isActive(id) };
  }

  /** Hands leadership to `to` (any other up member when not named); a skip says why it could not. */
  private transferLeader(to: NodeId | undefined, named: boolean): undefined | null | string {
    const leader = this.view.leader();
    if (named && to === undefined) return null;
    if (leader === undefined) return 'no leader to hand leadership from';
    if (to === leader) return `node ${to} already leads`;
    return this.hooks.transferLeader(to) ? undefined : 'no other member is up to take over';
  }

  /** Two halves that reach each other only through one node. */
  private bridge(bridge: NodeId | undefined): Effect | null {
    const members = this.view.members();
    if (bridge === undefined || members.length < 3) return null;
    const others = members.filter((n) => n !== bridge);
    const half = Math.ceil(others.length / 2);
    return this.networkFault(this.world.network.partition([[...others.slice(0, half), bridge], [bridge, ...others.slice(half)]]));
  }

  /**
   * Power loss (`crash`) or kill -9 (`kill`: the page cache survives). In effect while this
   * incarnation stays crashed: a restart by anyone (an explicit `restart`, say) ends it.
   */
  private crash(node: NodeId | undefined, how: 'crash' | 'kill' = 'crash'): Effect | null {
    if (node === undefined || !this.isRunning(node)) return null;
    if (how === 'kill') this.world.kill(node);
    else this.world.crash(node);
    this.hooks.nodeDown(node);
    const incarnation = this.world.incarnation(node);
    const inEffect = () => this.world.state(node) === 'crashed' && this.world.incarnation(node) === incarnation;
    return { undo: () => this.world.restart(node), inEffect };
  }

  private pause(node: NodeId | undefined): Effect | null {
    if (node === undefined || this.world.state(node) !== 'up') return null;
    this.world.pause(node);
    const incarnation = this.world.incarnation(node);
    const inEffect = () => this.world.state(node) === 'paused' && this.world.incarnation(node) === incarnation;
    return { undo: () => this.world.resume(node), inEffect };
  }

  /** A drift lasts until undone (or the heal settles every clock); a step alone is done at once. */
  private skew(node: NodeId | undefined, driftPpm: number, stepMs: number): Effect | undefined | null {
    if (node === undefined) return null;
    if (driftPpm !== 0) this.world.setClockDrift(node, driftPpm);
    if (stepMs !== 0) this.world.stepClock(node, stepMs);
    if (driftPpm === 0) return undefined;
    return { undo: () => this.world.setClockDrift(node, 0), inEffect: () => this.world.clock(node).driftPpm === driftPpm };
  }

  private isRunning(node: NodeId): boolean {
    const state = this.world.state(node);
    return state === 'up' || state === 'paused' || state === 'starting';
  }
}
