// HTTP writes of 256-byte values against a 3-node kvlab cluster and a 3-node etcd cluster, with the
// same closed-loop keep-alive load generator: ops/s, p50, p99 and the kvlab/etcd ratio per client count.
// Both clusters run for the whole benchmark and the systems take turns at each client count (for
// each of --rounds rounds), so a change in the shared machine's load hits both alike.
//
// Run: npx tsx bench/prod/http-writes.ts [--clients 1,16,64,256] [--seconds 5] [--warmup-seconds 1]
//        [--rounds 1] [--systems kvlab,etcd] [--target leader|follower|all] [--keys 100000] [--keep]
// Needs the `etcd` binary (Debian etcd-server) on PATH, or ETCD_BINARY.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onCleanup, runWithCleanup } from './cleanup.ts';
import { ETCD_BINARY, etcdPortOffsets, etcdPutTarget, startEtcdCluster } from './etcd-cluster.ts';
import { type HttpWriteTarget, runHttpLoad } from './http-load.ts';
import { kvlabPortOffsets, kvlabPutTarget, startKvlabCluster } from './kvlab-cluster.ts';
import { machineLines, uptimeLine } from './machine.ts';
import { Flags } from './options.ts';
import { freeBasePort } from './ports.ts';
import { processCpuMs } from './proc-stats.ts';
import { benchValue, type Cell, formatMs, formatRate, goalLine, resultTable } from './report.ts';

const VALUE_BYTES = 256;
const REQUEST_TIMEOUT_MS = 10_000;
const SYSTEMS = ['kvlab', 'etcd'] as const;
type System = (typeof SYSTEMS)[number];

interface Settings {
  readonly clients: number[];
  readonly seconds: number;
  readonly warmupSeconds: number;
  readonly rounds: number;
  readonly systems: System[];
  /** Where the clients write: the leader, one follower, or all members round-robin (client i to member i mod 3). */
  readonly target: 'leader' | 'follower' | 'all';
  readonly keys: number;
  readonly keep: boolean;
}

function settingsFrom(args: readonly string[]): Settings {
  const flags = new Flags(args, ['--clients', '--seconds', '--warmup-seconds', '--rounds', '--systems', '--target', '--keys'], ['--keep']);
  const systems = flags.string('--systems', SYSTEMS.join(',')).split(',');
  for (const system of systems) if (!SYSTEMS.includes(system as System)) throw new Error(`--systems: unknown system '${system}' (allowed: ${SYSTEMS.join(', ')})`);
  const target = flags.string('--target', 'leader');
  if (target !== 'leader' && target !== 'follower' && target !== 'all') throw new Error(`--target: found '${target}'; allowed: leader, follower, all`);
  return {
    clients: flags.intList('--clients', [1, 16, 64, 256], 1, 1024),
    seconds: flags.number('--seconds', 5, 0.5, 120),
    warmupSeconds: flags.number('--warmup-seconds', 1, 0, 30),
    rounds: flags.int('--rounds', 1, 1, 10),
    systems: systems as System[],
    target,
    keys: flags.int('--keys', 100_000, 1, 10_000_000),
    keep: flags.has('--keep'),
  };
}

interface SystemUnderTest {
  readonly targets: readonly HttpWriteTarget[];
  /** The server processes, whose CPU time is read from /proc around each measurement. */
  readonly pids: readonly number[];
}

async function startTargets(settings: Settings, dir: string, value: Buffer): Promise<Map<System, SystemUnderTest>> {
  const targets = new Map<System, SystemUnderTest>();
  if (settings.systems.includes('etcd')) {
    const etcd = await startEtcdCluster(join(dir, 'etcd'), await freeBasePort(etcdPortOffsets(3)));
    const follower = etcd.members.find((m) => m !== etcd.leader)!;
    const members = settings.target === 'all' ? etcd.members : [settings.target === 'leader' ? etcd.leader : follower];
    console.log(`etcd: 3 members up, leader ${etcd.leader.name}; writing to ${members.map((m) => `${m.name} (client port ${m.clientPort})`).join(', ')}`);
    targets.set('etcd', { targets: members.map((m) => etcdPutTarget(m, value)), pids: etcd.pids });
  }
  if (settings.systems.includes('kvlab')) {
    const kvlab = await startKvlabCluster(join(dir, 'kvlab'), await freeBasePort(kvlabPortOffsets(3)));
    const nodes = settings.target === 'all' ? kvlab.nodes : [settings.target === 'leader' ? kvlab.leader : kvlab.followers[0]];
    console.log(`kvlab: 3 nodes up, leader node${kvlab.leader.id}; writing to ${nodes.map((n) => `node${n.id} (HTTP port ${n.httpPort})`).join(', ')}`);
    targets.set('kvlab', { targets: nodes.map((n) => kvlabPutTarget(n, value)), pids: kvlab.nodes.flatMap((n) => (n.pid === null ? [] : [n.pid])) });
  }
  return targets;
}

/**
 * The ratio within each round (the two systems measured back to back, so the machine's drift hits
 * both alike): the spread says how far one table can be trusted on this machine.
 */
function roundRatioLines(settings: Settings, runs: ReadonlyMap<string, Cell[]>): string[] {
  const lines = ['kvlab/etcd ops/s per round (each round measures both systems back to back):'];
  for (const clients of settings.clients) {
    const kvlab = runs.get(`kvlab/${clients}`) ?? [];
    const etcd = runs.get(`etcd/${clients}`) ?? [];
    // Round r of one system pairs with round r of the other (both lists are in round order).
    const ratios = kvlab.map((cell, i) => cell.result.opsPerSec / etcd[i].result.opsPerSec);
    const p99Met = kvlab.filter((cell, i) => cell.result.latency.p99Ms <= etcd[i].result.latency.p99Ms).length;
    lines.push(`  ${String(clients).padStart(4)} clients: ${ratios.map((r) => r.toFixed(2)).join(', ')}; kvlab p99 <= etcd p99 in ${p99Met} of ${kvlab.length} rounds`);
  }
  return lines;
}

/** The round whose ops/s is the median, so one disturbed round does not decide the table. */
function medianRun(runs: Cell[]): Cell {
  return [...runs].sort((a, b) => a.result.opsPerSec - b.result.opsPerSec)[Math.floor((runs.length - 1) / 2)];
}

function totalCpuMs(pids: readonly number[]): number | null {
  let total = 0;
  for (const pid of pids) {
    const ms = processCpuMs(pid);
    if (ms === null) return null;
    total += ms;
  }
  return total;
}

async function measureCell(system: SystemUnderTest, settings: Settings, clients: number): Promise<Cell> {
  let cpuAtStart: number | null = null;
  let cpuMs: number | null = null;
  const result = await runHttpLoad(system.targets, {
    concurrency: clients,
    warmupMs: settings.warmupSeconds * 1000,
    durationMs: settings.seconds * 1000,
    keysMax: settings.keys,
    requestTimeoutMs: REQUEST_TIMEOUT_MS,
    onWindowStart: () => (cpuAtStart = totalCpuMs(system.pids)),
    onWindowEnd: () => {
      const now = totalCpuMs(system.pids);
      cpuMs = cpuAtStart === null || now === null ? null : now - cpuAtStart;
    },
  });
  return { result, cpuMsPerWrite: cpuMs === null || result.ops === 0 ? null : cpuMs / result.ops };
}

async function main(): Promise<void> {
  const settings = settingsFrom(process.argv.slice(2));
  console.log(machineLines({ etcd: [ETCD_BINARY, ['--version']] }).join('\n'));
  const dir = mkdtempSync(join(tmpdir(), 'kvlab-bench-http-'));
  onCleanup(`remove ${dir}`, async () => (settings.keep ? console.log(`kept ${dir}`) : rmSync(dir, { recursive: true, force: true })));
  const targets = await startTargets(settings, dir, benchValue(VALUE_BYTES));
  const runs = new Map<string, Cell[]>();
  for (let round = 1; round <= settings.rounds; round++) {
    for (const clients of settings.clients) {
      for (const [system, target] of targets) {
        const cell = await measureCell(target, settings, clients);
        const { result } = cell;
        const errors = [...result.errors].map(([cause, n]) => `${cause} x${n}`).join(', ');
        console.log(
          `round ${round} ${system.padEnd(5)} ${String(clients).padStart(4)} clients: ${formatRate(result.opsPerSec)} ops/s, ` +
            `p50 ${formatMs(result.latency.p50Ms)} ms, p99 ${formatMs(result.latency.p99Ms)} ms, ` +
            `server CPU ${cell.cpuMsPerWrite === null ? '-' : cell.cpuMsPerWrite.toFixed(2)} ms/write${errors ? `, errors: ${errors}` : ''}  [${uptimeLine()}]`,
        );
        const key = `${system}/${clients}`;
        runs.set(key, [...(runs.get(key) ?? []), cell]);
      }
    }
  }
  const pick = (system: System, clients: number) => {
    const list = runs.get(`${system}/${clients}`);
    return list ? medianRun(list) : undefined;
  };
  console.log(`\n${VALUE_BYTES}-byte values, ${settings.seconds} s per cell after ${settings.warmupSeconds} s warm-up, writes to the ${settings.target}` +
    `${settings.rounds > 1 ? `, median of ${settings.rounds} rounds` : ''}:\n`);
  console.log(resultTable(settings.clients, (clients) => pick('kvlab', clients), (clients) => pick('etcd', clients)));
  if (settings.clients.includes(64)) console.log(`\n${goalLine(pick('kvlab', 64)?.result, pick('etcd', 64)?.result)}`);
  if (settings.rounds > 1 && targets.size === 2) console.log(`\n${roundRatioLines(settings, runs).join('\n')}`);
  console.log(`uptime at the end: ${uptimeLine()}`);
}

await runWithCleanup(main);
