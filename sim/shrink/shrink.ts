// `kvlab shrink`: from a (scenario, seed) that fails, a smaller scenario that fails the same check(s),
// each with the same kind of violation (tester.ts), with the same seed. Greedy and deterministic: passes of reductions (fewer operations, faults,
// clients, nodes, shorter phases), each keeping a candidate only if it still fails the same way,
// repeated until a round changes nothing or the run budget is spent.
import { KvlabError } from '../../core/types.ts';
import type { Scenario } from '../scenario/schema.ts';
import {
  minimizeFaults,
  pinOps,
  replaceNemesis,
  type ShrinkPass,
  type ShrinkState,
  shrinkClients,
  shrinkKeys,
  shrinkNodes,
  shrinkOps,
  shrinkPhases,
  shrinkRate,
  thinWorkload,
} from './shrink-passes.ts';
import { signatureOf } from './shrink-summary.ts';
import { ShrinkTester } from './tester.ts';
import { simulatorTrial, type Trial, type TrialRunner } from './trial.ts';

export const shrinkRunsMaxDefault = 200;
/** Rounds over all passes; later rounds rarely find much once a round found nothing. */
const roundsMax = 4;
/** Reductions in the order a round tries them: cheap, big wins first (fewer ops make every later run faster). */
const roundPasses: readonly ShrinkPass[] = [thinWorkload, shrinkOps, minimizeFaults, shrinkClients, shrinkPhases, shrinkNodes, shrinkRate, shrinkKeys];

export interface ShrinkOptions {
  /** Bug-zoo bugs to switch on; the shrunk scenario lists them in `bugs` so it reproduces alone. */
  readonly bugs?: readonly string[];
  /** Simulated runs at most, the original included. */
  readonly runsMax?: number;
  /** Only these checks must keep failing (default: every check the original run failed). */
  readonly checks?: readonly string[];
  /** Runs one trial; the simulator unless a test says otherwise. */
  readonly runner?: TrialRunner;
  /** Told each reduction as it is kept. */
  readonly onStep?: (step: string, runs: number) => void;
}

export type ShrinkResult =
  | { readonly kind: 'not-failing'; readonly original: Scenario; readonly seed: number; readonly trial: Trial; readonly checks: readonly string[] }
  | {
      readonly kind: 'shrunk';
      readonly original: Scenario;
      readonly shrunk: Scenario;
      readonly seed: number;
      /** The checks that fail in both. */
      readonly target: readonly string[];
      readonly originalTrial: Trial;
      readonly finalTrial: Trial;
      readonly steps: readonly string[];
      readonly runs: number;
      readonly runsMax: number;
      /** The budget ran out before the passes were done. */
      readonly exhausted: boolean;
    };

export function shrink(scenario: Scenario, seed: number, options: ShrinkOptions = {}): ShrinkResult {
  const runsMax = options.runsMax ?? shrinkRunsMaxDefault;
  if (!Number.isSafeInteger(runsMax) || runsMax < 1) throw new KvlabError('invalid-runs-max', `runsMax: found ${runsMax}; expected an integer >= 1`);
  const runner = options.runner ?? simulatorTrial;
  const original: Scenario = { ...scenario, bugs: [...new Set([...scenario.bugs, ...(options.bugs ?? [])])] };
  const originalTrial = runner(original, seed);
  const target = new Set(options.checks ?? originalTrial.failing);
  if (target.size === 0 || [...target].some((c) => !originalTrial.failing.has(c))) {
    return { kind: 'not-failing', original, seed, trial: originalTrial, checks: [...target] };
  }
  const tester = new ShrinkTester(runner, seed, target, originalTrial.failing, runsMax - 1, originalTrial.kinds);
  const state = new State(original, originalTrial, tester);
  const steps: string[] = [];
  const run = (pass: ShrinkPass) => {
    const step = pass(state);
    if (step) {
      steps.push(step);
      options.onStep?.(step, tester.runs + 1);
    }
    return step !== undefined;
  };
  run(pinOps);
  run(replaceNemesis);
  for (let round = 0; round < roundsMax && !tester.exhausted; round++) {
    let changed = false;
    for (const pass of roundPasses) changed = run(pass) || changed;
    if (!changed) break;
  }
  // Fewer clients or a lower rate leave opsMax above what runs: make the file say what happens.
  run(pinOps);
  return {
    kind: 'shrunk',
    original,
    shrunk: finish(state.best, scenario.name, seed, [...target].map((c) => signatureOf(c, originalTrial))),
    seed,
    target: [...target],
    originalTrial,
    finalTrial: state.trial,
    steps,
    runs: tester.runs + 1,
    runsMax,
    exhausted: tester.exhausted,
  };
}

class State implements ShrinkState {
  constructor(
    public best: Scenario,
    public trial: Trial,
    private readonly tester: ShrinkTester,
  ) {}

  get exhausted(): boolean {
    return this.tester.exhausted;
  }

  attempt(candidate: Scenario): boolean {
    const trial = this.tester.test(candidate);
    if (!trial) return false;
    this.best = candidate;
    this.trial = trial;
    return true;
  }
}

/** Names the shrunk scenario after its origin and pins the seed, so that `kvlab run FILE` reproduces it. */
function finish(s: Scenario, originalName: string, seed: number, signatures: readonly string[]): Scenario {
  const suffix = `-shrunk-${seed}`;
  const name = `${originalName.slice(0, 64 - suffix.length)}${suffix}`;
  const description = `Shrunk by kvlab shrink from scenario ${originalName} with seed ${seed}; fails ${signatures.join(', ')}.`;
  return { ...s, name, description, seed };
}
