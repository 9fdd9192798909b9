// The command codec: round trips, deterministic and lean bytes, validation naming the field, and
// fuzzing (a mutated buffer decodes to a command that re-encodes identically, or throws KvlabError).
import { describe, expect, it } from 'vitest';
import { KvlabError } from '../../core/types.ts';
import type { KvCommand, KvResult, KvWrite } from '../../core/kv/commands.ts';
import { decodeCommand, encodeCommand } from '../../core/kv/command-codec.ts';
import { ByteReader, ByteWriter, failWith } from '../../core/kv/bytes.ts';
import { readResult, writeResult } from '../../core/kv/result-codec.ts';
import { keysPerCommandMax } from '../../core/kv/limits.ts';
import { intBelow, randomCommand, rng } from './random-commands.ts';

const command = (write: KvWrite, seq = 7): KvCommand => ({ session: { clientId: 'client-a', seq }, atMs: 1_700_000_000_000, write });

function expectKvlabError(fn: () => unknown, code: string, pattern: RegExp): void {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(KvlabError);
    expect((error as KvlabError).code).toBe(code);
    expect((error as KvlabError).message).toMatch(pattern);
    return;
  }
  throw new Error(`expected KvlabError ${code} matching ${pattern}`);
}

describe('command codec', () => {
  it('round-trips 2000 seeded random commands, and re-encoding gives the same bytes', () => {
    const seed = 'codec-roundtrip';
    const r = rng(seed);
    for (let i = 0; i < 2000; i++) {
      const c = randomCommand(r, 1_000_000 + i);
      const bytes = encodeCommand(c);
      const decoded = decodeCommand(bytes);
      expect(decoded, `seed ${seed}, command ${i}`).toEqual(c);
      expect(encodeCommand(decoded), `seed ${seed}, command ${i}`).toEqual(bytes);
    }
  });

  it('round-trips every op with every optional field', () => {
    const writes: KvWrite[] = [
      { op: 'set', key: 'k', value: 'v' },
      { op: 'set', key: 'k', value: 'v', expireAtMs: 123, condition: 'nx', returnPrevious: true },
      { op: 'set', key: '', value: '', keepTtl: true, condition: 'xx' },
      { op: 'del', keys: ['a', 'b', 'a'] },
      { op: 'cas', key: 'k', expected: null, value: 'v' },
      { op: 'cas', key: 'k', expected: '', value: '' },
      { op: 'incrBy', key: 'n', delta: -(1n << 63n) },
      { op: 'incrBy', key: 'n', delta: (1n << 63n) - 1n },
      { op: 'append', key: 'k', value: '\u00ff\u0000' },
      { op: 'expireAt', key: 'k', atMs: 0 },
      { op: 'persist', key: 'k' },
      { op: 'mset', pairs: [['a', '1'], ['b', '2']] },
      { op: 'getdel', key: 'k' },
      { op: 'purgeExpired', keys: ['x'] },
    ];
    for (const write of writes) expect(decodeCommand(encodeCommand(command(write)))).toEqual(command(write));
  });

  it('is lean: one byte per key or value byte, varints for numbers', () => {
    const small = encodeCommand({ session: { clientId: 'c', seq: 1 }, atMs: 1_700_000_000_000, write: { op: 'set', key: 'k', value: 'v' } });
    // version 1 + clientId 2 + seq 1 + atMs 6 + op 1 + flags 1 + key 2 + value 2
    expect(small.length).toBe(16);
    const binary = encodeCommand(command({ op: 'set', key: 'k', value: '\u00ff'.repeat(100) }));
    const plain = encodeCommand(command({ op: 'set', key: 'k', value: 'a'.repeat(100) }));
    expect(binary.length).toBe(plain.length);
    const delta = encodeCommand(command({ op: 'incrBy', key: 'k', delta: 1n }));
    const deltaMax = encodeCommand(command({ op: 'incrBy', key: 'k', delta: (1n << 63n) - 1n }));
    expect(deltaMax.length - delta.length).toBe(9); // zigzag varint: 1 byte vs 10
  });

  it('refuses invalid commands on encode, naming the field', () => {
    expectKvlabError(() => encodeCommand(command({ op: 'set', key: 'k', value: 'snow\u2603' })), 'invalidCommand', /write.value: char 9731 at position 4/);
    expectKvlabError(() => encodeCommand(command({ op: 'del', keys: [] })), 'invalidCommand', /write.keys: needs at least one key/);
    expectKvlabError(
      () => encodeCommand(command({ op: 'del', keys: Array.from({ length: keysPerCommandMax + 1 }, (_, i) => `k${i}`) })),
      'invalidCommand',
      /write.keys: 10001 keys exceed the limit/,
    );
    expectKvlabError(() => encodeCommand(command({ op: 'set', key: 'k', value: 'v', expireAtMs: 5, keepTtl: true })), 'invalidCommand', /keepTtl/);
    expectKvlabError(() => encodeCommand(command({ op: 'incrBy', key: 'k', delta: 1n << 63n })), 'invalidCommand', /write.delta.*int64/);
    expectKvlabError(() => encodeCommand(command({ op: 'expireAt', key: 'k', atMs: -1 })), 'invalidCommand', /write.atMs: -1/);
    expectKvlabError(() => encodeCommand(command({ op: 'set', key: 'k', value: 'v' }, 1.5)), 'invalidCommand', /session.seq/);
    expectKvlabError(() => encodeCommand({ ...command({ op: 'persist', key: 'k' }), atMs: Number.NaN }), 'invalidCommand', /atMs/);
    expectKvlabError(() => encodeCommand(command({ op: 'mset', pairs: [['k', '\u0100']] })), 'invalidCommand', /write.pairs\[0\]\[1\]/);
  });

  it('refuses malformed bytes on decode, naming the field', () => {
    const good = encodeCommand(command({ op: 'set', key: 'k', value: 'v' }));
    expectKvlabError(() => decodeCommand(new Uint8Array([2, ...good.subarray(1)])), 'malformedCommand', /version: unsupported version 2/);
    expectKvlabError(() => decodeCommand(new Uint8Array([...good, 0])), 'malformedCommand', /1 unexpected trailing bytes/);
    const opAt = good.length - 6; // op byte precedes flags, key and value
    expectKvlabError(() => decodeCommand(Uint8Array.from(good, (b, i) => (i === opAt ? 99 : b))), 'malformedCommand', /write.op: unknown op tag 99/);
    expectKvlabError(() => decodeCommand(Uint8Array.from(good, (b, i) => (i === opAt + 1 ? 4 | 8 : b))), 'malformedCommand', /nx and xx/);
    expectKvlabError(() => decodeCommand(new Uint8Array([1, 1, 0x63, 0x80, 0x00])), 'malformedCommand', /session.seq: non-canonical varint/);
    expectKvlabError(() => decodeCommand(new Uint8Array([1, 0xff, 0xff, 0xff, 0x0f])), 'malformedCommand', /session.clientId: length/);
    expectKvlabError(() => decodeCommand(new Uint8Array(0)), 'malformedCommand', /version: truncated/);
  });

  it('throws KvlabError for every truncation of a valid command', () => {
    const r = rng('codec-truncate');
    for (let i = 0; i < 50; i++) {
      const bytes = encodeCommand(randomCommand(r, 1_000_000));
      for (let n = 0; n < bytes.length; n++) expect(() => decodeCommand(bytes.subarray(0, n))).toThrow(KvlabError);
    }
  });

  it('fuzz: mutated buffers decode to a re-encodable command or throw KvlabError only', () => {
    const seed = 'codec-fuzz';
    const r = rng(seed);
    let accepted = 0;
    for (let i = 0; i < 5000; i++) {
      const bytes = Uint8Array.from(encodeCommand(randomCommand(r, 1_000_000 + i)));
      const mutated = mutate(r, bytes);
      let decoded: KvCommand;
      try {
        decoded = decodeCommand(mutated);
      } catch (error) {
        expect(error, `seed ${seed}, case ${i}`).toBeInstanceOf(KvlabError);
        continue;
      }
      accepted++;
      expect(encodeCommand(decoded), `seed ${seed}, case ${i}`).toEqual(mutated);
    }
    expect(accepted).toBeGreaterThan(100); // the fuzzer also exercises the accepting paths
  });
});

function mutate(r: () => number, bytes: Uint8Array): Uint8Array {
  const at = intBelow(r, bytes.length);
  switch (intBelow(r, 4)) {
    case 0:
      bytes[at] ^= 1 << intBelow(r, 8);
      return bytes;
    case 1:
      bytes[at] = intBelow(r, 256);
      return bytes;
    case 2:
      return bytes.subarray(0, at);
    default:
      return new Uint8Array([...bytes.subarray(0, at), intBelow(r, 256), ...bytes.subarray(at)]);
  }
}

describe('result codec', () => {
  const results: KvResult[] = [
    { kind: 'ok' },
    { kind: 'value', value: null },
    { kind: 'value', value: '\u0000\u00ff' },
    { kind: 'values', values: ['a', null, ''] },
    { kind: 'int', value: -(1n << 63n) },
    { kind: 'notApplied' },
    { kind: 'notApplied', previous: null },
    { kind: 'notApplied', previous: 'p' },
    { kind: 'casFailed', current: null },
    { kind: 'casFailed', current: 'c' },
    { kind: 'scan', cursor: '16b', keys: ['k', ''] },
    { kind: 'error', message: 'ERR value is not an integer or out of range \u2603' },
  ];
  it.each(results.map((result) => [result.kind, result] as const))('round-trips %s', (_, result) => {
    const w = new ByteWriter(failWith('test', 'result'));
    writeResult(w, result);
    const bytes = w.finish();
    const reader = new ByteReader(bytes, failWith('test', 'result'));
    expect(readResult(reader)).toEqual(result);
    expect(reader.remaining).toBe(0);
  });
});
