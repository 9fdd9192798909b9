// The storage bug zoo: deliberate, realistic durability mistakes the simulator can switch on by name to
// prove that its checkers catch them. Production configuration never sets them (prod builds its
// StorageOptions without `bugs`); only a simulated scenario's `--bug NAME` does.

export type StorageBugName = 'unsyncedWalTrusted';

export interface StorageBugs {
  /**
   * The WAL trusts the page cache: `sync(done)` acknowledges at once, before its fsync completes (the
   * fsync still runs in the background). Raft then sends votes and append acknowledgements for state
   * that a power loss can still erase. How it shows: a node crashes with its unsynced tail lost,
   * restarts having forgotten its vote or entries it acknowledged, and votes again in the same term
   * (two leaders in one term) or lets a committed entry be overwritten (a lost acknowledged write,
   * which the linearizability checker reports). Harmless without crashes, or when unsynced writes
   * happen to survive (the `kept` crash policy), which is why it hides in testing on real disks:
   * killing a process keeps the page cache; only power loss drops it.
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
      'the WAL acknowledges sync() before fsync completes, so votes and append acks go out for state a power loss erases: after a crash a node can vote twice in a term or lose an entry it acknowledged',
    source:
      'Raft paper (Ongaro & Ousterhout, 2014), Figure 2 (persistent state is updated on stable storage before responding to RPCs); Pillai et al., "All File Systems Are Not Created Equal", OSDI 2014',
  },
];

export const noStorageBugs: StorageBugs = {};
