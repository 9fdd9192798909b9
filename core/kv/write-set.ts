// Pending mutations of a run of entries, layered over the engine: commands read their own (and earlier
// entries') writes through it, and the whole run reaches the engine as one batch with its applied index.
// Map insertion order makes the batch order deterministic.
import type { EngineMutation, KvEngine, SessionRecord, StoredRecord } from './engine.ts';

export class WriteSet {
  /** key -> new record, or null for a delete. */
  private readonly records = new Map<string, StoredRecord | null>();
  /** clientId -> new session, or null for an eviction. */
  private readonly sessions = new Map<string, SessionRecord | null>();

  constructor(private readonly engine: KvEngine) {}

  /** The record as it stands after the pending mutations (expired or not). */
  get(key: string): StoredRecord | undefined {
    const pending = this.records.get(key);
    if (pending !== undefined) return pending ?? undefined;
    return this.engine.get(key);
  }

  put(key: string, record: StoredRecord): void {
    this.records.set(key, record);
  }

  delete(key: string): void {
    this.records.set(key, null);
  }

  putSession(session: SessionRecord): void {
    this.sessions.set(session.clientId, session);
  }

  deleteSession(clientId: string): void {
    this.sessions.set(clientId, null);
  }

  /** Distinct keys and sessions touched so far. */
  get mutationCount(): number {
    return this.records.size + this.sessions.size;
  }

  /** Writes everything as one engine batch together with `appliedIndex`, and empties the set. */
  commit(appliedIndex: number): void {
    const batch: EngineMutation[] = [];
    for (const [key, record] of this.records) {
      batch.push(record === null ? { kind: 'delete', key } : { kind: 'put', key, record });
    }
    for (const [clientId, session] of this.sessions) {
      batch.push(session === null ? { kind: 'deleteSession', clientId } : { kind: 'putSession', session });
    }
    this.engine.write(batch, appliedIndex);
    this.records.clear();
    this.sessions.clear();
  }

  /** Forgets the pending mutations (after a failed engine write the state machine must be reopened). */
  discard(): void {
    this.records.clear();
    this.sessions.clear();
  }
}
