// The Raft log's cursors and reads at their edges (truncated stable tails, compaction, pending
// snapshots, byte budgets), and the unstable tail on its own: cases mutation testing found untested.
import { describe, expect, it } from 'vitest';
import { UnstableLog } from '../../core/raft/log-unstable.ts';
import { EMPTY_CONF_STATE, MemoryStorage } from '../../core/raft/memory-storage.ts';
import { RaftLog } from '../../core/raft/raft-log.ts';
import type { RaftLogStorage } from '../../core/raft/storage.ts';
import type { Entry, Snapshot } from '../../core/raft/types.ts';
import { AssertionFailure, logIndex, term } from '../../core/types.ts';
import type { LogIndex } from '../../core/types.ts';

const e = (index: number, t: number, data = ''): Entry => ({ index: logIndex(index), term: term(t), type: 'normal', data: new TextEncoder().encode(data) });
const terms = (ents: readonly Entry[] | undefined) => (ents ?? []).map((x) => `${x.index}@${x.term}`);
const snap = (index: number, t: number): Snapshot => ({ metadata: { index: logIndex(index), term: term(t), confState: EMPTY_CONF_STATE }, data: new Uint8Array() });

function storageWith(...ents: Entry[]): MemoryStorage {
  const s = new MemoryStorage();
  s.append(ents);
  return s;
}

/** Storage 1..3 of term 1 compacted up to 3 (snapshot term 2 at 3), then 4..5 of term 3. */
function compactedLog(): RaftLog {
  const s = storageWith(e(1, 1), e(2, 1), e(3, 2), e(4, 3), e(5, 3));
  s.createSnapshot(logIndex(3), EMPTY_CONF_STATE, new Uint8Array());
  s.compact(logIndex(3));
  return new RaftLog(s, Infinity);
}

/** A storage that hands out frozen arrays: the log must copy before adding unstable entries. */
class FrozenEntriesStorage extends MemoryStorage {
  override entries(lo: LogIndex, hi: LogIndex, maxBytes: number): readonly Entry[] {
    return Object.freeze(super.entries(lo, hi, maxBytes).slice());
  }
}

describe('raft log terms and conflicts', () => {
  it('forgets the terms of a stable tail that a conflicting append truncated', () => {
    const log = new RaftLog(storageWith(e(1, 1), e(2, 1), e(3, 1)), Infinity);
    log.append([e(2, 2)]);
    expect(log.lastIndex()).toBe(2);
    expect(log.term(2)).toBe(2);
    expect(log.term(3)).toBeUndefined();
    expect(log.lastStableIndex()).toBe(1);
  });

  it('answers the compacted boundary with the snapshot term, and nothing below it', () => {
    const log = compactedLog();
    expect(log.firstIndex()).toBe(4);
    expect(log.term(3)).toBe(2);
    expect(log.term(2)).toBeUndefined();
    expect(log.term(6)).toBeUndefined();
  });

  it('findConflictByTerm stops at the compacted boundary, using its term when it is low enough', () => {
    const log = compactedLog();
    expect(log.findConflictByTerm(5, 2)).toEqual([3, 2]);
    expect(log.findConflictByTerm(5, 1)).toEqual([3, 0]);
    expect(log.findConflictByTerm(5, 3)).toEqual([5, 3]);
  });

  it('findConflictByTerm answers an index beyond the log with itself and term 0', () => {
    const log = new RaftLog(storageWith(e(1, 1), e(2, 2)), Infinity);
    expect(log.findConflictByTerm(9, 5)).toEqual([9, 0]);
  });

  it('maybeAppend rewrites only from the first conflict, keeping the matching entries stable', () => {
    const log = new RaftLog(storageWith(e(1, 1), e(2, 1), e(3, 1)), Infinity);
    const truncatedAfter: number[] = [];
    log.onTruncate = (kept) => truncatedAfter.push(kept);
    expect(log.maybeAppend(1, 1, 0, [e(2, 1), e(3, 2), e(4, 2)], false)).toBe(4);
    expect(terms(log.unstable.entries)).toEqual(['3@2', '4@2']);
    expect(log.lastStableIndex()).toBe(2);
    expect(truncatedAfter).toEqual([2]);
  });

  it('an append that only extends the log reports no truncation', () => {
    const log = new RaftLog(storageWith(e(1, 1)), Infinity);
    const truncatedAfter: number[] = [];
    log.onTruncate = (kept) => truncatedAfter.push(kept);
    expect(log.append([e(2, 1)])).toBe(false);
    expect(log.append([])).toBe(false);
    expect(log.lastIndex()).toBe(2);
    expect(truncatedAfter).toEqual([]);
  });

  it('append refuses to cut into the committed prefix', () => {
    const log = new RaftLog(storageWith(e(1, 1), e(2, 1), e(3, 1)), Infinity);
    log.commitTo(2);
    expect(() => log.append([e(2, 2)])).toThrow(AssertionFailure);
    expect(log.append([e(3, 2)])).toBe(true); // just after the commit is allowed
  });
});

describe('raft log cursors', () => {
  it('commitTo answers whether the commit moved', () => {
    const log = new RaftLog(storageWith(e(1, 1), e(2, 1)), Infinity);
    expect(log.commitTo(2)).toBe(true);
    expect(log.commitTo(2)).toBe(false);
    expect(log.committed).toBe(2);
  });

  it('appliedTo stays within [applied, committed], ignores 0, and never lowers applying', () => {
    const log = new RaftLog(storageWith(e(1, 1), e(2, 1), e(3, 1)), Infinity);
    log.commitTo(3);
    log.acceptApplying(3);
    log.appliedTo(2);
    expect([log.applied, log.applying]).toEqual([2, 3]);
    log.appliedTo(0);
    expect(log.applied).toBe(2);
    expect(() => log.appliedTo(1)).toThrow(AssertionFailure); // below applied
    expect(() => log.appliedTo(4)).toThrow(AssertionFailure); // beyond the commit
    log.appliedTo(3);
    expect([log.applied, log.applying]).toEqual([3, 3]);
  });

  it('acceptApplying never goes beyond the commit nor backwards', () => {
    const log = new RaftLog(storageWith(e(1, 1), e(2, 1), e(3, 1)), Infinity);
    log.commitTo(2);
    expect(() => log.acceptApplying(3)).toThrow(AssertionFailure);
    log.acceptApplying(2);
    log.acceptApplying(1);
    expect(log.applying).toBe(2);
  });

  it('restore needs a snapshot above the commit, and a pending snapshot is stable only below it', () => {
    const log = new RaftLog(storageWith(e(1, 1), e(2, 1), e(3, 1)), Infinity);
    log.commitTo(3);
    expect(log.hasPendingSnapshot()).toBe(false);
    expect(() => log.restore(snap(3, 1))).toThrow(AssertionFailure);
    log.restore(snap(10, 4));
    expect(log.hasPendingSnapshot()).toBe(true);
    expect(log.lastStableIndex()).toBe(9);
    expect(log.snapshot().metadata.index).toBe(10);
  });

  it('appliedSnapshot raises applied and applying, never lowers them', () => {
    const log = new RaftLog(storageWith(e(1, 1), e(2, 1), e(3, 1)), Infinity);
    log.commitTo(3);
    log.acceptApplying(3);
    log.appliedTo(2);
    log.appliedSnapshot(1);
    expect([log.applied, log.applying]).toEqual([2, 3]);
    log.restore(snap(10, 4));
    log.appliedSnapshot(10);
    expect([log.applied, log.applying]).toEqual([10, 10]);
  });

  it('hands out no entries committed after a pending snapshot until the snapshot is applied', () => {
    const storage = storageWith(e(1, 1));
    const log = new RaftLog(storage, Infinity);
    log.restore(snap(10, 4));
    log.append([e(11, 4), e(12, 4)]);
    log.commitTo(12);
    expect(log.hasNextCommittedEntries()).toBe(false);
    expect(log.nextCommittedEntries()).toEqual([]);
    // The host persisted the snapshot but did not report it applied yet: still nothing to apply.
    storage.applySnapshot(snap(10, 4));
    log.unstable.stableSnapTo(logIndex(10));
    expect(log.hasPendingSnapshot()).toBe(false);
    log.appliedSnapshot(10);
    expect(terms(log.nextCommittedEntries())).toEqual(['11@4', '12@4']);
  });

  it('a persisted snapshot not yet reported applied leaves nothing to apply', () => {
    const storage = storageWith(e(1, 1));
    const log = new RaftLog(storage, Infinity);
    log.restore(snap(10, 4));
    storage.applySnapshot(snap(10, 4));
    log.unstable.stableSnapTo(logIndex(10));
    expect(log.hasNextCommittedEntries()).toBe(false);
  });
});

describe('raft log reads', () => {
  it('entriesFrom past the end is empty; slice of an empty range is empty', () => {
    const log = new RaftLog(storageWith(e(1, 1), e(2, 1)), Infinity);
    log.append([e(3, 1)]);
    expect(log.entriesFrom(4, Infinity)).toEqual([]);
    expect(log.entriesFrom(9, Infinity)).toEqual([]);
    expect(log.slice(2, 2, Infinity)).toEqual([]);
    expect(log.slice(3, 3, Infinity)).toEqual([]);
    expect(terms(log.entriesFrom(2, Infinity))).toEqual(['2@1', '3@1']);
  });

  it('slice refuses reversed ranges and ranges beyond the last index', () => {
    const log = new RaftLog(storageWith(e(1, 1), e(2, 1)), Infinity);
    expect(() => log.slice(2, 1, Infinity)).toThrow(AssertionFailure);
    expect(() => log.slice(1, 4, Infinity)).toThrow(AssertionFailure);
    expect(terms(log.slice(1, 3, Infinity))).toEqual(['1@1', '2@1']);
  });

  it('slice answers undefined below the first index (compacted)', () => {
    const log = compactedLog();
    expect(log.slice(3, 5, Infinity)).toBeUndefined();
    expect(log.entriesFrom(2, Infinity)).toBeUndefined();
    expect(terms(log.slice(4, 6, Infinity))).toEqual(['4@3', '5@3']);
  });

  it('stops at the storage when the budget ran out there, leaving no gap before the unstable tail', () => {
    const log = new RaftLog(storageWith(e(1, 1, 'x'.repeat(100)), e(2, 1, 'y'.repeat(100))), Infinity);
    log.append([e(3, 1)]);
    expect(terms(log.slice(1, 4, 150))).toEqual(['1@1']);
  });

  it('fills the budget exactly across storage and the unstable tail', () => {
    const log = new RaftLog(storageWith(e(1, 1, 'aaaa'), e(2, 1, 'bbbb')), Infinity);
    log.append([e(3, 1, 'cccc'), e(4, 1, 'dddd')]);
    expect(terms(log.slice(1, 5, 60))).toEqual(['1@1', '2@1', '3@1']); // 3 x (4 + 16) = 60
    expect(terms(log.slice(1, 5, 59))).toEqual(['1@1', '2@1']);
  });

  it('never writes into the array the storage handed out', () => {
    const storage: RaftLogStorage = new FrozenEntriesStorage();
    (storage as MemoryStorage).append([e(1, 1), e(2, 1)]);
    const log = new RaftLog(storage, Infinity);
    log.append([e(3, 1)]);
    expect(terms(log.slice(1, 4, Infinity))).toEqual(['1@1', '2@1', '3@1']);
  });
});

describe('unstable log, beyond the tables', () => {
  it('knows its last index from entries, else from a snapshot, else not at all', () => {
    const u = new UnstableLog(5);
    expect(u.maybeLastIndex()).toBeUndefined();
    u.restore(snap(10, 3));
    expect(u.maybeLastIndex()).toBe(10);
    u.truncateAndAppend([e(11, 3)]);
    expect(u.maybeLastIndex()).toBe(11);
  });

  it('has next entries exactly until they are accepted', () => {
    const u = new UnstableLog(5);
    expect(u.hasNextEntries()).toBe(false);
    u.truncateAndAppend([e(5, 1)]);
    expect(u.hasNextEntries()).toBe(true);
    u.acceptInProgress();
    expect(u.hasNextEntries()).toBe(false);
    u.truncateAndAppend([e(6, 1)]);
    expect(u.hasNextEntries()).toBe(true);
    expect(terms(u.nextEntries())).toEqual(['6@1']);
  });

  it('keeps a snapshot when another index is reported stable, and ignores a report without one', () => {
    const u = new UnstableLog(5);
    u.stableSnapTo(logIndex(4));
    expect(u.snapshot).toBeUndefined();
    u.restore(snap(10, 3));
    u.stableSnapTo(logIndex(9));
    expect(u.snapshot?.metadata.index).toBe(10);
    u.stableSnapTo(logIndex(10));
    expect(u.snapshot).toBeUndefined();
  });

  it('copies the entries it is given instead of keeping the caller array', () => {
    const u = new UnstableLog(5);
    const batch = [e(5, 1), e(6, 1)];
    u.truncateAndAppend(batch);
    u.truncateAndAppend([e(7, 1)]);
    expect(terms(batch)).toEqual(['5@1', '6@1']);
    expect(terms(u.entries)).toEqual(['5@1', '6@1', '7@1']);
  });

  it('refuses an append that would leave a gap', () => {
    const u = new UnstableLog(5);
    u.truncateAndAppend([e(5, 1)]);
    expect(() => u.truncateAndAppend([e(8, 1)])).toThrow(AssertionFailure);
  });

  it('slices within its entries only', () => {
    const u = new UnstableLog(5);
    u.truncateAndAppend([e(5, 1), e(6, 2), e(7, 3)]);
    expect(terms(u.slice(6, 8))).toEqual(['6@2', '7@3']);
    expect(terms(u.slice(5, 6))).toEqual(['5@1']);
    expect(u.slice(7, 7)).toEqual([]);
    expect(() => u.slice(4, 6)).toThrow(AssertionFailure);
    expect(() => u.slice(6, 9)).toThrow(AssertionFailure);
    expect(() => u.slice(7, 6)).toThrow(AssertionFailure);
  });
});

describe('unstable tail after a partial persist, and appends that conflict', () => {
  it('does not hand out again entries that were handed out and only partly persisted', () => {
    const u = new UnstableLog(1);
    u.truncateAndAppend([e(1, 1), e(2, 1), e(3, 1), e(4, 1), e(5, 1)]);
    u.acceptInProgress();
    u.stableTo(logIndex(3), term(1));
    expect(u.offset).toBe(4);
    expect(u.hasNextEntries()).toBe(false);
    expect(u.nextEntries()).toEqual([]);
  });

  it("keeps its own copy of a replacing run, whatever the caller does with its array", () => {
    const u = new UnstableLog(3);
    u.truncateAndAppend([e(3, 1), e(4, 1)]);
    const replacing = [e(2, 2), e(3, 2)];
    u.truncateAndAppend(replacing);
    replacing.push(e(4, 2));
    expect(terms(u.entries)).toEqual(['2@2', '3@2']);
  });

  it('an append whose first conflict lies in the committed prefix is a bug, caught before it truncates', () => {
    const log = new RaftLog(storageWith(e(1, 1), e(2, 1), e(3, 1)), Infinity);
    log.commitTo(2);
    expect(() => log.maybeAppend(1, 1, 3, [e(2, 2), e(3, 2)], false)).toThrow(AssertionFailure);
    expect(log.term(2)).toBe(1);
    expect(log.maybeAppend(2, 1, 3, [e(3, 2)], false)).toBe(3);
    expect(log.term(3)).toBe(2);
  });
});
