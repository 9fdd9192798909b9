// Finds a run's files from what the user typed: a run directory (trace.jsonl, history.jsonl,
// report.json), a trace file (with its siblings if present), or nothing (the newest run under runs/).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { KvlabError } from '../../core/types.ts';
import { traceFileIn } from './trace-file.ts';

export interface RunFiles {
  /** trace.jsonl, or trace.jsonl.gz (compressed: the name ends in .gz). */
  readonly trace: string;
  readonly history: string | null;
  readonly report: string | null;
  /** For the page title: the run directory's name. */
  readonly name: string;
}

function optional(path: string): string | null {
  return existsSync(path) ? path : null;
}

function fromDirectory(dir: string): RunFiles {
  const trace = traceFileIn(dir);
  if (trace === null) throw new KvlabError('noTrace', `${dir} holds no trace.jsonl or trace.jsonl.gz (expected a run directory written by \`kvlab run\`, or a trace file)`);
  return { trace, history: optional(join(dir, 'history.jsonl')), report: optional(join(dir, 'report.json')), name: basename(resolve(dir)) };
}

/** The most recently written run under `runsDir`, if any. */
export function newestRun(runsDir: string): string | null {
  if (!existsSync(runsDir)) return null;
  const runs = readdirSync(runsDir)
    .map((name) => join(runsDir, name))
    .map((dir) => ({ dir, trace: traceFileIn(dir) }))
    .filter((run): run is { dir: string; trace: string } => run.trace !== null)
    .map(({ dir, trace }) => ({ dir, mtime: statSync(trace).mtimeMs }))
    .sort((a, b) => b.mtime - a.mtime);
  return runs[0]?.dir ?? null;
}

export function resolveRunFiles(target: string | undefined, runsDir = 'runs'): RunFiles {
  if (target === undefined) {
    const newest = newestRun(runsDir);
    if (newest === null) throw new KvlabError('noRun', `no run given and none found under ${runsDir}/: run \`npx kvlab run\` first, or pass a run directory or trace file (or --demo)`);
    return fromDirectory(newest);
  }
  if (!existsSync(target)) throw new KvlabError('notFound', `${target} does not exist (expected a run directory, or a trace.jsonl or trace.jsonl.gz file)`);
  if (statSync(target).isDirectory()) return fromDirectory(target);
  const dir = dirname(target);
  return { trace: target, history: optional(join(dir, 'history.jsonl')), report: optional(join(dir, 'report.json')), name: basename(target) };
}
