// The end-of-sweep summary: totals, then failures grouped by check, each with the one-line command
// that reproduces a failing seed (the first few per check; the rest are counted and listed by seed).
import { reproCommand } from '../run/run-types.ts';
import { formatDuration } from './progress.ts';
import type { SeedOutcome, SweepResult } from './sweep-types.ts';

/** Failing seeds shown with their detail and repro command, per check. */
export const reprosPerCheckMax = 3;
/** Further failing seeds listed by number, per check. */
const seedsListedMax = 20;
const detailCharsMax = 160;

export interface CheckFailures {
  readonly check: string;
  readonly seeds: readonly number[];
  readonly first: readonly SeedOutcome[];
}

/** Failing seeds by check name, checks ordered by how many seeds they failed (then by name). */
export function failuresByCheck(outcomes: readonly SeedOutcome[]): CheckFailures[] {
  const groups = new Map<string, SeedOutcome[]>();
  for (const o of outcomes) {
    for (const check of o.failedChecks) {
      const list = groups.get(check.name) ?? [];
      list.push(o);
      groups.set(check.name, list);
    }
  }
  return [...groups.entries()]
    .map(([check, list]) => ({ check, seeds: list.map((o) => o.seed), first: list.slice(0, reprosPerCheckMax) }))
    .sort((a, b) => b.seeds.length - a.seeds.length || a.check.localeCompare(b.check));
}

export function formatSweepSummary(result: SweepResult): string {
  const ran = result.outcomes.length;
  const seconds = result.wallMs / 1000;
  const lines = [
    `kvlab sweep  scenario ${result.scenario}${result.bugs.length ? `  bugs ${result.bugs.join(',')}` : ''}`,
    `  seeds      ${ran} of ${result.seedsTotal} run on ${result.workers} workers in ${formatDuration(result.wallMs)} (${seconds > 0 ? (ran / seconds).toFixed(1) : '-'} seeds/s)${result.stopped ? '; stopped early, the rest cancelled' : ''}`,
    `  verdict    ${ran - result.failed} passed, ${result.failed} failed`,
  ];
  const unknown = result.outcomes.filter((o) => o.unknownChecks.length > 0).length;
  if (unknown > 0) lines.push(`  unknown    ${unknown} seeds had a check whose search budget ran out (counted as passed)`);
  for (const group of failuresByCheck(result.outcomes)) {
    lines.push('', `${group.check}: ${group.seeds.length} ${group.seeds.length === 1 ? 'seed' : 'seeds'} failed`);
    for (const o of group.first) {
      const detail = o.failedChecks.find((c) => c.name === group.check)?.detail ?? '';
      lines.push(`  seed ${o.seed}: ${clip(detail)}`, `    ${reproCommand(result.scenarioPath, o.seed, result.bugs)}`);
    }
    const rest = group.seeds.slice(reprosPerCheckMax);
    if (rest.length > 0) {
      const listed = rest.slice(0, seedsListedMax).join(', ');
      lines.push(`  ... and ${rest.length} more: seeds ${listed}${rest.length > seedsListedMax ? ', ...' : ''}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

function clip(text: string): string {
  return text.length > detailCharsMax ? `${text.slice(0, detailCharsMax - 3)}...` : text;
}
