// The two worlds the client-facing suites run in: a simulated 3-node cluster (the real node host over
// the simulated network and disks, reached through in-process RESP and HTTP servers) and a real
// 3-process cluster on 127.0.0.1. The simulated one takes overlapping requests (concurrent-sim-api.ts),
// so a pipeline reaches its node as it would reach a real one.
import { clusterPorts } from '../../prod/config/cluster-files.ts';
import { startHttpServer } from '../../prod/http/server.ts';
import { startRespServer } from '../../prod/resp/server.ts';
import { LocalCluster } from '../prod/cluster-harness.ts';
import { SimClusterApi } from '../support/sim-cluster-api.ts';
import { ConcurrentSimApi } from './concurrent-sim-api.ts';

export interface World {
  /** RESP and HTTP addresses of node i (1-based). */
  resp(i: number): { host: string; port: number };
  http(i: number): string;
  /** The node that leads now. */
  leader(): Promise<number>;
  sleep(ms: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * `fifoLinks`: every frame takes the same time, so a link delivers in order as TCP does. With jittered
 * latency, a follower's forwarded proposals overtake one another, and the leader refuses the ones that
 * arrive after a later write of the same node as stale (a definite failure, never a reordering).
 */
export async function simulatedWorld(seed = 42, options: { fifoLinks?: boolean } = {}): Promise<World> {
  const sim = new SimClusterApi(3, seed, options.fifoLinks ? { latency: { kind: 'constant', ms: 1 } } : undefined);
  const concurrent = new ConcurrentSimApi(sim);
  const servers = await Promise.all(
    [1, 2, 3].map(async (i) => ({
      resp: await startRespServer({ host: '127.0.0.1', port: 0, api: concurrent.api(i), wallClockMs: () => sim.wallMs(i) }),
      http: await startHttpServer({ host: '127.0.0.1', port: 0, api: concurrent.api(i) }),
    })),
  );
  return {
    resp: (i) => ({ host: '127.0.0.1', port: servers[i - 1].resp.port }),
    http: (i) => `http://127.0.0.1:${servers[i - 1].http.port}`,
    leader: async () => Number(sim.cluster.leader()),
    sleep: async (ms) => sim.sleep(ms),
    close: async () => {
      for (const s of servers) {
        await s.resp.close();
        await s.http.close();
      }
    },
  };
}

/** `seed` picks the cluster's ports: suites that run at once need different ones. */
export async function realWorld(seed = 4242): Promise<World> {
  const cluster = await LocalCluster.create(3, 0, seed);
  for (const i of [1, 2, 3]) cluster.spawnChild(i);
  // A leader may answer before the others listen; a node's HTTP port opens after its RESP port.
  for (const i of [1, 2, 3]) await cluster.waitUp(i);
  // Every test may use any node: each must know the leader, or it answers CLUSTERDOWN (retry).
  await cluster.waitLeaderKnown([1, 2, 3]);
  return {
    resp: (i) => ({ host: '127.0.0.1', port: clusterPorts(cluster.basePort, i).resp }),
    http: (i) => `http://${cluster.httpAddr(i)}`,
    leader: () => cluster.waitLeaderKnown([1, 2, 3]),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    close: () => cluster.cleanup(),
  };
}
