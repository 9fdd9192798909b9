// The reductions shrinking tries, each a pass over the current best scenario that keeps every
// candidate which still fails the same way. A pass returns a line saying what it shrank, or undefined.
import type { Scenario } from '../scenario/schema.ts';
import { ddmin } from './ddmin.ts';
import { durationMs, nemesisAsFaults, withFaults, withNodes, withoutNemesis, withPhases, withWorkload } from './scenario-edits.ts';
import type { Trial } from './trial.ts';

/** What a pass sees: the best scenario so far, its trial, and a way to try a candidate. */
export interface ShrinkState {
  readonly best: Scenario;
  readonly trial: Trial;
  readonly exhausted: boolean;
  /** Runs the candidate; when it still fails the same way it becomes the best and this returns true. */
  attempt(candidate: Scenario): boolean;
}

export type ShrinkPass = (state: ShrinkState) => string | undefined;

/** Phase lengths are cut in steps of this (ms): finer costs runs and says little. */
const phaseStepMs = 100;

/** Pins `workload.opsMax` to what the run did, so that halving it means something. */
export const pinOps: ShrinkPass = (state) => {
  const ops = state.trial.ops;
  const opsMax = state.best.workload.opsMax;
  if (ops === undefined || (opsMax !== undefined && opsMax <= ops)) return undefined;
  return state.attempt(withWorkload(state.best, { opsMax: ops })) ? `workload.opsMax set to the ${ops} operations the run made` : undefined;
};

/** Replaces the random nemesis with the faults it applied, or failing that, tries the run without it. */
export const replaceNemesis: ShrinkPass = (state) => {
  const nemesis = state.best.nemesis;
  if (!nemesis) return undefined;
  const sampled = state.trial.applied.filter((a) => a.source === 'nemesis').length;
  const reported = state.trial.applied.length > 0 || state.trial.faultsApplied === 0;
  if (reported && state.attempt(nemesisAsFaults(state.best, state.trial.applied))) return `random nemesis replaced by the ${sampled} faults it applied`;
  if (state.attempt(withoutNemesis(state.best))) return 'random nemesis removed';
  if (nemesis.kinds.length > 1) {
    const before = nemesis.kinds.length;
    for (const kind of nemesis.kinds) {
      const current = state.best.nemesis;
      if (!current || current.kinds.length < 2 || !current.kinds.includes(kind)) continue;
      state.attempt({ ...state.best, nemesis: { ...current, kinds: current.kinds.filter((k) => k !== kind) } });
    }
    const after = state.best.nemesis?.kinds.length ?? before;
    if (after < before) return `nemesis kinds ${before} -> ${after} (${state.best.nemesis?.kinds.join(', ')})`;
  }
  return undefined;
};

export const minimizeFaults: ShrinkPass = (state) => {
  const before = state.best.faults.length;
  if (before === 0) return undefined;
  ddmin(state.best.faults, (faults) => state.attempt(withFaults(state.best, faults)));
  const after = state.best.faults.length;
  return after < before ? `faults ${before} -> ${after}` : undefined;
};

/** Fewer operations at a proportionally lower rate, so the ones left still span the faults. */
export const thinWorkload: ShrinkPass = (state) => {
  const before = state.best.workload;
  const step = ladderDown(
    state,
    'workload.opsMax',
    (s) => s.workload.opsMax,
    (s, n) => withWorkload(s, { opsMax: n, ratePerClient: rateFor(s, n) }),
    fractionsOf,
  );
  return step ? `${step}, workload.ratePerClient ${before.ratePerClient} -> ${state.best.workload.ratePerClient}` : undefined;
};

/** Fewer operations at the same rate: the workload ends sooner. */
export const shrinkOps: ShrinkPass = (state) =>
  ladderDown(state, 'workload.opsMax', (s) => s.workload.opsMax, (s, n) => withWorkload(s, { opsMax: n }), fractionsOf);

export const shrinkClients: ShrinkPass = (state) =>
  ladderDown(state, 'workload.clients', (s) => s.workload.clients, (s, n) => withWorkload(s, { clients: n }), (n) => [1, ...fractionsOf(n)]);

export const shrinkRate: ShrinkPass = (state) =>
  ladderDown(state, 'workload.ratePerClient', (s) => Math.ceil(s.workload.ratePerClient), (s, n) => withWorkload(s, { ratePerClient: n }), (n) => [1, ...fractionsOf(n)]);

export const shrinkKeys: ShrinkPass = (state) =>
  ladderDown(state, 'workload.keys', (s) => s.workload.keys, (s, n) => withWorkload(s, { keys: n }), (n) => [1, ...fractionsOf(n)]);

export const shrinkPhases: ShrinkPass = (state) => {
  const before = durationMs(state.best);
  for (const phase of ['faultsMs', 'healMs', 'livenessMs'] as const) {
    const rungs = (ms: number) => [0, ...fractionsOf(ms).map((v) => Math.round(v / phaseStepMs) * phaseStepMs)];
    ladderDown(state, phase, (s) => Math.ceil(s.phases[phase]), (s, ms) => withPhases(s, { [phase]: ms }), rungs, 0);
  }
  const after = durationMs(state.best);
  return after < before ? `duration ${before / 1000} s -> ${after / 1000} s (faults ${state.best.phases.faultsMs} ms, heal ${state.best.phases.healMs} ms, liveness ${state.best.phases.livenessMs} ms)` : undefined;
};

/** One node if that still fails; otherwise the smallest odd size from 3 up. */
export const shrinkNodes: ShrinkPass = (state) => {
  const before = state.best.cluster.nodes;
  for (const nodes of [1, 3, 5, 7]) {
    if (nodes >= before) break;
    if (state.attempt(withNodes(state.best, nodes))) return `nodes ${before} -> ${nodes}`;
  }
  return undefined;
};

/** Smaller values tried for a count of n, smallest first: a failure that survives a big cut saves runs. */
const ladderFractions = [1 / 32, 1 / 16, 1 / 8, 1 / 4, 1 / 2, 3 / 4];

function fractionsOf(n: number): number[] {
  return ladderFractions.map((f) => Math.floor(n * f));
}

function rateFor(s: Scenario, opsMax: number): number {
  const before = s.workload.opsMax ?? opsMax;
  const rate = before > 0 ? (s.workload.ratePerClient * opsMax) / before : s.workload.ratePerClient;
  return Math.max(0.01, Math.round(rate * 100) / 100);
}

/**
 * Walks a value down a ladder: tries the candidate values below the current one, smallest first, and
 * keeps the first that still fails; repeats from there until no rung fails or the budget is spent.
 * Failing is far from monotone in any one knob (a change reshuffles the whole run), so several rungs
 * beat a binary search that trusts each answer.
 */
function ladderDown(
  state: ShrinkState,
  label: string,
  get: (s: Scenario) => number | undefined,
  set: (s: Scenario, value: number) => Scenario,
  candidates: (current: number) => number[],
  lowest = 1,
): string | undefined {
  const start = get(state.best);
  if (start === undefined) return undefined;
  let current = start;
  while (!state.exhausted) {
    const rungs = [...new Set(candidates(current))].filter((v) => v >= lowest && v < current).sort((a, b) => a - b);
    const kept = rungs.find((v) => state.attempt(set(state.best, v)));
    if (kept === undefined) break;
    current = kept;
  }
  return current < start ? `${label} ${start} -> ${current}` : undefined;
}
