// The production host defers the Ready loop after a client write to the end of the event-loop turn
// (KvNodeDeps.afterTurn): writes that arrive in one turn leave in one Ready, so they share a WAL write
// and an fsync. A one-node cluster over the real host, LevelDB and disk; the Readys are seen through
// the raft.append trace line each persisted Ready with entries emits.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ClientError } from '../../core/node/client-api.ts';
import type { KvResult } from '../../core/kv/commands.ts';
import { validateNodeConfig } from '../../prod/config/validate.ts';
import { createKvNodeHost } from '../../prod/node/kv-node-host.ts';
import type { NodeHost } from '../../prod/node/node-host.ts';
import { startNode } from '../../prod/node/start-node.ts';
import { collectingLog, freePorts, tempDir } from './node-harness.ts';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function written(host: NodeHost, key: string): Promise<{ error: ClientError | null; result?: KvResult }> {
  return new Promise((resolve) => host.write({ op: 'set', key, value: `v-${key}` }, {}, (error, result) => resolve({ error, result })));
}

describe('writes arriving in one turn', () => {
  it('leave in one Ready (one WAL append and fsync) and are all acknowledged', async () => {
    const dir = tempDir('kvlab-batching-');
    cleanups.push(dir.remove);
    const [resp, http, raft] = await freePorts(3);
    const config = validateNodeConfig(
      { nodeId: 1, clusterId: 'batching-test', dataDir: join(dir.path, 'data'), listen: { resp, http, raft }, initialCluster: [{ id: 1, raftAddr: `127.0.0.1:${raft}` }] },
      'test.json',
    );
    const { log, lines } = collectingLog();
    let host: NodeHost | undefined;
    const node = await startNode(config, log, { createHost: (parts) => (host = createKvNodeHost(parts)) });
    cleanups.push(() => node.stop());
    // A single voter elects itself; wait until a write succeeds.
    for (let attempt = 0; attempt < 100 && (await written(host!, 'warmup')).error !== null; attempt++) await sleep(50);
    await sleep(50); // let the warm-up's Readys settle
    const appendsBefore = lines.filter((l) => l.kind === 'raft.append').length;
    const outcomes = await Promise.all(Array.from({ length: 40 }, (_, k) => written(host!, `k${k}`)));
    expect(outcomes.every((o) => o.error === null && o.result?.kind === 'ok')).toBe(true);
    const appends = lines.filter((l) => l.kind === 'raft.append').slice(appendsBefore);
    expect(appends.map((l) => (l.terms as number[]).length)).toEqual([40]);
  });
});
