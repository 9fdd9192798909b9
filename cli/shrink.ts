// `kvlab shrink SCENARIO.json --seed N [--out FILE] [--bug NAME]... [--check NAME]... [--runs-max N]`:
// writes a smaller scenario that still fails the same check(s) with the same seed.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { KvlabError } from '../core/types.ts';
import { validateBugNames } from '../sim/bugs/registry.ts';
import { loadScenario } from '../sim/scenario/load.ts';
import type { Scenario } from '../sim/scenario/schema.ts';
import { shrink, shrinkRunsMaxDefault } from '../sim/shrink/shrink.ts';
import { minimalScenario } from '../sim/shrink/minimal-scenario.ts';
import { formatShrinkSummary } from '../sim/shrink/shrink-summary.ts';
import { integerOption, parseCommandArgs } from './command-args.ts';
import { reportUserError } from './command-error.ts';
import { EXIT_FAILED, EXIT_OK } from './exit-codes.ts';
import { checkOutputFile, describeFsError } from './paths.ts';
import { parseSeed } from './run.ts';
import { shrinkUsage } from './usage.ts';
const checkNames = ['linearizability', 'raft-invariants', 'durability', 'liveness', 'assertions', 'exception'];

export interface ShrinkIo {
  out(text: string): void;
  err(text: string): void;
}

const processIo: ShrinkIo = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };

interface ShrinkArgs {
  readonly scenario: Scenario;
  readonly seed: number;
  readonly outPath: string;
  readonly bugs: string[];
  readonly checks: string[] | undefined;
  readonly runsMax: number;
}

export async function shrinkCommand(argv: string[], io: ShrinkIo = processIo): Promise<number> {
  let args: ShrinkArgs | 'help';
  try {
    args = parseShrinkArgs(argv);
  } catch (error) {
    return reportUserError('shrink', error, io.err);
  }
  if (args === 'help') {
    io.out(`${shrinkUsage}\n`);
    return EXIT_OK;
  }
  const result = shrink(args.scenario, args.seed, {
    bugs: args.bugs,
    checks: args.checks,
    runsMax: args.runsMax,
    onStep: (step, runs) => io.err(`shrink: ${step} (after ${runs} runs)\n`),
  });
  if (result.kind === 'not-failing') {
    const failing = [...result.trial.failing];
    const why = failing.length === 0 ? 'every check passed' : `it failed ${failing.join(', ')}, not ${result.checks.join(', ')}`;
    io.out(`kvlab shrink: scenario ${result.original.name} with seed ${result.seed} did not fail (${why}); nothing to shrink\n`);
    return EXIT_FAILED;
  }
  writeFileSync(args.outPath, `${JSON.stringify(minimalScenario(result.shrunk), null, 2)}\n`);
  io.out(formatShrinkSummary(result, args.outPath));
  return EXIT_OK;
}

function parseShrinkArgs(argv: string[]): ShrinkArgs | 'help' {
  const options = {
    seed: { type: 'string' },
    out: { type: 'string' },
    bug: { type: 'string', multiple: true },
    check: { type: 'string', multiple: true },
    'runs-max': { type: 'string' },
  } as const;
  const { values, positionals, help } = parseCommandArgs(argv, options, Number.POSITIVE_INFINITY);
  if (help) return 'help';
  if (positionals.length !== 1) throw new KvlabError('usage', `expected one scenario file, got ${positionals.length}${positionals.length > 0 ? `: ${positionals.map((p) => `'${p}'`).join(', ')}` : ''}`);
  const bugs = values.bug ?? [];
  validateBugNames(bugs);
  for (const check of values.check ?? []) {
    if (!checkNames.includes(check)) throw new KvlabError('usage', `--check: found ${JSON.stringify(check)}; allowed: ${checkNames.join(' | ')}`);
  }
  const scenario = loadScenario(positionals[0]);
  if (values.seed === undefined && scenario.seed === undefined) throw new KvlabError('usage', '--seed N is required (the scenario names no seed)');
  const seed = values.seed === undefined ? (scenario.seed as number) : parseSeed(values.seed);
  const runsMax = values['runs-max'] === undefined ? shrinkRunsMaxDefault : integerOption('--runs-max', values['runs-max'], 1, Number.MAX_SAFE_INTEGER);
  const outPath = values.out ?? join('runs', `${scenario.name}-shrunk-${seed}.json`);
  // Checked (and its directory made) now: shrinking takes many runs, and its result must not be lost to a bad path.
  checkOutputFile('--out', outPath, true);
  try {
    mkdirSync(dirname(outPath), { recursive: true });
  } catch (error) {
    throw new KvlabError('badPath', `--out ${outPath}: cannot create its directory: ${describeFsError(error)}`);
  }
  return { scenario, seed, outPath, bugs, checks: values.check, runsMax };
}
