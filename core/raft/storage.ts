// What the Raft core reads of the durable log. The host owns durability: it persists each Ready into
// its WAL and mirrors it into a RaftLogStorage (MemoryStorage), which the core only reads. The core
// never asks for an index outside [firstIndex() - 1, lastIndex()] (term) or [firstIndex(), lastIndex()]
// (entries): it checks the bounds first, so implementations may treat such calls as bugs.
import type { LogIndex, Term } from '../types.ts';
import type { ConfState, Entry, HardState, Snapshot } from './types.ts';

export interface InitialState {
  readonly hardState: HardState;
  /** The configuration as of the applied index the host passes in RaftConfig.applied. */
  readonly confState: ConfState;
}

export interface RaftLogStorage {
  initialState(): InitialState;
  /**
   * Entries [lo, hi), cut after `maxBytes` (payload + per-entry overhead) but never empty when lo < hi.
   * The caller must not mutate the returned array.
   */
  entries(lo: LogIndex, hi: LogIndex, maxBytes: number): readonly Entry[];
  /** Term of the entry at `index`, for firstIndex() - 1 <= index <= lastIndex() (the first is the snapshot's). */
  term(index: LogIndex): Term;
  /** Index of the first entry still in the log (snapshot index + 1). */
  firstIndex(): LogIndex;
  lastIndex(): LogIndex;
  /** The most recent snapshot; the leader sends it to followers that need compacted entries. */
  snapshot(): Snapshot;
}
