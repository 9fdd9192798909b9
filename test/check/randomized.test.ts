// Randomized checks of the checker:
// - histories of a correct store under concurrent clients are always linearizable, and replacing one
//   read's value by a never-written one, or by a stale one, is always caught, at that read;
// - on tiny random histories, verdicts agree with a brute-force search over all orders, and every
//   reported window is itself not linearizable by brute force.
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { HistoryWriter, type Operation, type OperationCall, parseHistory } from '../../check/history.ts';
import { checkLinearizability } from '../../check/linearizability.ts';
import { generateRegisterHistory, replaceReadWithStale, replaceReadWithUnwritten } from '../../check/register-history-generator.ts';

describe('histories of a correct store', () => {
  const seeds = Array.from({ length: 24 }, (_, i) => i + 1);
  const optionsFor = (seed: number) => ({
    seed,
    operations: 300 + (seed % 4) * 100,
    clients: 2 + (seed % 7),
    keys: 1 + (seed % 4),
    infoProbability: 0.05,
    failProbability: 0.05,
  });

  it.each(seeds)('seed %i: linearizable', (seed) => {
    const lines = generateRegisterHistory(optionsFor(seed));
    const result = checkLinearizability(parseHistory(lines.join(''), `seed-${seed}`).operations);
    expect(result.verdict, `seed ${seed}: ${JSON.stringify(result.violations[0])}`).toBe('linearizable');
  });

  it.each(seeds)('seed %i: a read of a never-written value is caught at that read', (seed) => {
    const lines = generateRegisterHistory(optionsFor(seed));
    const random = seedrandom.alea(`mutate:${seed}`);
    for (let round = 0; round < 3; round++) {
      const mutated = replaceReadWithUnwritten(lines, random());
      const { operations } = parseHistory(mutated.lines.join(''), `seed-${seed}`);
      const read = operations.find((op) => op.completeIndex === mutated.index) as Operation;
      const result = checkLinearizability(operations);
      const where = `seed ${seed}, mutated line ${mutated.index + 1}`;
      expect(result.verdict, where).toBe('not-linearizable');
      expect(result.violations.map((v) => [v.key, v.op]), where).toEqual([[read.call.key, read.invokeIndex]]);
      expect(result.violations[0].window.ops, where).toContain(read.invokeIndex);
    }
  });

  it.each(seeds)('seed %i: a stale read is caught at that read', (seed) => {
    const lines = generateRegisterHistory(optionsFor(seed));
    const mutated = replaceReadWithStale(lines, seedrandom.alea(`stale:${seed}`)());
    if (mutated === undefined) return; // no read qualifies (checked below to be rare)
    const { operations } = parseHistory(mutated.lines.join(''), `seed-${seed}`);
    const read = operations.find((op) => op.completeIndex === mutated.index) as Operation;
    const result = checkLinearizability(operations);
    const where = `seed ${seed}, stale read on line ${mutated.index + 1}`;
    expect(result.verdict, where).toBe('not-linearizable');
    expect(result.violations.map((v) => [v.key, v.op]), where).toEqual([[read.call.key, read.invokeIndex]]);
  });

  it('finds a stale read to plant in most generated histories', () => {
    const planted = seeds.filter((seed) => replaceReadWithStale(generateRegisterHistory(optionsFor(seed)), 0.5) !== undefined);
    expect(planted.length).toBeGreaterThan(seeds.length * 0.8);
  });
});

describe('tiny random histories against brute force', () => {
  const cases = 1500;

  it(`${cases} histories: same verdict, and each window is a proof`, () => {
    for (let seed = 1; seed <= cases; seed++) {
      const operations = tinyHistory(seed);
      const result = checkLinearizability(operations);
      const expected = bruteForceLinearizable(searchOps(operations, new Set()), false);
      expect(result.verdict, `seed ${seed}`).toBe(expected ? 'linearizable' : 'not-linearizable');
      for (const violation of result.violations) {
        const inWindow = new Set(violation.window.ops);
        const windowOps = searchOps(operations.filter((op) => inWindow.has(op.invokeIndex)), new Set(violation.window.optionalOps));
        expect(bruteForceLinearizable(windowOps, violation.window.fromAnyValue), `seed ${seed}: window ${[...inWindow]}`).toBe(false);
      }
    }
  });
});

describe('medium random histories against a plain memoised search', () => {
  const cases = 300;

  const verdicts: Record<string, number> = { linearizable: 0, 'not-linearizable': 0, unknown: 0 };

  it(`${cases} histories of up to 24 ops: same verdict, and each window is a proof`, () => {
    for (let seed = 1; seed <= cases; seed++) {
      const initial = seed % 2 === 0 ? 'unknown' : 'absent';
      const operations = randomHistory(`medium:${seed}`, 8 + (seed % 17), 4, ['a', 'b', 'c']);
      const result = checkLinearizability(operations, { initial });
      const expected = referenceLinearizable(searchOps(operations, new Set()), initial === 'unknown');
      verdicts[result.verdict]++;
      expect(result.verdict, `seed ${seed}`).toBe(expected ? 'linearizable' : 'not-linearizable');
      for (const violation of result.violations) {
        const inWindow = new Set(violation.window.ops);
        const windowOps = searchOps(operations.filter((op) => inWindow.has(op.invokeIndex)), new Set(violation.window.optionalOps));
        expect(referenceLinearizable(windowOps, violation.window.fromAnyValue), `seed ${seed}: window ${[...inWindow]}`).toBe(false);
      }
    }
    // Both verdicts must be exercised for the comparison to mean something.
    expect(verdicts.linearizable).toBeGreaterThan(cases / 10);
    expect(verdicts['not-linearizable']).toBeGreaterThan(cases / 10);
  });
});

describe('random histories with sessions and refused cas, against the plain memoised search', () => {
  const cases = 600;
  const verdicts: Record<string, number> = { linearizable: 0, 'not-linearizable': 0, unknown: 0 };

  it(`${cases} histories of up to 20 ops on 2 pipelining sessions: same verdict, each window a proof`, () => {
    let namedPairs = 0;
    for (let seed = 1; seed <= cases; seed++) {
      const initial = seed % 3 === 0 ? 'unknown' : 'absent';
      const operations = randomHistory(`sessions:${seed}`, 6 + (seed % 15), 4, ['a', 'b', 'c'], { sessions: 2, refusedProbability: 0.4 });
      const result = checkLinearizability(operations, { initial });
      const expected = referenceLinearizable(searchOps(operations, new Set()), initial === 'unknown');
      verdicts[result.verdict]++;
      expect(result.verdict, `seed ${seed}`).toBe(expected ? 'linearizable' : 'not-linearizable');
      for (const violation of result.violations) {
        const inWindow = new Set(violation.window.ops);
        const windowOps = searchOps(operations.filter((op) => inWindow.has(op.invokeIndex)), new Set(violation.window.optionalOps));
        expect(referenceLinearizable(windowOps, violation.window.fromAnyValue), `seed ${seed}: window ${[...inWindow]}`).toBe(false);
        if (!violation.sessionOrder) continue;
        // The named pair: both on that session, the earlier invoked first, and the window linearizes without sessions.
        namedPairs++;
        const { session, before, after } = violation.sessionOrder;
        const byIndex = new Map(operations.map((op) => [op.invokeIndex, op]));
        expect(before < after && byIndex.get(before)?.session === session && byIndex.get(after)?.session === session, `seed ${seed}`).toBe(true);
        expect(referenceLinearizable(windowOps, violation.window.fromAnyValue, false), `seed ${seed}: window without sessions`).toBe(true);
      }
    }
    expect(verdicts.linearizable).toBeGreaterThan(cases / 10);
    expect(verdicts['not-linearizable']).toBeGreaterThan(cases / 10);
    expect(namedPairs).toBeGreaterThan(cases / 50);
  });
});

describe('random histories with expiring writes and ttl reads, against the plain memoised search', () => {
  const cases = 600;
  const verdicts: Record<string, number> = { linearizable: 0, 'not-linearizable': 0, unknown: 0 };

  it(`${cases} histories of up to 20 ops: same verdict, each window a proof`, () => {
    for (let seed = 1; seed <= cases; seed++) {
      const initial = seed % 3 === 0 ? 'unknown' : 'absent';
      const extras = { sessions: 1 + (seed % 2), refusedProbability: 0.3, expiring: true };
      const operations = randomHistory(`expiry:${seed}`, 6 + (seed % 15), 4, ['a', 'b', 'c'], extras);
      const result = checkLinearizability(operations, { initial });
      const expected = referenceLinearizable(searchOps(operations, new Set()), initial === 'unknown');
      verdicts[result.verdict]++;
      expect(result.verdict, `seed ${seed}`).toBe(expected ? 'linearizable' : 'not-linearizable');
      for (const violation of result.violations) {
        const inWindow = new Set(violation.window.ops);
        const windowOps = searchOps(operations.filter((op) => inWindow.has(op.invokeIndex)), new Set(violation.window.optionalOps));
        expect(referenceLinearizable(windowOps, violation.window.fromAnyValue), `seed ${seed}: window ${[...inWindow]}`).toBe(false);
      }
    }
    expect(verdicts.linearizable).toBeGreaterThan(cases / 10);
    expect(verdicts['not-linearizable']).toBeGreaterThan(cases / 10);
  });
});

/** Up to 7 ops by 3 processes on one key with values a and b, random outcomes and reads. */
function tinyHistory(seed: number): Operation[] {
  return randomHistory(`tiny:${seed}`, 3 + (seed % 5), 3, ['a', 'b']);
}

interface RandomExtras {
  /** Clients share this many sessions (client slot modulo sessions), several ops in flight on each. */
  readonly sessions: number;
  /** Of the cas that complete ok, the share recorded as refused. */
  readonly refusedProbability: number;
  /** Also puts with a ttl and ttl reads. */
  readonly expiring?: boolean;
}

/** `opsMax` ops on key k by `clients` concurrent clients, random calls, outcomes and read values. */
function randomHistory(seed: string, opsMax: number, clients: number, values: readonly string[], extras?: RandomExtras): Operation[] {
  const random = seedrandom.alea(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const lines: string[] = [];
  const writer = new HistoryWriter((l) => lines.push(l));
  const open = new Map<number, OperationCall>();
  const processes = Array.from({ length: clients }, (_, i) => i);
  let nextProcess = clients;
  let invoked = 0;
  for (let time = 1; invoked < opsMax || open.size > 0; time++) {
    const slot = Math.floor(random() * processes.length);
    const process = processes[slot];
    const call = open.get(process);
    if (call === undefined) {
      if (invoked >= opsMax) continue;
      const next: OperationCall = pick<OperationCall>([
        { f: 'get', key: 'k' },
        { f: 'put', key: 'k', value: pick(values) },
        { f: 'delete', key: 'k' },
        { f: 'cas', key: 'k', expected: pick([null, ...values]), value: pick(values) },
        ...(extras?.expiring ? ([{ f: 'put', key: 'k', value: pick(values), ttlMs: 100 }, { f: 'ttl', key: 'k' }] as const) : []),
      ]);
      writer.invoke(process, next, time, extras ? slot % extras.sessions : undefined);
      open.set(process, next);
      invoked++;
      continue;
    }
    const dice = random();
    open.delete(process);
    if (dice < 0.7 && call.f === 'cas' && extras && random() < extras.refusedProbability) writer.refused(process, time);
    else if (dice < 0.7 && call.f === 'ttl') writer.ok(process, time, pick([-2, -1, 5]));
    else if (dice < 0.7) writer.ok(process, time, call.f === 'get' ? pick([null, ...values]) : undefined);
    else if (dice < 0.85) writer.fail(process, time);
    else {
      writer.info(process, time);
      processes[slot] = nextProcess++;
    }
  }
  return parseHistory(lines.join(''), seed).operations;
}

interface BruteOp {
  readonly op: Operation;
  readonly required: boolean;
  readonly start: number;
  readonly end: number;
}

/** The checker's inputs as the brute force sees them: fails and info gets dropped, ok ops required. */
function searchOps(operations: readonly Operation[], optional: ReadonlySet<number>): BruteOp[] {
  return operations
    .filter((op) => op.outcome !== 'fail' && !(op.outcome === 'info' && (op.call.f === 'get' || op.call.f === 'ttl')))
    .map((op) => {
      const required = op.outcome === 'ok' && !optional.has(op.invokeIndex);
      return { op, required, start: op.invokeIndex, end: required ? (op.completeIndex as number) : Infinity };
    });
}

const ANY = Symbol('any');
/**
 * A value, absent (null), or ANY. With expiry: "v~" an expiring value, "v?" a value fixed from ANY
 * that may or may not expire (the model of check/search-problem.ts, written out independently).
 */
type State = string | null | typeof ANY;

const plain = (state: string): string => (state.endsWith('~') || state.endsWith('?') ? state.slice(0, -1) : state);
const expirable = (state: State): boolean => typeof state === 'string' && (state.endsWith('~') || state.endsWith('?'));

function step(op: Operation, state: State, expires: boolean): State | undefined {
  const call = op.call;
  const value = state === ANY || state === null ? state : plain(state);
  const read = (r: string | null): State | undefined => {
    if (state === ANY) return r !== null && expires ? `${r}?` : r;
    if (value === r) return state;
    return r === null && expirable(state) ? null : undefined;
  };
  if (call.f === 'get') return read(op.read);
  if (call.f === 'ttl') {
    if (op.ttl === -2) return read(null);
    if (state === ANY) return ANY;
    if (op.ttl === -1) return value !== null && !(state as string).endsWith('~') ? value : undefined;
    return expirable(state) ? `${value as string}~` : undefined;
  }
  if (call.f === 'put') return call.ttlMs === undefined ? call.value : `${call.value}~`;
  if (call.f === 'delete') return null;
  if (op.refused) {
    if (state === ANY || value !== call.expected) return state;
    return expirable(state) ? null : undefined;
  }
  if (state === ANY || value === call.expected) return call.value;
  return call.expected === null && expirable(state) ? call.value : undefined;
}

/**
 * Session order: ops[i] may go next only if every earlier op of its session is placed or optional (an
 * optional one left behind never happens), and no later op of its session is placed yet.
 */
function sessionAllows(ops: readonly BruteOp[], placed: readonly boolean[], i: number): boolean {
  const session = ops[i].op.session;
  if (session === undefined) return true;
  for (let j = 0; j < ops.length; j++) {
    if (j === i || ops[j].op.session !== session) continue;
    if (ops[j].start < ops[i].start && !placed[j] && ops[j].required) return false;
    if (ops[j].start > ops[i].start && placed[j]) return false;
  }
  return true;
}

/** Some op of the (checked) history writes with a ttl. */
const expires = (ops: readonly BruteOp[]): boolean => ops.some((o) => o.op.call.f === 'put' && o.op.call.ttlMs !== undefined);

/** Tries every subset of optional ops and every order that respects real time. */
function bruteForceLinearizable(ops: readonly BruteOp[], fromAnyValue: boolean): boolean {
  const placed = new Array<boolean>(ops.length).fill(false);
  const extend = (state: State, count: number): boolean => {
    if (ops.every((o, i) => placed[i] || !o.required)) return true;
    for (let i = 0; i < ops.length; i++) {
      if (placed[i]) continue;
      // i may go next only if every op that ended before i started is already placed (or optional and left out).
      if (ops.some((o, j) => !placed[j] && o.required && o.end < ops[i].start)) continue;
      const after = step(ops[i].op, state, expires(ops));
      if (after === undefined) continue;
      placed[i] = true;
      const found = extend(after, count + 1);
      placed[i] = false;
      if (found) return true;
    }
    return false;
  };
  return extend(fromAnyValue ? ANY : null, 0);
}

/**
 * The textbook search, independent of the checker's: depth-first over the ops that may come next,
 * memoising (set placed, state) as a string. Exponential, fine for a couple of dozen ops.
 */
function referenceLinearizable(ops: readonly BruteOp[], fromAnyValue: boolean, sessions = true): boolean {
  const placed = new Array<boolean>(ops.length).fill(false);
  const seen = new Set<string>();
  const extend = (state: State): boolean => {
    if (ops.every((o, i) => placed[i] || !o.required)) return true;
    const key = `${placed.map((p) => (p ? 1 : 0)).join('')}|${state === ANY ? '*' : JSON.stringify(state)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    for (let i = 0; i < ops.length; i++) {
      if (placed[i]) continue;
      if (ops.some((o, j) => !placed[j] && o.required && o.end < ops[i].start)) continue;
      if (sessions && !sessionAllows(ops, placed, i)) continue;
      const after = step(ops[i].op, state, expires(ops));
      if (after === undefined) continue;
      placed[i] = true;
      const found = extend(after);
      placed[i] = false;
      if (found) return true;
    }
    return false;
  };
  return extend(fromAnyValue ? ANY : null);
}
