// The shape of the log as the WAL records describe it: which indexes exist and their terms, with the
// same conflict-truncation and snapshot rules at write time (the writer) and at replay (recovery),
// so both always agree on what the log is. Replay also keeps the entries themselves.
import type { Entry } from '../raft/types.ts';
import { assert } from '../types.ts';
import type { SnapshotId } from './wal-records.ts';

export class LogShape {
  private terms: number[] = [];
  private readonly entries: Entry[] | undefined;

  /**
   * @param startIndex index of the first entry the shape can hold
   * @param baseTerm term of the entry at startIndex - 1 (0 if none)
   */
  constructor(
    private startIndex: number,
    private baseTerm: number,
    keepEntries: boolean,
  ) {
    assert(Number.isSafeInteger(startIndex) && startIndex >= 1, () => `LogShape: startIndex ${startIndex} must be >= 1`);
    this.entries = keepEntries ? [] : undefined;
  }

  firstIndex(): number {
    return this.startIndex;
  }

  lastIndex(): number {
    return this.startIndex - 1 + this.terms.length;
  }

  /** Term at `index`, for startIndex - 1 <= index <= lastIndex; undefined outside. */
  termAt(index: number): number | undefined {
    if (index === this.startIndex - 1) return this.baseTerm;
    if (index < this.startIndex || index > this.lastIndex()) return undefined;
    return this.terms[index - this.startIndex];
  }

  /**
   * Appends `entry`; an index at or below the last one replaces the log from there (Raft's conflict
   * truncation). Returns a reason if the entry cannot follow the log (a gap, or before its start).
   */
  append(entry: Entry): string | undefined {
    const index = entry.index;
    if (index > this.lastIndex() + 1) return `entry ${index} leaves a gap after the last index ${this.lastIndex()}`;
    if (index < this.startIndex) return `entry ${index} would replace entries before the log's first index ${this.startIndex}`;
    const keep = index - this.startIndex;
    this.terms.length = keep;
    this.terms.push(entry.term);
    if (this.entries !== undefined) {
      this.entries.length = keep;
      this.entries.push(entry);
    }
    return undefined;
  }

  /**
   * A snapshot became the log's base. If the log holds the snapshot's last entry (same index and
   * term) the snapshot only covers a prefix and the log is unchanged (local compaction); otherwise
   * the snapshot replaces the whole log (a snapshot installed from the leader). A snapshot older than
   * the log's start changes nothing.
   */
  applySnapshot(snapshot: SnapshotId): 'older' | 'prefix' | 'replaced' {
    if (snapshot.index < this.startIndex - 1) return 'older';
    if (this.termAt(snapshot.index) === snapshot.term) return 'prefix';
    this.startIndex = snapshot.index + 1;
    this.baseTerm = snapshot.term;
    this.terms = [];
    if (this.entries !== undefined) this.entries.length = 0;
    return 'replaced';
  }

  /** Forgets entries up to `index` (they are in a durable snapshot); keeps the term at `index`. */
  compactTo(index: number): void {
    if (index < this.startIndex) return;
    const through = Math.min(index, this.lastIndex());
    const baseTerm = this.termAt(through);
    assert(baseTerm !== undefined, () => `LogShape.compactTo(${index}): no term at ${through}`);
    const drop = through - this.startIndex + 1;
    this.terms = this.terms.slice(drop);
    this.entries?.splice(0, drop);
    this.startIndex = through + 1;
    this.baseTerm = baseTerm;
  }

  /** A copy of this shape that tracks terms only (the writer's, built from replay's). */
  termsOnly(): LogShape {
    const copy = new LogShape(this.startIndex, this.baseTerm, false);
    copy.terms = this.terms.slice();
    return copy;
  }

  /** The kept entries with index > `index` (replay only). */
  entriesAfter(index: number): Entry[] {
    assert(this.entries !== undefined, 'LogShape.entriesAfter: this shape does not keep entries');
    return this.entries.slice(Math.max(0, index + 1 - this.startIndex));
  }
}
