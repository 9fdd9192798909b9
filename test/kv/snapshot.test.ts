// Snapshots (round trip, corruption detection) and determinism: replicas fed the same entries end with
// byte-identical state, however the host batches them.
import { describe, expect, it } from 'vitest';
import { KvlabError } from '../../core/types.ts';
import type { KvCommand } from '../../core/kv/commands.ts';
import { encodeCommand } from '../../core/kv/command-codec.ts';
import { MemoryEngine } from '../../core/kv/memory-engine.ts';
import { KvStateMachine, type CommittedEntry } from '../../core/kv/state-machine.ts';
import { decodeSnapshot } from '../../core/kv/snapshot-codec.ts';
import { intBelow, randomCommand, rng, type Rng } from './random-commands.ts';

/** A seeded log: commands, leader no-ops, conf changes, retries and the odd undecodable entry. */
function randomLog(r: Rng, length: number, firstIndex = 1): CommittedEntry[] {
  const entries: CommittedEntry[] = [];
  let previous: KvCommand | undefined;
  for (let i = 0; i < length; i++) {
    const index = firstIndex + i;
    const roll = r();
    if (roll < 0.05) entries.push({ index, data: new Uint8Array(0) });
    else if (roll < 0.08) entries.push({ index, type: 'confChange', data: new Uint8Array([1, 2, 3]) });
    else if (roll < 0.1) entries.push({ index, data: new Uint8Array([9, 9, 9]) });
    else if (roll < 0.2 && previous) entries.push({ index, data: encodeCommand(previous) });
    else {
      previous = randomCommand(r, 10_000 + i * 3, 8);
      entries.push({ index, data: encodeCommand(previous) });
    }
  }
  return entries;
}

const newMachine = (sessionsMax = 6): KvStateMachine => new KvStateMachine({ engine: new MemoryEngine(), sessionsMax });

/** Applies `entries` in runs of random length (1 = one entry per call). */
function applyInRuns(sm: KvStateMachine, entries: CommittedEntry[], r: Rng, runMax: number): void {
  for (let i = 0; i < entries.length; ) {
    const run = 1 + intBelow(r, runMax);
    sm.applyEntries(entries.slice(i, i + run));
    i += run;
  }
}

describe('determinism', () => {
  it('replicas fed the same entries end byte-identical, whatever the batching (30 seeds)', () => {
    for (let seed = 1; seed <= 30; seed++) {
      const entries = randomLog(rng(`log-${seed}`), 300);
      const single = newMachine();
      for (const e of entries) {
        if (e.type === 'confChange') single.applyNoop(e.index);
        else single.apply(e.index, e.data);
      }
      const batched = newMachine();
      applyInRuns(batched, entries, rng(`runs-${seed}`), 40);
      expect(batched.appliedIndex(), `seed log-${seed}`).toBe(300);
      expect(batched.snapshot(), `seed log-${seed}`).toEqual(single.snapshot());
      expect(batched.malformedEntries, `seed log-${seed}`).toBe(single.malformedEntries);
    }
  });

  it('equal states give equal snapshot bytes regardless of history', () => {
    const a = newMachine();
    const b = newMachine();
    const sessionless = (key: string, value: string): Uint8Array =>
      encodeCommand({ session: { clientId: '', seq: 0 }, atMs: 5, write: { op: 'set', key, value } });
    a.applyEntries([{ index: 1, data: sessionless('x', '1') }, { index: 2, data: sessionless('y', '2') }]);
    b.applyEntries([
      { index: 1, data: sessionless('y', '2') },
      { index: 2, data: encodeCommand({ session: { clientId: '', seq: 0 }, atMs: 5, write: { op: 'mset', pairs: [['x', '1'], ['z', '3']] } }) },
    ]);
    b.applyEntries([]);
    expect(a.snapshot()).not.toEqual(b.snapshot());
    a.apply(3, sessionless('z', '3'));
    b.applyNoop(3);
    expect(a.snapshot()).toEqual(b.snapshot());
  });

  it('applying out of order is a bug the state machine asserts', () => {
    const sm = newMachine();
    sm.applyNoop(1);
    expect(() => sm.applyNoop(3)).toThrow(/entry 3 applied after 1/);
    expect(() => sm.applyNoop(1)).toThrow(/entry 1 applied after 1/);
  });
});

describe('snapshots', () => {
  it('restore gives the same state, reads and future behaviour', () => {
    const seed = 'snap-roundtrip';
    const entries = randomLog(rng(seed), 400);
    const source = newMachine();
    source.applyEntries(entries.slice(0, 250));
    const bytes = source.snapshot();
    const copy = newMachine();
    copy.restore(bytes);
    expect(copy.appliedIndex()).toBe(250);
    expect(copy.snapshot()).toEqual(bytes);
    for (const read of [{ op: 'dbsize' as const }, { op: 'scan' as const, cursor: '0', count: 100 }]) {
      expect(copy.query(read, 12_000)).toEqual(source.query(read, 12_000));
    }
    source.applyEntries(entries.slice(250));
    copy.applyEntries(entries.slice(250));
    expect(copy.snapshot(), `seed ${seed}`).toEqual(source.snapshot());
  });

  it('carries records with and without expiry, sessions and the applied index', () => {
    const sm = newMachine();
    const command = (seq: number, write: KvCommand['write']): Uint8Array => encodeCommand({ session: { clientId: 'c', seq }, atMs: 100, write });
    sm.apply(1, command(1, { op: 'set', key: 'a', value: '1', expireAtMs: 500 }));
    sm.apply(2, command(2, { op: 'set', key: 'b', value: '\u00ff' }));
    const state = decodeSnapshot(sm.snapshot());
    expect(state.appliedIndex).toBe(2);
    expect(state.records).toEqual([
      ['a', { value: '1', expireAtMs: 500 }],
      ['b', { value: '\u00ff' }],
    ]);
    expect(state.sessions).toEqual([{ clientId: 'c', lastSeq: 2, lastIndex: 2, lastResult: { kind: 'ok' } }]);
  });

  it('detects any single corrupted byte and leaves the target unchanged', () => {
    const source = newMachine();
    source.applyEntries(randomLog(rng('snap-corrupt'), 60));
    const bytes = source.snapshot();
    const target = newMachine();
    target.applyEntries(randomLog(rng('snap-other'), 20));
    const before = target.snapshot();
    for (let i = 0; i < bytes.length; i++) {
      const damaged = Uint8Array.from(bytes);
      damaged[i] ^= 0x40;
      let thrown: unknown;
      try {
        target.restore(damaged, 60);
      } catch (error) {
        thrown = error;
      }
      expect(thrown, `byte ${i}`).toBeInstanceOf(KvlabError);
      expect((thrown as KvlabError).code).toBe('corruptSnapshot');
    }
    expect(target.snapshot()).toEqual(before);
  });

  it('refuses truncated snapshots and a snapshot for another index', () => {
    const source = newMachine();
    source.applyEntries(randomLog(rng('snap-trunc'), 30));
    const bytes = source.snapshot();
    const target = newMachine();
    for (const n of [0, 3, 8, bytes.length - 1]) expect(() => target.restore(bytes.subarray(0, n), 30)).toThrow(KvlabError);
    expect(() => target.restore(bytes, 31)).toThrow(/snapshot appliedIndex: is 30, expected 31/);
    expect(() => target.restore(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]))).toThrow(/bad magic/);
  });
});
