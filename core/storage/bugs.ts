// The storage bug zoo: deliberate, realistic durability mistakes the simulator can switch on by name to
// prove that its checkers catch them. Production configuration never sets them (prod builds its
// StorageOptions without `bugs`); only a simulated scenario's `--bug NAME` does.

export type StorageBugName = 'unsyncedWalTrusted';

export interface StorageBugs {
  /**
   * Recovery trusts the page cache: after a restart the WAL treats everything it read as durable. It
   * skips the startup fsync of the recovered segment and directories, and a sync() with nothing new
   * appended returns at once. After a graceful stop or a killed process (no power loss) the page
   * cache still holds records that were never fsynced, so recovery reads them; the restarted node
   * then acknowledges entries (or keeps a vote) that a later power loss erases. How it shows: a stop
   * or kill, a restart, then a crash soon after: an entry the cluster counted as replicated on this
   * node is gone from its log, and a committed write can be lost (the linearizability checker reports
   * it). Correct recovery fsyncs what it read before relying on it, as PostgreSQL syncs its data
   * directory before crash recovery (recovery_init_sync_method).
   */
  readonly unsyncedWalTrusted?: boolean;
}

export interface StorageBugInfo {
  readonly name: StorageBugName;
  /** One line: what the node does wrong and what it breaks. */
  readonly description: string;
  /** Where the mistake (or the rule it breaks) is described publicly. */
  readonly source: string;
}

export const STORAGE_BUGS: readonly StorageBugInfo[] = [
  {
    name: 'unsyncedWalTrusted',
    description:
      'after a restart the WAL trusts what it read from the page cache as durable (no startup fsync), so a node acknowledges entries that were never fsynced and a power loss soon after erases them',
    source:
      'PostgreSQL documentation, recovery_init_sync_method (every file of the data directory is fsynced before crash recovery begins, since the page cache can outlive a crashed server); Raft paper Figure 2 (persistent state is on stable storage before responding)',
  },
];

export const noStorageBugs: StorageBugs = {};
