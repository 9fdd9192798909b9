// Linearizability of a key-value history (get, put, delete, cas on independent registers).
//
// Semantics: an `ok` op took effect at one instant between its invoke and its completion; a `fail` op
// never happened; an `info` op may have taken effect at any instant after its invoke, or never. Keys
// are independent registers that start absent (or, with initial 'unknown', hold an unknown value),
// so each key is checked on its own. The search per key is in linearization-search.ts; a failing
// key is then shrunk to a small window of ops for the report (failure-window.ts).
import { assert } from '../../core/types.ts';
import { explainViolation, plural } from './describe-operation.ts';
import { smallestFailingWindow } from './failure-window.ts';
import type { Operation } from './history-types.ts';
import { operationsByKey, wholeKeyOps } from './key-ops.ts';
import { searchLinearization, type SearchOutcome, type SearchVerdict } from './linearization-search.ts';
import { ABSENT, ANY, buildSearchProblem } from './search-problem.ts';

/** Search steps for the whole check (keys, then windows), before answering `unknown`. */
export const stepsMaxDefault = 100_000_000;
/** Search steps for one key, so one hard key cannot starve the others. */
export const keyStepsMaxDefault = 20_000_000;

export type LinearizabilityVerdict = SearchVerdict;

export interface LinearizabilityOptions {
  readonly stepsMax?: number;
  readonly keyStepsMax?: number;
  /** What each key holds before the history starts: 'absent' (default) or 'unknown' (any value). */
  readonly initial?: 'absent' | 'unknown';
}

export interface ViolationWindow {
  /** History indexes of the invokes of the window's ops, ascending. */
  readonly ops: number[];
  /** Those of `ops` that count as "may or may not have happened" (info, or cut by the window's edges). */
  readonly optionalOps: number[];
  readonly timeMin: number;
  readonly timeMax: number;
  /** True: the window fails whatever the key held before it. False: given the key's initial value. */
  readonly fromAnyValue: boolean;
}

export interface KeyViolation {
  readonly key: string;
  /** History index of the invoke of the op whose completion no linearization of the key gets past. */
  readonly op: number;
  /** Values the key could hold at that completion (null: absent); empty when any value was possible. */
  readonly possibleValues: (string | null)[];
  readonly window: ViolationWindow;
  readonly explanation: string;
}

export interface LinearizabilityResult {
  /** not-linearizable if any key is; else unknown if any key ran out of budget; else linearizable. */
  readonly verdict: LinearizabilityVerdict;
  readonly keysChecked: number;
  /** Operations that constrain the model (fails and info gets are dropped). */
  readonly operationsChecked: number;
  readonly steps: number;
  readonly violations: KeyViolation[];
  /** Keys whose search ran out of budget. */
  readonly unknownKeys: string[];
}

export function checkLinearizability(operations: readonly Operation[], options: LinearizabilityOptions = {}): LinearizabilityResult {
  const stepsMax = options.stepsMax ?? stepsMaxDefault;
  const keyStepsMax = options.keyStepsMax ?? keyStepsMaxDefault;
  assert(stepsMax >= 0 && keyStepsMax >= 0, 'step budgets must be >= 0');
  const initialState = options.initial === 'unknown' ? ANY : ABSENT;
  const byKey = operationsByKey(operations);
  let steps = 0;
  let operationsChecked = 0;
  const unknownKeys: string[] = [];
  const failing: FailedKey[] = [];
  for (const [key, ops] of byKey) {
    operationsChecked += ops.length;
    const budget = Math.min(keyStepsMax, stepsMax - steps);
    const problem = buildSearchProblem(wholeKeyOps(ops), initialState);
    const outcome = searchLinearization(problem, budget);
    steps += outcome.steps;
    if (outcome.verdict === 'unknown') unknownKeys.push(key);
    if (outcome.verdict === 'not-linearizable') failing.push({ key, ops, outcome, values: problem.values });
  }
  // Windows only sharpen the report, so they get what the verdicts left of the budget.
  const violations = failing.map(({ key, ops, outcome, values }) => {
    const budget = Math.min(keyStepsMax, stepsMax - steps);
    const violation = describeViolation({ key, ops, outcome, values }, initialState, budget);
    steps += violation.steps;
    return violation.violation;
  });
  const verdict = violations.length > 0 ? 'not-linearizable' : unknownKeys.length > 0 ? 'unknown' : 'linearizable';
  return { verdict, keysChecked: byKey.size, operationsChecked, steps, violations, unknownKeys };
}

interface FailedKey {
  readonly key: string;
  readonly ops: readonly Operation[];
  readonly outcome: SearchOutcome;
  /** The key's value table from its search (value id -> value). */
  readonly values: readonly (string | null)[];
}

function describeViolation(failed: FailedKey, initialState: number, stepsMax: number): { violation: KeyViolation; steps: number } {
  const { key, ops, outcome, values } = failed;
  assert(outcome.frontierOp >= 0, () => `key ${key}: not linearizable without reaching any completion`);
  const stuck = ops[outcome.frontierOp];
  assert(stuck.completeIndex !== null, () => `key ${key}: the search stopped at op ${stuck.invokeIndex}, which never completed`);
  const found = smallestFailingWindow(ops, stuck.completeIndex, initialState, Math.max(0, stepsMax));
  const anyValue = outcome.frontierStates.includes(ANY);
  const possibleValues = anyValue ? [] : outcome.frontierStates.map((state) => values[state]);
  const windowOps = found.ops.map((op) => op.source);
  const window: ViolationWindow = {
    ops: windowOps.map((op) => op.invokeIndex),
    optionalOps: found.ops.filter((op) => !op.required).map((op) => op.source.invokeIndex),
    timeMin: windowOps.reduce((min, op) => Math.min(min, op.invokeTime), stuck.invokeTime),
    timeMax: stuck.completeTime as number,
    fromAnyValue: found.fromAnyValue,
  };
  const explanation = `${explainViolation(stuck, anyValue ? undefined : possibleValues)} ${describeWindow(window)}`;
  return { violation: { key, op: stuck.invokeIndex, possibleValues, window, explanation }, steps: found.steps };
}

function describeWindow(window: ViolationWindow): string {
  const start = window.fromAnyValue ? 'whatever the key held before' : 'from the key\'s initial value';
  const count = plural(window.ops.length, 'operation');
  return `Smallest failing window: ${count} (ops ${window.ops.join(', ')}) between t=${window.timeMin} and t=${window.timeMax}, not linearizable ${start}.`;
}
