// An in-memory RaftLogStorage: the host's mirror of what its WAL holds. The host calls the mutators
// (append, setHardState, applySnapshot, ...) after the data is durable; on restart it rebuilds one from
// the WAL. Entry 0 of `ents` is a dummy carrying the index and term of the last compacted entry (the
// snapshot's), so term(firstIndex - 1) can be answered.
import { KvlabError, NONE, assert, logIndex, term } from '../types.ts';
import type { LogIndex, NodeId, Term } from '../types.ts';
import { ENTRY_OVERHEAD_BYTES } from './entries.ts';
import type { InitialState, RaftLogStorage } from './storage.ts';
import type { ConfState, Entry, HardState, Snapshot } from './types.ts';

const NO_DATA = new Uint8Array(0);

export const EMPTY_CONF_STATE: ConfState = Object.freeze({
  voters: [],
  learners: [],
  votersOutgoing: [],
  learnersNext: [],
  autoLeave: false,
});

function dummyEntry(index: LogIndex, entryTerm: Term): Entry {
  return { term: entryTerm, index, type: 'normal', data: NO_DATA };
}

/**
 * The snapshot that starts a new group: index 1, term 1, the given members, empty state machine data.
 * Every founding member persists it (with BOOTSTRAP_HARD_STATE) before creating its RawNode; a node
 * that joins later starts empty and receives a snapshot from the leader, which carries the configuration.
 */
export function bootstrapSnapshot(voters: readonly NodeId[], learners: readonly NodeId[] = []): Snapshot {
  assert(voters.length > 0, 'bootstrapSnapshot: a group needs at least one voter');
  return {
    metadata: {
      index: logIndex(1),
      term: term(1),
      confState: { voters: [...voters], learners: [...learners], votersOutgoing: [], learnersNext: [], autoLeave: false },
    },
    data: NO_DATA,
  };
}

/** The hard state persisted with bootstrapSnapshot(): term 1 (the snapshot's), no vote, index 1 committed. */
export const BOOTSTRAP_HARD_STATE: HardState = Object.freeze({ term: term(1), vote: NONE, commit: logIndex(1) });

export class MemoryStorage implements RaftLogStorage {
  private hardState: HardState = { term: term(0), vote: NONE, commit: logIndex(0) };
  private snap: Snapshot = { metadata: { index: logIndex(0), term: term(0), confState: EMPTY_CONF_STATE }, data: NO_DATA };
  private confState: ConfState = EMPTY_CONF_STATE;
  private ents: Entry[] = [dummyEntry(logIndex(0), term(0))];

  initialState(): InitialState {
    return { hardState: this.hardState, confState: this.confState };
  }

  /**
   * Counts the times entries already stored were discarded or replaced (a conflicting append, a
   * snapshot install). While it stands still, the term at every index once stored is unchanged
   * (appends only extend the log, compaction only drops its front): checkers may skip what they saw.
   */
  rewrites = 0;

  firstIndex(): LogIndex {
    return logIndex(this.ents[0].index + 1);
  }

  lastIndex(): LogIndex {
    return logIndex(this.ents[0].index + this.ents.length - 1);
  }

  term(index: LogIndex): Term {
    const offset = this.ents[0].index;
    if (index < offset) throw new KvlabError('logCompacted', `storage.term(${index}): compacted up to ${offset}`);
    if (index - offset >= this.ents.length) {
      throw new KvlabError('logUnavailable', `storage.term(${index}): last index is ${this.lastIndex()}`);
    }
    return this.ents[index - offset].term;
  }

  entries(lo: LogIndex, hi: LogIndex, maxBytes: number): readonly Entry[] {
    const offset = this.ents[0].index;
    if (lo <= offset) throw new KvlabError('logCompacted', `storage.entries(${lo}): compacted up to ${offset}`);
    if (hi > this.lastIndex() + 1) {
      throw new KvlabError('logUnavailable', `storage.entries(${lo}, ${hi}): last index is ${this.lastIndex()}`);
    }
    const from = lo - offset;
    const to = hi - offset;
    let total = 0;
    let end = from;
    while (end < to) {
      total += this.ents[end].data.byteLength + ENTRY_OVERHEAD_BYTES;
      if (total > maxBytes && end > from) break;
      end++;
    }
    return this.ents.slice(from, end);
  }

  snapshot(): Snapshot {
    return this.snap;
  }

  hardStateNow(): HardState {
    return this.hardState;
  }

  setHardState(hardState: HardState): void {
    this.hardState = hardState;
  }

  /** Records the configuration in force at the host's applied index (for initialState on restart). */
  setConfState(confState: ConfState): void {
    this.confState = confState;
  }

  /** Replaces the whole log with `snapshot` (a follower installing what the leader sent, or a restart). */
  applySnapshot(snapshot: Snapshot): void {
    const { index, term: snapTerm, confState } = snapshot.metadata;
    if (index <= this.snap.metadata.index && this.snap.metadata.index > 0) {
      throw new KvlabError('snapshotOutOfDate', `applySnapshot(${index}): storage already has snapshot ${this.snap.metadata.index}`);
    }
    this.snap = snapshot;
    this.confState = confState;
    this.ents = [dummyEntry(index, snapTerm)];
    this.rewrites++;
  }

  /**
   * Records a snapshot of the state machine at `index` (<= the applied index) with the configuration
   * in force there. Does not compact: call compact() for that.
   */
  createSnapshot(index: LogIndex, confState: ConfState, data: Uint8Array): Snapshot {
    if (index <= this.snap.metadata.index) {
      throw new KvlabError('snapshotOutOfDate', `createSnapshot(${index}): storage already has snapshot ${this.snap.metadata.index}`);
    }
    assert(index <= this.lastIndex(), () => `createSnapshot(${index}) is beyond the last index ${this.lastIndex()}`);
    this.snap = { metadata: { index, term: this.term(index), confState }, data };
    return this.snap;
  }

  /** Discards entries up to and including `index`, which must not be beyond the latest snapshot. */
  compact(index: LogIndex): void {
    const offset = this.ents[0].index;
    if (index <= offset) throw new KvlabError('logCompacted', `compact(${index}): already compacted up to ${offset}`);
    assert(index <= this.snap.metadata.index, () => `compact(${index}) beyond the latest snapshot ${this.snap.metadata.index}`);
    const kept = this.ents.slice(index - offset);
    kept[0] = dummyEntry(index, kept[0].term);
    this.ents = kept;
  }

  /** Appends entries, first discarding any existing entries from entries[0].index on (a conflict). */
  append(entries: readonly Entry[]): void {
    if (entries.length === 0) return;
    const first = this.firstIndex();
    const last = entries[0].index + entries.length - 1;
    if (last < first) return; // all already compacted
    const skip = first > entries[0].index ? first - entries[0].index : 0;
    const at = entries[skip].index - this.ents[0].index;
    assert(at <= this.ents.length, () => `append: missing log entries, last index ${this.lastIndex()}, appending at ${entries[skip].index}`);
    if (at < this.ents.length) {
      this.ents.length = at;
      this.rewrites++;
    }
    for (let i = skip; i < entries.length; i++) this.ents.push(entries[i]);
  }
}
