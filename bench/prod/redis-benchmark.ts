// redis-benchmark -t set,get -c 50 against a 3-node kvlab cluster's RESP port (the leader's and a
// follower's) and against one redis-server with appendfsync always: SET/s and GET/s side by side.
// Every run is bounded in time: a short probe run measures the rate, a warm-up of about
// --warmup-seconds follows, and the measured run gets a request count (-n) sized for about --seconds,
// killed if it takes far longer.
//
// Run: npx tsx bench/prod/redis-benchmark.ts [--seconds 5] [--warmup-seconds 3] [--clients 50] [--requests N]
//        [--targets kvlab-leader,kvlab-follower,redis] [--keep]
// Needs redis-benchmark, redis-server and redis-cli (Debian redis-tools, redis-server) on PATH.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand } from './child-processes.ts';
import { onCleanup, runWithCleanup } from './cleanup.ts';
import { kvlabPortOffsets, startKvlabCluster } from './kvlab-cluster.ts';
import { machineLines, uptimeLine } from './machine.ts';
import { Flags } from './options.ts';
import { freeBasePort } from './ports.ts';
import { REDIS_SERVER_BINARY, startRedisServer } from './redis-server.ts';
import { formatMs, formatRate } from './report.ts';

const REDIS_BENCHMARK_BINARY = process.env.REDIS_BENCHMARK_BINARY ?? 'redis-benchmark';
const TARGETS = ['kvlab-leader', 'kvlab-follower', 'redis'] as const;
type TargetName = (typeof TARGETS)[number];
/** Goal from the "Production mode" issue: SET/s through the cluster, replicated and durable. */
const SET_PER_SEC_GOAL = 50_000;
const probeRequests = 2_000;
const requestsMin = 2_000;
const requestsMax = 2_000_000;
/** A run may take this many times its planned duration (plus slack) before it is killed. */
const runTimeFactorMax = 4;
const runSlackMs = 30_000;

interface TestFigures {
  readonly perSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

interface RunResult {
  readonly requests: number;
  readonly tests: ReadonlyMap<string, TestFigures>;
  readonly problem?: string;
}

/** Parses `--csv` output: "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms". */
function parseCsv(stdout: string): Map<string, TestFigures> {
  const tests = new Map<string, TestFigures>();
  for (const line of stdout.split(/\r?\n/)) {
    const fields = line.split(',').map((f) => f.replace(/^"|"$/g, ''));
    if (fields.length < 7 || fields[0] === 'test' || !Number.isFinite(Number(fields[1]))) continue;
    tests.set(fields[0], { perSec: Number(fields[1]), p50Ms: Number(fields[4]), p99Ms: Number(fields[6]) });
  }
  return tests;
}

async function redisBenchmark(port: number, clients: number, requests: number, timeoutMs: number): Promise<RunResult> {
  const args = ['-h', '127.0.0.1', '-p', String(port), '-t', 'set,get', '-c', String(clients), '-n', String(requests), '-q', '--csv'];
  const result = await runCommand(REDIS_BENCHMARK_BINARY, args, timeoutMs);
  const tests = parseCsv(result.stdout);
  if (result.code === 0 && tests.has('SET') && tests.has('GET')) return { requests, tests };
  const how = result.code === null ? `killed after ${timeoutMs} ms` : `exit ${result.code}`;
  return { requests, tests, problem: `redis-benchmark ${args.join(' ')}: ${how}; ${(result.stderr || result.stdout).trim().slice(-500)}` };
}

function sizedRequests(setPerSec: number, seconds: number): number {
  return Math.max(requestsMin, Math.min(requestsMax, Math.round((setPerSec * seconds) / 1000) * 1000));
}

/**
 * Probe, warm up, then measure. The probe (2,000 requests) gives a first rate; the warm-up runs for
 * about --warmup-seconds so a freshly started Node.js server is measured after V8 has optimised its
 * hot paths, not while it still runs them cold (the first seconds of a new kvlab node are slower,
 * see docs/benchmarks-prod.md); the measured run is sized from the warm-up's SET rate.
 */
async function measure(port: number, clients: number, seconds: number, warmupSeconds: number, fixedRequests: number | undefined): Promise<RunResult> {
  const timeoutFor = (s: number) => Math.round(s * 1000 * runTimeFactorMax) + runSlackMs;
  if (fixedRequests !== undefined && warmupSeconds === 0) return redisBenchmark(port, clients, fixedRequests, timeoutFor(seconds));
  const probe = await redisBenchmark(port, clients, probeRequests, runSlackMs + 60_000);
  if (probe.problem) return probe;
  let setRate = probe.tests.get('SET')!.perSec;
  if (warmupSeconds > 0) {
    const warm = await redisBenchmark(port, clients, sizedRequests(setRate, warmupSeconds), timeoutFor(warmupSeconds));
    if (warm.problem) return warm;
    setRate = warm.tests.get('SET')!.perSec;
  }
  return redisBenchmark(port, clients, fixedRequests ?? sizedRequests(setRate, seconds), timeoutFor(seconds));
}

async function startTargets(names: readonly TargetName[], dir: string): Promise<Map<TargetName, number>> {
  const ports = new Map<TargetName, number>();
  if (names.includes('kvlab-leader') || names.includes('kvlab-follower')) {
    const kvlab = await startKvlabCluster(join(dir, 'kvlab'), await freeBasePort(kvlabPortOffsets(3)));
    console.log(`kvlab: 3 nodes up, leader node${kvlab.leader.id} (RESP ${kvlab.leader.respPort}), follower node${kvlab.followers[0].id} (RESP ${kvlab.followers[0].respPort})`);
    ports.set('kvlab-leader', kvlab.leader.respPort);
    ports.set('kvlab-follower', kvlab.followers[0].respPort);
  }
  if (names.includes('redis')) {
    const port = await freeBasePort([0]);
    await startRedisServer(join(dir, 'redis'), port);
    console.log(`redis-server: port ${port}, appendonly yes, appendfsync always`);
    ports.set('redis', port);
  }
  return ports;
}

async function main(): Promise<void> {
  const flags = new Flags(process.argv.slice(2), ['--seconds', '--warmup-seconds', '--clients', '--requests', '--targets'], ['--keep']);
  const seconds = flags.number('--seconds', 5, 1, 120);
  const warmupSeconds = flags.number('--warmup-seconds', 3, 0, 120);
  const clients = flags.int('--clients', 50, 1, 10_000);
  const fixedRequests = flags.optionalInt('--requests');
  const names = flags.string('--targets', TARGETS.join(',')).split(',') as TargetName[];
  for (const name of names) if (!TARGETS.includes(name)) throw new Error(`--targets: unknown target '${name}' (allowed: ${TARGETS.join(', ')})`);
  console.log(machineLines({ redis: [REDIS_SERVER_BINARY, ['--version']], 'redis-benchmark': [REDIS_BENCHMARK_BINARY, ['--version']] }).join('\n'));
  const dir = mkdtempSync(join(tmpdir(), 'kvlab-bench-redis-'));
  onCleanup(`remove ${dir}`, async () => (flags.has('--keep') ? console.log(`kept ${dir}`) : rmSync(dir, { recursive: true, force: true })));
  const ports = await startTargets(names, dir);
  const rows = ['| target | SET/s | SET p50 ms | SET p99 ms | GET/s | GET p50 ms | GET p99 ms | requests (-n) |', '|---|---:|---:|---:|---:|---:|---:|---:|'];
  let leaderSets: number | undefined;
  for (const name of names) {
    const result = await measure(ports.get(name)!, clients, seconds, warmupSeconds, fixedRequests);
    if (result.problem) console.log(`${name}: ${result.problem}`);
    const set = result.tests.get('SET');
    const get = result.tests.get('GET');
    const cells = (t: TestFigures | undefined) => (t ? [formatRate(t.perSec), formatMs(t.p50Ms), formatMs(t.p99Ms)] : ['-', '-', '-']);
    rows.push(`| ${name} | ${[...cells(set), ...cells(get)].join(' | ')} | ${formatRate(result.requests)} |`);
    if (name === 'kvlab-leader') leaderSets = set?.perSec;
    console.log(`${name}: SET ${set ? formatRate(set.perSec) : '-'}/s, GET ${get ? formatRate(get.perSec) : '-'}/s  [${uptimeLine()}]`);
  }
  console.log(`\nredis-benchmark -t set,get -c ${clients} -n <requests> -q --csv (3-byte values, one key):\n\n${rows.join('\n')}\n`);
  if (leaderSets !== undefined) {
    console.log(`goal: >= ${formatRate(SET_PER_SEC_GOAL)} SET/s replicated and durable: kvlab leader ${formatRate(leaderSets)} SET/s ${leaderSets >= SET_PER_SEC_GOAL ? 'MET' : 'MISSED'}`);
  }
  console.log(`uptime at the end: ${uptimeLine()}`);
}

await runWithCleanup(main);
