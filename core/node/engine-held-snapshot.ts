// Engine-held snapshots, etcd's way of making a Raft snapshot cheap. An engine that keeps its state
// durably itself (LevelDB in production) already holds everything up to its durable applied index, so
// compacting the Raft log behind index i needs only that fact on disk, not a copy of the state: the
// Raft snapshot's data is then a small marker ("the engine holds the state at i"). Taking one costs an
// engine flush and a few bytes, instead of reading and encoding every key on the event loop.
//
// A follower that needs compacted entries needs the real bytes, though. EngineSnapshotStorage stands
// between Raft and the MemoryStorage mirror: when Raft asks for the snapshot to send and the latest
// one is a marker, it answers with state bytes the engine produced in the background (at some applied
// index the log still continues from), or, while there are none yet, with "no snapshot" — Raft then
// sends nothing and asks again on its next probe — and tells the host that bytes are wanted.
//
// Marker format: magic "KVE1", index:u64le, crc32c:u32le of the bytes before it.
import { EMPTY_CONF_STATE, type MemoryStorage } from '../raft/memory-storage.ts';
import type { RaftLogStorage } from '../raft/storage.ts';
import type { Entry, Snapshot } from '../raft/types.ts';
import { crc32c } from '../storage/crc32c.ts';
import { KvlabError, type LogIndex, logIndex, term } from '../types.ts';

const magic = [0x4b, 0x56, 0x45, 0x31]; // "KVE1"
const markerBytes = magic.length + 8 + 4;

/** The data of a Raft snapshot whose state the engine holds durably at `index`. */
export function engineHeldMarker(index: number): Uint8Array {
  const out = new Uint8Array(markerBytes);
  out.set(magic);
  const view = new DataView(out.buffer);
  view.setBigUint64(magic.length, BigInt(index), true);
  view.setUint32(markerBytes - 4, crc32c(out, 0, markerBytes - 4), true);
  return out;
}

/** Whether a snapshot's data is a marker (not state bytes); throws if it claims to be one but is damaged. */
export function isEngineHeld(data: Uint8Array): boolean {
  if (data.length !== markerBytes) return false;
  for (let i = 0; i < magic.length; i++) if (data[i] !== magic[i]) return false;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (view.getUint32(markerBytes - 4, true) !== crc32c(data, 0, markerBytes - 4)) {
    throw new KvlabError('corruptSnapshot', 'engine-held snapshot marker: checksum mismatch');
  }
  return true;
}

/** The index an engine-held marker names. */
export function engineHeldIndex(data: Uint8Array): number {
  return Number(new DataView(data.buffer, data.byteOffset, data.byteLength).getBigUint64(magic.length, true));
}

const noSnapshotYet: Snapshot = {
  metadata: { index: logIndex(0), term: term(0), confState: EMPTY_CONF_STATE },
  data: new Uint8Array(0),
};

/** The Raft log storage of a group whose engine holds its state (see the header). */
export class EngineSnapshotStorage implements RaftLogStorage {
  private materialized: Snapshot | undefined;
  private wanted = false;

  constructor(private readonly memory: MemoryStorage) {}

  initialState() {
    return this.memory.initialState();
  }

  entries(lo: LogIndex, hi: LogIndex, maxBytes: number): readonly Entry[] {
    return this.memory.entries(lo, hi, maxBytes);
  }

  term(index: LogIndex) {
    return this.memory.term(index);
  }

  firstIndex(): LogIndex {
    return this.memory.firstIndex();
  }

  lastIndex(): LogIndex {
    return this.memory.lastIndex();
  }

  snapshot(): Snapshot {
    const latest = this.memory.snapshot();
    if (!isEngineHeld(latest.data)) return latest;
    const usable = this.usableMaterialized();
    if (usable !== undefined) return usable;
    this.wanted = true;
    return noSnapshotYet;
  }

  /** Whether Raft asked for state bytes that are not there yet (the host should start producing them). */
  bytesWanted(): boolean {
    return this.wanted && this.usableMaterialized() === undefined;
  }

  /** State bytes the engine produced at `snapshot.metadata.index`, for followers that need them. */
  offer(snapshot: Snapshot): void {
    this.wanted = false;
    if (snapshot.metadata.index >= (this.materialized?.metadata.index ?? 0)) this.materialized = snapshot;
  }

  /** The materialized snapshot if the log still continues right after it; otherwise it is dropped. */
  private usableMaterialized(): Snapshot | undefined {
    const m = this.materialized;
    if (m === undefined) return undefined;
    if (m.metadata.index >= this.memory.firstIndex() - 1) return m;
    this.materialized = undefined; // compacted past: a newer one will be made when wanted
    return undefined;
  }
}
