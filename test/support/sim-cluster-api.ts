// A simulated cluster behind the same client API a real node serves, so one client-facing test
// suite runs over both worlds. Each call is delivered to the node as a simulated event and the
// simulation runs until the node answers (or a bound of virtual time passes): the caller sees a
// synchronous round trip, exactly as if the cluster were real and fast.
import type { KvRead, KvWrite } from '../../core/kv/commands.ts';
import type { ClientCallback, KvClientApi, ReadOptions, WriteOptions } from '../../core/node/client-api.ts';
import { type NodeId, nodeId } from '../../core/types.ts';
import { SimCluster } from '../../sim/run/sim-cluster.ts';
import { validateScenario } from '../../sim/scenario/validate.ts';
import { nullTraceSink } from '../../sim/trace/trace-sink.ts';

/** Virtual time a call may take before the bridge gives up and answers timeout. */
const callVirtualMsMax = 10_000;

export class SimClusterApi {
  readonly cluster: SimCluster;

  /** `network`: the scenario's network section (default: the scenario default). */
  constructor(nodes: number, seed: number, network?: Record<string, unknown>) {
    const scenario = validateScenario({ name: 'two-worlds', cluster: { nodes }, workload: { clients: 0 }, ...(network ? { network } : {}) }, 'two-worlds');
    this.cluster = new SimCluster({ scenario, seed, bugs: new Set(), sink: nullTraceSink, spares: 0 });
    this.cluster.start();
    this.runUntil(() => this.cluster.leader() !== undefined, 10_000);
  }

  /** The client API of node `i` (1-based). */
  api(i: number): KvClientApi {
    const id = nodeId(i);
    return {
      write: (write: KvWrite, options: WriteOptions, done: ClientCallback) => this.call(id, done, (api, cb) => api.write(write, options, cb)),
      read: (read: KvRead, options: ReadOptions, done: ClientCallback) => this.call(id, done, (api, cb) => api.read(read, options, cb)),
    };
  }

  /** Node i's wall clock (for expiry times computed by the protocol layer). */
  wallMs(i: number): number {
    return this.cluster.world.env(nodeId(i))?.clock.wallMs() ?? 0;
  }

  /** Lets virtual time pass (the simulated counterpart of sleeping). */
  sleep(ms: number): void {
    this.cluster.world.runForMs(ms);
  }

  private call(node: NodeId, done: ClientCallback, send: (api: KvClientApi, cb: ClientCallback) => void): void {
    let answer: Parameters<ClientCallback> | undefined;
    const { world } = this.cluster;
    world.sim.schedule(100, () => {
      const api = this.cluster.node(node);
      if (!api) return void (answer = [{ code: 'noLeader', message: `node ${node} is down`, retryAfterMs: 100 }]);
      send(api, (...args) => void (answer = args));
    }, node);
    this.runUntil(() => answer !== undefined, callVirtualMsMax);
    if (answer) done(...answer);
    else done({ code: 'timeout', message: `no answer within ${callVirtualMsMax} virtual ms`, outcome: 'unknown' });
  }

  private runUntil(done: () => boolean, virtualMsMax: number): void {
    const { sim } = this.cluster.world;
    const deadlineUs = sim.nowUs + virtualMsMax * 1000;
    sim.runWhile(() => !done() && sim.nowUs < deadlineUs);
  }
}
