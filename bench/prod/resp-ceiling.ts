// The ceiling of this machine for `redis-benchmark -t set,get -c 50`, measured with the leanest
// Node.js servers we can write (bench/prod/resp-ceiling-server.mjs): no Raft, state machine, LevelDB
// or checksums. Three rows, each a floor under what any Node.js design pays:
//   ok           one process that parses RESP and answers; nothing is stored
//   relay        + each read's commands relayed to two follower processes, answered on one ack
//   relay-fsync  + every process appends and fdatasyncs (group commit) before it acknowledges
// Beside them, redis-server with appendfsync always, and (unless --targets leaves it out) the kvlab
// cluster's leader. If `relay-fsync` is far below 50,000 SET/s, so is any replicated, durable Node.js
// store on this machine.
//
// Run: npx tsx bench/prod/resp-ceiling.ts [--seconds 5] [--clients 50] [--targets ok,relay,relay-fsync,redis]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCommand, startServer, type ServerProcess } from './child-processes.ts';
import { onCleanup, runWithCleanup } from './cleanup.ts';
import { machineLines, uptimeLine } from './machine.ts';
import { Flags } from './options.ts';
import { freeBasePort } from './ports.ts';
import { startRedisServer } from './redis-server.ts';
import { formatMs, formatRate } from './report.ts';

const SERVER = fileURLToPath(new URL('./resp-ceiling-server.mjs', import.meta.url));
const TARGETS = ['ok', 'relay', 'relay-fsync', 'redis'] as const;
type Target = (typeof TARGETS)[number];
const readyTimeoutMs = 10_000;

interface Row {
  readonly target: string;
  readonly set: number;
  readonly setP50: number;
  readonly setP99: number;
  readonly get: number;
}

async function waitReady(server: ServerProcess, port: number): Promise<void> {
  const deadline = Date.now() + readyTimeoutMs;
  while (Date.now() < deadline) {
    if (server.exited()) throw new Error(`${server.name} exited; see ${server.logPath}`);
    const probe = await runCommand('redis-cli', ['-p', String(port), 'PING'], 2_000);
    if (probe.code === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${server.name} did not answer on port ${port} within ${readyTimeoutMs} ms`);
}

async function start(dir: string, target: Exclude<Target, 'redis'>, port: number): Promise<void> {
  const followers: number[] = [];
  if (target !== 'ok') {
    for (const i of [1, 2]) {
      const peerPort = port + i;
      const follower = startServer(`follower${i}`, process.execPath, [SERVER, 'follower', String(peerPort), target === 'relay-fsync' ? '1' : '0', join(dir, `f${i}`)], join(dir, `f${i}.log`));
      onCleanup(`stop follower${i}`, () => follower.stop());
      followers.push(peerPort);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const leader = startServer('leader', process.execPath, [SERVER, 'leader', String(port), target, join(dir, 'leader'), ...followers.map(String)], join(dir, 'leader.log'));
  onCleanup('stop leader', () => leader.stop());
  await waitReady(leader, port);
}

function parseCsv(stdout: string): Map<string, { perSec: number; p50: number; p99: number }> {
  const tests = new Map<string, { perSec: number; p50: number; p99: number }>();
  for (const line of stdout.split(/\r?\n/)) {
    const f = line.split(',').map((x) => x.replace(/^"|"$/g, ''));
    if (f.length >= 7 && f[0] !== 'test' && Number.isFinite(Number(f[1]))) tests.set(f[0], { perSec: Number(f[1]), p50: Number(f[4]), p99: Number(f[6]) });
  }
  return tests;
}

async function bench(target: string, port: number, clients: number, seconds: number): Promise<Row> {
  const run = (n: number) => runCommand('redis-benchmark', ['-p', String(port), '-t', 'set,get', '-c', String(clients), '-n', String(n), '-q', '--csv'], 120_000);
  const probe = parseCsv((await run(5_000)).stdout);
  const rate = Math.max(1_000, probe.get('SET')?.perSec ?? 1_000);
  const result = await run(Math.round(Math.min(2_000_000, rate * seconds)));
  const tests = parseCsv(result.stdout);
  const set = tests.get('SET');
  const get = tests.get('GET');
  if (!set || !get) throw new Error(`redis-benchmark against ${target} failed: ${result.stderr.slice(0, 500)}`);
  return { target, set: set.perSec, setP50: set.p50, setP99: set.p99, get: get.perSec };
}

async function main(): Promise<void> {
  const flags = new Flags(process.argv.slice(2), ['--seconds', '--clients', '--targets'], []);
  const seconds = flags.int('--seconds', 5);
  const clients = flags.int('--clients', 50);
  const targets = flags.string('--targets', TARGETS.join(',')).split(',') as Target[];
  for (const t of targets) if (!TARGETS.includes(t)) throw new Error(`--targets: unknown target '${t}' (known: ${TARGETS.join(', ')})`);
  for (const line of machineLines({ redis: ['redis-server', ['--version']], 'redis-benchmark': ['redis-benchmark', ['--version']] })) console.log(line);
  const rows: Row[] = [];
  for (const target of targets) {
    const dir = mkdtempSync(join(tmpdir(), `kvlab-ceiling-${target}-`));
    onCleanup(`remove ${dir}`, async () => rmSync(dir, { recursive: true, force: true }));
    const port = await freeBasePort([0, 1, 2]);
    if (target === 'redis') await startRedisServer(dir, port);
    else await start(dir, target, port);
    const row = await bench(target, port, clients, seconds);
    rows.push(row);
    console.log(`${target}: SET ${formatRate(row.set)}/s (p50 ${formatMs(row.setP50)} ms, p99 ${formatMs(row.setP99)} ms), GET ${formatRate(row.get)}/s  [${uptimeLine()}]`);
  }
  console.log(`\nredis-benchmark -t set,get -c ${clients} (3-byte values, one key), about ${seconds} s per run:\n`);
  console.log('| target | SET/s | SET p50 ms | SET p99 ms | GET/s |');
  console.log('|---|---:|---:|---:|---:|');
  for (const r of rows) console.log(`| ${r.target} | ${formatRate(r.set)} | ${formatMs(r.setP50)} | ${formatMs(r.setP99)} | ${formatRate(r.get)} |`);
}

await runWithCleanup(main);
