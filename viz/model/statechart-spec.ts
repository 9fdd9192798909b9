// A statechart as the visualizer draws it: states and labelled transitions. Read from an xstate v5
// machine definition (core/raft/role-machine.ts, core/node/lifecycle-machine.ts) so the picture is
// the code; when a definition cannot be loaded, rebuilt from the transitions the trace recorded.

export interface StatechartTransition {
  /** '*' when the machine accepts the event in every state (a root-level transition). */
  readonly from: string;
  readonly to: string;
  readonly event: string;
}

export interface StatechartSpec {
  readonly id: string;
  /** Where the picture came from: the machine definition, or the transitions seen in the trace. */
  readonly source: 'definition' | 'trace';
  readonly initial: string | null;
  readonly states: readonly string[];
  readonly transitions: readonly StatechartTransition[];
}

/** The parts of an xstate v5 StateNode this module reads. */
interface StateNodeLike {
  readonly key: string;
  readonly path: readonly string[];
  readonly states: Readonly<Record<string, StateNodeLike>>;
  readonly transitions?: ReadonlyMap<string, ReadonlyArray<TransitionLike>>;
  readonly always?: ReadonlyArray<TransitionLike>;
  readonly initial?: { readonly target: readonly StateNodeLike[] };
}

interface TransitionLike {
  readonly target?: readonly StateNodeLike[];
  readonly guard?: unknown;
}

/** True for an xstate machine (StateMachine) object. */
export function isMachineLike(value: unknown): value is { readonly id: string; readonly root: StateNodeLike } {
  const root = (value as { root?: unknown } | null)?.root as StateNodeLike | undefined;
  return typeof value === 'object' && value !== null && typeof root === 'object' && root !== null && typeof root.states === 'object';
}

/** Top-level states and every transition between them (nested states fold into their top-level parent). */
export function specFromMachine(machine: unknown): StatechartSpec | null {
  if (!isMachineLike(machine)) return null;
  const root = machine.root;
  const transitions: StatechartTransition[] = [];
  const seen = new Set<string>();
  const add = (from: string, to: string, event: string) => {
    const key = `${from}\u0000${to}\u0000${event}`;
    if (!seen.has(key)) transitions.push({ from, to, event }), seen.add(key);
  };
  collect(root, '*', add);
  for (const [name, state] of Object.entries(root.states)) collectTree(state, name, add);
  const initial = root.initial?.target[0]?.path[0] ?? null;
  return { id: String(machine.id ?? root.key), source: 'definition', initial, states: Object.keys(root.states), transitions };
}

type Add = (from: string, to: string, event: string) => void;

function collectTree(state: StateNodeLike, top: string, add: Add): void {
  collect(state, top, add);
  for (const child of Object.values(state.states ?? {})) collectTree(child, top, add);
}

function collect(state: StateNodeLike, from: string, add: Add): void {
  for (const [event, list] of state.transitions ?? new Map()) {
    for (const t of list) for (const target of t.target ?? []) add(from, target.path[0] ?? target.key, eventLabel(event, t.guard));
  }
  for (const t of state.always ?? []) for (const target of t.target ?? []) add(from, target.path[0] ?? target.key, eventLabel('always', t.guard));
}

/** "timeout", "after 150ms", "vote [hasQuorum]". */
export function eventLabel(event: string, guard: unknown): string {
  const after = /^xstate\.after\.(\d+)\./.exec(event);
  const base = after ? `after ${after[1]}ms` : event;
  const guardName = typeof guard === 'string' ? guard : (guard as { type?: unknown } | undefined)?.type;
  return typeof guardName === 'string' && guardName.length > 0 ? `${base} [${guardName}]` : base;
}

/** A statechart rebuilt from recorded transitions, over the states the machine is known to have. */
export function specFromObserved(id: string, knownStates: readonly string[], observed: readonly StatechartTransition[]): StatechartSpec {
  const states = [...knownStates];
  for (const t of observed) for (const s of [t.from, t.to]) if (!states.includes(s)) states.push(s);
  return { id, source: 'trace', initial: knownStates[0] ?? null, states, transitions: observed };
}

/** Collects the distinct (from, to, event) transitions a trace records. */
export class TransitionCollector {
  readonly transitions: StatechartTransition[] = [];
  private readonly seen = new Set<string>();

  add(from: string, to: string, event: string): void {
    const key = `${from}\u0000${to}\u0000${event}`;
    if (this.seen.has(key) || from === to) return;
    this.seen.add(key);
    this.transitions.push({ from, to, event });
  }
}

export const roleStates: readonly string[] = ['follower', 'preCandidate', 'candidate', 'leader'];
export const lifecycleStates: readonly string[] = ['stopped', 'starting', 'up', 'paused', 'crashed'];
