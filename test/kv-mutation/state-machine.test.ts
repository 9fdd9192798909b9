// The KV state machine's batching, no-op and malformed entries, engine failures and session bounds,
// and the write semantics at their edges: cases mutation testing found untested.
import { describe, expect, it } from 'vitest';
import type { KvCommand, KvWrite } from '../../core/kv/commands.ts';
import { encodeCommand } from '../../core/kv/command-codec.ts';
import type { EngineMutation } from '../../core/kv/engine.ts';
import { batchMutationsMax, valueBytesMax } from '../../core/kv/limits.ts';
import { MemoryEngine } from '../../core/kv/memory-engine.ts';
import { SessionTable } from '../../core/kv/sessions.ts';
import { KvStateMachine } from '../../core/kv/state-machine.ts';
import type { CommittedEntry } from '../../core/kv/state-machine.ts';
import { valueTooLargeMessage } from '../../core/kv/write-apply.ts';
import { AssertionFailure, KvlabError } from '../../core/types.ts';

/** A MemoryEngine that records every batch it writes and can be told to fail the next write. */
class RecordingEngine extends MemoryEngine {
  readonly writes: Array<{ batch: readonly EngineMutation[]; appliedIndex: number }> = [];
  failNextWrite = false;

  override write(batch: readonly EngineMutation[], appliedIndex: number): void {
    if (this.failNextWrite) {
      this.failNextWrite = false;
      throw new Error('disk full');
    }
    this.writes.push({ batch, appliedIndex });
    super.write(batch, appliedIndex);
  }
}

const encode = (write: KvWrite, clientId = 'c', seq = 1, atMs = 1_000): Uint8Array =>
  encodeCommand({ session: { clientId, seq }, atMs, write } satisfies KvCommand);

function setEntries(count: number, clientId: string): CommittedEntry[] {
  const entries: CommittedEntry[] = [];
  for (let i = 1; i <= count; i++) entries.push({ index: i, data: encode({ op: 'set', key: `k${i}`, value: 'v' }, clientId, i) });
  return entries;
}

describe('state machine batching', () => {
  it(`cuts a run of entries at an entry boundary once ${batchMutationsMax} mutations are pending`, () => {
    // One client: each entry adds one key; the session is one more mutation for the whole batch.
    const engine = new RecordingEngine();
    const sm = new KvStateMachine({ engine });
    const perBatch = batchMutationsMax - 1;
    sm.applyEntries(setEntries(perBatch + 2, 'c'));
    expect(engine.writes.map((w) => [w.appliedIndex, w.batch.length])).toEqual([
      [perBatch, perBatch + 1],
      [perBatch + 2, 2 + 1],
    ]);
  });

  it('counts mutations without sessions the same way', () => {
    const engine = new RecordingEngine();
    const sm = new KvStateMachine({ engine });
    sm.applyEntries(setEntries(batchMutationsMax + 1, ''));
    expect(engine.writes.map((w) => w.appliedIndex)).toEqual([batchMutationsMax, batchMutationsMax + 1]);
  });

  it('writes nothing for an empty run', () => {
    const engine = new RecordingEngine();
    const sm = new KvStateMachine({ engine });
    expect(sm.applyEntries([])).toEqual([]);
    expect(engine.writes).toEqual([]);
  });
});

describe('state machine entries without a command', () => {
  it('answers ok for an empty normal entry and a conf change, without decoding their data', () => {
    const sm = new KvStateMachine({ engine: new MemoryEngine() });
    const results = sm.applyEntries([
      { index: 1, data: new Uint8Array(0) },
      { index: 2, type: 'confChange', data: new Uint8Array([0xff, 0xfe, 0xfd]) },
    ]);
    expect(results).toEqual([{ kind: 'ok' }, { kind: 'ok' }]);
    expect(sm.malformedEntries).toBe(0);
    expect(sm.appliedIndex()).toBe(2);
  });

  it('applies a malformed entry as a counted no-op with an error naming the entry', () => {
    const sm = new KvStateMachine({ engine: new MemoryEngine() });
    const results = sm.applyEntries([
      { index: 1, data: new Uint8Array([0xff]) },
      { index: 2, data: new Uint8Array([0x00, 0x01]) },
    ]);
    expect(results[0]).toEqual({ kind: 'error', message: expect.stringMatching(/^ERR malformed command in entry 1: \S/) });
    expect(results[1]).toEqual({ kind: 'error', message: expect.stringMatching(/^ERR malformed command in entry 2: \S/) });
    expect(sm.malformedEntries).toBe(2);
    expect(sm.appliedIndex()).toBe(2);
  });
});

describe('state machine after an engine failure', () => {
  it('refuses every use until restored, then forgets the writes that failed', () => {
    const engine = new RecordingEngine();
    const sm = new KvStateMachine({ engine });
    sm.apply(1, encode({ op: 'set', key: 'a', value: '1' }, 'c', 1));
    const good = sm.snapshot();
    engine.failNextWrite = true;
    expect(() => sm.apply(2, encode({ op: 'set', key: 'lost', value: 'x' }, 'c', 2))).toThrow('disk full');
    const failed = (f: () => unknown) => expect(f).toThrow(expect.objectContaining({ code: 'stateMachineFailed' }));
    failed(() => sm.query({ op: 'get', key: 'a' }, 1_000));
    failed(() => sm.snapshot());
    failed(() => sm.expiredKeys('0', 10, 1_000));
    failed(() => sm.apply(2, encode({ op: 'set', key: 'b', value: '2' }, 'c', 2)));
    expect(() => sm.query({ op: 'get', key: 'a' }, 1_000)).toThrow(/an engine write failed \(Error: disk full\); reopen/);

    sm.restore(good);
    expect(sm.query({ op: 'get', key: 'a' }, 1_000)).toEqual({ kind: 'value', value: '1' });
    engine.writes.length = 0;
    sm.apply(2, encode({ op: 'set', key: 'b', value: '2' }, 'c', 2));
    const keys = engine.writes.flatMap((w) => w.batch.filter((m) => m.kind === 'put').map((m) => (m.kind === 'put' ? m.key : '')));
    expect(keys).toEqual(['b']); // nothing of the failed write leaks into the next batch
    expect(sm.query({ op: 'get', key: 'lost' }, 1_000)).toEqual({ kind: 'value', value: null });
  });

  it('is a KvlabError, so hosts can tell it from bugs', () => {
    const engine = new RecordingEngine();
    const sm = new KvStateMachine({ engine });
    engine.failNextWrite = true;
    expect(() => sm.apply(1, encode({ op: 'set', key: 'a', value: '1' }))).toThrow('disk full');
    expect(() => sm.query({ op: 'dbsize' }, 0)).toThrow(KvlabError);
  });
});

describe('bounds of sessions and engines', () => {
  it('the session table needs a positive integer bound', () => {
    expect(() => new SessionTable(0)).toThrow(AssertionFailure);
    expect(() => new SessionTable(1.5)).toThrow(AssertionFailure);
    expect(() => new KvStateMachine({ engine: new MemoryEngine(), sessionsMax: -1 })).toThrow(AssertionFailure);
    expect(new SessionTable(1).sessionsMax).toBe(1);
  });

  it('the session table answers the stored session of a client', () => {
    const table = new SessionTable(4);
    const session = { clientId: 'a', lastSeq: 3, lastIndex: 9, lastResult: { kind: 'ok' } as const };
    table.load([session]);
    expect(table.get('a')).toEqual(session);
    expect(table.get('b')).toBeUndefined();
  });

  it('the memory engine refuses an applied index that goes backwards, and accepts the same one again', () => {
    const engine = new MemoryEngine();
    engine.write([], 5);
    engine.write([], 5);
    expect(engine.appliedIndex()).toBe(5);
    expect(() => engine.write([], 4)).toThrow(AssertionFailure);
  });
});

describe('write semantics at their edges', () => {
  const machine = () => {
    const engine = new RecordingEngine();
    const sm = new KvStateMachine({ engine });
    let seq = 0;
    const write = (w: KvWrite, atMs = 1_000) => sm.apply(sm.appliedIndex() + 1, encode(w, 'c', ++seq, atMs));
    return { engine, sm, write };
  };

  it('APPEND may grow a value to exactly valueBytesMax, not one byte more', () => {
    const { write } = machine();
    const half = 'x'.repeat(valueBytesMax / 2);
    expect(write({ op: 'append', key: 'k', value: half })).toEqual({ kind: 'int', value: BigInt(valueBytesMax / 2) });
    expect(write({ op: 'append', key: 'k', value: half })).toEqual({ kind: 'int', value: BigInt(valueBytesMax) });
    expect(write({ op: 'append', key: 'k', value: 'y' })).toEqual({ kind: 'error', message: valueTooLargeMessage });
  });

  it('answers an oversized APPEND with the Redis error text', () => {
    expect(valueTooLargeMessage).toBe('ERR string exceeds maximum allowed size');
  });

  it('GETDEL of an absent key writes no delete', () => {
    const { engine, write } = machine();
    engine.writes.length = 0;
    expect(write({ op: 'getdel', key: 'nothing' })).toEqual({ kind: 'value', value: null });
    expect(engine.writes.flatMap((w) => w.batch).filter((m) => m.kind === 'delete')).toEqual([]);
  });
});

describe('applying a run of already-decoded commands', () => {
  const command = (write: KvWrite, clientId = 'c', seq = 1): KvCommand => ({ session: { clientId, seq }, atMs: 1_000, write });

  it('answers and writes what applyEntries does for the same entries, no-ops included', () => {
    const run: (KvCommand | null)[] = [
      command({ op: 'set', key: 'a', value: '1' }, 'c', 1),
      null,
      command({ op: 'incrBy', key: 'a', delta: 4n }, 'c', 2),
      command({ op: 'incrBy', key: 'a', delta: 4n }, 'c', 2),
      null,
      command({ op: 'getdel', key: 'a' }, 'd', 1),
    ];
    const decoded = new RecordingEngine();
    const fromCommands = new KvStateMachine({ engine: decoded });
    const encoded = new RecordingEngine();
    const fromEntries = new KvStateMachine({ engine: encoded });
    const entries: CommittedEntry[] = run.map((c, i) => (c === null ? { index: 3 + i, type: 'confChange', data: new Uint8Array(0) } : { index: 3 + i, data: encodeCommand(c) }));
    fromCommands.applyNoop(1);
    fromCommands.applyNoop(2);
    fromEntries.applyNoop(1);
    fromEntries.applyNoop(2);

    const results = fromCommands.applyCommandRun(3, run);
    expect(results).toEqual(fromEntries.applyEntries(entries));
    expect(results).toEqual([{ kind: 'ok' }, { kind: 'ok' }, { kind: 'int', value: 5n }, { kind: 'int', value: 5n }, { kind: 'ok' }, { kind: 'value', value: '5' }]);
    expect(fromCommands.appliedIndex()).toBe(8);
    expect(decoded.writes).toEqual(encoded.writes);
    expect(decoded.writes.at(-1)?.appliedIndex).toBe(8);
  });

  it(`cuts the run into engine batches once ${batchMutationsMax} mutations are pending`, () => {
    const engine = new RecordingEngine();
    const sm = new KvStateMachine({ engine });
    const run = Array.from({ length: batchMutationsMax + 1 }, (_, i) => command({ op: 'set', key: `k${i}`, value: 'v' }, '', 0));
    sm.applyCommandRun(1, run);
    expect(engine.writes.map((w) => [w.appliedIndex, w.batch.length])).toEqual([
      [batchMutationsMax, batchMutationsMax],
      [batchMutationsMax + 1, 1],
    ]);
  });

  it('writes nothing for an empty run and answers nothing', () => {
    const engine = new RecordingEngine();
    const sm = new KvStateMachine({ engine });
    expect(sm.applyCommandRun(1, [])).toEqual([]);
    expect(engine.writes).toEqual([]);
  });
});
