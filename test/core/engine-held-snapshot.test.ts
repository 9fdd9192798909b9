// Engine-held snapshots: the marker's format, what Raft is given to send while the latest snapshot is a
// marker (nothing until the engine's bytes exist, then those bytes while the log continues after them),
// and a restart refusing a marker its engine is behind.
import { describe, expect, it } from 'vitest';
import { MemoryEngine } from '../../core/kv/memory-engine.ts';
import { KvStateMachine } from '../../core/kv/state-machine.ts';
import { EngineSnapshotStorage, engineHeldIndex, engineHeldMarker, isEngineHeld } from '../../core/node/engine-held-snapshot.ts';
import { installSnapshotState } from '../../core/node/install-snapshot.ts';
import { bootstrapSnapshot, MemoryStorage } from '../../core/raft/memory-storage.ts';
import type { Entry } from '../../core/raft/types.ts';
import { logIndex, nodeId, term } from '../../core/types.ts';

const entry = (index: number): Entry => ({ index: logIndex(index), term: term(1), type: 'normal', data: new Uint8Array(0) }) as Entry;

function logUpTo(last: number): MemoryStorage {
  const memory = new MemoryStorage();
  memory.applySnapshot(bootstrapSnapshot([nodeId(1)]));
  memory.append(Array.from({ length: last - 1 }, (_, k) => entry(k + 2)));
  return memory;
}

describe('engine-held snapshot markers', () => {
  it('round-trip their index and are told apart from state bytes', () => {
    const marker = engineHeldMarker(123_456_789_012);
    expect(isEngineHeld(marker)).toBe(true);
    expect(engineHeldIndex(marker)).toBe(123_456_789_012);
    expect(isEngineHeld(new MemoryEngine().exportSnapshot())).toBe(false);
    expect(isEngineHeld(new Uint8Array(0))).toBe(false);
  });

  it('a damaged marker is an error, not state bytes', () => {
    const marker = engineHeldMarker(7);
    marker[5] ^= 1;
    expect(() => isEngineHeld(marker)).toThrow(/marker: checksum/);
  });
});

describe('EngineSnapshotStorage', () => {
  it('passes a snapshot with data through unchanged', () => {
    const memory = logUpTo(10);
    const storage = new EngineSnapshotStorage(memory);
    expect(storage.snapshot()).toBe(memory.snapshot());
    expect(storage.bytesWanted()).toBe(false);
    expect(storage.lastIndex()).toBe(10);
    expect(storage.term(logIndex(5))).toBe(1);
  });

  it('behind a marker, gives Raft nothing and wants bytes until offered, then the offered bytes while usable', () => {
    const memory = logUpTo(100);
    const storage = new EngineSnapshotStorage(memory);
    memory.createSnapshot(logIndex(50), memory.snapshot().metadata.confState, engineHeldMarker(50));
    memory.compact(logIndex(45));
    expect(storage.bytesWanted()).toBe(false);
    expect(storage.snapshot().metadata.index).toBe(0);
    expect(storage.bytesWanted()).toBe(true);
    const offered = { metadata: { index: logIndex(60), term: term(1), confState: memory.snapshot().metadata.confState }, data: new Uint8Array([1, 2, 3]) };
    storage.offer(offered);
    expect(storage.bytesWanted()).toBe(false);
    expect(storage.snapshot()).toBe(offered);
    // Once the log is compacted past the offered bytes, a follower could not continue after them.
    memory.createSnapshot(logIndex(90), memory.snapshot().metadata.confState, engineHeldMarker(90));
    memory.compact(logIndex(61));
    expect(storage.snapshot().metadata.index).toBe(0);
    expect(storage.bytesWanted()).toBe(true);
  });

  it('keeps the newer of two offers', () => {
    const memory = logUpTo(100);
    const storage = new EngineSnapshotStorage(memory);
    memory.createSnapshot(logIndex(50), memory.snapshot().metadata.confState, engineHeldMarker(50));
    const at = (index: number) => ({ metadata: { index: logIndex(index), term: term(1), confState: memory.snapshot().metadata.confState }, data: new Uint8Array([index]) });
    storage.offer(at(70));
    storage.offer(at(60));
    expect(storage.snapshot().metadata.index).toBe(70);
  });
});

describe('installSnapshotState with a marker', () => {
  it('is a no-op when the engine is at or past it, and refuses an engine behind it', () => {
    const engine = new MemoryEngine();
    engine.write([{ kind: 'put', key: 'k', record: { value: 'v' } }], 20);
    const sm = new KvStateMachine({ engine });
    const snapshot = (index: number) => ({ metadata: { index: logIndex(index), term: term(1), confState: bootstrapSnapshot([nodeId(1)]).metadata.confState }, data: engineHeldMarker(index) });
    installSnapshotState(sm, snapshot(20));
    expect(sm.appliedIndex()).toBe(20);
    expect(() => installSnapshotState(sm, snapshot(21))).toThrow(/relies on the engine's state, but the engine is only at 20/);
  });
});
