// A simulated cluster behind the client API, driven from Node's event loop so that requests overlap as
// they do on a real node: every call made in one turn of the event loop enters the simulation at the
// same virtual instant, then the simulation runs until each call in flight has its answer (or its
// virtual deadline passed) and the answers go back together. The synchronous bridge
// (test/support/sim-cluster-api.ts) finishes each call before the next one starts, so it can never
// show what a pipeline of overlapping requests does.
import type { KvRead, KvWrite } from '../../core/kv/commands.ts';
import type { ClientCallback, KvClientApi, ReadOptions, WriteOptions } from '../../core/node/client-api.ts';
import { type NodeId, nodeId } from '../../core/types.ts';
import type { SimClusterApi } from '../support/sim-cluster-api.ts';

/** Virtual time a call may take before the bridge gives up and answers timeout. */
const callVirtualMsMax = 10_000;

interface InFlight {
  readonly done: ClientCallback;
  readonly deadlineUs: number;
  answer?: Parameters<ClientCallback>;
}

export class ConcurrentSimApi {
  private inFlight: InFlight[] = [];
  private unanswered = 0;
  private runScheduled = false;

  constructor(private readonly sim: SimClusterApi) {}

  /** The client API of node `i` (1-based). */
  api(i: number): KvClientApi {
    const id = nodeId(i);
    return {
      write: (write: KvWrite, options: WriteOptions, done: ClientCallback) => this.call(id, done, (api, cb) => api.write(write, options, cb)),
      read: (read: KvRead, options: ReadOptions, done: ClientCallback) => this.call(id, done, (api, cb) => api.read(read, options, cb)),
    };
  }

  private call(node: NodeId, done: ClientCallback, send: (api: KvClientApi, cb: ClientCallback) => void): void {
    const { cluster } = this.sim;
    const kernel = cluster.world.sim;
    const call: InFlight = { done, deadlineUs: kernel.nowUs + callVirtualMsMax * 1000 };
    this.inFlight.push(call);
    this.unanswered++;
    kernel.schedule(100, () => {
      const api = cluster.node(node);
      const answer = (...args: Parameters<ClientCallback>) => {
        if (call.answer !== undefined) return;
        call.answer = args;
        this.unanswered--;
      };
      if (!api) return answer({ code: 'noLeader', message: `node ${node} is down`, retryAfterMs: 100 });
      send(api, answer);
    }, node);
    if (!this.runScheduled) {
      this.runScheduled = true;
      setImmediate(() => this.run());
    }
  }

  private run(): void {
    this.runScheduled = false;
    const kernel = this.sim.cluster.world.sim;
    // Calls only join in later turns, so the first one's deadline is the earliest.
    const deadlineUs = this.inFlight[0].deadlineUs;
    kernel.runWhile(() => this.unanswered > 0 && kernel.nowUs < deadlineUs);
    const calls = this.inFlight;
    this.inFlight = [];
    this.unanswered = 0;
    // A late answer to a call given up on here finds `answer` set and is ignored.
    for (const call of calls) call.answer ??= [{ code: 'timeout', message: `no answer within ${callVirtualMsMax} virtual ms`, outcome: 'unknown' }];
    for (const call of calls) call.done(...call.answer!);
  }
}
