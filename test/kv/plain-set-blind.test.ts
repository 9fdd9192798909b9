// A plain SET (no NX/XX, GET or KEEPTTL) writes without reading the key's current record: in
// production that read is a synchronous LevelDB lookup per write on every node. What it leaves behind
// must be exactly what a SET that did read would leave, whatever was there before.
import { describe, expect, it } from 'vitest';
import type { KvWrite } from '../../core/kv/commands.ts';
import type { StoredRecord } from '../../core/kv/engine.ts';
import { makeRecord } from '../../core/kv/expiry.ts';
import { MemoryEngine } from '../../core/kv/memory-engine.ts';
import { applyWrite } from '../../core/kv/write-apply.ts';
import { WriteSet } from '../../core/kv/write-set.ts';

/** A memory engine that counts point reads. */
class CountingEngine extends MemoryEngine {
  reads = 0;
  override get(key: string): StoredRecord | undefined {
    this.reads++;
    return super.get(key);
  }
}

const NOW = 10_000;
const before: Array<[string, StoredRecord | undefined]> = [
  ['absent', undefined],
  ['live without expiry', makeRecord('old', undefined)],
  ['live with expiry', makeRecord('old', NOW + 500)],
  ['expired', makeRecord('old', NOW - 1)],
];

function engineWith(record: StoredRecord | undefined): CountingEngine {
  const engine = new CountingEngine();
  if (record !== undefined) engine.write([{ kind: 'put', key: 'k', record }], 1);
  engine.reads = 0;
  return engine;
}

function run(write: KvWrite, record: StoredRecord | undefined) {
  const engine = engineWith(record);
  const ws = new WriteSet(engine);
  const result = applyWrite(ws, write, NOW);
  ws.commit(2);
  return { result, after: engine.get('k'), reads: engine.reads - 1 };
}

describe('plain SET', () => {
  for (const [name, record] of before) {
    it(`over a key that is ${name}: no read, and the same outcome as SET ... GET (which reads)`, () => {
      for (const expireAtMs of [undefined, NOW + 1000, NOW]) {
        const plain = run({ op: 'set', key: 'k', value: 'new', expireAtMs }, record);
        const reading = run({ op: 'set', key: 'k', value: 'new', expireAtMs, returnPrevious: true }, record);
        expect(plain.reads).toBe(0);
        expect(reading.reads).toBeGreaterThan(0);
        expect(plain.result).toEqual({ kind: 'ok' });
        expect(plain.after).toEqual(reading.after);
        expect(plain.after).toEqual(expireAtMs === NOW ? undefined : makeRecord('new', expireAtMs));
      }
    });
  }

  it('NX, XX and KEEPTTL still read the current record', () => {
    for (const extra of [{ condition: 'nx' as const }, { condition: 'xx' as const }, { keepTtl: true }]) {
      expect(run({ op: 'set', key: 'k', value: 'new', ...extra }, makeRecord('old', NOW + 500)).reads).toBeGreaterThan(0);
    }
    expect(run({ op: 'set', key: 'k', value: 'new', keepTtl: true }, makeRecord('old', NOW + 500)).after).toEqual(makeRecord('new', NOW + 500));
  });
});
