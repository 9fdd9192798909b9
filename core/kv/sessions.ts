// Client sessions for exactly-once writes (Raft dissertation §6.3): clientId -> last seq and its result.
// A write whose seq equals the last applied one is a retry and gets the cached result; an older seq is
// refused; a newer one applies. The table is bounded by sessionsMax and evicts the session applied
// least recently (smallest lastIndex). It is replicated state: every change travels in the same engine
// batch as the data, so sessionsMax must be the same on every replica of a group.
//
// A retry that arrives after its session was evicted applies again: size sessionsMax well above the
// number of clients that can have a write in flight at once.
import type { KvResult, SessionTag } from './commands.ts';
import type { SessionRecord } from './engine.ts';
import { compareSessions } from './snapshot-codec.ts';
import type { WriteSet } from './write-set.ts';
import { assert } from '../types.ts';

export type SessionCheck =
  /** First time this seq is seen (or no session tracking): apply it. */
  | { readonly kind: 'apply' }
  /** A retry of the last applied write: answer its result again, change nothing. */
  | { readonly kind: 'duplicate'; readonly result: KvResult }
  /** Older than the last applied write: its result is gone; change nothing. */
  | { readonly kind: 'stale'; readonly result: KvResult };

/** The client id that opts out of session tracking (internal writes such as purgeExpired). */
export const noSessionClientId = '';

export class SessionTable {
  /** Insertion order = order of last application, so the first entry is the one to evict. */
  private readonly byClient = new Map<string, SessionRecord>();

  constructor(readonly sessionsMax: number) {
    assert(Number.isSafeInteger(sessionsMax) && sessionsMax >= 1, () => `sessionsMax ${sessionsMax} must be a positive integer`);
  }

  get size(): number {
    return this.byClient.size;
  }

  get(clientId: string): SessionRecord | undefined {
    return this.byClient.get(clientId);
  }

  /** Replaces the table with stored sessions (on open and after a snapshot is installed). */
  load(sessions: readonly SessionRecord[]): void {
    this.byClient.clear();
    for (const s of [...sessions].sort(compareSessions)) this.byClient.set(s.clientId, s);
  }

  check(tag: SessionTag): SessionCheck {
    if (tag.clientId === noSessionClientId) return { kind: 'apply' };
    const session = this.byClient.get(tag.clientId);
    if (session === undefined || tag.seq > session.lastSeq) return { kind: 'apply' };
    if (tag.seq === session.lastSeq) return { kind: 'duplicate', result: session.lastResult };
    const message = `ERR stale session seq ${tag.seq}: seq ${session.lastSeq} of this client was already applied`;
    return { kind: 'stale', result: { kind: 'error', message } };
  }

  /** Records that `tag` was applied at `index` with `result`, evicting the least recently applied session if full. */
  record(tag: SessionTag, index: number, result: KvResult, writes: WriteSet): void {
    if (tag.clientId === noSessionClientId) return;
    const session: SessionRecord = { clientId: tag.clientId, lastSeq: tag.seq, lastIndex: index, lastResult: result };
    this.byClient.delete(tag.clientId);
    this.byClient.set(tag.clientId, session);
    writes.putSession(session);
    while (this.byClient.size > this.sessionsMax) {
      const oldest = this.byClient.keys().next().value as string;
      this.byClient.delete(oldest);
      writes.deleteSession(oldest);
    }
  }
}
