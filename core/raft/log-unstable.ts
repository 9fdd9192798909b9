// The tail of the log that the host has not yet acknowledged as persisted: an incoming snapshot and/or
// entries from `offset` on. Entries before `offsetInProgress` (and the snapshot when
// `snapshotInProgress`) were handed out in a Ready that is not advanced yet.
import { assert } from '../types.ts';
import type { LogIndex, Term } from '../types.ts';
import type { Entry, Snapshot } from './types.ts';

export class UnstableLog {
  snapshot: Snapshot | undefined = undefined;
  entries: Entry[] = [];
  offset: number;
  offsetInProgress: number;
  snapshotInProgress = false;

  constructor(offset: number) {
    this.offset = offset;
    this.offsetInProgress = offset;
  }

  maybeFirstIndex(): number | undefined {
    return this.snapshot ? this.snapshot.metadata.index + 1 : undefined;
  }

  maybeLastIndex(): number | undefined {
    if (this.entries.length > 0) return this.offset + this.entries.length - 1;
    return this.snapshot ? this.snapshot.metadata.index : undefined;
  }

  maybeTerm(index: number): Term | undefined {
    if (index < this.offset) {
      const snap = this.snapshot;
      return snap && snap.metadata.index === index ? snap.metadata.term : undefined;
    }
    const at = index - this.offset;
    return at < this.entries.length ? this.entries[at].term : undefined;
  }

  /** Entries not yet handed out in a Ready. */
  nextEntries(): Entry[] {
    const from = this.offsetInProgress - this.offset;
    return from >= this.entries.length ? [] : this.entries.slice(from);
  }

  hasNextEntries(): boolean {
    return this.offsetInProgress - this.offset < this.entries.length;
  }

  nextSnapshot(): Snapshot | undefined {
    return this.snapshot && !this.snapshotInProgress ? this.snapshot : undefined;
  }

  /** Marks everything currently unstable as handed out (in the Ready being built). */
  acceptInProgress(): void {
    if (this.entries.length > 0) this.offsetInProgress = this.offset + this.entries.length;
    if (this.snapshot) this.snapshotInProgress = true;
  }

  /** The host persisted entries up to (index, entryTerm): drop them from here. */
  stableTo(index: LogIndex, entryTerm: Term): void {
    const known = this.maybeTerm(index);
    // The entry was replaced (a conflict truncated it) or it is the snapshot's: nothing to drop.
    if (known === undefined || index < this.offset || known !== entryTerm) return;
    this.entries = this.entries.slice(index + 1 - this.offset);
    this.offset = index + 1;
    this.offsetInProgress = Math.max(this.offsetInProgress, this.offset);
  }

  stableSnapTo(index: LogIndex): void {
    if (this.snapshot && this.snapshot.metadata.index === index) {
      this.snapshot = undefined;
      this.snapshotInProgress = false;
    }
  }

  restore(snapshot: Snapshot): void {
    this.offset = snapshot.metadata.index + 1;
    this.offsetInProgress = this.offset;
    this.entries = [];
    this.snapshot = snapshot;
    this.snapshotInProgress = false;
  }

  /** Appends `ents`, first truncating anything from ents[0].index on. */
  truncateAndAppend(ents: readonly Entry[]): void {
    const from = ents[0].index;
    const end = this.offset + this.entries.length;
    if (from === end) {
      for (let i = 0; i < ents.length; i++) this.entries.push(ents[i]);
      return;
    }
    if (from <= this.offset) {
      // Replaces the whole unstable tail; earlier stable entries from `from` on are overwritten too.
      this.offset = from;
      this.offsetInProgress = from;
      this.entries = ents.slice();
      return;
    }
    assert(from < end, () => `unstable append at ${from} leaves a gap after ${end - 1}`);
    this.entries.length = from - this.offset;
    for (let i = 0; i < ents.length; i++) this.entries.push(ents[i]);
    this.offsetInProgress = Math.min(this.offsetInProgress, from);
  }

  slice(lo: number, hi: number): Entry[] {
    assert(lo >= this.offset && hi <= this.offset + this.entries.length && lo <= hi, () => `unstable.slice(${lo}, ${hi}) out of [${this.offset}, ${this.offset + this.entries.length}]`);
    return this.entries.slice(lo - this.offset, hi - this.offset);
  }
}
