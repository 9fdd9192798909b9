// The storage seam of the KV state machine. The simulator uses MemoryEngine (or PersistentSimEngine
// to model a state machine that survives crashes); production implements the same interface on
// classic-level. The state machine only ever calls these methods, synchronously.
import type { KvResult } from './commands.ts';

/** A stored key. Expired records may still be stored; the state machine treats them as absent. */
export interface StoredRecord {
  readonly value: string;
  /** Absolute wall-clock expiry (ms); absent = no expiry. Expired when nowMs >= expireAtMs. */
  readonly expireAtMs?: number;
}

/** One client's exactly-once state; part of the replicated state (stored and snapshotted with the data). */
export interface SessionRecord {
  readonly clientId: string;
  /** The highest seq applied for this client. */
  readonly lastSeq: number;
  /** The log index that applied `lastSeq`: orders sessions for deterministic eviction. */
  readonly lastIndex: number;
  /** What `lastSeq` answered; a retry of it gets this again. */
  readonly lastResult: KvResult;
}

export type EngineMutation =
  | { readonly kind: 'put'; readonly key: string; readonly record: StoredRecord }
  | { readonly kind: 'delete'; readonly key: string }
  | { readonly kind: 'putSession'; readonly session: SessionRecord }
  | { readonly kind: 'deleteSession'; readonly clientId: string };

export type KeyRecordPair = readonly [key: string, record: StoredRecord];

export type FlushCallback = (error: Error | null) => void;

export interface KvEngine {
  /** The stored record of `key`, expired or not; undefined if none. */
  get(key: string): StoredRecord | undefined;
  /**
   * Up to `countMax` stored pairs whose keys come strictly after `afterKey` in byte order
   * (null = from the first key), in byte order. A store with only async iteration can keep an
   * in-memory key index (core/kv/ordered-map.ts) to answer this.
   */
  entriesAfter(afterKey: string | null, countMax: number): readonly KeyRecordPair[];
  /** Number of stored keys, expired ones included. */
  size(): number;
  /** Every stored session, in any order (the state machine loads them once when it opens). */
  sessions(): readonly SessionRecord[];
  /**
   * Applies `batch` in order AND records `appliedIndex`, as one unit: after a crash either both
   * are visible or neither. `appliedIndex` never decreases (an empty batch just advances it).
   */
  write(batch: readonly EngineMutation[], appliedIndex: number): void;
  /** The index recorded by the last write (or snapshot import); 0 for a fresh engine. */
  appliedIndex(): number;
  /** The whole state (records, sessions, applied index) as checksummed bytes (snapshot-codec.ts). */
  exportSnapshot(): Uint8Array;
  /**
   * Replaces the whole state with a snapshot; throws KvlabError('corruptSnapshot') if the checksum
   * or structure is wrong, or if the snapshot's applied index is not `index`. On error the state is unchanged.
   */
  importSnapshot(bytes: Uint8Array, index: number): void;
  /**
   * Persistent engines only: the applied index that would survive a crash now. The host must keep
   * the Raft log from durableAppliedIndex() + 1 onwards (it must not compact beyond it). Absent on a
   * volatile engine, whose state survives only through Raft snapshots.
   */
  durableAppliedIndex?(): number;
  /** Persistent engines only: makes every write so far durable, then calls `done`. */
  flush?(done: FlushCallback): void;
  /**
   * Optional, with durableAppliedIndex and flush: the state as of this call (exportSnapshot's bytes),
   * produced in the background without blocking the caller for long. An engine that has it holds its
   * state durably itself, so the host's Raft snapshots need not carry the data (engine-held snapshots,
   * core/node/engine-held-snapshot.ts); the bytes are made only when a follower needs them.
   */
  exportSnapshotLater?(done: (error: Error | null, bytes?: Uint8Array) => void): void;
}
