// The host's view of a group's durable Raft state (WAL + snapshot files). core/storage implements it
// over the Disk interface; tests may implement it in memory. The ordering rules are the host's:
// persist entries and hard state, sync, and only then send the messages that promise them.
import type { Entry, HardState, Snapshot } from '../raft/types.ts';
import type { LogIndex } from '../types.ts';

export type SyncCallback = (error: Error | null) => void;

export interface RecoveredRaftState {
  readonly hardState: HardState | undefined;
  readonly snapshot: Snapshot | undefined;
  /** Entries after the snapshot, in order. */
  readonly entries: readonly Entry[];
}

export interface DurableLog {
  /** What the disk held at open. */
  readonly recovered: RecoveredRaftState;
  /** Writes entries (replacing any suffix they conflict with) and the hard state to the page cache. */
  append(entries: readonly Entry[], hardState: HardState | undefined): void;
  /** Makes everything appended so far durable, then calls `done`. */
  sync(done: SyncCallback): void;
  /** Writes a snapshot atomically and durably (temp file, fsync, rename, directory fsync). */
  saveSnapshot(snapshot: Snapshot, done: SyncCallback): void;
  /** Frees log segments wholly at or below `index` (covered by a durable snapshot). */
  compact(index: LogIndex, done: SyncCallback): void;
}
