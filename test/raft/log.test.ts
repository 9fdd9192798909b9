import { describe, expect, it } from 'vitest';
import { UnstableLog } from '../../core/raft/log-unstable.ts';
import { EMPTY_CONF_STATE, MemoryStorage } from '../../core/raft/memory-storage.ts';
import { RaftLog } from '../../core/raft/raft-log.ts';
import type { Entry, Snapshot } from '../../core/raft/types.ts';
import { AssertionFailure, KvlabError, logIndex, term } from '../../core/types.ts';

const e = (index: number, t: number, data = ''): Entry => ({ index: logIndex(index), term: term(t), type: 'normal', data: new TextEncoder().encode(data) });
const terms = (ents: readonly Entry[]) => ents.map((x) => `${x.index}@${x.term}`);
const snap = (index: number, t: number): Snapshot => ({ metadata: { index: logIndex(index), term: term(t), confState: EMPTY_CONF_STATE }, data: new Uint8Array([1, 2]) });

function storageWith(...ents: Entry[]): MemoryStorage {
  const s = new MemoryStorage();
  s.append(ents);
  return s;
}

describe('memory storage', () => {
  it('appends, truncates on conflict, and answers terms and entries with a byte limit', () => {
    const s = storageWith(e(1, 1), e(2, 1), e(3, 2));
    s.append([e(3, 3), e(4, 3)]);
    expect(terms(s.entries(logIndex(1), logIndex(5), Infinity))).toEqual(['1@1', '2@1', '3@3', '4@3']);
    expect(s.term(logIndex(0))).toBe(0);
    expect(s.entries(logIndex(1), logIndex(5), 1)).toHaveLength(1); // at least one entry
    expect(s.entries(logIndex(1), logIndex(5), 40)).toHaveLength(2); // 16 bytes of overhead each
    expect(() => s.entries(logIndex(1), logIndex(9), 10)).toThrow(KvlabError);
    expect(() => s.term(logIndex(5))).toThrow(/last index is 4/);
  });

  it('creates snapshots, compacts up to them, and keeps the compacted term', () => {
    const s = storageWith(e(1, 1), e(2, 1), e(3, 2), e(4, 2));
    expect(() => s.compact(logIndex(2))).toThrow(AssertionFailure); // no snapshot covers it yet
    s.createSnapshot(logIndex(3), EMPTY_CONF_STATE, new Uint8Array([9]));
    s.compact(logIndex(3));
    expect(s.firstIndex()).toBe(4);
    expect(s.term(logIndex(3))).toBe(2);
    expect(() => s.term(logIndex(2))).toThrow(/compacted/);
    expect(() => s.compact(logIndex(3))).toThrow(/already compacted/);
    expect(() => s.createSnapshot(logIndex(2), EMPTY_CONF_STATE, new Uint8Array())).toThrow(/already has snapshot/);
  });

  it('ignores appended entries that are already compacted and replaces everything on applySnapshot', () => {
    const s = new MemoryStorage();
    s.applySnapshot(snap(5, 2));
    s.append([e(4, 2), e(5, 2), e(6, 3)]);
    expect(terms(s.entries(logIndex(6), logIndex(7), Infinity))).toEqual(['6@3']);
    s.applySnapshot(snap(10, 4));
    expect(s.firstIndex()).toBe(11);
    expect(s.lastIndex()).toBe(10);
    expect(() => s.applySnapshot(snap(9, 4))).toThrow(/snapshot 10/);
    expect(() => s.append([e(13, 4)])).toThrow(AssertionFailure); // gap
  });
});

describe('unstable log', () => {
  it('hands out entries once, and drops them when stable only if the term still matches', () => {
    const u = new UnstableLog(5);
    u.truncateAndAppend([e(5, 1), e(6, 1), e(7, 2)]);
    expect(terms(u.nextEntries())).toEqual(['5@1', '6@1', '7@2']);
    u.acceptInProgress();
    expect(u.hasNextEntries()).toBe(false);
    u.stableTo(logIndex(6), term(2)); // wrong term: ignored
    expect(u.offset).toBe(5);
    u.stableTo(logIndex(6), term(1));
    expect(u.offset).toBe(7);
    expect(terms(u.entries)).toEqual(['7@2']);
  });

  it('truncates on conflict and rewinds what is in progress', () => {
    const u = new UnstableLog(5);
    u.truncateAndAppend([e(5, 1), e(6, 1), e(7, 1)]);
    u.acceptInProgress();
    u.truncateAndAppend([e(6, 2)]);
    expect(terms(u.entries)).toEqual(['5@1', '6@2']);
    expect(terms(u.nextEntries())).toEqual(['6@2']);
    u.truncateAndAppend([e(3, 3)]); // before the unstable tail: replaces it
    expect(u.offset).toBe(3);
    expect(terms(u.entries)).toEqual(['3@3']);
  });

  it('keeps a snapshot until it is stable', () => {
    const u = new UnstableLog(5);
    u.restore(snap(10, 3));
    expect(u.maybeTerm(10)).toBe(3);
    expect(u.maybeFirstIndex()).toBe(11);
    expect(u.nextSnapshot()).toBeDefined();
    u.acceptInProgress();
    expect(u.nextSnapshot()).toBeUndefined();
    u.stableSnapTo(logIndex(10));
    expect(u.snapshot).toBeUndefined();
  });
});

describe('raft log', () => {
  it('reads across storage and the unstable tail within a byte budget', () => {
    const log = new RaftLog(storageWith(e(1, 1, 'aaaa'), e(2, 1, 'bbbb')), Infinity);
    log.append([e(3, 2, 'cccc'), e(4, 2, 'dddd')]);
    expect(terms(log.slice(1, 5, Infinity)!)).toEqual(['1@1', '2@1', '3@2', '4@2']);
    expect(terms(log.slice(2, 5, 45)!)).toEqual(['2@1', '3@2']);
    expect(terms(log.slice(3, 5, 1)!)).toEqual(['3@2']);
    expect(log.term(4)).toBe(2);
    expect(log.term(5)).toBeUndefined();
    expect(log.lastStableIndex()).toBe(2);
  });

  it('maybeAppend keeps matching entries and truncates only from the first conflict', () => {
    const log = new RaftLog(storageWith(e(1, 1), e(2, 1), e(3, 1)), Infinity);
    expect(log.maybeAppend(1, 1, 0, [e(2, 1), e(3, 1)], false)).toBe(3);
    expect(log.unstable.entries).toHaveLength(0); // nothing new was appended
    expect(log.maybeAppend(1, 1, 0, [e(2, 1)], false)).toBe(2);
    expect(log.lastIndex()).toBe(3); // a shorter matching append does not truncate
    expect(log.maybeAppend(2, 1, 2, [e(3, 2), e(4, 2)], false)).toBe(4);
    expect(terms(log.slice(1, 5, Infinity)!)).toEqual(['1@1', '2@1', '3@2', '4@2']);
    expect(log.committed).toBe(2);
    expect(log.maybeAppend(4, 1, 4, [], false)).toBeUndefined(); // term mismatch at 4
  });

  it('refuses to truncate committed entries and to commit beyond the log', () => {
    const log = new RaftLog(storageWith(e(1, 1), e(2, 1)), Infinity);
    log.commitTo(2);
    expect(() => log.maybeAppend(0, 0, 2, [e(1, 2)], false)).toThrow(AssertionFailure);
    expect(() => log.commitTo(3)).toThrow(/beyond the last index/);
    expect(log.commitTo(1)).toBe(false); // never regresses
  });

  it('findConflictByTerm skips whole terms', () => {
    const log = new RaftLog(storageWith(e(1, 1), e(2, 1), e(3, 2), e(4, 2), e(5, 4)), Infinity);
    expect(log.findConflictByTerm(5, 3)).toEqual([4, 2]);
    expect(log.findConflictByTerm(5, 1)).toEqual([2, 1]);
    expect(log.findConflictByTerm(5, 5)).toEqual([5, 4]);
    expect(log.findConflictByTerm(2, 0)).toEqual([0, 0]);
  });

  it('hands out committed entries up to the byte limit, and none while a snapshot is pending', () => {
    const log = new RaftLog(storageWith(e(1, 1, 'x'.repeat(100)), e(2, 1, 'y'.repeat(100)), e(3, 1)), 150);
    log.commitTo(3);
    expect(terms(log.nextCommittedEntries())).toEqual(['1@1']);
    log.acceptApplying(1);
    expect(terms(log.nextCommittedEntries())).toEqual(['2@1', '3@1']); // 116 + 16 bytes fit in 150
    log.restore(snap(10, 5));
    expect(log.hasNextCommittedEntries()).toBe(false);
    expect(log.committed).toBe(10);
    expect(log.lastIndex()).toBe(10);
    expect(log.term(10)).toBe(5);
    expect(log.term(3)).toBeUndefined(); // covered by the snapshot
  });

  it('isUpToDate compares last term, then last index (paper 5.4.1)', () => {
    const log = new RaftLog(storageWith(e(1, 1), e(2, 2)), Infinity);
    expect(log.isUpToDate(1, 3)).toBe(true);
    expect(log.isUpToDate(5, 1)).toBe(false);
    expect(log.isUpToDate(2, 2)).toBe(true);
    expect(log.isUpToDate(1, 2)).toBe(false);
  });
});
