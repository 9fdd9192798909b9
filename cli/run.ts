// `kvlab run [SCENARIO.json] [--seed N] [--out DIR] [--bug NAME]... [--stop-on-violation] [--trace MODE]`: one simulated
// run. Writes the trace (trace.jsonl.gz by default; trace.jsonl with --trace full; none with --trace none),
// history.jsonl, report.json and timeline.html to DIR and prints a summary with the bytes written; on
// failure the last line printed is the command that reproduces the run.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KvlabError } from '../core/types.ts';
import { validateBugNames } from '../sim/bugs/registry.ts';
import { measureArtifacts, parseTraceMode, removeStaleArtifacts, traceFileName, type TraceMode } from '../sim/run/artifacts.ts';
import { runScenario } from '../sim/run/run-scenario.ts';
import { reproCommand, type RunResult } from '../sim/run/run-types.ts';
import { formatSummary } from '../sim/run/summary.ts';
import { loadDefaultScenario, loadScenario } from '../sim/scenario/load.ts';
import type { Scenario } from '../sim/scenario/schema.ts';
import { writeTimelineHtml } from '../viz/server/export-html.ts';
import { parseCommandArgs } from './command-args.ts';
import { reportUserError } from './command-error.ts';
import { EXIT_FAILED, EXIT_OK } from './exit-codes.ts';
import { checkOutputDir, describeFsError } from './paths.ts';
import { runUsage } from './usage.ts';

interface RunArgs {
  readonly scenarioPath: string | undefined;
  readonly scenario: Scenario;
  readonly seed: number;
  readonly outDir: string;
  readonly bugs: string[];
  readonly stopOnViolation: boolean;
  readonly trace: TraceMode;
}

export async function runCommand(argv: string[]): Promise<number> {
  let args: RunArgs | 'help';
  try {
    args = parseRunArgs(argv);
    if (args !== 'help') prepareDir(args.outDir);
  } catch (error) {
    return reportUserError('run', error, (text) => process.stderr.write(text));
  }
  if (args === 'help') {
    process.stdout.write(`${runUsage}\n`);
    return EXIT_OK;
  }
  const traceFile = traceFileName(args.trace);
  removeStaleArtifacts(args.outDir, args.trace);
  const tracePath = traceFile === undefined ? undefined : join(args.outDir, traceFile);
  const result = runScenario(args.scenario, { seed: args.seed, bugs: args.bugs, stopOnViolation: args.stopOnViolation, tracePath, traceCompress: args.trace === 'compressed' });
  await writeArtifacts(args.outDir, result, traceFile !== undefined);
  const written = measureArtifacts(args.outDir, [...(traceFile ? [traceFile] : []), 'history.jsonl', 'report.json', 'timeline.html']);
  process.stdout.write(formatSummary(result, args.outDir, written));
  if (result.report.verdict === 'pass') return EXIT_OK;
  process.stdout.write(`${reproCommand(args.scenarioPath, args.seed, args.bugs)}\n`);
  return EXIT_FAILED;
}

function parseRunArgs(argv: string[]): RunArgs | 'help' {
  const options = { seed: { type: 'string' }, out: { type: 'string' }, bug: { type: 'string', multiple: true }, 'stop-on-violation': { type: 'boolean' }, trace: { type: 'string' } } as const;
  const { values, positionals, help } = parseCommandArgs(argv, options, 1);
  if (help) return 'help';
  const scenarioPath = positionals[0];
  const scenario = scenarioPath ? loadScenario(scenarioPath) : loadDefaultScenario();
  const seed = values.seed === undefined ? (scenario.seed ?? 1) : parseSeed(values.seed);
  validateBugNames(values.bug ?? []);
  return { scenarioPath, scenario, seed, outDir: values.out ?? join('runs', `${scenario.name}-${seed}`), bugs: values.bug ?? [], stopOnViolation: values['stop-on-violation'] ?? false, trace: parseTraceMode(values.trace ?? 'compressed') };
}

export function parseSeed(text: string): number {
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text))) throw new KvlabError('usage', `--seed: expected a non-negative integer, got ${JSON.stringify(text)}`);
  return Number(text);
}

/** Checked and created before the run, so a bad --out costs a one-line error, not a finished run. */
function prepareDir(dir: string): void {
  checkOutputDir('--out', dir);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw new KvlabError('badPath', `--out ${dir}: cannot create the directory: ${describeFsError(error)}`);
  }
}

async function writeArtifacts(dir: string, result: RunResult, traced: boolean): Promise<void> {
  writeFileSync(join(dir, 'history.jsonl'), result.historyText);
  writeFileSync(join(dir, 'report.json'), `${JSON.stringify(result.report, null, 2)}\n`);
  if (!traced) return;
  try {
    await writeTimelineHtml(dir);
  } catch (error) {
    process.stderr.write(`kvlab run: could not write timeline.html: ${(error as Error).message}\n`);
  }
}
