// A simulated run no longer parses its own history back: the writer formats lines by hand and pairs
// events into operations as it writes. Both shortcuts must give exactly what the slow path gave.
import { describe, expect, it } from 'vitest';
import { createRandom } from '../../core/env/seeded-random.ts';
import { formatHistoryEvent, type HistoryEvent, HistoryWriter, type OperationCall, parseHistory } from '../../check/history.ts';

type Random = ReturnType<typeof createRandom>;

/** Strings with what JSON must escape: quotes, backslashes, control characters, lone surrogates. */
function awkwardString(r: Random): string {
  const pieces = ['a', 'k1', '"', '\\', '\n', '\t', '\u0000', '\u001f', '\u007f', 'é', '日本', '\ud83d\ude00', '\ud800', '\udfff', '/', '\u2028', ' '];
  let s = '';
  for (let i = r.int(0, 6); i > 0; i--) s += r.pick(pieces);
  return s;
}

function randomCall(r: Random): OperationCall {
  const key = awkwardString(r);
  switch (r.int(0, 3)) {
    case 0:
      return { f: 'get', key };
    case 1:
      return { f: 'put', key, value: awkwardString(r) };
    case 2:
      return { f: 'delete', key };
    default:
      return { f: 'cas', key, expected: r.chance(0.3) ? null : awkwardString(r), value: awkwardString(r) };
  }
}

describe('the history writer fast path', () => {
  it('formats each event byte for byte as JSON.stringify of its fields in contract order', () => {
    const r = createRandom('history-format');
    for (let n = 0; n < 5000; n++) {
      const call = randomCall(r);
      const value = call.f === 'put' ? call.value : call.f === 'cas' ? ([call.expected, call.value] as const) : r.chance(0.5) ? awkwardString(r) : null;
      const event: HistoryEvent = { index: r.int(0, 2 ** 40), process: r.int(0, 1000), type: r.pick(['invoke', 'ok', 'fail', 'info'] as const), f: call.f, key: call.key, value, time: r.int(0, 2 ** 50) };
      const { index, process, type, f, key, time } = event;
      expect(formatHistoryEvent(event)).toBe(JSON.stringify({ index, process, type, f, key, value, time }));
    }
  });

  it('pairs events into the operations that parsing the written text gives, outstanding ones included', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const r = createRandom(seed);
      const lines: string[] = [];
      const writer = new HistoryWriter((line) => lines.push(line), 'history.jsonl', true);
      const open = new Map<number, OperationCall>();
      let nextProcess = 0;
      const processes = Array.from({ length: 5 }, () => nextProcess++);
      let time = 0;
      for (let step = 0; step < 400; step++) {
        time += r.int(0, 30);
        const slot = r.int(0, processes.length - 1);
        const process = processes[slot];
        const call = open.get(process);
        if (!call) {
          const next = randomCall(r);
          writer.invoke(process, next, time);
          open.set(process, next);
          continue;
        }
        open.delete(process);
        const outcome = r.int(0, 2);
        if (outcome === 0) writer.ok(process, time, call.f === 'get' ? (r.chance(0.5) ? null : awkwardString(r)) : undefined);
        else if (outcome === 1) writer.fail(process, time);
        else {
          writer.info(process, time);
          processes[slot] = nextProcess++;
        }
      }
      // The run ends with every process mid-operation: those come back as outstanding info.
      for (const process of processes) if (!open.has(process)) writer.invoke(process, randomCall(r), time);
      const parsed = parseHistory(lines.join(''), 'history.jsonl');
      expect(writer.operations(), `seed ${seed}`).toEqual(parsed.operations);
    }
  });

  it('refuses to hand out operations it was not asked to keep', () => {
    const writer = new HistoryWriter(() => undefined);
    expect(() => writer.operations()).toThrow(/keepOperations/);
  });
});
