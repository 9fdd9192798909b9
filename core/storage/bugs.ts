// The storage bug zoo: deliberate, realistic durability mistakes the simulator can switch on by name to
// prove that its checkers catch them. Production configuration never sets them (prod builds its
// StorageOptions without `bugs`); only a simulated scenario's `--bug NAME` does.

export type StorageBugName = 'unsyncedWalTrusted';

export interface StorageBugs {
  /**
   * The WAL trusts the page cache as if it were the disk. sync() calls back as soon as the records
   * are written (the fsync runs in the background), and recovery treats whatever it reads as durable
   * (no startup fsync of the recovered segment and directories; a sync() with nothing new appended
   * returns at once). Raft then sends votes and append acknowledgements for state a power loss can
   * still erase. How it shows: after a power loss the node has forgotten entries it acknowledged (or
   * its vote), so a committed write is lost or two leaders share a term; and after a process restart
   * (the page cache outlives the process) it acknowledges recovered records that were never fsynced,
   * which the next power loss erases. It hides in tests that kill processes, since kill -9 keeps the
   * page cache; only power loss drops it.
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
      'the WAL trusts the page cache as durable: sync() acknowledges before the fsync completes, and recovery relies on what it read without fsyncing it, so a power loss erases entries and votes the node already acknowledged',
    source:
      'Raft paper (Ongaro & Ousterhout, 2014), Figure 2 (persistent state is updated on stable storage before responding to RPCs); PostgreSQL documentation, recovery_init_sync_method (the data directory is fsynced before crash recovery, since the page cache can outlive a crashed server)',
  },
];

export const noStorageBugs: StorageBugs = {};
