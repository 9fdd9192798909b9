// Exactly-once client sessions: a retried write applies once, stale retries are refused, and the
// bounded table evicts the least recently applied session the same way on every replica.
import { describe, expect, it } from 'vitest';
import type { KvCommand, KvWrite } from '../../core/kv/commands.ts';
import { encodeCommand } from '../../core/kv/command-codec.ts';
import { MemoryEngine } from '../../core/kv/memory-engine.ts';
import { KvStateMachine } from '../../core/kv/state-machine.ts';
import { decodeSnapshot } from '../../core/kv/snapshot-codec.ts';
import { int } from './harness.ts';

function machine(sessionsMax = 100): { sm: KvStateMachine; send: (clientId: string, seq: number, write: KvWrite) => ReturnType<KvStateMachine['apply']> } {
  const sm = new KvStateMachine({ engine: new MemoryEngine(), sessionsMax });
  const send = (clientId: string, seq: number, write: KvWrite) => {
    const command: KvCommand = { session: { clientId, seq }, atMs: 1000, write };
    return sm.apply(sm.appliedIndex() + 1, encodeCommand(command));
  };
  return { sm, send };
}

const incr: KvWrite = { op: 'incrBy', key: 'n', delta: 1n };

describe('client sessions', () => {
  it('a retried write (same seq) applies once and answers the first result', () => {
    const { sm, send } = machine();
    expect(send('a', 1, incr)).toEqual(int(1));
    expect(send('a', 1, incr)).toEqual(int(1));
    expect(send('a', 1, incr)).toEqual(int(1));
    expect(sm.query({ op: 'get', key: 'n' }, 1000)).toEqual({ kind: 'value', value: '1' });
    expect(send('a', 2, incr)).toEqual(int(2));
    expect(sm.appliedIndex()).toBe(4); // retries still advance the applied index
  });

  it('caches error results too, and distinct clients with equal seqs are independent', () => {
    const { send } = machine();
    send('a', 1, { op: 'set', key: 's', value: 'text' });
    const failed = send('a', 2, { op: 'incrBy', key: 's', delta: 1n });
    expect(failed.kind).toBe('error');
    send('b', 1, { op: 'set', key: 's', value: '5' });
    expect(send('a', 2, { op: 'incrBy', key: 's', delta: 1n })).toEqual(failed);
    expect(send('b', 2, { op: 'incrBy', key: 's', delta: 1n })).toEqual(int(6));
  });

  it('refuses a seq older than the last applied one without applying it', () => {
    const { sm, send } = machine();
    send('a', 5, incr);
    const stale = send('a', 4, incr);
    expect(stale).toEqual({ kind: 'error', message: expect.stringMatching(/stale session seq 4: seq 5/) });
    expect(sm.query({ op: 'get', key: 'n' }, 1000)).toEqual({ kind: 'value', value: '1' });
  });

  it('accepts gaps in seq (writes refused before reaching the log)', () => {
    const { send } = machine();
    expect(send('a', 1, incr)).toEqual(int(1));
    expect(send('a', 10, incr)).toEqual(int(2));
  });

  it('evicts the least recently applied session when full, deterministically', () => {
    const { sm, send } = machine(3);
    send('a', 1, incr);
    send('b', 1, incr);
    send('c', 1, incr);
    send('a', 2, incr); // a is now the most recent; b is the oldest
    send('d', 1, incr); // evicts b
    expect(sm.sessionCount).toBe(3);
    expect(decodeSnapshot(sm.snapshot()).sessions.map((s) => s.clientId)).toEqual(['c', 'a', 'd']);
    expect(send('a', 2, incr)).toEqual(int(4)); // a still deduplicates
    expect(send('b', 1, incr)).toEqual(int(6)); // b was forgotten: its retry applies again (documented)
    expect(decodeSnapshot(sm.snapshot()).sessions.map((s) => s.clientId)).toEqual(['a', 'd', 'b']);
  });

  it('the session table is part of the snapshot: a restored replica still deduplicates', () => {
    const { sm, send } = machine();
    send('a', 1, incr);
    const other = new KvStateMachine({ engine: new MemoryEngine() });
    other.restore(sm.snapshot());
    const command: KvCommand = { session: { clientId: 'a', seq: 1 }, atMs: 1000, write: incr };
    expect(other.apply(other.appliedIndex() + 1, encodeCommand(command))).toEqual(int(1));
    expect(other.query({ op: 'get', key: 'n' }, 1000)).toEqual({ kind: 'value', value: '1' });
    expect(other.sessionCount).toBe(1);
  });

  it('two replicas with the same entries evict the same sessions (identical snapshots)', () => {
    const a = machine(4);
    const b = machine(4);
    for (let i = 0; i < 200; i++) {
      const client = `c${(i * 7) % 11}`;
      const seq = 1 + Math.floor(i / 11);
      a.send(client, seq, incr);
      b.send(client, seq, incr);
    }
    expect(a.sm.sessionCount).toBe(4);
    expect(a.sm.snapshot()).toEqual(b.sm.snapshot());
  });
});

describe('applyCommand', () => {
  it('applies a decoded command like its bytes, and refuses an invalid one without advancing', () => {
    const sm = new KvStateMachine({ engine: new MemoryEngine() });
    const command: KvCommand = { session: { clientId: 'a', seq: 1 }, atMs: 5, write: { op: 'append', key: 'k', value: 'xy' } };
    expect(sm.applyCommand(1, command)).toEqual(int(2));
    expect(() => sm.applyCommand(2, { ...command, write: { op: 'append', key: 'k\u0400', value: 'x' } })).toThrow(/write.key: char 1024/);
    expect(sm.appliedIndex()).toBe(1);
    expect(sm.applyCommand(2, { ...command, session: { clientId: 'a', seq: 2 } })).toEqual(int(4));
  });
});
