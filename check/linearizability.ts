// Linearizability of a key-value history (get, put, delete, cas on independent registers).
//
// Semantics: an `ok` op took effect at one instant between its invoke and its completion; a `fail` op
// never happened; an `info` op may have taken effect at any instant after its invoke, or never. Keys
// are independent registers that start absent (or, with initial 'unknown', hold an unknown value),
// so each key is checked on its own. The search per key is in linearization-search.ts; a failing
// key is then shrunk to a small window of ops for the report (failure-window.ts).
//
// Sessions: ops of one session take effect in the order they were invoked, which the search enforces
// between the ops of a session on the same key. Across keys session order is not checked (that would
// need one search over every key at once): a history can pass that a single global order would not
// explain, never the other way round (docs/checker.md). When session order is what breaks a key, the
// report names the pair of ops (session-blame.ts).
import { assert } from '../core/types.ts';
import { explainViolation, plural } from './describe-operation.ts';
import { type FailureWindow, smallestFailingWindow } from './failure-window.ts';
import type { Operation } from './history-types.ts';
import { checkKey } from './key-check.ts';
import { operationsByKey } from './key-ops.ts';
import type { SearchVerdict } from './linearization-search.ts';
import { ABSENT, ANY } from './search-problem.ts';
import { blameSessionOrder, type SessionOrderBreak } from './session-blame.ts';
import type { KnownFailure } from './window-scan.ts';

/** Search steps for the whole check (keys, then windows), before answering `unknown`. */
export const stepsMaxDefault = 50_000_000;
/** Search steps for one key, so one hard key cannot starve the others. */
export const keyStepsMaxDefault = 10_000_000;

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
  /** Set when the key's ops linearize without session order: the pair of one session it cannot keep. */
  readonly sessionOrder?: SessionOrderBreak;
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
  const failing: Array<{ key: string; ops: Operation[]; failure: KnownFailure }> = [];
  for (const [key, ops] of byKey) {
    operationsChecked += ops.length;
    const checked = checkKey(ops, initialState, Math.min(keyStepsMax, stepsMax - steps));
    steps += checked.steps;
    if (checked.verdict === 'unknown') unknownKeys.push(key);
    if (checked.failure) failing.push({ key, ops, failure: checked.failure });
  }
  // Windows only sharpen the report, so they get what the verdicts left of the budget.
  const violations = failing.map(({ key, ops, failure }) => {
    const found = smallestFailingWindow(ops, failure, Math.min(keyStepsMax, stepsMax - steps));
    steps += found.steps;
    const blame = blameSessionOrder(found.ops, found.fromAnyValue ? ANY : initialState, Math.min(keyStepsMax, stepsMax - steps));
    steps += blame.steps;
    return describeViolation(key, found, blame.pair);
  });
  const verdict = violations.length > 0 ? 'not-linearizable' : unknownKeys.length > 0 ? 'unknown' : 'linearizable';
  return { verdict, keysChecked: byKey.size, operationsChecked, steps, violations, unknownKeys };
}

function describeViolation(key: string, found: FailureWindow, sessionOrder: SessionOrderBreak | undefined): KeyViolation {
  const { stuck, possibleValues } = found;
  const windowOps = found.ops.map((op) => op.source);
  const window: ViolationWindow = {
    ops: windowOps.map((op) => op.invokeIndex),
    optionalOps: found.ops.filter((op) => !op.required).map((op) => op.source.invokeIndex),
    timeMin: windowOps.reduce((min, op) => Math.min(min, op.invokeTime), stuck.invokeTime),
    timeMax: stuck.completeTime as number,
    fromAnyValue: found.fromAnyValue,
  };
  const order = sessionOrder === undefined ? '' : `${describeSessionBreak(sessionOrder)} `;
  const explanation = `${order}${explainViolation(stuck, possibleValues, found.ops.some((op) => op.source.session !== undefined))} ${describeWindow(window)}`;
  const violation = { key, op: stuck.invokeIndex, possibleValues: possibleValues ?? [], window, explanation };
  return sessionOrder === undefined ? violation : { ...violation, sessionOrder };
}

function describeSessionBreak({ session, before, after }: SessionOrderBreak): string {
  return `Session order broken: on session ${JSON.stringify(session)}, op ${before} was invoked before op ${after}, but no linearization lets op ${before} take effect first (without session order the window is linearizable).`;
}

function describeWindow(window: ViolationWindow): string {
  const start = window.fromAnyValue ? 'whatever the key held before' : 'from the key\'s initial value';
  const count = plural(window.ops.length, 'operation');
  return `Smallest failing window: ${count} (ops ${window.ops.join(', ')}) between t=${window.timeMin} and t=${window.timeMax}, not linearizable ${start}.`;
}
