// Seeded histories of a correct (linearizable by construction) key-value store under concurrent
// clients, for testing and benchmarking the checker; and mutations that break them.
//
// Each client runs one op at a time. Every scheduling step picks a client at random and moves its op
// one phase on: invoke, then take effect on the one true register map (the linearization point), then
// complete. Ops therefore overlap in realistic ways. Some ops end `info` (whether or not they took
// effect) and the client continues as a new process; some writes `fail` without taking effect.
import seedrandom from 'seedrandom';
import { assert } from '../core/types.ts';
import { HistoryWriter, type OperationCall } from './history.ts';

export interface RegisterHistoryOptions {
  readonly seed: number | string;
  readonly operations: number;
  readonly clients: number;
  readonly keys: number;
  /** Chance that an op ends with info (half of those took effect). */
  readonly infoProbability?: number;
  /** Chance that a write fails without taking effect. */
  readonly failProbability?: number;
  /** Largest step between two events, in µs (each step is 1..timeStepUsMax). */
  readonly timeStepUsMax?: number;
}

type Phase = 'idle' | 'invoked' | 'applied';

interface Client {
  process: number;
  phase: Phase;
  call: OperationCall | undefined;
  outcome: 'ok' | 'fail' | 'info';
  read: string | null;
}

/** The generated history, one JSON line per element (each ends with a newline). */
export function generateRegisterHistory(options: RegisterHistoryOptions): string[] {
  assert(options.clients >= 1 && options.keys >= 1 && options.operations >= 0, 'clients and keys >= 1, operations >= 0');
  const random = seedrandom.alea(`register-history:${options.seed}`);
  const lines: string[] = [];
  const writer = new HistoryWriter((line) => lines.push(line));
  const store = new Map<string, string>();
  const clients: Client[] = Array.from({ length: options.clients }, (_, i) => ({ process: i, phase: 'idle', call: undefined, outcome: 'ok', read: null }));
  let nextProcess = options.clients;
  let invoked = 0;
  let time = 0;
  let written = 0;
  // Bounded: each op needs three steps, and a step on an idle client with no ops left does nothing.
  const stepsMax = options.operations * 3 * options.clients + 100;
  for (let step = 0; step < stepsMax && (invoked < options.operations || clients.some((c) => c.phase !== 'idle')); step++) {
    time += 1 + Math.floor(random() * (options.timeStepUsMax ?? 20));
    const client = clients[Math.floor(random() * clients.length)];
    if (client.phase === 'idle') {
      if (invoked >= options.operations) continue;
      client.call = randomCall(random, options.keys, store, () => `v${written++}`);
      client.phase = 'invoked';
      writer.invoke(client.process, client.call, time);
      invoked++;
    } else if (client.phase === 'invoked') {
      takeEffect(client, store, random, options);
      client.phase = 'applied';
    } else {
      complete(client, writer, time);
      if (client.outcome === 'info') client.process = nextProcess++;
      client.phase = 'idle';
    }
  }
  return lines;
}

function randomCall(random: () => number, keys: number, store: Map<string, string>, fresh: () => string): OperationCall {
  const key = `k${Math.floor(random() * keys)}`;
  const dice = random();
  if (dice < 0.45) return { f: 'get', key };
  if (dice < 0.75) return { f: 'put', key, value: fresh() };
  if (dice < 0.82) return { f: 'delete', key };
  // Mostly expect the current value, so that many cas succeed.
  const expected = random() < 0.7 ? (store.get(key) ?? null) : random() < 0.5 ? null : `v${Math.floor(random() * 100)}`;
  return { f: 'cas', key, expected, value: fresh() };
}

/** The linearization point: the op acts on the store now, or is decided never to act. */
function takeEffect(client: Client, store: Map<string, string>, random: () => number, options: RegisterHistoryOptions): void {
  const call = client.call as OperationCall;
  client.read = null;
  const unknown = random() < (options.infoProbability ?? 0.01);
  if (unknown && random() < 0.5) {
    client.outcome = 'info'; // never took effect
    return;
  }
  if (!unknown && call.f !== 'get' && random() < (options.failProbability ?? 0.01)) {
    client.outcome = 'fail';
    return;
  }
  client.outcome = unknown ? 'info' : 'ok';
  if (call.f === 'get') client.read = store.get(call.key) ?? null;
  else if (call.f === 'put') store.set(call.key, call.value);
  else if (call.f === 'delete') store.delete(call.key);
  else if (call.f !== 'cas') return;
  else if ((store.get(call.key) ?? null) === call.expected) store.set(call.key, call.value);
  else if (!unknown) client.outcome = 'fail';
}

function complete(client: Client, writer: HistoryWriter, time: number): void {
  if (client.outcome === 'ok') writer.ok(client.process, time, client.call?.f === 'get' ? client.read : undefined);
  else if (client.outcome === 'fail') writer.fail(client.process, time);
  else writer.info(client.process, time);
}

/**
 * A copy of `lines` where the value of one `ok` get (chosen by `pick`, in [0, 1)) that read a value is
 * replaced by one nobody wrote: the result is never linearizable. Returns the changed line's index.
 */
export function replaceReadWithUnwritten(lines: readonly string[], pick: number): { lines: string[]; index: number } {
  const reads = lines.flatMap((line, i) => (/"type":"ok","f":"get"/.test(line) ? [i] : []));
  assert(reads.length > 0, 'no ok get to mutate');
  const index = reads[Math.floor(pick * reads.length)];
  const event = JSON.parse(lines[index]) as Record<string, unknown>;
  event.value = `never-written-${index}`;
  const copy = lines.slice();
  copy[index] = `${JSON.stringify(event)}\n`;
  return { lines: copy, index };
}

/**
 * A copy of `lines` where one `ok` get (chosen by `pick`, in [0, 1)) returns a stale value: one written
 * by a put W on its key, although another put P on that key began after W completed and completed
 * before the get began. Values are unique, so the result is never linearizable. Returns the changed
 * line's index, or undefined if no get qualifies.
 */
export function replaceReadWithStale(lines: readonly string[], pick: number): { lines: string[]; index: number } | undefined {
  const invokes = new Map<number, { index: number; value: unknown }>();
  const puts = new Map<string, Array<{ invoke: number; complete: number; value: string }>>();
  const candidates: Array<{ line: number; value: string }> = [];
  lines.forEach((line, i) => {
    const e = JSON.parse(line) as { index: number; process: number; type: string; f: string; key: string; value: unknown };
    if (e.type === 'invoke') return void invokes.set(e.process, { index: e.index, value: e.value });
    const invoke = invokes.get(e.process);
    if (!invoke || e.type !== 'ok') return;
    const onKey = puts.get(e.key) ?? [];
    puts.set(e.key, onKey);
    if (e.f === 'put') onKey.push({ invoke: invoke.index, complete: e.index, value: e.value as string });
    if (e.f !== 'get') return;
    const overwriting = onKey.filter((p) => p.complete < invoke.index).pop();
    const stale = overwriting && onKey.filter((w) => w.complete < overwriting.invoke && w.value !== e.value).pop();
    if (stale) candidates.push({ line: i, value: stale.value });
  });
  if (candidates.length === 0) return undefined;
  const chosen = candidates[Math.floor(pick * candidates.length)];
  const event = JSON.parse(lines[chosen.line]) as Record<string, unknown>;
  event.value = chosen.value;
  const copy = lines.slice();
  copy[chosen.line] = `${JSON.stringify(event)}\n`;
  return { lines: copy, index: chosen.line };
}
