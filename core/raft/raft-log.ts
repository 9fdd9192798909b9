// The node's view of the Raft log: what the host has persisted (storage) followed by what it has not
// yet (unstable), plus the commit and apply cursors. Invariant: applied <= applying <= committed <=
// lastIndex, and committed never goes backwards.
import { assert } from '../types.ts';
import type { LogIndex, Term } from '../types.ts';
import { ENTRY_OVERHEAD_BYTES, countWithinBytes } from './entries.ts';
import { UnstableLog } from './log-unstable.ts';
import type { RaftLogStorage } from './storage.ts';
import type { Entry, Snapshot } from './types.ts';

/** Bound on the entries one findConflictByTerm scan may step over (it walks back one term at a time). */
const CONFLICT_SCAN_ENTRIES_MAX = 1_000_000;

export class RaftLog {
  readonly unstable: UnstableLog;
  committed: number;
  /** Highest index handed to the host for applying (in a Ready not yet advanced, or applied). */
  applying: number;
  applied: number;
  /** Called with the last kept index when an append cuts off conflicting entries (for the trace). */
  onTruncate: ((keptLastIndex: number) => void) | undefined = undefined;

  constructor(readonly storage: RaftLogStorage, private readonly applyingBytesMax: number) {
    const first = storage.firstIndex();
    this.unstable = new UnstableLog(storage.lastIndex() + 1);
    this.committed = first - 1;
    this.applying = first - 1;
    this.applied = first - 1;
  }

  firstIndex(): number {
    return this.unstable.maybeFirstIndex() ?? this.storage.firstIndex();
  }

  lastIndex(): number {
    return this.unstable.maybeLastIndex() ?? this.storage.lastIndex();
  }

  /** The last index the host has acknowledged as durable (entries after it are unstable). */
  lastStableIndex(): number {
    return this.unstable.snapshot ? this.unstable.snapshot.metadata.index - 1 : this.unstable.offset - 1;
  }

  /** Term of the entry at `index`; undefined when compacted (below firstIndex - 1) or beyond the log. */
  term(index: number): Term | undefined {
    const fromUnstable = this.unstable.maybeTerm(index);
    if (fromUnstable !== undefined) return fromUnstable;
    if (index >= this.unstable.offset || this.unstable.snapshot) return undefined;
    if (index < this.storage.firstIndex() - 1 || index > this.storage.lastIndex()) return undefined;
    return this.storage.term(index as LogIndex);
  }

  lastTerm(): Term {
    const t = this.term(this.lastIndex());
    assert(t !== undefined, () => `no term for the last index ${this.lastIndex()}`);
    return t;
  }

  matchTerm(index: number, entryTerm: number): boolean {
    return this.term(index) === entryTerm;
  }

  /** Paper 5.4.1: a log with (lastIndex, lastTerm) is at least as up-to-date as ours. */
  isUpToDate(lastIndex: number, lastTerm: number): boolean {
    const ours = this.lastTerm();
    return lastTerm > ours || (lastTerm === ours && lastIndex >= this.lastIndex());
  }

  /** Index of the first entry of `ents` that is missing or has another term here; 0 when all match. */
  findConflict(ents: readonly Entry[]): number {
    for (let i = 0; i < ents.length; i++) {
      if (!this.matchTerm(ents[i].index, ents[i].term)) return ents[i].index;
    }
    return 0;
  }

  /**
   * The largest index <= `index` whose term is <= `entryTerm`, with that term: where a leader with a
   * log ending in `entryTerm` at `index` can next probe (skips whole terms at a time).
   */
  findConflictByTerm(index: number, entryTerm: number): [number, number] {
    const floor = Math.max(this.firstIndex() - 1, index - CONFLICT_SCAN_ENTRIES_MAX);
    for (let i = index; i >= floor; i--) {
      const t = this.term(i);
      if (t === undefined) return [i, 0];
      if (t <= entryTerm) return [i, t];
    }
    return [floor, 0];
  }

  /**
   * Follower side of AppendEntries: if our entry at `index` has `logTerm`, append `ents` (keeping
   * matching entries, truncating from the first conflict) and return the last new index.
   */
  maybeAppend(index: number, logTerm: number, leaderCommit: number, ents: readonly Entry[], truncateAlways: boolean): number | undefined {
    if (!this.matchTerm(index, logTerm)) return undefined;
    const lastNew = index + ents.length;
    if (truncateAlways && ents.length > 0) {
      this.append(ents); // bug zoo: followerTruncatesWithoutConflict
    } else {
      const conflict = this.findConflict(ents);
      if (conflict !== 0) {
        assert(conflict > this.committed, () => `entry ${conflict} conflicts with the committed prefix (commit ${this.committed})`);
        this.append(ents.slice(conflict - (index + 1)));
      }
    }
    this.commitTo(Math.min(leaderCommit, lastNew));
    return lastNew;
  }

  /** Appends (truncating from ents[0].index); returns whether something was truncated. */
  append(ents: readonly Entry[]): boolean {
    if (ents.length === 0) return false;
    const after = ents[0].index - 1;
    assert(after >= this.committed, () => `append after ${after} would truncate committed entries (commit ${this.committed})`);
    const truncated = after < this.lastIndex();
    this.unstable.truncateAndAppend(ents);
    if (truncated) this.onTruncate?.(after);
    return truncated;
  }

  commitTo(index: number): boolean {
    if (index <= this.committed) return false;
    assert(index <= this.lastIndex(), () => `commit ${index} is beyond the last index ${this.lastIndex()} (log lost or truncated?)`);
    this.committed = index;
    return true;
  }

  appliedTo(index: number): void {
    if (index === 0) return;
    assert(index <= this.committed && index >= this.applied, () => `applied ${index} outside [${this.applied}, ${this.committed}]`);
    this.applied = index;
    if (this.applying < index) this.applying = index;
  }

  /** Entries from `lo` on, at most `maxBytes` (at least one); undefined when `lo` is compacted. */
  entriesFrom(lo: number, maxBytes: number): Entry[] | undefined {
    const last = this.lastIndex();
    if (lo > last) return [];
    return this.slice(lo, last + 1, maxBytes);
  }

  /** Entries [lo, hi) within `maxBytes` (at least one); undefined when `lo` is compacted. */
  slice(lo: number, hi: number, maxBytes: number): Entry[] | undefined {
    assert(lo <= hi && hi <= this.lastIndex() + 1, () => `slice(${lo}, ${hi}) beyond the last index ${this.lastIndex()}`);
    if (lo < this.firstIndex()) return undefined;
    if (lo === hi) return [];
    const offset = this.unstable.offset;
    if (lo >= offset) {
      const from = lo - offset;
      return this.unstable.entries.slice(from, from + countWithinBytes(this.unstable.entries, from, hi - offset, maxBytes));
    }
    const storedHi = Math.min(hi, offset);
    const stored = this.storage.entries(lo as LogIndex, storedHi as LogIndex, maxBytes);
    const result = stored.slice();
    if (stored.length < storedHi - lo || hi <= offset) return result;
    let used = 0;
    for (let i = 0; i < result.length; i++) used += result[i].data.byteLength + ENTRY_OVERHEAD_BYTES;
    const fresh = this.unstable.entries;
    for (let i = 0; offset + i < hi; i++) {
      used += fresh[i].data.byteLength + ENTRY_OVERHEAD_BYTES;
      if (used > maxBytes) break;
      result.push(fresh[i]);
    }
    return result;
  }

  hasNextCommittedEntries(): boolean {
    if (this.unstable.snapshot) return false; // the snapshot must be applied first
    return this.applying < this.committed && this.committed >= this.firstIndex();
  }

  /** Committed entries not yet handed out for applying (bounded by applyingBytesMax, at least one). */
  nextCommittedEntries(): Entry[] {
    if (!this.hasNextCommittedEntries()) return [];
    const lo = Math.max(this.applying + 1, this.firstIndex());
    return this.slice(lo, this.committed + 1, this.applyingBytesMax) ?? [];
  }

  acceptApplying(index: number): void {
    assert(index <= this.committed, () => `applying ${index} beyond commit ${this.committed}`);
    if (index > this.applying) this.applying = index;
  }

  /** Follower: replace the log with `snapshot` (the caller checked it is newer than our commit). */
  restore(snapshot: Snapshot): void {
    const index = snapshot.metadata.index;
    assert(index > this.committed, () => `restoring snapshot ${index} at or below commit ${this.committed}`);
    this.committed = index;
    this.unstable.restore(snapshot);
  }

  /** The host applied the snapshot it persisted. */
  appliedSnapshot(index: number): void {
    if (index > this.applied) this.applied = index;
    if (index > this.applying) this.applying = index;
  }

  snapshot(): Snapshot {
    return this.unstable.snapshot ?? this.storage.snapshot();
  }

  hasPendingSnapshot(): boolean {
    return this.unstable.snapshot !== undefined;
  }
}
