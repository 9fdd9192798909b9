// Where a kvlab node's time goes under the HTTP write load: starts a 3-node cluster whose nodes run
// with `node --cpu-prof` and a preload (node-meter.mjs) that times the WAL's fsyncs and samples the
// event loop's utilisation, drives it with the http-writes load generator (64 clients by default) at
// the leader, stops the cluster so the profiles are written, and summarises the load window only (not
// start-up, where tsx compiles TypeScript): per node CPU time, event-loop utilisation, fsyncs and
// system calls per write; then self and inclusive time by area, function and file.
//
// Run: npx tsx bench/prod/profile-http.ts [--clients 64] [--seconds 10] [--warmup-seconds 2]
//        [--interval-us 1000] [--top 20] [--out DIR]   (--out keeps the .cpuprofile files for DevTools)
//        [--meter-only]   (no profiler: fsyncs, utilisation, event-loop gaps and GC pauses only)
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { onCleanup, runWithCleanup } from './cleanup.ts';
import { type CpuProfile, type ProfileSummary, rankedTable, summariseProfile, type WindowUs } from './cpuprofile.ts';
import { type LoadResult, runHttpLoad } from './http-load.ts';
import { type KvlabCluster, type KvlabNode, kvlabPortOffsets, kvlabPutTarget, startKvlabCluster, stopKvlabCluster } from './kvlab-cluster.ts';
import { machineLines, uptimeLine } from './machine.ts';
import { meterWindow, type Pauses, NODE_METER_DIR_ENV, NODE_METER_PRELOAD, NODE_METER_RAFT_PORTS_ENV, readMeter } from './node-meter.ts';
import { Flags } from './options.ts';
import { freeBasePort } from './ports.ts';
import { mainThreadRunQueueMs, processCpuMs, processIo, type ProcessIo } from './proc-stats.ts';
import { benchValue, formatMs, formatRate } from './report.ts';

const VALUE_BYTES = 256;
const nowUs = () => Number(process.hrtime.bigint() / 1000n);

interface ProcSnapshot {
  readonly cpuMs: number | null;
  readonly io: ProcessIo | null;
  readonly runQueueMs: number | null;
}

function procSnapshot(node: KvlabNode): ProcSnapshot {
  return node.pid === null
    ? { cpuMs: null, io: null, runQueueMs: null }
    : { cpuMs: processCpuMs(node.pid), io: processIo(node.pid), runQueueMs: mainThreadRunQueueMs(node.pid) };
}

/** The main thread's profile of `pid` (CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile; thread 0). */
function findProfile(dir: string, pid: number): string | undefined {
  const name = readdirSync(dir).find((file) => {
    const parts = file.split('.');
    return file.endsWith('.cpuprofile') && parts[3] === String(pid) && parts[4] === '0';
  });
  return name === undefined ? undefined : join(dir, name);
}

function perCent(share: number | null): string {
  return share === null || !Number.isFinite(share) ? '-' : `${(100 * share).toFixed(0)}%`;
}

function nodeRow(node: KvlabNode, role: string, before: ProcSnapshot, after: ProcSnapshot, meterDir: string, window: WindowUs, writes: number): string {
  const seconds = (window.toUs - window.fromUs) / 1e6;
  const cpu = before.cpuMs !== null && after.cpuMs !== null ? (after.cpuMs - before.cpuMs) / (seconds * 1000) : null;
  const perWrite = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined ? '-' : ((b - a) / Math.max(1, writes)).toFixed(1));
  const meter = node.pid === null ? null : readMeter(meterDir, node.pid);
  const m = meter === null ? null : meterWindow(meter, window);
  const cells = [
    `node${node.id}`,
    role,
    perCent(cpu),
    perCent(m?.eventLoopUtilisation ?? null),
    m ? formatRate(m.fdatasyncs / seconds) : '-',
    m ? (writes / Math.max(1, m.fdatasyncs)).toFixed(1) : '-',
    m ? `${formatMs(m.fdatasyncLatency.p50Ms)} / ${formatMs(m.fdatasyncLatency.p99Ms)}` : '-',
    perCent(m?.fdatasyncBusy ?? null),
    perWrite(before.io?.syscw, after.io?.syscw),
    perWrite(before.io?.syscr, after.io?.syscr),
    m?.socketWrites ? (m.socketWrites.peerWrites / Math.max(1, writes)).toFixed(2) : '-',
    m?.socketWrites ? formatRate(m.socketWrites.peerBytes / Math.max(1, writes)) : '-',
    m?.socketWrites ? (m.socketWrites.clientWrites / Math.max(1, writes)).toFixed(2) : '-',
  ];
  return `| ${cells.join(' | ')} |`;
}

function summaryText(label: string, summary: ProfileSummary): string {
  const busy = summary.sampledMs - summary.idleMs;
  return [
    `### ${label}`,
    '',
    `window ${summary.windowMs.toFixed(0)} ms; samples cover ${summary.sampledMs.toFixed(0)} ms: idle ${summary.idleMs.toFixed(0)} ms, ` +
      `not idle ${busy.toFixed(0)} ms (of which GC ${summary.gcMs.toFixed(0)} ms)`,
    '',
    rankedTable('self time by area', summary.selfByArea, summary.sampledMs),
    '',
    rankedTable('self time by function', summary.selfByFunction, summary.sampledMs),
    '',
    rankedTable('self time by file (native work charged to its JavaScript caller)', summary.selfByFile, summary.sampledMs),
    '',
    rankedTable('inclusive time by function', summary.inclusiveByFunction, summary.sampledMs),
  ].join('\n');
}

interface Measured {
  readonly load: LoadResult;
  /** CPU the load generator (this process) used in the window, as a share of one core. */
  readonly generatorCpu: number;
  readonly window: WindowUs;
  readonly before: Map<number, ProcSnapshot>;
  readonly after: Map<number, ProcSnapshot>;
  readonly uptime: string;
}

async function measure(cluster: KvlabCluster, clients: number, seconds: number, warmupSeconds: number): Promise<Measured> {
  const startUs = nowUs();
  const window: WindowUs = { fromUs: startUs + warmupSeconds * 1e6, toUs: startUs + (warmupSeconds + seconds) * 1e6 };
  const before = new Map<number, ProcSnapshot>();
  const after = new Map<number, ProcSnapshot>();
  let generatorBefore = process.cpuUsage();
  let generatorAfter: NodeJS.CpuUsage | undefined;
  const snap = (into: Map<number, ProcSnapshot>) => cluster.nodes.forEach((node) => into.set(node.id, procSnapshot(node)));
  const timers = [
    setTimeout(() => {
      snap(before);
      generatorBefore = process.cpuUsage();
    }, warmupSeconds * 1000),
    setTimeout(() => {
      snap(after);
      generatorAfter = process.cpuUsage(generatorBefore);
    }, (warmupSeconds + seconds) * 1000),
  ];
  const load = await runHttpLoad([kvlabPutTarget(cluster.leader, benchValue(VALUE_BYTES))], {
    concurrency: clients,
    warmupMs: warmupSeconds * 1000,
    durationMs: seconds * 1000,
    keysMax: 100_000,
    requestTimeoutMs: 10_000,
  });
  timers.forEach(clearTimeout);
  if (after.size === 0) snap(after);
  generatorAfter ??= process.cpuUsage(generatorBefore);
  const generatorCpu = (generatorAfter.user + generatorAfter.system) / (seconds * 1e6);
  return { load, generatorCpu, window, before, after, uptime: uptimeLine() };
}

function report(cluster: KvlabCluster, measured: Measured, profileDir: string, top: number, profiled: boolean): void {
  const { load, window, before, after } = measured;
  console.log(`\nload: ${formatRate(load.opsPerSec)} writes/s, p50 ${formatMs(load.latency.p50Ms)} ms, p99 ${formatMs(load.latency.p99Ms)} ms, errors ${[...load.errors.values()].reduce((a, b) => a + b, 0)}`);
  console.log(`load generator (this process) CPU: ${perCent(measured.generatorCpu)} of one core`);
  console.log(`uptime at the end of the load: ${measured.uptime}\n`);
  console.log('| node | role | CPU (/proc, share of one core) | event-loop utilisation | WAL fdatasyncs/s | acknowledged writes per fdatasync | fdatasync p50 / p99 ms (call to callback) | fdatasync in flight | write syscalls per write | read syscalls per write | peer socket.write calls per write | peer bytes per write | client socket.write calls per write |');
  console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  const ordered = [cluster.leader, ...cluster.followers];
  for (const node of ordered) {
    const role = node === cluster.leader ? 'leader' : 'follower';
    console.log(nodeRow(node, role, before.get(node.id)!, after.get(node.id)!, profileDir, window, load.ops));
  }
  console.log('\nWhat held the event loop (in the window): turns a 1 ms probe saw start 5+ ms late, and GC pauses');
  console.log('');
  console.log('(main thread runnable, waiting for a CPU: /proc/<pid>/schedstat run-queue time, share of the window)');
  console.log('');
  console.log('| node | role | late turns | late total ms | longest ms | late >= 20 ms | GC pauses | GC total ms | longest GC ms | GC >= 20 ms | waiting for a CPU |');
  console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const node of ordered) {
    const role = node === cluster.leader ? 'leader' : 'follower';
    const meter = node.pid === null ? null : readMeter(profileDir, node.pid);
    const m = meter === null ? null : meterWindow(meter, window);
    const cells = (p: Pauses | null | undefined) =>
      p ? [String(p.count), p.totalMs.toFixed(0), formatMs(p.maxMs), String(p.over20Ms)] : ['-', '-', '-', '-'];
    const waitBefore = before.get(node.id)?.runQueueMs;
    const waitAfter = after.get(node.id)?.runQueueMs;
    const waiting = waitBefore == null || waitAfter == null ? null : (waitAfter - waitBefore) / ((window.toUs - window.fromUs) / 1000);
    console.log(`| ${[`node${node.id}`, role, ...cells(m?.gaps), ...cells(m?.gcs), perCent(waiting)].join(' | ')} |`);
  }
  if (!profiled) return;
  for (const node of ordered) {
    const path = node.pid === null ? undefined : findProfile(profileDir, node.pid);
    const role = node === cluster.leader ? 'leader' : 'follower';
    if (!path) {
      console.log(`\nnode${node.id} (${role}): no .cpuprofile (the node did not exit normally)`);
      continue;
    }
    const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
    console.log(`\n${summaryText(`node${node.id} (${role})`, summariseProfile(profile, window, role === 'leader' ? top : Math.min(top, 10)))}`);
  }
}

async function main(): Promise<void> {
  const flags = new Flags(process.argv.slice(2), ['--clients', '--seconds', '--warmup-seconds', '--interval-us', '--top', '--out'], ['--meter-only']);
  // --meter-only: no CPU profiler (it costs CPU and stretches the tail), only the meter's figures.
  const profiled = !flags.has('--meter-only');
  const clients = flags.int('--clients', 64, 1, 1024);
  const seconds = flags.number('--seconds', 10, 1, 120);
  const warmupSeconds = flags.number('--warmup-seconds', 2, 0, 30);
  const intervalUs = flags.int('--interval-us', 1000, 100, 100_000);
  const top = flags.int('--top', 20, 1, 200);
  console.log(machineLines({}).join('\n'));
  const dir = mkdtempSync(join(tmpdir(), 'kvlab-bench-profile-'));
  onCleanup(`remove ${dir}`, async () => rmSync(dir, { recursive: true, force: true }));
  const profileDir = join(dir, 'profiles');
  mkdirSync(profileDir);
  const profileFlags = ['--cpu-prof', '--cpu-prof-dir', profileDir, '--cpu-prof-interval', String(intervalUs)];
  // KVLAB_BENCH_NODE_FLAGS: extra Node.js/V8 flags for the nodes, space-separated (for A/B runs of flags).
  const extraFlags = (process.env.KVLAB_BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean);
  const nodeFlags = [...extraFlags, ...(profiled ? profileFlags : []), '--import', NODE_METER_PRELOAD];
  const basePort = await freeBasePort(kvlabPortOffsets(3));
  const raftPorts = [1, 2, 3].map((i) => basePort + 200 + i).join(',');
  const cluster = await startKvlabCluster(join(dir, 'kvlab'), basePort, 3, {
    nodeFlags,
    env: { ...process.env, [NODE_METER_DIR_ENV]: profileDir, [NODE_METER_RAFT_PORTS_ENV]: raftPorts },
  });
  console.log(`kvlab: 3 nodes up${profiled ? ' with --cpu-prof' : ' (meter only)'}, leader node${cluster.leader.id}; ${clients} clients write to it for ${seconds} s after ${warmupSeconds} s warm-up`);
  const measured = await measure(cluster, clients, seconds, warmupSeconds);
  await stopKvlabCluster(cluster); // the profiles are written as the nodes exit
  report(cluster, measured, profileDir, top, profiled);
  const out = flags.string('--out', '');
  if (out !== '') {
    cpSync(profileDir, resolve(out), { recursive: true });
    console.log(`\nprofiles and meter figures copied to ${resolve(out)} (open a .cpuprofile in Chrome DevTools > Performance)`);
  }
}

await runWithCleanup(main);
