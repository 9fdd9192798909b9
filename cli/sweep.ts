// `kvlab sweep SCENARIO.json --seeds A..B [--workers N] [--bug NAME]... [--stop-on-failure] [--stop-on-violation]`: many seeds
// of one scenario on worker threads, a progress bar on stderr, and a summary of failures by check with
// the command that reproduces each.
import { KvlabError } from '../core/types.ts';
import { validateBugNames } from '../sim/bugs/registry.ts';
import { loadScenario } from '../sim/scenario/load.ts';
import type { Scenario } from '../sim/scenario/schema.ts';
import { ProgressReporter, type ProgressStream } from '../sim/sweep/progress.ts';
import { formatSeedRange, parseSeedRange, type SeedRange } from '../sim/sweep/seed-range.ts';
import { formatSweepSummary } from '../sim/sweep/summary.ts';
import { sweep, sweepWorkersMax } from '../sim/sweep/sweep.ts';
import { integerOption, parseCommandArgs } from './command-args.ts';
import { reportUserError } from './command-error.ts';
import { EXIT_FAILED, EXIT_OK } from './exit-codes.ts';
import { sweepUsage } from './usage.ts';

export interface SweepIo {
  out(text: string): void;
  readonly err: ProgressStream;
}

const processIo: SweepIo = { out: (text) => process.stdout.write(text), err: process.stderr };

interface SweepArgs {
  readonly scenarioPath: string;
  readonly scenario: Scenario;
  readonly seeds: SeedRange;
  readonly workers: number | undefined;
  readonly bugs: string[];
  readonly stopOnFailure: boolean;
  readonly stopOnViolation: boolean;
}

export async function sweepCommand(argv: string[], io: SweepIo = processIo): Promise<number> {
  let args: SweepArgs | 'help';
  try {
    args = parseSweepArgs(argv);
  } catch (error) {
    return reportUserError('sweep', error, (text) => io.err.write(text));
  }
  if (args === 'help') {
    io.out(`${sweepUsage}\n`);
    return EXIT_OK;
  }
  const progress = new ProgressReporter(io.err, `sweep ${args.scenario.name} ${formatSeedRange(args.seeds)}`);
  const result = await sweep(
    args.scenario,
    args.seeds,
    { workers: args.workers, bugs: args.bugs, stopOnFailure: args.stopOnFailure, stopOnViolation: args.stopOnViolation, scenarioPath: args.scenarioPath },
    (p) => progress.update(p),
  );
  progress.finish();
  io.out(formatSweepSummary(result));
  return result.failed > 0 ? EXIT_FAILED : EXIT_OK;
}

function parseSweepArgs(argv: string[]): SweepArgs | 'help' {
  const options = {
    seeds: { type: 'string' },
    workers: { type: 'string' },
    bug: { type: 'string', multiple: true },
    'stop-on-failure': { type: 'boolean' },
    'stop-on-violation': { type: 'boolean' },
  } as const;
  const { values, positionals, help } = parseCommandArgs(argv, options, Number.POSITIVE_INFINITY);
  if (help) return 'help';
  if (positionals.length !== 1) throw new KvlabError('usage', `expected one scenario file, got ${positionals.length}${positionals.length > 0 ? `: ${positionals.map((p) => `'${p}'`).join(', ')}` : ''}`);
  if (values.seeds === undefined) throw new KvlabError('usage', '--seeds A..B is required (e.g. --seeds 1..100)');
  const seeds = parseSeedRange(values.seeds);
  const bugs = values.bug ?? [];
  validateBugNames(bugs);
  const scenarioPath = positionals[0];
  const scenario = loadScenario(scenarioPath);
  return { scenarioPath, scenario, seeds, workers: values.workers === undefined ? undefined : integerOption('--workers', values.workers, 1, sweepWorkersMax), bugs, stopOnFailure: values['stop-on-failure'] ?? false, stopOnViolation: values['stop-on-violation'] ?? false };
}
