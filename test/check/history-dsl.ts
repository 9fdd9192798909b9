// A compact notation for hand-made histories in tests, one event per line, written through
// HistoryWriter (so it is also a valid history.jsonl). Line n happens at time 10 * n.
//   p1 put k v1        invoke: put "v1" to key k by process 1
//   p2 get k           invoke: get
//   p3 cas k nil v2    invoke: cas expecting absent (nil) to "v2"
//   p4 delete k        invoke: delete
//   p1 ok              completion of process 1's op; for a get: "p2 ok v1" or "p2 ok nil"
//   p1 fail / p1 info
//   p3 refused         completion of a cas whose expectation did not hold (ok, "swapped": false)
//   p1 put k v1 @s     invoke on session "s" (a number after @ is a numeric session)
//   p1 putx k v1 500   invoke: put "v1" expiring 500 ms after it takes effect (SET PX)
//   p2 ttl k           invoke: a PTTL read; "p2 ok -2" (absent), "p2 ok -1" (no expiry), "p2 ok 300" (ms left)
import { HistoryWriter, type Operation, type OperationCall, parseHistory } from '../../check/history.ts';

export interface DslHistory {
  readonly text: string;
  readonly operations: Operation[];
}

const value = (word: string | undefined): string | null => (word === undefined || word === 'nil' ? null : word);

export function history(source: string): DslHistory {
  const lines: string[] = [];
  const writer = new HistoryWriter((line) => lines.push(line), 'dsl');
  const rows = source.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
  const ttlReads = new Set<number>(); // processes whose outstanding op is a ttl read
  rows.forEach((row, i) => {
    const words = row.split(/\s+/);
    const tag = words[words.length - 1].startsWith('@') ? (words.pop() as string).slice(1) : undefined;
    const session = tag === undefined ? undefined : /^\d+$/.test(tag) ? Number(tag) : tag;
    const [who, verb, ...rest] = words;
    const process = Number(who.replace(/^p/, ''));
    const time = 10 * (i + 1);
    if (verb === 'ok') writer.ok(process, time, rest.length > 0 ? (ttlReads.has(process) ? Number(rest[0]) : value(rest[0])) : undefined);
    else if (verb === 'fail') writer.fail(process, time);
    else if (verb === 'info') writer.info(process, time);
    else if (verb === 'refused') writer.refused(process, time);
    else writer.invoke(process, callOf(verb, rest, row), time, session);
    if (verb === 'ttl') ttlReads.add(process);
    else ttlReads.delete(process);
  });
  const text = lines.join('');
  return { text, operations: parseHistory(text, 'dsl').operations };
}

function callOf(verb: string, [key, a, b]: string[], row: string): OperationCall {
  if (verb === 'get') return { f: 'get', key };
  if (verb === 'put') return { f: 'put', key, value: a };
  if (verb === 'putx') return { f: 'put', key, value: a, ttlMs: Number(b) };
  if (verb === 'ttl') return { f: 'ttl', key };
  if (verb === 'delete') return { f: 'delete', key };
  if (verb === 'cas') return { f: 'cas', key, expected: value(a), value: b };
  throw new Error(`history dsl: cannot read '${row}'`);
}
