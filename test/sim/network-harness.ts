// A bare kernel + SimNetwork with recording receivers, for network tests.
import { nodeId, type NodeId } from '../../core/types.ts';
import type { Network } from '../../core/env/network.ts';
import { Simulator } from '../../sim/kernel/simulator.ts';
import type { LinkConfig } from '../../sim/network/link-config.ts';
import { SimNetwork } from '../../sim/network/sim-network.ts';
import { createRandom } from '../../sim/random.ts';
import { TraceWriter } from '../../sim/trace/trace-writer.ts';

export interface Arrival {
  readonly from: NodeId;
  readonly to: NodeId;
  readonly atUs: number;
  /** First byte of the frame plus 256 times the second: a sequence number set by the sender. */
  readonly n: number;
}

export interface NetworkHarness {
  readonly sim: Simulator;
  readonly network: SimNetwork;
  readonly trace: TraceWriter;
  readonly endpoints: Map<NodeId, Network>;
  readonly arrivals: Arrival[];
  send(from: number, to: number, n: number, bytes?: number): void;
  attach(node: number): void;
}

export function networkHarness(seed: number, link: Partial<LinkConfig> = {}, nodes = [1, 2, 3], traced = false): NetworkHarness {
  const sim = new Simulator();
  const trace = new TraceWriter({ meta: { scenario: 'network-test', seed, version: 1 }, kinds: traced ? 'all' : 'none' });
  const network = new SimNetwork(sim, {
    random: createRandom(seed),
    sink: trace,
    link,
    describeFrame: (frame) => ({ type: 'test', n: frame[0] + 256 * frame[1] }),
  });
  const endpoints = new Map<NodeId, Network>();
  const arrivals: Arrival[] = [];
  const attach = (node: number): void => {
    const id = nodeId(node);
    const endpoint = network.attach(id);
    endpoint.onReceive((from, frame) => arrivals.push({ from, to: id, atUs: sim.nowUs, n: frame[0] + 256 * frame[1] }));
    endpoints.set(id, endpoint);
  };
  for (const node of nodes) attach(node);
  const send = (from: number, to: number, n: number, bytes = 8): void => {
    const frame = new Uint8Array(Math.max(2, bytes));
    frame[0] = n % 256;
    frame[1] = Math.floor(n / 256) % 256;
    endpoints.get(nodeId(from))!.send(nodeId(to), frame);
  };
  return { sim, network, trace, endpoints, arrivals, send, attach };
}

/** Sends `count` frames 1 -> 2, one every `gapUs`, and runs until all have settled. */
export function sendStream(h: NetworkHarness, count: number, gapUs: number, bytes = 8): void {
  for (let i = 0; i < count; i++) h.sim.schedule(i * gapUs, () => h.send(1, 2, i % 65_536, bytes));
  h.sim.runUntil(count * gapUs + 10_000_000);
}
