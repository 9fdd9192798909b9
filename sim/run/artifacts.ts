// What `kvlab run` keeps of a run (docs/trace.md, "What a run keeps"): the trace compressed (the
// default), the full plain trace (the contract's trace.jsonl), or no trace (and so no timeline); and
// how many bytes each artifact took, for the summary.
import { existsSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { KvlabError } from '../../core/types.ts';

export const traceModes = ['compressed', 'full', 'none'] as const;
export type TraceMode = (typeof traceModes)[number];

export function parseTraceMode(text: string): TraceMode {
  if ((traceModes as readonly string[]).includes(text)) return text as TraceMode;
  throw new KvlabError('usage', `--trace: expected one of ${traceModes.join(', ')}, got ${JSON.stringify(text)}`);
}

/** The trace file a mode writes, or undefined for none. */
export function traceFileName(mode: TraceMode): string | undefined {
  return mode === 'compressed' ? 'trace.jsonl.gz' : mode === 'full' ? 'trace.jsonl' : undefined;
}

/**
 * Removes what an earlier run into the same directory left that this mode will not overwrite (the other
 * trace form; the timeline when there is no trace), so the directory never mixes two runs.
 */
export function removeStaleArtifacts(dir: string, mode: TraceMode): void {
  const stale = [...traceModes.filter((m) => m !== mode).map(traceFileName), ...(mode === 'none' ? ['timeline.html'] : [])];
  for (const name of stale) if (name !== undefined) rmSync(join(dir, name), { force: true });
}

export interface ArtifactSize {
  readonly name: string;
  readonly bytes: number;
}

/** Sizes of the files of `names` that exist in `dir`, in that order. */
export function measureArtifacts(dir: string, names: readonly string[]): ArtifactSize[] {
  return names.filter((name) => existsSync(join(dir, name))).map((name) => ({ name, bytes: statSync(join(dir, name)).size }));
}

/** "4.2 MB", "310 kB", "812 B" (powers of 1000, as `ls -h --si` prints them). */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1e6) return `${(bytes / 1e3).toFixed(0)} kB`;
  return `${(bytes / 1e6).toFixed(1)} MB`;
}
