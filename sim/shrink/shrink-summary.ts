// What `kvlab shrink` prints: where the file went, what shrank (ops, clients, faults, nodes, duration),
// the reductions kept, and the command that reproduces the shrunk failure.
import { reproCommand } from '../run/run-types.ts';
import type { Scenario } from '../scenario/schema.ts';
import { durationMs } from './scenario-edits.ts';
import type { ShrinkResult } from './shrink.ts';
import type { Trial } from './trial.ts';

type Shrunk = Extract<ShrinkResult, { kind: 'shrunk' }>;

export interface ShrinkSizes {
  readonly ops: number | undefined;
  readonly clients: number;
  readonly faults: string;
  readonly nodes: number;
  readonly durationMs: number;
}

export function sizesOf(s: Scenario, trial: Trial): ShrinkSizes {
  const explicit = `${s.faults.length} explicit`;
  const faults = s.nemesis ? `${explicit} + random nemesis (${trial.faultsApplied ?? '?'} applied)` : explicit;
  return { ops: trial.ops, clients: s.workload.clients, faults, nodes: s.cluster.nodes, durationMs: durationMs(s) };
}

/** A failing check with its kind of violation, as `liveness (no-leader-after-heal)`. */
export function signatureOf(check: string, trial: Trial): string {
  const kind = trial.kinds?.get(check);
  return kind === undefined ? check : `${check} (${kind})`;
}

export function formatShrinkSummary(result: Shrunk, outPath: string): string {
  const before = sizesOf(result.original, result.originalTrial);
  const after = sizesOf(result.shrunk, result.finalTrial);
  const arrow = (a: unknown, b: unknown) => (a === b ? `${a} (unchanged)` : `${a} -> ${b}`);
  const budget = result.exhausted ? `; the budget of ${result.runsMax} runs ran out (raise it with --runs-max)` : '';
  const lines = [
    `kvlab shrink  scenario ${result.original.name}  seed ${result.seed}  fails ${result.target.map((c) => signatureOf(c, result.originalTrial)).join(', ')}`,
    `  wrote      ${outPath}`,
    `  ops        ${arrow(before.ops ?? '?', after.ops ?? '?')}`,
    `  clients    ${arrow(before.clients, after.clients)}`,
    `  faults     ${arrow(before.faults, after.faults)}`,
    `  nodes      ${arrow(before.nodes, after.nodes)}`,
    `  duration   ${arrow(`${before.durationMs / 1000} s`, `${after.durationMs / 1000} s`)} virtual`,
    `  runs       ${result.runs}${budget}`,
  ];
  if (result.steps.length > 0) lines.push('  kept', ...result.steps.map((s) => `    ${s}`));
  else lines.push('  no smaller scenario failed the same way; the file is the original with its seed pinned');
  for (const check of result.target) lines.push(`  ${check}: ${result.finalTrial.details.get(check) ?? ''}`);
  lines.push(reproCommand(outPath, result.seed, []));
  return `${lines.join('\n')}\n`;
}
