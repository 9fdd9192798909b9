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

/** Phase lengths are searched to this precision (ms): finer costs runs and says little. */
const phasePrecisionMs = 100;

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

export const shrinkOps: ShrinkPass = (state) =>
  searchDown(state, 'workload.opsMax', (s) => s.workload.opsMax, (s, n) => withWorkload(s, { opsMax: n }), 1, 1);

export const shrinkClients: ShrinkPass = (state) =>
  searchDown(state, 'workload.clients', (s) => s.workload.clients, (s, n) => withWorkload(s, { clients: n }), 1, 1);

export const shrinkRate: ShrinkPass = (state) =>
  searchDown(state, 'workload.ratePerClient', (s) => Math.ceil(s.workload.ratePerClient), (s, n) => withWorkload(s, { ratePerClient: n }), 1, 1);

export const shrinkKeys: ShrinkPass = (state) =>
  searchDown(state, 'workload.keys', (s) => s.workload.keys, (s, n) => withWorkload(s, { keys: n }), 1, 1);

export const shrinkPhases: ShrinkPass = (state) => {
  const before = durationMs(state.best);
  for (const phase of ['faultsMs', 'healMs', 'livenessMs'] as const) {
    searchDown(state, phase, (s) => Math.ceil(s.phases[phase]), (s, n) => withPhases(s, { [phase]: n }), 0, phasePrecisionMs);
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

/**
 * Binary search for the smallest value in [lowest, current] that still fails, assuming (loosely) that
 * failing is monotone in it. Stops within `precision` of the boundary, or when the budget is spent.
 */
function searchDown(
  state: ShrinkState,
  label: string,
  get: (s: Scenario) => number | undefined,
  set: (s: Scenario, value: number) => Scenario,
  lowest: number,
  precision: number,
): string | undefined {
  const start = get(state.best);
  if (start === undefined || start <= lowest) return undefined;
  let high = start;
  let low = lowest;
  while (high - low >= precision && high > lowest && !state.exhausted) {
    const mid = Math.floor((low + high) / 2);
    if (mid >= high) break;
    if (state.attempt(set(state.best, mid))) high = mid;
    else low = mid + 1;
  }
  return high < start ? `${label} ${start} -> ${high}` : undefined;
}
