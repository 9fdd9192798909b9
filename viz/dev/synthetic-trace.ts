// Synthetic kvlab runs for developing and testing the visualizer before (and beside) real simulated
// runs: a seeded mini-simulation of 3-5 nodes running Raft (elections, heartbeats, appends, commits)
// under partitions, crashes and pauses, with clients, ending in a check.violation. Same options, same
// output. As a script: npx tsx viz/dev/synthetic-trace.ts --out DIR [--seed N] [--nodes N] [--groups N]
//   [--duration-ms N | --events N]
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import seedrandom from 'seedrandom';
import { SynthCluster, type CompletedOp } from './synthetic/cluster.ts';

export interface SyntheticOptions {
  readonly seed?: number;
  /** 3 to 5. */
  readonly nodes?: number;
  readonly groups?: number;
  readonly clients?: number;
  /** Virtual run length; ignored when `events` is given. */
  readonly durationMs?: number;
  /** Run until about this many events instead. */
  readonly events?: number;
}

export interface SyntheticRun {
  readonly trace: string;
  readonly history: string;
  readonly report: string;
  readonly eventCount: number;
}

const eventsMax = 5_000_000;

export function generateSyntheticRun(options: SyntheticOptions = {}): SyntheticRun {
  const seed = options.seed ?? 1;
  const nodeCount = Math.min(5, Math.max(3, options.nodes ?? 3));
  const nodes = Array.from({ length: nodeCount }, (_, i) => i + 1);
  const groups = Array.from({ length: Math.max(1, options.groups ?? 1) }, (_, i) => i + 1);
  const cluster = new SynthCluster(nodes, groups, seedrandom(`${seed}/synthetic`), seedrandom(`${seed}/nemesis`));
  cluster.start(options.clients ?? 4);
  const eventsTarget = Math.min(options.events ?? eventsMax, eventsMax);
  const endUs = options.events === undefined ? (options.durationMs ?? 20_000) * 1000 : Number.POSITIVE_INFINITY;
  while (cluster.out.eventCount < eventsTarget && cluster.queue.nowUs < endUs && cluster.queue.step());
  const violation = pickViolation(cluster.completed);
  cluster.out.emit(null, 'check.violation', { check: 'linearizability', detail: violation.detail, ops: violation.ops });
  const durationMs = Math.ceil(cluster.queue.nowUs / 1000);
  const meta = { kind: 'meta', scenario: 'synthetic', seed, version: 1, nodes, groups, durationMs };
  const report = {
    scenario: 'synthetic', seed, verdict: 'fail',
    checks: [
      { name: 'linearizability', verdict: 'fail', detail: { ops: violation.ops, message: violation.detail } },
      { name: 'election-safety', verdict: 'pass', detail: null },
    ],
    stats: { events: cluster.out.eventCount, operations: cluster.completed.length, virtualMs: durationMs },
  };
  return {
    trace: `${JSON.stringify(meta)}\n${cluster.out.lines.join('\n')}\n`,
    history: cluster.out.historyLines.length === 0 ? '' : `${cluster.out.historyLines.join('\n')}\n`,
    report: `${JSON.stringify(report, null, 2)}\n`,
    eventCount: cluster.out.eventCount,
  };
}

/** A synthetic violation: a read that missed the write just before it on the same key (a stale read). */
function pickViolation(completed: readonly CompletedOp[]): { ops: number[]; detail: string } {
  const ok = completed.filter((op) => op.type === 'ok');
  for (let i = Math.floor(ok.length * 0.6); i < ok.length; i += 1) {
    const read = ok[i];
    if (read.f !== 'get') continue;
    for (let j = i - 1; j >= Math.max(0, i - 20); j -= 1) {
      const write = ok[j];
      if (write.f === 'put' && write.key === read.key) return { ops: [write.index, read.index], detail: `synthetic: get ${read.key} (op ${read.index}) missed put (op ${write.index})` };
    }
  }
  return { ops: ok.slice(-2).map((op) => op.index), detail: 'synthetic violation' };
}

export function writeSyntheticRun(dir: string, options: SyntheticOptions = {}): SyntheticRun {
  const run = generateSyntheticRun(options);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'trace.jsonl'), run.trace);
  writeFileSync(join(dir, 'history.jsonl'), run.history);
  writeFileSync(join(dir, 'report.json'), run.report);
  return run;
}

function parseArgs(argv: readonly string[]): { out: string; options: SyntheticOptions } {
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 2) values.set(argv[i].replace(/^--/, ''), argv[i + 1] ?? '');
  const number = (name: string) => (values.has(name) ? Number(values.get(name)) : undefined);
  return {
    out: values.get('out') ?? 'runs/synthetic',
    options: { seed: number('seed'), nodes: number('nodes'), groups: number('groups'), durationMs: number('duration-ms'), events: number('events') },
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { out, options } = parseArgs(process.argv.slice(2));
  const run = writeSyntheticRun(out, options);
  process.stdout.write(`wrote ${run.eventCount} events to ${join(out, 'trace.jsonl')}\n`);
}
