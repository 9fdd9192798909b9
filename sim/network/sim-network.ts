// SimNetwork: byte frames between simulated nodes, with per-link latency, loss, duplication,
// reordering, partitions, one-way blocks, clogging and an in-flight byte cap. Every decision draws
// from its own named random stream and is traced (docs/trace.md net.*), so a run replays exactly.
import { copyBytes } from '../../core/codec/slab.ts';
import type { Network } from '../../core/env/network.ts';
import type { Random } from '../../core/env/random.ts';
import { assert, KvlabError } from '../../core/types.ts';
import type { NodeId } from '../../core/types.ts';
import { Simulator, worldOwner } from '../kernel/simulator.ts';
import { FaultLog, type FaultId } from '../trace/fault-log.ts';
import { nullTraceSink, type TraceSink } from '../trace/trace-sink.ts';
import { emptyNetworkStats, type DropReason, type InflightFrame, type Link, type NetworkStats } from './frame.ts';
import { sampleLatencyUs } from './latency.ts';
import { defaultLinkConfig, validateLinkConfig, type LinkConfig } from './link-config.ts';
import { Reachability } from './reachability.ts';

export type Receiver = (from: NodeId, frame: Uint8Array) => void;
export type NodeSet = NodeId | readonly NodeId[];

export interface SimNetworkOptions {
  /** The run's root stream; the network draws from its children net/latency, net/loss, ... */
  readonly random: Random;
  readonly sink?: TraceSink;
  /** Shared with the nemesis so fault ids are unique per run; default: the network's own. */
  readonly faults?: FaultLog;
  /** Overrides of defaultLinkConfig for every link. */
  readonly link?: Partial<LinkConfig>;
  /** Decodes a frame into the `msg` summary of `net.send`; only called when that kind is traced. */
  readonly describeFrame?: (frame: Uint8Array) => unknown;
  /** Frames that may wait at one paused node; beyond it they drop (`paused-overflow`). Default 10,000. */
  readonly pausedFramesMax?: number;
}

interface NodeState {
  incarnation: number;
  /** Frames sent by this incarnation or an earlier one died with a crash. */
  deadThroughIncarnation: number;
  status: 'down' | 'up' | 'paused';
  receiver: Receiver | undefined;
  /** Frames that reached the node while it was paused, waiting (parked in the kernel) for resume. */
  readonly parked: Set<InflightFrame>;
}

type NetworkFault = { readonly kind: 'reachability' } | { readonly kind: 'clog'; readonly links: readonly Link[] };

const linkKeyStride = 65_536;

export class SimNetwork {
  readonly stats: NetworkStats = emptyNetworkStats();
  readonly faults: FaultLog;
  readonly pausedFramesMax: number;
  private readonly sink: TraceSink;
  private readonly describeFrame: (frame: Uint8Array) => unknown;
  private readonly nodes = new Map<NodeId, NodeState>();
  private readonly links = new Map<number, Link>();
  private readonly reachability = new Reachability();
  private readonly ownFaults = new Map<FaultId, NetworkFault>();
  private defaultConfig: LinkConfig;
  private frameIdNext = 1;
  private readonly latencyRandom: Random;
  private readonly lossRandom: Random;
  private readonly duplicateRandom: Random;
  private readonly reorderRandom: Random;
  private readonly arriveHandler = (frame: InflightFrame): void => this.arrive(frame);
  private readonly unparkHandler = (frame: InflightFrame): void => this.unpark(frame);

  constructor(
    private readonly sim: Simulator,
    options: SimNetworkOptions,
  ) {
    this.sink = options.sink ?? nullTraceSink;
    this.faults = options.faults ?? new FaultLog(this.sink, sim);
    this.describeFrame = options.describeFrame ?? (() => null);
    this.pausedFramesMax = options.pausedFramesMax ?? 10_000;
    this.defaultConfig = { ...defaultLinkConfig, ...options.link };
    validateLinkConfig(this.defaultConfig, 'network.link');
    this.latencyRandom = options.random.child('net/latency');
    this.lossRandom = options.random.child('net/loss');
    this.duplicateRandom = options.random.child('net/duplicate');
    this.reorderRandom = options.random.child('net/reorder');
  }

  // ---- node lifecycle (called by the world) ----

  /** The node (re)starts: a new incarnation and a fresh endpoint for it. */
  attach(node: NodeId): Network {
    let state = this.nodes.get(node);
    if (state === undefined) {
      state = { incarnation: 0, deadThroughIncarnation: 0, status: 'down', receiver: undefined, parked: new Set() };
      this.nodes.set(node, state);
    }
    assert(state.status === 'down', () => `attach(${node}): node is ${state.status}`);
    state.incarnation++;
    state.status = 'up';
    return new NetworkEndpoint(this, node, state.incarnation);
  }

  /**
   * The node is down. Frames waiting for it and frames in flight to it are lost; after a crash its
   * own frames still in flight are lost too, while a graceful stop lets them arrive.
   */
  detach(node: NodeId, how: 'crash' | 'stop'): void {
    const state = this.nodeState(node);
    for (const frame of state.parked) this.drop(frame.id, frame.from, frame.to, 'crashed');
    state.parked.clear();
    if (how === 'crash') state.deadThroughIncarnation = state.incarnation;
    state.incarnation++;
    state.status = 'down';
    state.receiver = undefined;
  }

  /** Frames reaching a paused node wait; the world pauses the node's kernel owner as well. */
  pause(node: NodeId): void {
    const state = this.nodeState(node);
    assert(state.status === 'up', () => `pause(${node}): node is ${state.status}`);
    state.status = 'paused';
  }

  /** Call before Simulator.resumeOwner, which then delivers the waiting frames in arrival order. */
  resume(node: NodeId): void {
    const state = this.nodeState(node);
    assert(state.status === 'paused', () => `resume(${node}): node is ${state.status}`);
    state.status = 'up';
  }

  setReceiver(node: NodeId, incarnation: number, receiver: Receiver): void {
    const state = this.nodeState(node);
    if (state.incarnation === incarnation) state.receiver = receiver;
  }

  // ---- sending and delivery ----

  /** Sends from `from` as of `fromIncarnation` (what a node's endpoint does). */
  sendFrom(from: NodeId, fromIncarnation: number, to: NodeId, data: Uint8Array): void {
    const id = this.frameIdNext++;
    this.stats.sent++;
    if (this.sink.enabled('net.send')) {
      this.sink.record(this.sim.nowUs, from, 'net.send', { id, from, to, bytes: data.length, msg: this.describeFrame(data) });
    }
    const source = this.nodeState(from);
    const target = this.nodes.get(to);
    if (source.incarnation !== fromIncarnation || source.status === 'down') return this.drop(id, from, to, 'crashed');
    if (target === undefined || target.status === 'down') return this.drop(id, from, to, 'crashed');
    if (this.reachability.active && this.reachability.blocked(from, to)) return this.drop(id, from, to, 'partition');
    const link = this.link(from, to);
    if (this.lossRandom.chance(link.config.dropProbability)) return this.drop(id, from, to, 'loss');
    const duplicate = this.duplicateRandom.chance(link.config.duplicateProbability);
    const frame: InflightFrame = { id, from, to, data: copyBytes(data), fromIncarnation, toIncarnation: target.incarnation, link };
    this.transmit(frame);
    if (!duplicate) return;
    const copy: InflightFrame = { ...frame, id: this.frameIdNext++, data: copyBytes(frame.data) };
    this.stats.duplicated++;
    if (this.sink.enabled('net.duplicate')) this.sink.record(this.sim.nowUs, null, 'net.duplicate', { id, copy: copy.id, from, to });
    this.transmit(copy, true);
  }

  /**
   * `outOfOrder`: a duplicate copy, which models a retransmission on another connection (a reconnect),
   * travels on its own latency draw outside the link's FIFO order, as a reordered frame does.
   */
  private transmit(frame: InflightFrame, outOfOrder = false): void {
    const link = frame.link;
    const config = link.config;
    const bytes = frame.data.length;
    if (link.inflightBytes + bytes > config.inflightBytesMax) return this.drop(frame.id, frame.from, frame.to, 'inflight-cap');
    if (link.clogCount > 0) {
      if (link.held.length >= config.clogFramesMax) return this.drop(frame.id, frame.from, frame.to, 'clog-overflow');
      link.inflightBytes += bytes;
      link.held.push(frame);
      return;
    }
    link.inflightBytes += bytes;
    const latencyUs = sampleLatencyUs(config.latency, this.latencyRandom) + Math.round(config.extraLatencyMs * 1000);
    if (this.reorderRandom.chance(config.reorderProbability)) {
      const extraUs = 1 + Math.floor(this.reorderRandom.next() * Math.round(config.reorderDelayMsMax * 1000));
      this.stats.reordered++;
      this.sim.schedule(latencyUs + extraUs, this.arriveHandler, worldOwner, frame);
      return;
    }
    if (outOfOrder || !config.fifo) {
      this.sim.schedule(latencyUs, this.arriveHandler, worldOwner, frame);
      return;
    }
    this.sim.scheduleAt(this.inOrderArrivalUs(frame, this.sim.nowUs + latencyUs), this.arriveHandler, worldOwner, frame);
  }

  /**
   * A link is one TCP connection: a frame arrives no earlier than the in-order frame sent before it on
   * the same connection (its own latency may be shorter, but it waits behind). A restart of either end
   * opens a new connection, which frames of the old one do not hold back.
   */
  private inOrderArrivalUs(frame: InflightFrame, earliestUs: number): number {
    const link = frame.link;
    if (link.fifoFromIncarnation !== frame.fromIncarnation || link.fifoToIncarnation !== frame.toIncarnation) {
      link.fifoFromIncarnation = frame.fromIncarnation;
      link.fifoToIncarnation = frame.toIncarnation;
      link.fifoArrivalUs = 0;
    }
    const atUs = Math.max(earliestUs, link.fifoArrivalUs);
    link.fifoArrivalUs = atUs;
    return atUs;
  }

  private arrive(frame: InflightFrame): void {
    frame.link.inflightBytes -= frame.data.length;
    const target = this.receivable(frame);
    if (target === undefined) return;
    if (target.status === 'paused') {
      if (target.parked.size >= this.pausedFramesMax) return this.drop(frame.id, frame.from, frame.to, 'paused-overflow');
      target.parked.add(frame);
      this.sim.park(frame.to, this.unparkHandler, frame);
      return;
    }
    this.handOver(frame, target);
  }

  private unpark(frame: InflightFrame): void {
    const target = this.receivable(frame);
    if (target === undefined) return;
    target.parked.delete(frame);
    this.handOver(frame, target);
  }

  /** The receiver's state if the frame may still be delivered; otherwise drops it (`crashed`). */
  private receivable(frame: InflightFrame): NodeState | undefined {
    const source = this.nodeState(frame.from);
    const target = this.nodeState(frame.to);
    const alive = frame.fromIncarnation > source.deadThroughIncarnation && target.incarnation === frame.toIncarnation;
    if (alive && target.status !== 'down') return target;
    this.drop(frame.id, frame.from, frame.to, 'crashed');
    return undefined;
  }

  private handOver(frame: InflightFrame, target: NodeState): void {
    const receiver = target.receiver;
    if (receiver === undefined) return this.drop(frame.id, frame.from, frame.to, 'no-receiver');
    this.stats.delivered++;
    if (this.sink.enabled('net.deliver')) this.sink.record(this.sim.nowUs, frame.to, 'net.deliver', { id: frame.id, from: frame.from, to: frame.to });
    receiver(frame.from, frame.data);
  }

  private drop(id: number, from: NodeId, to: NodeId, reason: DropReason): void {
    this.stats.dropped[reason]++;
    if (this.sink.enabled('net.drop')) this.sink.record(this.sim.nowUs, null, 'net.drop', { id, from, to, reason });
  }

  // ---- faults ----

  /** Symmetric partition: nodes reach only nodes sharing one of `groups` (a node in two groups bridges them; an unlisted node reaches nobody). */
  partition(groups: readonly (readonly NodeId[])[]): FaultId {
    const id = this.faults.start('partition', { groups: groups.map((group) => [...group]) });
    this.reachability.addPartition(id, groups);
    this.ownFaults.set(id, { kind: 'reachability' });
    return id;
  }

  /** Frames from any node of `from` to any node of `to` are dropped; the reverse direction still works. */
  oneWay(from: NodeSet, to: NodeSet): FaultId {
    const fromNodes = nodeList(from);
    const toNodes = nodeList(to);
    const id = this.faults.start('oneWay', { from: fromNodes, to: toNodes });
    this.reachability.addOneWay(id, fromNodes, toNodes);
    this.ownFaults.set(id, { kind: 'reachability' });
    return id;
  }

  /** Holds frames on every link from `from` to `to` until healed, then releases them in order. */
  clog(from: NodeSet, to: NodeSet): FaultId {
    const links = this.linksBetween(from, to);
    const id = this.faults.start('clog', { from: nodeList(from), to: nodeList(to) });
    for (const link of links) link.clogCount++;
    this.ownFaults.set(id, { kind: 'clog', links });
    return id;
  }

  /** Ends a partition, one-way block or clog. */
  heal(id: FaultId): void {
    const fault = this.ownFaults.get(id);
    if (fault === undefined) throw new KvlabError('unknownFault', `fault ${id} is not an active network fault (never started, already healed, or not the network's)`);
    this.faults.stop(id);
    this.ownFaults.delete(id);
    if (fault.kind === 'reachability') {
      this.reachability.remove(id);
      return;
    }
    for (const link of fault.links) {
      if (--link.clogCount === 0) this.release(link);
    }
  }

  /** True while the partition, one-way block or clog `id` is in effect (not yet healed). */
  isActive(id: FaultId): boolean {
    return this.ownFaults.has(id);
  }

  /** Heals every active network fault, oldest first. */
  healAll(): void {
    for (const id of [...this.ownFaults.keys()]) this.heal(id);
  }

  /** Held frames leave in send order, never overtaking each other (nor, on a FIFO link, frames still in flight). */
  private release(link: Link): void {
    let atUs = this.sim.nowUs;
    for (const frame of link.held) {
      const latencyUs = sampleLatencyUs(link.config.latency, this.latencyRandom) + Math.round(link.config.extraLatencyMs * 1000);
      atUs = link.config.fifo ? this.inOrderArrivalUs(frame, this.sim.nowUs + latencyUs) : Math.max(atUs, this.sim.nowUs + latencyUs);
      this.sim.scheduleAt(atUs, this.arriveHandler, worldOwner, frame);
    }
    link.held.length = 0;
  }

  // ---- link configuration ----

  /** Changes the default behaviour of every link (per-link overrides still apply on top). */
  setDefaultLink(changes: Partial<LinkConfig>): void {
    const config = { ...this.defaultConfig, ...changes };
    validateLinkConfig(config, 'network.link');
    this.defaultConfig = config;
    for (const link of this.links.values()) link.config = { ...config, ...link.override };
  }

  /** Overrides the behaviour of the directed links from each of `from` to each of `to`. */
  setLink(from: NodeSet, to: NodeSet, changes: Partial<LinkConfig>): void {
    for (const link of this.linksBetween(from, to)) {
      const override = { ...link.override, ...changes };
      const config = { ...this.defaultConfig, ...override };
      validateLinkConfig(config, `network.links[${link.from}->${link.to}]`);
      link.override = override;
      link.config = config;
    }
  }

  /** Drops the overrides of those links: they follow the default again. */
  resetLink(from: NodeSet, to: NodeSet): void {
    for (const link of this.linksBetween(from, to)) {
      link.override = undefined;
      link.config = this.defaultConfig;
    }
  }

  linkConfig(from: NodeId, to: NodeId): LinkConfig {
    return this.link(from, to).config;
  }

  /** Bytes in flight on a link, held frames included. */
  inflightBytes(from: NodeId, to: NodeId): number {
    return this.link(from, to).inflightBytes;
  }

  private link(from: NodeId, to: NodeId): Link {
    const key = from * linkKeyStride + to;
    let link = this.links.get(key);
    if (link === undefined) {
      assert(Number.isInteger(from) && Number.isInteger(to) && from >= 0 && to >= 0 && from < linkKeyStride && to < linkKeyStride, () => `bad link ${from}->${to}`);
      link = { from, to, config: this.defaultConfig, override: undefined, inflightBytes: 0, fifoArrivalUs: 0, fifoFromIncarnation: 0, fifoToIncarnation: 0, clogCount: 0, held: [] };
      this.links.set(key, link);
    }
    return link;
  }

  private linksBetween(from: NodeSet, to: NodeSet): Link[] {
    const links: Link[] = [];
    for (const a of nodeList(from)) for (const b of nodeList(to)) if (a !== b) links.push(this.link(a, b));
    return links;
  }

  private nodeState(node: NodeId): NodeState {
    const state = this.nodes.get(node);
    assert(state !== undefined, () => `node ${node} was never attached to the network`);
    return state;
  }
}

class NetworkEndpoint implements Network {
  constructor(
    private readonly network: SimNetwork,
    readonly node: NodeId,
    readonly incarnation: number,
  ) {}

  send(to: NodeId, frame: Uint8Array): void {
    this.network.sendFrom(this.node, this.incarnation, to, frame);
  }

  onReceive(receiver: Receiver): void {
    this.network.setReceiver(this.node, this.incarnation, receiver);
  }
}

function nodeList(nodes: NodeSet): NodeId[] {
  return typeof nodes === 'number' ? [nodes] : [...nodes];
}
