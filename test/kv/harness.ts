// Test helpers: a state machine over a MemoryEngine that numbers entries and session seqs itself.
import type { KvCommand, KvRead, KvResult, KvWrite } from '../../core/kv/commands.ts';
import { encodeCommand } from '../../core/kv/command-codec.ts';
import { MemoryEngine } from '../../core/kv/memory-engine.ts';
import { KvStateMachine } from '../../core/kv/state-machine.ts';
import type { KvEngine } from '../../core/kv/engine.ts';

export class Harness {
  readonly sm: KvStateMachine;
  private seq = 0;
  nowMs = 1_000_000;

  constructor(readonly engine: KvEngine = new MemoryEngine(), sessionsMax?: number) {
    this.sm = new KvStateMachine({ engine, sessionsMax });
  }

  /** Proposes `write` (through the codec, as Raft would carry it) at the current time. */
  write(write: KvWrite, clientId = 'c1'): KvResult {
    const command: KvCommand = { session: { clientId, seq: ++this.seq }, atMs: this.nowMs, write };
    return this.sm.apply(this.sm.appliedIndex() + 1, encodeCommand(command));
  }

  read(read: KvRead): KvResult {
    return this.sm.query(read, this.nowMs);
  }

  get(key: string): string | null {
    const r = this.read({ op: 'get', key });
    if (r.kind !== 'value') throw new Error(`unexpected ${JSON.stringify(r)}`);
    return r.value;
  }

  pttl(key: string): bigint {
    const r = this.read({ op: 'pttl', key });
    if (r.kind !== 'int') throw new Error('unexpected');
    return r.value;
  }
}

export const int = (n: number | bigint): KvResult => ({ kind: 'int', value: BigInt(n) });
export const ok: KvResult = { kind: 'ok' };
export const value = (v: string | null): KvResult => ({ kind: 'value', value: v });
export const error = (message: string): KvResult => ({ kind: 'error', message });
