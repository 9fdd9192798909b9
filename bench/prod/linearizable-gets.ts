// Linearizable HTTP GETs against a 3-node kvlab cluster: closed-loop keep-alive clients read a few
// keys written first; prints GET/s, p50 and p99 per client count. A quick measurement of the read path
// (ReadIndex batching); the other prod benchmarks measure writes.
//
// Run: npx tsx bench/prod/linearizable-gets.ts [--clients 1,16,64] [--seconds 3] [--target leader|follower]
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onCleanup, runWithCleanup } from './cleanup.ts';
import { kvlabPortOffsets, startKvlabCluster } from './kvlab-cluster.ts';
import { Flags } from './options.ts';
import { freeBasePort } from './ports.ts';

const KEYS = 100;
const HOST = '127.0.0.1';

function call(agent: Agent, port: number, method: string, path: string, body?: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: HOST, port, method, path, agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function measure(port: number, clients: number, seconds: number): Promise<{ rate: number; p50: number; p99: number; errors: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: clients });
  const latencies: number[] = [];
  let errors = 0;
  const endAt = performance.now() + seconds * 1000;
  const client = async (c: number) => {
    for (let i = c; performance.now() < endAt; i += clients) {
      const start = performance.now();
      const status = await call(agent, port, 'GET', `/v1/kv/k${i % KEYS}`);
      if (status === 200) latencies.push(performance.now() - start);
      else errors++;
    }
  };
  await Promise.all(Array.from({ length: clients }, (_, c) => client(c)));
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * q))] ?? NaN;
  return { rate: latencies.length / seconds, p50: at(0.5), p99: at(0.99), errors };
}

async function main(): Promise<void> {
  const flags = new Flags(process.argv.slice(2), ['--clients', '--seconds', '--target'], []);
  const clientCounts = flags.intList('--clients', [1, 16, 64], 1, 1024);
  const seconds = flags.number('--seconds', 3, 0.5, 60);
  const target = flags.string('--target', 'leader');
  const dir = mkdtempSync(join(tmpdir(), 'kvlab-gets-'));
  onCleanup('remove data', async () => rmSync(dir, { recursive: true, force: true }));
  const cluster = await startKvlabCluster(join(dir, 'kvlab'), await freeBasePort(kvlabPortOffsets(3)));
  const node = target === 'follower' ? cluster.followers[0] : cluster.leader;
  const agent = new Agent({ keepAlive: true });
  for (let k = 0; k < KEYS; k++) await call(agent, cluster.leader.httpPort, 'PUT', `/v1/kv/k${k}`, Buffer.alloc(256, 120));
  agent.destroy();
  await measure(node.httpPort, 4, 0.5); // warm-up
  console.log(`linearizable GETs of 256-byte values at the ${target} (node${node.id}), ${seconds} s per cell`);
  for (const clients of clientCounts) {
    const r = await measure(node.httpPort, clients, seconds);
    console.log(`${clients} clients: ${Math.round(r.rate)} GET/s, p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms, errors ${r.errors}`);
  }
}

await runWithCleanup(main);
