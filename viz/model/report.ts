// report.json (CONTRACTS.md): the run's verdict and checks, shown in the header.
import type { TraceProblem } from './trace-types.ts';

export interface ReportCheck {
  readonly name: string;
  readonly verdict: string;
  readonly detail: unknown;
  /** History indexes of the operations involved, when the checker names them. */
  readonly ops: readonly number[];
}

function opsOf(check: Record<string, unknown> | null): number[] {
  const named = Array.isArray(check?.ops) ? check.ops : (check?.detail as { ops?: unknown } | null)?.ops;
  return Array.isArray(named) ? named.filter((v): v is number => Number.isInteger(v)) : [];
}

export interface ReportSummary {
  readonly scenario: string;
  readonly seed: number | null;
  readonly verdict: string;
  readonly checks: readonly ReportCheck[];
  readonly stats: Readonly<Record<string, unknown>>;
}

export function readReport(text: string, file = 'report.json'): { report: ReportSummary | null; problems: TraceProblem[] } {
  const fail = (message: string) => ({ report: null, problems: [{ file, line: 0, message, fatal: true, excerpt: text.slice(0, 160) }] });
  let value: Record<string, unknown>;
  try {
    value = JSON.parse(text) as Record<string, unknown>;
  } catch (error) {
    return fail(`not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail('expected a JSON object');
  if (typeof value.verdict !== 'string') return fail('expected "verdict" to be "pass" or "fail"');
  const checks = Array.isArray(value.checks) ? value.checks : [];
  return {
    report: {
      scenario: String(value.scenario ?? ''),
      seed: typeof value.seed === 'number' ? value.seed : null,
      verdict: value.verdict,
      checks: checks.map((c: Record<string, unknown>) => ({ name: String(c?.name ?? '?'), verdict: String(c?.verdict ?? '?'), detail: c?.detail, ops: opsOf(c) })),
      stats: typeof value.stats === 'object' && value.stats !== null ? (value.stats as Record<string, unknown>) : {},
    },
    problems: [],
  };
}
