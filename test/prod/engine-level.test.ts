// LevelEngine: the KvEngine contract on classic-level. Reads are synchronous and see every write at
// once; each write and its applied index are one LevelDB batch, so what reopens is always a whole
// prefix of the writes; snapshots round-trip between engines.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClassicLevel } from 'classic-level';
import seedrandom from 'seedrandom';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EngineMutation, KvEngine, SessionRecord } from '../../core/kv/engine.ts';
import { MemoryEngine } from '../../core/kv/memory-engine.ts';
import { LevelEngine } from '../../prod/engine/level-engine.ts';

let dir: string;
const engines: LevelEngine[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kvlab-level-'));
});
afterEach(async () => {
  for (const engine of engines.splice(0)) await engine.close().catch(() => {});
  rmSync(dir, { recursive: true, force: true });
});

async function open(path = dir, options = {}): Promise<LevelEngine> {
  const engine = await LevelEngine.open(path, options);
  engines.push(engine);
  return engine;
}

const flushed = (engine: KvEngine) => new Promise<Error | null>((resolve) => engine.flush!(resolve));
const session = (clientId: string, lastSeq: number, lastIndex: number): SessionRecord => ({ clientId, lastSeq, lastIndex, lastResult: { kind: 'value', value: `r${lastSeq}` } });

function view(engine: KvEngine) {
  return {
    applied: engine.appliedIndex(),
    size: engine.size(),
    entries: engine.entriesAfter(null, 1_000_000),
    sessions: [...engine.sessions()].sort((a, b) => (a.clientId < b.clientId ? -1 : 1)),
  };
}

describe('LevelEngine', () => {
  it('serves reads synchronously from the first write on, before and after LevelDB catches up', async () => {
    const engine = await open();
    engine.write(
      [
        { kind: 'put', key: 'b', record: { value: 'B' } },
        { kind: 'put', key: 'a\u00ff\u0000', record: { value: '\u0000\u00fe', expireAtMs: 1234 } },
        { kind: 'put', key: 'c', record: { value: '' } },
        { kind: 'putSession', session: session('client-1', 3, 1) },
      ],
      1,
    );
    const before = view(engine);
    expect(engine.get('b')).toEqual({ value: 'B' });
    expect(engine.get('a\u00ff\u0000')).toEqual({ value: '\u0000\u00fe', expireAtMs: 1234 });
    expect(engine.get('zz')).toBeUndefined();
    expect(engine.entriesAfter('a\u00ff\u0000', 10).map(([k]) => k)).toEqual(['b', 'c']);
    expect(engine.durableAppliedIndex()).toBe(0);
    expect(await flushed(engine)).toBeNull();
    expect(engine.durableAppliedIndex()).toBe(1);
    expect(engine.stats().overlayKeys).toBe(0); // values now come from LevelDB
    expect(view(engine)).toEqual(before);
    engine.write([{ kind: 'delete', key: 'b' }, { kind: 'deleteSession', clientId: 'client-1' }], 2);
    expect(engine.get('b')).toBeUndefined();
    expect(engine.size()).toBe(2);
    expect(engine.sessions()).toEqual([]);
  });

  it('keeps every write and its applied index across a reopen', async () => {
    const engine = await open();
    for (let i = 1; i <= 50; i++) {
      engine.write([{ kind: 'put', key: `key${i % 10}`, record: { value: `value${i}` } }, { kind: 'putSession', session: session(`c${i % 3}`, i, i) }], i);
    }
    engine.write([], 55); // an empty batch only advances the applied index
    const before = view(engine);
    const snapshot = engine.exportSnapshot();
    await engine.close();
    const reopened = await open();
    expect(reopened.appliedIndex()).toBe(55);
    expect(reopened.durableAppliedIndex()).toBe(55);
    expect(view(reopened)).toEqual(before);
    expect(reopened.exportSnapshot()).toEqual(snapshot);
  });

  it('stores the last state of each session a batch rewrites, deletes included, across a reopen', async () => {
    const engine = await open();
    engine.write([{ kind: 'putSession', session: session('c2', 1, 1) }], 1);
    engine.write(
      [
        { kind: 'putSession', session: session('c1', 1, 2) },
        { kind: 'put', key: 'k', record: { value: 'v' } },
        { kind: 'putSession', session: session('c1', 2, 2) },
        { kind: 'deleteSession', clientId: 'c2' },
        { kind: 'putSession', session: session('c3', 7, 2) },
        { kind: 'deleteSession', clientId: 'c3' },
        { kind: 'putSession', session: session('c3', 8, 2) },
      ],
      2,
    );
    const expected = [session('c1', 2, 2), session('c3', 8, 2)];
    expect(view(engine).sessions).toEqual(expected);
    await engine.close();
    const reopened = await open();
    expect(view(reopened).sessions).toEqual(expected);
    expect(view(reopened).entries).toEqual([['k', { value: 'v' }]]);
  });

  it('reopens to a whole prefix of the writes after the process is killed mid-stream', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'env-fixtures', 'level-writer-child.ts'), dir]);
    let durableSeen = 0;
    await new Promise<void>((resolve, reject) => {
      let buffered = '';
      child.stdout.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        for (const match of buffered.matchAll(/durable (\d+)/g)) durableSeen = Math.max(durableSeen, Number(match[1]));
        if (durableSeen >= 300) {
          child.kill('SIGKILL');
          resolve();
        }
      });
      child.on('exit', (code, signal) => signal === 'SIGKILL' || reject(new Error(`child exited early: ${code}`)));
    });
    await new Promise((resolve) => child.once('close', resolve));
    const engine = await open();
    const applied = engine.appliedIndex();
    expect(applied).toBeGreaterThanOrEqual(durableSeen); // everything reported durable survived
    expect(engine.get('counter')).toEqual({ value: String(applied) });
    expect(engine.sessions()).toEqual([{ clientId: 'c1', lastSeq: applied, lastIndex: applied, lastResult: { kind: 'ok' } }]);
    // Reconstruct the k-keys that batches 1..applied leave behind, and compare.
    const expected = new Map<string, string>();
    for (let i = 1; i <= applied; i++) {
      expected.set(`k${i % 7}`, `v${i}`);
      expected.delete(`k${(i + 3) % 7}`);
    }
    const actual = new Map(engine.entriesAfter(null, 100).filter(([k]) => k !== 'counter').map(([k, r]) => [k, r.value]));
    expect(actual).toEqual(expected);
  });

  it('round-trips snapshots with MemoryEngine, replacing the old state, durably', async () => {
    const source = new MemoryEngine();
    source.write(
      [
        { kind: 'put', key: 'x', record: { value: '1' } },
        { kind: 'put', key: 'y', record: { value: '2', expireAtMs: 99 } },
        { kind: 'putSession', session: session('s', 1, 7) },
      ],
      7,
    );
    const bytes = source.exportSnapshot();
    const engine = await open();
    engine.write([{ kind: 'put', key: 'old', record: { value: 'gone' } }, { kind: 'putSession', session: session('old', 1, 1) }], 3);
    await flushed(engine);
    engine.importSnapshot(bytes, 7);
    expect(engine.get('old')).toBeUndefined();
    expect(view(engine)).toEqual(view(source));
    expect(engine.exportSnapshot()).toEqual(bytes);
    await engine.close();
    const reopened = await open();
    expect(reopened.exportSnapshot()).toEqual(bytes);
    const back = new MemoryEngine();
    back.importSnapshot(reopened.exportSnapshot(), 7);
    expect(view(back)).toEqual(view(source));
  });

  it('exports in the background exactly the state as of the call, while writes go on', async () => {
    const engine = await open(dir, { syncWrites: false, batchOpsMax: 4 });
    for (let i = 1; i <= 1500; i++) {
      engine.write([{ kind: 'put', key: `key${String(i).padStart(5, '0')}`, record: i % 5 === 0 ? { value: `v${i}`, expireAtMs: i } : { value: `v${i}` } }, { kind: 'putSession', session: session(`c${i % 4}`, i, i) }], i);
    }
    // Some of those batches are still queued behind the writer (at most 4 ops per LevelDB batch).
    expect(engine.stats().pendingJobs).toBeGreaterThan(0);
    const expected = engine.exportSnapshot();
    const exported = new Promise<Uint8Array>((resolve, reject) => engine.exportSnapshotLater((error, bytes) => (error ? reject(error) : resolve(bytes!))));
    // Later writes change, add and delete keys the export is reading.
    engine.write([{ kind: 'put', key: 'key00001', record: { value: 'changed' } }, { kind: 'delete', key: 'key00777' }, { kind: 'put', key: 'key99999', record: { value: 'new' } }], 1501);
    const bytes = await exported;
    expect(Buffer.from(bytes).equals(Buffer.from(expected))).toBe(true);
    const copy = new MemoryEngine();
    copy.importSnapshot(bytes, 1500);
    expect(copy.get('key00777')).toEqual({ value: 'v777' });
    expect(copy.get('key99999')).toBeUndefined();
    expect(engine.get('key00001')).toEqual({ value: 'changed' });
  });

  it('exports from an idle writer at once, and an empty engine as an empty state', async () => {
    const engine = await open();
    const empty = await new Promise<Uint8Array>((resolve, reject) => engine.exportSnapshotLater((error, bytes) => (error ? reject(error) : resolve(bytes!))));
    expect(empty).toEqual(new MemoryEngine().exportSnapshot());
    engine.write([{ kind: 'put', key: 'a', record: { value: '1' } }], 4);
    await flushed(engine);
    const one = await new Promise<Uint8Array>((resolve, reject) => engine.exportSnapshotLater((error, bytes) => (error ? reject(error) : resolve(bytes!))));
    expect(one).toEqual(engine.exportSnapshot());
  });

  it('refuses a corrupt snapshot or a wrong index and leaves the state unchanged', async () => {
    const engine = await open();
    engine.write([{ kind: 'put', key: 'keep', record: { value: 'me' } }], 2);
    const good = engine.exportSnapshot();
    const corrupt = good.slice();
    corrupt[6] ^= 0xff;
    expect(() => engine.importSnapshot(corrupt, 2)).toThrow(/snapshot checksum/);
    expect(() => engine.importSnapshot(good, 3)).toThrow(/appliedIndex: is 2, expected 3/);
    expect(view(engine)).toMatchObject({ applied: 2, entries: [['keep', { value: 'me' }]] });
  });

  it('matches MemoryEngine under random batches (seeded), with and without synced writes', async () => {
    for (const [seed, syncWrites] of [
      [1, true],
      [2, false],
    ] as const) {
      const random = seedrandom.alea(String(seed));
      const level = await open(join(dir, `seed${seed}`), { syncWrites, batchOpsMax: 16 });
      const memory = new MemoryEngine();
      const keyOf = () => `k${Math.floor(random() * 40)}`;
      for (let index = 1; index <= 300; index++) {
        const batch: EngineMutation[] = [];
        for (let n = Math.floor(random() * 6); n > 0; n--) {
          const roll = random();
          if (roll < 0.55) batch.push({ kind: 'put', key: keyOf(), record: random() < 0.3 ? { value: `v${index}`, expireAtMs: index } : { value: `v${index}` } });
          else if (roll < 0.85) batch.push({ kind: 'delete', key: keyOf() });
          else if (roll < 0.95) batch.push({ kind: 'putSession', session: session(`c${Math.floor(random() * 5)}`, index, index) });
          else batch.push({ kind: 'deleteSession', clientId: `c${Math.floor(random() * 5)}` });
        }
        level.write(batch, index);
        memory.write(batch, index);
        if (random() < 0.1) await new Promise((resolve) => setImmediate(resolve));
        if (index % 25 === 0) {
          expect(view(level), `seed ${seed} at index ${index}`).toEqual(view(memory));
          const after = keyOf();
          expect(level.entriesAfter(after, 5), `seed ${seed} scan after ${after}`).toEqual(memory.entriesAfter(after, 5));
        }
      }
      expect(await flushed(level)).toBeNull();
      expect(level.durableAppliedIndex(), `seed ${seed}`).toBe(300);
      expect(level.exportSnapshot(), `seed ${seed}`).toEqual(memory.exportSnapshot());
    }
  });

  it('gives clear errors for a database in use or of another format version', async () => {
    const engine = await open();
    await expect(LevelEngine.open(dir)).rejects.toThrow(/cannot open the LevelDB engine in .*: .*lock/i);
    await engine.close();
    const raw = new ClassicLevel<Buffer, Buffer>(dir, { keyEncoding: 'buffer', valueEncoding: 'buffer' });
    await raw.put(Buffer.from('mversion'), Buffer.from([9]));
    await raw.close();
    await expect(LevelEngine.open(dir)).rejects.toThrow(/has format version 9, this kvlab reads version 1/);
  });
});
