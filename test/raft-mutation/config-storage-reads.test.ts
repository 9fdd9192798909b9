// Raft configuration checks field by field, the transfer marker, the queue of pending ReadIndex requests,
// entry byte budgets and MemoryStorage's errors and appends at their edges: behaviour the Raft tests
// exercised without pinning (found by mutation testing).
import { describe, expect, it } from 'vitest';
import { defaultRaftConfig, resolveRaftConfig } from '../../core/raft/config.ts';
import { countWithinBytes, entriesBytes, entryBytes, ENTRY_OVERHEAD_BYTES } from '../../core/raft/entries.ts';
import { MemoryStorage, bootstrapSnapshot } from '../../core/raft/memory-storage.ts';
import { isTransferContext, TRANSFER_CONTEXT } from '../../core/raft/messages.ts';
import { ReadOnlyQueue } from '../../core/raft/read-only.ts';
import type { ConfState, Entry, RaftConfig } from '../../core/raft/types.ts';
import { AssertionFailure, logIndex, NONE, nodeId, term } from '../../core/types.ts';
import type { GroupId, NodeId } from '../../core/types.ts';
import { testConfig } from '../raft/network.ts';
import { thrown } from '../support/thrown.ts';


describe('raft configuration', () => {
  it('the default is a production configuration with pre-vote, check-quorum and safe reads', () => {
    const config = defaultRaftConfig(nodeId(3), 7 as GroupId);
    expect(config).toMatchObject({ id: 3, group: 7, electionTicks: 10, heartbeatTicks: 1, preVote: true, checkQuorum: true, readOnlyOption: 'safe' });
    expect(() => resolveRaftConfig(config)).not.toThrow();
  });

  const rejected: Array<[keyof RaftConfig, unknown, string]> = [
    ['id', 0, 'raft config id: must be an integer >= 1, got 0 (node 0)'],
    ['group', -1, 'raft config group: must be an integer >= 0, got -1 (node 1)'],
    ['heartbeatTicks', 0, 'raft config heartbeatTicks: must be an integer >= 1, got 0 (node 1)'],
    ['electionTicks', 1, 'raft config electionTicks: must be an integer >= 2, got 1 (node 1)'],
    ['electionTicks', '10', 'raft config electionTicks: must be an integer >= 2, got 10 (node 1)'],
    ['readOnlyOption', 'fast', "raft config readOnlyOption: must be 'safe' or 'leaseBased', got fast"],
    ['maxMsgBytes', 0, 'raft config maxMsgBytes: must be an integer >= 1, got 0 (node 1)'],
    ['inflightMsgsMax', 0, 'raft config inflightMsgsMax: must be an integer >= 1, got 0 (node 1)'],
    ['inflightBytesMax', -1, 'raft config inflightBytesMax: must be an integer >= 0, got -1 (node 1)'],
    ['uncommittedBytesMax', -1, 'raft config uncommittedBytesMax: must be an integer >= 0, got -1 (node 1)'],
    ['snapshotChunkBytes', 0, 'raft config snapshotChunkBytes: must be an integer >= 1, got 0 (node 1)'],
    ['applied', -1, 'raft config applied: must be an integer >= 0, got -1 (node 1)'],
    ['leaseDriftTicksMax', -1, 'raft config leaseDriftTicksMax: must be an integer >= 0, got -1 (node 1)'],
    ['leaseDriftTicksMax', 10, 'raft config leaseDriftTicksMax: must be below electionTicks (10)'],
    ['snapshotBytesMax', 0, 'raft config snapshotBytesMax: must be an integer >= 1, got 0 (node 1)'],
    ['snapshotStallTicksMax', 0, 'raft config snapshotStallTicksMax: must be an integer >= 1, got 0 (node 1)'],
    ['readIndexQueueMax', 0, 'raft config readIndexQueueMax: must be an integer >= 1, got 0 (node 1)'],
    ['readyCommittedBytesMax', 0, 'raft config readyCommittedBytesMax: must be an integer >= 1, got 0 (node 1)'],
    ['proposalEntriesMax', 0, 'raft config proposalEntriesMax: must be an integer >= 1, got 0 (node 1)'],
  ];
  it.each(rejected)('refuses %s = %j, naming the field', (field, value, message) => {
    const error = thrown(() => resolveRaftConfig(testConfig(nodeId(1), { [field]: value })));
    expect(error.code).toBe('invalidConfig');
    expect(error.message).toBe(message);
  });

  it('refuses electionTicks not above heartbeatTicks, naming both', () => {
    const error = thrown(() => resolveRaftConfig(testConfig(nodeId(1), { electionTicks: 5, heartbeatTicks: 5 })));
    expect([error.code, error.message]).toEqual(['invalidConfig', 'raft config electionTicks: must exceed heartbeatTicks (5 <= 5)']);
  });

  it('refuses lease-based reads without check-quorum', () => {
    const error = thrown(() => resolveRaftConfig(testConfig(nodeId(1), { readOnlyOption: 'leaseBased', checkQuorum: false })));
    expect([error.code, error.message]).toEqual(['invalidConfig', 'raft config readOnlyOption: leaseBased reads require checkQuorum']);
  });

  it('the lease drift allowance defaults to a tenth of the election timeout, at least one tick', () => {
    expect(resolveRaftConfig(testConfig(nodeId(1), { electionTicks: 30 })).leaseDriftTicksMax).toBe(3);
    expect(resolveRaftConfig(testConfig(nodeId(1), { electionTicks: 5 })).leaseDriftTicksMax).toBe(1);
  });
});

describe('the transfer marker of a vote request', () => {
  it('is recognised only byte for byte', () => {
    expect(isTransferContext(TRANSFER_CONTEXT)).toBe(true);
    expect(isTransferContext(new Uint8Array(TRANSFER_CONTEXT))).toBe(true);
    expect(isTransferContext(undefined)).toBe(false);
    expect(isTransferContext(new Uint8Array())).toBe(false);
    expect(isTransferContext(TRANSFER_CONTEXT.subarray(0, TRANSFER_CONTEXT.length - 1))).toBe(false);
    for (const at of [0, TRANSFER_CONTEXT.length - 1]) {
      const changed = new Uint8Array(TRANSFER_CONTEXT);
      changed[at] ^= 1;
      expect(isTransferContext(changed)).toBe(false);
    }
  });
});

describe('the queue of pending ReadIndex requests', () => {
  const ctx = (s: string): Uint8Array => new TextEncoder().encode(s);

  it('starts empty, with no context to confirm', () => {
    const q = new ReadOnlyQueue();
    expect(q.size).toBe(0);
    expect(q.lastContext()).toBeUndefined();
  });

  it('takes a context once: a second request with it is refused', () => {
    const q = new ReadOnlyQueue();
    expect(q.add(5, nodeId(2), ctx('a'))).toBe(true);
    expect(q.add(6, nodeId(3), ctx('a'))).toBe(false);
    expect(q.size).toBe(1);
    expect(q.lastContext()).toEqual(ctx('a'));
  });

  it('answers the requests up to an acknowledged context, oldest first, and keeps the rest', () => {
    const q = new ReadOnlyQueue();
    q.add(5, nodeId(2), ctx('a'));
    q.add(6, NONE, ctx('b'));
    q.add(7, nodeId(3), ctx('c'));
    expect(q.lastContext()).toEqual(ctx('c'));
    expect(q.recvAck(nodeId(4), ctx('b'))).toEqual(new Map([[nodeId(4), true]]));
    expect(q.recvAck(nodeId(4), ctx('zz'))).toBeUndefined();
    const done = q.advance(ctx('b'));
    expect(done.map((r) => [r.index, r.from, new TextDecoder().decode(r.context)])).toEqual([
      [5, 2, 'a'],
      [6, NONE, 'b'],
    ]);
    expect(q.size).toBe(1);
    expect(q.lastContext()).toEqual(ctx('c'));
    expect(q.advance(ctx('zz'))).toEqual([]);
    expect(q.size).toBe(1);
  });

  it('forgets everything on reset', () => {
    const q = new ReadOnlyQueue();
    q.add(5, nodeId(2), ctx('a'));
    q.reset();
    expect(q.size).toBe(0);
    expect(q.lastContext()).toBeUndefined();
    expect(q.recvAck(nodeId(2), ctx('a'))).toBeUndefined();
    expect(q.add(8, nodeId(2), ctx('a'))).toBe(true);
  });
});

const entry = (index: number, entryTerm: number, bytes = 0): Entry => ({ index: logIndex(index), term: term(entryTerm), type: 'normal', data: new Uint8Array(bytes) });

describe('entry byte budgets', () => {
  it('count the payload plus a fixed overhead per entry', () => {
    expect(entryBytes(entry(1, 1, 10))).toBe(10 + ENTRY_OVERHEAD_BYTES);
    expect(entriesBytes([entry(1, 1, 10), entry(2, 1, 5)])).toBe(15 + 2 * ENTRY_OVERHEAD_BYTES);
  });

  it('take entries while the total stays within the budget, a budget met exactly included', () => {
    const entries = [entry(1, 1, 4), entry(2, 1, 4), entry(3, 1, 4)];
    const each = 4 + ENTRY_OVERHEAD_BYTES;
    expect(countWithinBytes(entries, 0, 3, 2 * each)).toBe(2);
    expect(countWithinBytes(entries, 0, 3, 2 * each - 1)).toBe(1);
    expect(countWithinBytes(entries, 0, 3, 0)).toBe(1);
  });
});

describe('MemoryStorage errors and edges', () => {
  const confState: ConfState = { voters: [nodeId(1)], learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false };

  function storageWith(last: number): MemoryStorage {
    const s = new MemoryStorage();
    const entries: Entry[] = [];
    for (let i = 1; i <= last; i++) entries.push(entry(i, 1, 4));
    s.append(entries);
    return s;
  }

  it('names the index and the bound when a term or range is compacted or not there yet', () => {
    const s = storageWith(5);
    s.createSnapshot(logIndex(3), confState, new Uint8Array());
    s.compact(logIndex(3));
    const compacted = thrown(() => s.term(logIndex(2)));
    expect([compacted.code, compacted.message]).toEqual(['logCompacted', 'storage.term(2): compacted up to 3']);
    const beyond = thrown(() => s.term(logIndex(6)));
    expect([beyond.code, beyond.message]).toEqual(['logUnavailable', 'storage.term(6): last index is 5']);
    const early = thrown(() => s.entries(logIndex(3), logIndex(5), 1000));
    expect([early.code, early.message]).toEqual(['logCompacted', 'storage.entries(3): compacted up to 3']);
    const late = thrown(() => s.entries(logIndex(4), logIndex(7), 1000));
    expect([late.code, late.message]).toEqual(['logUnavailable', 'storage.entries(4, 7): last index is 5']);
    expect(s.entries(logIndex(4), logIndex(6), 1000).map((e) => e.index)).toEqual([4, 5]);
    const again = thrown(() => s.compact(logIndex(3)));
    expect([again.code, again.message]).toEqual(['logCompacted', 'compact(3): already compacted up to 3']);
  });

  it('limits a range by bytes, a budget met exactly included, at least one entry', () => {
    const s = storageWith(3);
    const each = 4 + ENTRY_OVERHEAD_BYTES;
    expect(s.entries(logIndex(1), logIndex(4), 2 * each)).toHaveLength(2);
    expect(s.entries(logIndex(1), logIndex(4), 0)).toHaveLength(1);
  });

  it('refuses snapshots that are not newer than the one it has', () => {
    const s = storageWith(5);
    s.createSnapshot(logIndex(3), confState, new Uint8Array());
    const created = thrown(() => s.createSnapshot(logIndex(3), confState, new Uint8Array()));
    expect([created.code, created.message]).toEqual(['snapshotOutOfDate', 'createSnapshot(3): storage already has snapshot 3']);
    const applied = thrown(() => s.applySnapshot(bootstrapSnapshot([nodeId(1)])));
    expect([applied.code, applied.message]).toEqual(['snapshotOutOfDate', 'applySnapshot(1): storage already has snapshot 3']);
    expect(() => s.createSnapshot(logIndex(6), confState, new Uint8Array())).toThrow(AssertionFailure);
  });

  it('installs a snapshot over an empty storage, whose log then starts after it', () => {
    const s = new MemoryStorage();
    s.applySnapshot(bootstrapSnapshot([nodeId(2), nodeId(1)], [nodeId(3)]));
    expect([s.firstIndex(), s.lastIndex(), s.term(logIndex(1))]).toEqual([2, 1, 1]);
    expect(s.initialState().confState).toEqual({ voters: [2, 1], learners: [3], votersOutgoing: [], learnersNext: [], autoLeave: false });
  });

  it('refuses a snapshot at the index of the one it has', () => {
    const s = storageWith(5);
    s.createSnapshot(logIndex(3), confState, new Uint8Array());
    const same = { metadata: { index: logIndex(3), term: term(1), confState }, data: new Uint8Array() };
    expect(thrown(() => s.applySnapshot(same)).code).toBe('snapshotOutOfDate');
  });

  it('reports the configuration last set for a restart', () => {
    const s = new MemoryStorage();
    s.setConfState(confState);
    expect(s.initialState().confState).toBe(confState);
  });

  it('counts rewrites: a conflicting append and a snapshot install, never a plain append or a compaction', () => {
    const s = storageWith(3);
    s.append([entry(4, 1)]);
    s.createSnapshot(logIndex(2), confState, new Uint8Array());
    s.compact(logIndex(2));
    expect(s.rewrites).toBe(0);
    s.append([entry(4, 2)]);
    expect(s.rewrites).toBe(1);
    s.applySnapshot({ metadata: { index: logIndex(9), term: term(3), confState }, data: new Uint8Array() });
    expect(s.rewrites).toBe(2);
  });

  it('the bootstrap snapshot needs a voter and has no learners unless given', () => {
    expect(() => bootstrapSnapshot([])).toThrow(AssertionFailure);
    expect(bootstrapSnapshot([nodeId(1)]).metadata.confState.learners).toEqual([]);
  });

  it('appends the part of a run that is not compacted, and ignores a run that is', () => {
    const s = storageWith(5);
    s.createSnapshot(logIndex(4), confState, new Uint8Array());
    s.compact(logIndex(4));
    s.append([entry(2, 1), entry(3, 1)]);
    expect([s.firstIndex(), s.lastIndex()]).toEqual([5, 5]);
    s.append([entry(3, 2), entry(4, 2), entry(5, 2), entry(6, 2)]);
    expect([s.firstIndex(), s.lastIndex(), s.term(logIndex(4)), s.term(logIndex(5)), s.term(logIndex(6))]).toEqual([5, 6, 1, 2, 2]);
  });

  it('refuses an append that leaves a gap', () => {
    const s = storageWith(3);
    expect(() => s.append([entry(5, 1)])).toThrow(AssertionFailure);
    s.append([entry(4, 1)]);
    expect(s.lastIndex()).toBe(4);
  });
});
