// The in-memory KvEngine of the simulator (and of tests): an OrderedMap of records, a map of sessions
// and the applied index, all replaced together by write(). Volatile: nothing survives a crash, so it
// has no durableAppliedIndex/flush (see PersistentSimEngine for a state machine that survives crashes).
import { assert } from '../types.ts';
import type { EngineMutation, KeyRecordPair, KvEngine, SessionRecord, StoredRecord } from './engine.ts';
import { OrderedMap } from './ordered-map.ts';
import { corruptSnapshot, decodeSnapshot, encodeSnapshot } from './snapshot-codec.ts';

export class MemoryEngine implements KvEngine {
  private readonly records = new OrderedMap<StoredRecord>();
  private readonly sessionTable = new Map<string, SessionRecord>();
  private applied = 0;

  get(key: string): StoredRecord | undefined {
    return this.records.get(key);
  }

  entriesAfter(afterKey: string | null, countMax: number): readonly KeyRecordPair[] {
    return this.records.entriesAfter(afterKey, countMax);
  }

  size(): number {
    return this.records.size;
  }

  sessions(): readonly SessionRecord[] {
    return [...this.sessionTable.values()];
  }

  write(batch: readonly EngineMutation[], appliedIndex: number): void {
    assert(appliedIndex >= this.applied, () => `applied index would regress from ${this.applied} to ${appliedIndex}`);
    for (const m of batch) {
      switch (m.kind) {
        case 'put':
          this.records.set(m.key, m.record);
          break;
        case 'delete':
          this.records.delete(m.key);
          break;
        case 'putSession':
          this.sessionTable.set(m.session.clientId, m.session);
          break;
        case 'deleteSession':
          this.sessionTable.delete(m.clientId);
          break;
      }
    }
    this.applied = appliedIndex;
  }

  appliedIndex(): number {
    return this.applied;
  }

  exportSnapshot(): Uint8Array {
    return encodeSnapshot(this.applied, this.records.size, this.records.entries(), this.sessions());
  }

  importSnapshot(bytes: Uint8Array, index: number): void {
    const state = decodeSnapshot(bytes);
    if (state.appliedIndex !== index) corruptSnapshot('appliedIndex', `is ${state.appliedIndex}, expected ${index}`);
    this.records.clear();
    this.sessionTable.clear();
    for (const [key, record] of state.records) this.records.set(key, record);
    for (const s of state.sessions) this.sessionTable.set(s.clientId, s);
    this.applied = state.appliedIndex;
  }
}
