// The KV codecs name the field a damaged input breaks (CONTRACTS: corruption is detected, never served,
// and the error says where). Cutting a valid encoding short at every byte must fail at each field in
// layout order; crafted inputs must hit each limit and order check with its own message. Found by
// mutation testing: the fuzz tests only checked that decoding throws, not what it says.
import { describe, expect, it } from 'vitest';
import type { KvCommand, KvResult, KvWrite } from '../../core/kv/commands.ts';
import { decodeCommand, encodeCommand } from '../../core/kv/command-codec.ts';
import { ByteReader, ByteWriter, failWith } from '../../core/kv/bytes.ts';
import { readResult, writeResult } from '../../core/kv/result-codec.ts';
import { compareSessions, decodeSnapshot, encodeSnapshot, snapshotAppliedIndex, SnapshotEncoder } from '../../core/kv/snapshot-codec.ts';
import { encodeLogRecord, readLogRecords } from '../../core/kv/engine-log-codec.ts';
import type { SessionRecord } from '../../core/kv/engine.ts';
import { commandBytesMax, keysPerCommandMax, scanCountMax, valueBytesMax } from '../../core/kv/limits.ts';
import { crc32c } from '../../core/storage/crc32c.ts';
import { KvlabError } from '../../core/types.ts';
import { thrown } from '../support/thrown.ts';


/** The field an error message names: "<what> <field>: <reason>". */
function fieldOf(error: KvlabError, what: string): string {
  const match = new RegExp(`^${what} (\\S+): `).exec(error.message);
  if (match === null) throw new Error(`unexpected message: ${error.message}`);
  return match[1];
}

/** Decodes every strict prefix of `bytes` and lists the fields named, each once, in order. */
function fieldsWhileCut(bytes: Uint8Array, decode: (prefix: Uint8Array) => unknown, what: string): string[] {
  const fields: string[] = [];
  for (let cut = 0; cut < bytes.length; cut++) {
    const field = fieldOf(thrown(() => decode(bytes.subarray(0, cut))), what);
    if (fields[fields.length - 1] !== field) fields.push(field);
  }
  return fields;
}

const command = (write: KvWrite): KvCommand => ({ session: { clientId: 'cli', seq: 300 }, atMs: 1_700_000_000_000, write });
const head = ['version', 'session.clientId', 'session.seq', 'atMs', 'write.op'];

describe('command codec: a cut command names the field it breaks', () => {
  const cases: [KvWrite, string[]][] = [
    [{ op: 'set', key: 'k', value: 'v', expireAtMs: 5000, condition: 'nx', returnPrevious: true }, ['write.flags', 'write.key', 'write.value', 'write.expireAtMs']],
    [{ op: 'del', keys: ['aaa', 'bb'] }, ['write.keys', 'write.keys[0]', 'write.keys[1]']],
    [{ op: 'purgeExpired', keys: ['a'] }, ['write.keys', 'write.keys[0]']],
    [{ op: 'cas', key: 'k', expected: 'old', value: 'new' }, ['write.key', 'write.expected', 'write.value']],
    [{ op: 'incrBy', key: 'k', delta: -300n }, ['write.key', 'write.delta']],
    [{ op: 'append', key: 'k', value: 'v' }, ['write.key', 'write.value']],
    [{ op: 'expireAt', key: 'k', atMs: 300 }, ['write.key', 'write.atMs']],
    [{ op: 'persist', key: 'k' }, ['write.key']],
    [{ op: 'getdel', key: 'k' }, ['write.key']],
    [{ op: 'mset', pairs: [['aaaaa', '111'], ['b', '2']] }, ['write.pairs', 'write.pairs[0][0]', 'write.pairs[0][1]', 'write.pairs[1][0]', 'write.pairs[1][1]']],
  ];
  for (const [write, fields] of cases) {
    it(write.op, () => {
      expect(fieldsWhileCut(encodeCommand(command(write)), decodeCommand, 'command')).toEqual([...head, ...fields]);
    });
  }
});

describe('command codec: refusals', () => {
  const bytes = (write: KvWrite): number[] => [...encodeCommand(command(write))];
  const opAt = bytes({ op: 'persist', key: 'k' }).length - 3; // op, key length, key byte
  const decode = (b: number[]): KvlabError => thrown(() => decodeCommand(Uint8Array.from(b)));

  it('names a bad version, op tag, presence byte, flag bits and trailing bytes', () => {
    const persist = bytes({ op: 'persist', key: 'k' });
    expect(decode([2, ...persist.slice(1)]).message).toBe('command version: unsupported version 2 (expected 1)');
    const unknownOp = [...persist];
    unknownOp[opAt] = 11;
    expect(decode(unknownOp).message).toBe('command write.op: unknown op tag 11');
    expect(decode([...persist, 0]).message).toBe('command write: 1 unexpected trailing bytes');

    const cas = bytes({ op: 'cas', key: 'k', expected: null, value: 'v' });
    cas[opAt + 3] = 2; // the presence byte after op, key length, key
    expect(decode(cas).message).toBe('command write.expected: presence byte 2 is not 0 or 1');

    const set = bytes({ op: 'set', key: 'k', value: 'v' });
    for (const [flags, reason] of [
      [32, 'unknown flag bits in 32'],
      [4 | 8, 'nx and xx are both set'],
      [1 | 2, 'keepTtl cannot be combined with an expiry'],
    ] as const) {
      const bad = [...set];
      bad[opAt + 1] = flags;
      expect(decode(bad).message).toBe(`command write.flags: ${reason}`);
    }
  });

  it('decodes optional set fields as absent, not as undefined properties', () => {
    const keepTtl = decodeCommand(encodeCommand(command({ op: 'set', key: 'k', value: 'v', keepTtl: true })));
    expect(Object.keys(keepTtl.write).sort()).toEqual(['keepTtl', 'key', 'op', 'value']);
    const xx = decodeCommand(encodeCommand(command({ op: 'set', key: 'k', value: 'v', condition: 'xx', expireAtMs: 9 })));
    expect(xx.write).toStrictEqual({ op: 'set', key: 'k', value: 'v', condition: 'xx', expireAtMs: 9 });
  });

  it('refuses an empty key list, one over the limit, and counts that cannot fit in the bytes left', () => {
    const del = bytes({ op: 'del', keys: ['a'] });
    const countAt = opAt + 1;
    const withCount = (count: number[], rest: number[]): number[] => [...del.slice(0, countAt), ...count, ...rest];
    expect(decode(withCount([0], [])).message).toBe('command write.keys: needs at least one item');
    const over = keysPerCommandMax + 1; // 10001 = 0x2711 as a varint: 0x91 0x4e
    expect(over).toBe(0x2711);
    const manyKeys = new Array<number>(over).fill(0);
    expect(decode(withCount([0x91, 0x4e], manyKeys)).message).toBe(`command write.keys: ${over} items exceed the limit ${keysPerCommandMax}`);
    const atLimit = decodeCommand(Uint8Array.from(withCount([0x90, 0x4e], new Array<number>(keysPerCommandMax).fill(0))));
    expect(atLimit.write).toMatchObject({ op: 'del' });
    expect(decode(withCount([3], [1, 0x61])).message).toBe('command write.keys: 3 items cannot fit in the 2 bytes left');
    expect(decodeCommand(Uint8Array.from(withCount([3], [0, 0, 0]))).write).toEqual({ op: 'del', keys: ['', '', ''] });

    const mset = bytes({ op: 'mset', pairs: [['a', 'b']] });
    const pairs = (count: number, rest: number[]): number[] => [...mset.slice(0, countAt), count, ...rest];
    expect(decode(pairs(2, [0, 0, 0])).message).toBe('command write.pairs: 2 items cannot fit in the 3 bytes left');
    expect(decodeCommand(Uint8Array.from(pairs(2, [0, 0, 0, 0]))).write).toEqual({ op: 'mset', pairs: [['', ''], ['', '']] });
  });
});

describe('result codec: a cut result names the field it breaks', () => {
  const what = 'result';
  const fail = failWith('badResult', what);
  const encode = (result: KvResult): Uint8Array => {
    const w = new ByteWriter(fail);
    writeResult(w, result);
    return w.finish();
  };
  const decode = (bytes: Uint8Array): KvResult => {
    const r = new ByteReader(bytes, fail);
    const result = readResult(r);
    r.expectEnd('end');
    return result;
  };
  const cases: [KvResult, string[]][] = [
    [{ kind: 'ok' }, []],
    [{ kind: 'value', value: 'v' }, ['result.value']],
    [{ kind: 'values', values: ['a', null] }, ['result.values']],
    [{ kind: 'int', value: -5n }, ['result.value']],
    [{ kind: 'notApplied', previous: 'p' }, ['result.previous']],
    [{ kind: 'casFailed', current: 'c' }, ['result.current']],
    [{ kind: 'scan', cursor: '0', keys: ['a'] }, ['result.cursor', 'result.keys']],
    [{ kind: 'error', message: 'boom' }, ['result.message']],
  ];
  for (const [result, fields] of cases) {
    it(result.kind, () => {
      const bytes = encode(result);
      expect(decode(bytes)).toEqual(result);
      expect(fieldsWhileCut(bytes, decode, what)).toEqual(['result.kind', ...fields]);
    });
  }

  it('names a bad kind tag, presence bytes and counts over their limit or beyond the bytes left', () => {
    const decodeBytes = (b: number[]): KvlabError => thrown(() => decode(Uint8Array.from(b)));
    expect(decodeBytes([9]).message).toBe('result result.kind: unknown kind tag 9');
    expect(decodeBytes([2, 2]).message).toBe('result result.value: presence byte 2 is not 0 or 1');
    expect(decodeBytes([5, 3]).message).toBe('result result.previous: presence byte 3 is not 0, 1 or 2');
    expect(decode(Uint8Array.from([5, 1]))).toEqual({ kind: 'notApplied', previous: null });
    expect(decode(Uint8Array.from([5, 0]))).toStrictEqual({ kind: 'notApplied' });
    expect(decodeBytes([3, 2, 0])).toMatchObject({ message: 'result result.values: 2 items cannot fit in the 1 bytes left' });
    expect(decode(Uint8Array.from([3, 2, 0, 0]))).toEqual({ kind: 'values', values: [null, null] });
    // one key over the scan limit, with enough bytes for every key: only the limit refuses it
    const over = scanCountMax + 1;
    const overVarint = [(over & 0x7f) | 0x80, over >> 7];
    const scanOver = [7, 1, 0x30, ...overVarint, ...new Array<number>(over).fill(0)];
    expect(decodeBytes(scanOver).message).toBe(`result result.keys: ${over} items exceed the limit ${scanCountMax}`);
    const atMax = [7, 1, 0x30, ((over - 1) & 0x7f) | 0x80, (over - 1) >> 7, ...new Array<number>(over - 1).fill(0)];
    expect(decode(Uint8Array.from(atMax))).toMatchObject({ kind: 'scan', cursor: '0' });
  });
});

describe('snapshot codec', () => {
  const session = (clientId: string, lastIndex: number): SessionRecord => ({ clientId, lastSeq: 1, lastIndex, lastResult: { kind: 'ok' } });
  /** Replaces the checksum so a hand-made body gets past it and reaches the decoder's checks. */
  const sealed = (body: number[]): Uint8Array => {
    const out = new Uint8Array(body.length + 4);
    out.set(body);
    new DataView(out.buffer).setUint32(body.length, crc32c(out, 0, body.length), true);
    return out;
  };
  const bodyOf = (snapshot: Uint8Array): number[] => [...snapshot.subarray(0, snapshot.length - 4)];
  const magic = [0x4b, 0x56, 0x53, 0x31];
  const decodeBody = (body: number[]): KvlabError => thrown(() => decodeSnapshot(sealed(body)));

  it('a cut body names each field in layout order', () => {
    const snapshot = encodeSnapshot(9, 2, [['aaa', { value: 'x' }], ['b', { value: 'y', expireAtMs: 7 }]], [session('c', 3)]);
    const body = bodyOf(snapshot);
    const fields: string[] = [];
    for (let cut = magic.length; cut < body.length; cut++) {
      const field = fieldOf(decodeBody(body.slice(0, cut)), 'snapshot');
      if (fields[fields.length - 1] !== field) fields.push(field);
    }
    expect(fields).toEqual([
      'appliedIndex', 'records', 'key', 'record.flags', 'value', 'key', 'record.flags', 'value', 'expireAtMs',
      'sessions', 'session.clientId', 'session.lastSeq', 'session.lastIndex', 'result.kind',
    ]);
  });

  it('refuses a short, foreign or damaged file with its own message', () => {
    const snapshot = encodeSnapshot(1, 0, [], []);
    expect(snapshot.length).toBe(magic.length + 3 + 4); // applied index, record and session counts
    expect(thrown(() => decodeSnapshot(snapshot.subarray(0, 7))).message).toBe('snapshot length: 7 bytes is too short');
    const bare = sealed(magic); // magic and checksum only: long enough to check, then truncated
    expect(thrown(() => decodeSnapshot(bare)).message).toBe('snapshot appliedIndex: truncated');
    const foreign = Uint8Array.from(snapshot);
    foreign[3] = 0x32;
    expect(thrown(() => decodeSnapshot(foreign)).message).toBe('snapshot magic: not a KV snapshot (bad magic bytes)');
    const damaged = Uint8Array.from(snapshot);
    damaged[4] ^= 1;
    expect(thrown(() => decodeSnapshot(damaged)).message).toMatch(/^snapshot checksum: stored \d+ but the content sums to \d+$/);
    expect(thrown(() => snapshotAppliedIndex(sealed([...magic]))).message).toBe('snapshot appliedIndex: truncated');
    expect(snapshotAppliedIndex(encodeSnapshot(300, 0, [], []))).toBe(300);
    expect(decodeBody([...bodyOf(snapshot), 0]).message).toBe('snapshot end: 1 unexpected trailing bytes');
  });

  it('refuses unknown record flags, counts beyond the bytes left, and unordered keys or sessions', () => {
    expect(decodeBody([...magic, 5, 1, 1, 0x61, 2, 0]).message).toBe('snapshot record.flags: unknown flag bits in 2');
    expect(decodeBody([...magic, 5, 3, 0, 0]).message).toBe('snapshot records: 3 records cannot fit in 2 bytes');
    expect(decodeBody([...magic, 5, 1, 0, 0, 0, 3, 0, 0]).message).toBe('snapshot sessions: 3 sessions cannot fit in 2 bytes');
    const keys = (a: number, b: number): number[] => [...magic, 5, 2, 1, a, 0, 0, 1, b, 0, 0, 0];
    expect(decodeBody(keys(0x62, 0x61)).message).toBe('snapshot records[1]: keys are not in strictly increasing order');
    expect(decodeBody(keys(0x61, 0x61)).message).toBe('snapshot records[1]: keys are not in strictly increasing order');
    expect(decodeSnapshot(sealed(keys(0x61, 0x62))).records.map(([k]) => k)).toEqual(['a', 'b']);

    const sessionBytes = (id: number, lastIndex: number): number[] => [1, id, 1, lastIndex, 1];
    const sessions = (...s: number[][]): number[] => [...magic, 5, 0, s.length, ...s.flat()];
    expect(decodeBody(sessions(sessionBytes(0x61, 6))).message).toBe('snapshot sessions[0]: lastIndex 6 is beyond the applied index');
    expect(decodeSnapshot(sealed(sessions(sessionBytes(0x61, 5)))).sessions).toHaveLength(1);
    expect(decodeBody(sessions(sessionBytes(0x61, 3), sessionBytes(0x61, 3))).message).toBe('snapshot sessions[1]: not in (lastIndex, clientId) order');
    expect(decodeBody(sessions(sessionBytes(0x61, 4), sessionBytes(0x62, 3))).message).toBe('snapshot sessions[1]: not in (lastIndex, clientId) order');
    expect(decodeSnapshot(sealed(sessions(sessionBytes(0x62, 3), sessionBytes(0x61, 4)))).sessions.map((s) => s.clientId)).toEqual(['b', 'a']);
  });

  it('orders sessions by last index, then by client id bytes', () => {
    expect(compareSessions(session('b', 1), session('a', 2))).toBeLessThan(0);
    expect(compareSessions(session('a', 2), session('b', 2))).toBe(-1);
    expect(compareSessions(session('b', 2), session('a', 2))).toBe(1);
    expect(compareSessions(session('a', 2), session('a', 2))).toBe(0);
    const shuffled = [session('b', 2), session('c', 1), session('a', 2)];
    const decoded = decodeSnapshot(encodeSnapshot(2, 0, [], shuffled));
    expect(decoded.sessions.map((s) => s.clientId)).toEqual(['c', 'a', 'b']);
  });

  it('the piecewise encoder gives the same bytes as the one-shot one, and asserts key order and count', () => {
    const records: [string, { value: string }][] = [['a', { value: '1' }], ['b', { value: '2' }], ['c', { value: '3' }]];
    const encoder = new SnapshotEncoder(4, 3);
    encoder.endPiece();
    encoder.record(...records[0]);
    encoder.endPiece();
    encoder.endPiece(); // an empty piece adds nothing
    encoder.record(...records[1]);
    encoder.record(...records[2]);
    const { pieces } = encoder.finishPieces([]);
    expect(pieces).toHaveLength(3);
    const joined = new Uint8Array(pieces.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of pieces) {
      joined.set(p, at);
      at += p.length;
    }
    expect(bodyOf(encodeSnapshot(4, 3, records, []))).toEqual([...joined]);

    const unordered = new SnapshotEncoder(4, 2);
    unordered.record('b', { value: '' });
    expect(() => unordered.record('a', { value: '' })).toThrow(/strictly increasing key order/);
    const repeated = new SnapshotEncoder(4, 2);
    repeated.record('a', { value: '' });
    expect(() => repeated.record('a', { value: '' })).toThrow(/strictly increasing key order/);
    expect(() => new SnapshotEncoder(4, 2).finish([])).toThrow('snapshot: 0 records written, 2 announced');
  });
});

describe('engine log records', () => {
  const seal = (payload: number[]): number[] => {
    const out = new Uint8Array(8 + payload.length);
    out.set(payload, 8);
    const view = new DataView(out.buffer);
    view.setUint32(0, payload.length, true);
    view.setUint32(4, crc32c(out, 8), true);
    return [...out];
  };
  const read = (bytes: number[]): ReturnType<typeof readLogRecords> => readLogRecords(Uint8Array.from(bytes));

  it('round-trips every mutation kind', () => {
    const record = {
      previousIndex: 3,
      appliedIndex: 4,
      mutations: [
        { kind: 'put', key: 'k', record: { value: 'v', expireAtMs: 10 } },
        { kind: 'delete', key: 'd' },
        { kind: 'putSession', session: { clientId: 'c', lastSeq: 2, lastIndex: 4, lastResult: { kind: 'ok' } } },
        { kind: 'deleteSession', clientId: 'old' },
      ],
    } as const;
    const bytes = encodeLogRecord(record);
    expect(read([...bytes])).toEqual({ records: [record], intactBytes: bytes.length });
  });

  it('a cut payload with a valid checksum names each field in layout order', () => {
    const bytes = [...encodeLogRecord({ previousIndex: 1, appliedIndex: 2, mutations: [{ kind: 'delete', key: 'kkk' }, { kind: 'deleteSession', clientId: 'c' }] })];
    const payload = bytes.slice(8);
    const fields: string[] = [];
    for (let cut = 0; cut < payload.length; cut++) {
      const field = fieldOf(thrown(() => read(seal(payload.slice(0, cut)))), 'engine log record');
      if (fields[fields.length - 1] !== field) fields.push(field);
    }
    // the first mutation's tag is never the cut: the count check already refuses two mutations in one byte
    expect(fields).toEqual(['previousIndex', 'appliedIndex', 'mutations', 'key', 'mutation.kind', 'clientId']);
    expect(thrown(() => read(seal([...payload, 0]))).message).toBe('engine log record payload: 1 unexpected trailing bytes');
    expect(thrown(() => read(seal([1, 2, 1, 5]))).message).toBe('engine log record mutation.kind: unknown tag 5');
    expect(thrown(() => read(seal([1, 2, 3, 2, 0]))).message).toBe('engine log record mutations: 3 mutations cannot fit in 2 bytes');
    expect(thrown(() => read(seal([1, 2, 2, 2, 0]))).code).toBe('corruptEngineLog');
  });

  it('refuses to encode a key that is not a byte string', () => {
    const e = thrown(() => encodeLogRecord({ previousIndex: 0, appliedIndex: 1, mutations: [{ kind: 'delete', key: '\u0100' }] }));
    expect(e.code).toBe('invalidEngineLog');
    expect(e.message).toMatch(/^engine log record key: char 256/);
  });

  it('stops at a header with no payload yet, and reads a record exactly filling the file', () => {
    const record = [...encodeLogRecord({ previousIndex: 0, appliedIndex: 1, mutations: [] })];
    expect(read(record).intactBytes).toBe(record.length);
    const emptyPayload = seal([]);
    expect(emptyPayload).toHaveLength(8);
    // a record whose payload is empty fails to decode rather than being skipped
    expect(thrown(() => read(emptyPayload)).message).toBe('engine log record previousIndex: truncated');
    expect(read([...record, ...emptyPayload.slice(0, 7)])).toEqual({ records: [{ previousIndex: 0, appliedIndex: 1, mutations: [] }], intactBytes: record.length });
  });
});

describe('writers name the field of a value they cannot encode', () => {
  const invalid = failWith('invalidThing', 'thing');
  const writeFails = (write: (w: ByteWriter) => void): string => fieldOf(thrown(() => write(new ByteWriter(invalid))), 'thing');
  const bad = '\u0100';

  it('result fields', () => {
    const cases: [KvResult, string][] = [
      [{ kind: 'value', value: bad }, 'result.value'],
      [{ kind: 'values', values: ['ok', bad] }, 'result.values'],
      [{ kind: 'int', value: 1n << 63n }, 'result.value'],
      [{ kind: 'notApplied', previous: bad }, 'result.previous'],
      [{ kind: 'casFailed', current: bad }, 'result.current'],
      [{ kind: 'scan', cursor: bad, keys: [] }, 'result.cursor'],
      [{ kind: 'scan', cursor: '0', keys: [bad] }, 'result.keys'],
    ];
    for (const [result, field] of cases) expect(writeFails((w) => writeResult(w, result)), result.kind).toBe(field);
  });

  it('snapshot and engine log fields', () => {
    expect(fieldOf(thrown(() => new SnapshotEncoder(-1, 0)), 'snapshot')).toBe('appliedIndex');
    expect(fieldOf(thrown(() => new SnapshotEncoder(0, 1.5)), 'snapshot')).toBe('records');
    const record = (key: string, value: string, expireAtMs?: number): string =>
      fieldOf(thrown(() => new SnapshotEncoder(0, 1).record(key, { value, ...(expireAtMs !== undefined && { expireAtMs }) })), 'snapshot');
    expect(record(bad, 'v')).toBe('key');
    expect(record('k', bad)).toBe('value');
    expect(record('k', 'v', -1)).toBe('expireAtMs');
    const session = (clientId: string, lastSeq: number, lastIndex: number): string =>
      fieldOf(thrown(() => encodeSnapshot(5, 0, [], [{ clientId, lastSeq, lastIndex, lastResult: { kind: 'ok' } }])), 'snapshot');
    expect(session(bad, 1, 1)).toBe('session.clientId');
    expect(session('c', -1, 1)).toBe('session.lastSeq');
    expect(session('c', 1, 0.5)).toBe('session.lastIndex');

    const log = (record: Parameters<typeof encodeLogRecord>[0]): string => fieldOf(thrown(() => encodeLogRecord(record)), 'engine log record');
    expect(log({ previousIndex: -1, appliedIndex: 1, mutations: [] })).toBe('previousIndex');
    expect(log({ previousIndex: 0, appliedIndex: -1, mutations: [] })).toBe('appliedIndex');
    expect(log({ previousIndex: 0, appliedIndex: 1, mutations: [{ kind: 'deleteSession', clientId: bad }] })).toBe('clientId');
  });
});

describe('command size limit', () => {
  it('decoding refuses more than commandBytesMax bytes before reading any field', () => {
    const atLimit = new Uint8Array(commandBytesMax); // all zeros: a bad version, but not too large
    expect(thrown(() => decodeCommand(atLimit)).message).toBe('command version: unsupported version 0 (expected 1)');
    const over = new Uint8Array(commandBytesMax + 1);
    over[0] = 1;
    expect(thrown(() => decodeCommand(over)).message).toBe(`command size: ${commandBytesMax + 1} bytes exceed the limit ${commandBytesMax}`);
  });

  it('encoding refuses a valid command whose bytes exceed commandBytesMax', () => {
    const big = 'x'.repeat(valueBytesMax);
    const e = thrown(() => encodeCommand(command({ op: 'mset', pairs: [['a', big], ['b', big], ['c', big], ['d', big]] })));
    expect(e.code).toBe('invalidCommand');
    expect(e.message).toMatch(/^command size: \d+ bytes exceed the limit 67108864$/);
  });
});
