// Raft's safety properties, checked online while a simulated run goes on (Raft paper, Figure 3):
// election safety (one leader per term), log matching, leader completeness, state machine safety,
// commit never regressing within one incarnation of a node, and no acknowledgement of a write before
// it is durable on a quorum. It observes nodes through core/node's NodeObserver and inspects their
// logs periodically. The first violation of each kind is kept with the virtual time it was seen.
import type { NodeObserver } from '../../core/node/node-observer.ts';
import type { Entry } from '../../core/raft/types.ts';
import type { GroupId, LogIndex, NodeId, Term } from '../../core/types.ts';

/** A running node's log as the checker may read it. */
export interface LogView {
  readonly firstIndex: number;
  readonly lastIndex: number;
  /** Raft's last index, counting entries not yet persisted (so it may exceed lastIndex). */
  readonly raftLastIndex: number;
  readonly commit: number;
  readonly applied: number;
  /** Term of the entry at i, or undefined when i is outside [firstIndex, lastIndex]. */
  term(i: number): number | undefined;
}

export interface Violation {
  readonly check: string;
  readonly invariant: string;
  readonly detail: string;
  readonly atUs: number;
}

interface AppliedRecord {
  readonly term: number;
  readonly hash: number;
  readonly node: NodeId;
  /**
   * The lowest term any node was in when it applied this entry: the entry was committed in this term
   * or earlier, so every leader of a later term must have it (Leader Completeness).
   */
  knownInTerm: number;
}

/** FNV-1a over an entry's type and data: equal entries hash equal; a mismatch is a real difference. */
/** Entries scanned down from the top when looking for the last one committed before a term. */
const completenessScanMax = 100_000;

export function entryHash(entry: Entry): number {
  let h = entry.type === 'normal' ? 0x811c9dc5 : 0x01000193;
  const data = entry.data;
  for (let i = 0; i < data.length; i++) h = Math.imul(h ^ data[i], 0x01000193);
  return h >>> 0;
}

export class RaftInvariantChecker implements NodeObserver {
  readonly violations: Violation[] = [];
  private readonly leaders = new Map<string, NodeId>();
  private readonly appliedEntries = new Map<string, AppliedRecord>();
  private readonly appliedMax = new Map<GroupId, number>();
  /** Per node and group: index -> term of what is durable on that node's disk. */
  private readonly durable = new Map<string, Map<number, number>>();
  private readonly commits = new Map<string, number>();
  /** Per node and group: the index through which a durable snapshot covers the log. */
  private readonly durableSnapshot = new Map<string, number>();
  /** Per group: configurations by the index of their entry, ascending (first report wins). */
  private readonly configurations = new Map<GroupId, { index: number; voters: readonly NodeId[] }[]>();
  private readonly seen = new Set<string>();
  acknowledgedWrites = 0;

  constructor(private readonly nowUs: () => number) {}

  // ---- NodeObserver ----

  persisted(node: NodeId, group: GroupId, entries: readonly Entry[]): void {
    const log = this.durableLog(node, group);
    for (const e of entries) log.set(e.index, e.term);
  }

  snapshotPersisted(node: NodeId, group: GroupId, index: LogIndex): void {
    const key = `${node}/${group}`;
    this.durableSnapshot.set(key, Math.max(index, this.durableSnapshot.get(key) ?? 0));
  }

  configurationApplied(node: NodeId, group: GroupId, index: LogIndex, voters: readonly NodeId[], votersOutgoing: readonly NodeId[]): void {
    const list = this.configurations.get(group) ?? [];
    if (list.some((c) => c.index === index)) return;
    // In a joint configuration either majority may be the one that committed: count over both.
    list.push({ index, voters: [...new Set([...voters, ...votersOutgoing])] });
    list.sort((a, b) => a.index - b.index);
    this.configurations.set(group, list);
  }

  applied(node: NodeId, group: GroupId, entries: readonly Entry[], term: Term): void {
    for (const e of entries) {
      const key = `${group}/${e.index}`;
      const record: AppliedRecord = { term: e.term, hash: entryHash(e), node, knownInTerm: term };
      const first = this.appliedEntries.get(key);
      if (first) first.knownInTerm = Math.min(first.knownInTerm, term);
      if (!first) {
        this.appliedEntries.set(key, record);
        if (e.index > (this.appliedMax.get(group) ?? 0)) this.appliedMax.set(group, e.index);
      } else if (first.term !== record.term || first.hash !== record.hash) {
        this.report('state-machine-safety', `group ${group} index ${e.index}: node ${first.node} applied term ${first.term} (hash ${first.hash.toString(16)}), node ${node} applied term ${e.term} (hash ${record.hash.toString(16)})`);
      }
    }
  }

  becameLeader(node: NodeId, group: GroupId, term: Term): void {
    const key = `${group}/${term}`;
    const other = this.leaders.get(key);
    if (other === undefined) this.leaders.set(key, node);
    else if (other !== node) this.report('election-safety', `group ${group} term ${term}: both node ${other} and node ${node} became leader`);
  }

  committed(node: NodeId, group: GroupId, index: LogIndex): void {
    const key = `${node}/${group}`;
    const before = this.commits.get(key) ?? 0;
    if (index < before) this.report('commit-monotonic', `node ${node} group ${group}: commit index went from ${before} back to ${index} without a restart`);
    this.commits.set(key, index);
  }

  // ---- driven by the harness ----

  /** A node restarted: its in-memory commit index may legitimately start lower. */
  restarted(node: NodeId): void {
    for (const key of [...this.commits.keys()]) if (key.startsWith(`${node}/`)) this.commits.delete(key);
  }

  /** A node's disk was wiped (it rejoins as new): forget what it had durable. */
  wiped(node: NodeId): void {
    for (const key of [...this.durable.keys()]) if (key.startsWith(`${node}/`)) this.durable.delete(key);
  }

  /**
   * A write was acknowledged to a client: it must already be durable (in the WAL, or under a durable
   * snapshot) on a quorum of the voters in force at its index — the configuration that committed it.
   * `founders` is the configuration before any change was applied.
   */
  writeAcknowledged(group: GroupId, index: LogIndex, term: Term, founders: readonly NodeId[]): void {
    this.acknowledgedWrites++;
    const holds = (n: NodeId) => this.durable.get(`${n}/${group}`)?.get(index) === term || (this.durableSnapshot.get(`${n}/${group}`) ?? 0) >= index;
    // A configuration takes effect when the leader applies it, so the one that committed this entry is
    // the newest configuration before it or the one before that (a change may still have been unapplied).
    const candidates = this.votersBefore(group, index, founders);
    if (candidates.some((voters) => voters.filter(holds).length * 2 > voters.length)) return;
    const voters = candidates[0];
    this.report('durable-before-ack', `group ${group} index ${index} term ${term} was acknowledged while durable only on [${voters.filter(holds).join(', ')}] of voters [${voters.join(', ')}] (nor on a quorum of the configuration before)`);
  }

  /** The voters of the newest configuration whose entry precedes `index`, then of the one before it. */
  private votersBefore(group: GroupId, index: number, founders: readonly NodeId[]): (readonly NodeId[])[] {
    const earlier = [{ index: 0, voters: founders }, ...(this.configurations.get(group) ?? [])].filter((c) => c.index < index);
    return earlier.slice(-2).reverse().map((c) => c.voters);
  }

  /** Log matching and leader completeness over the logs of the running nodes. */
  inspectLogs(group: GroupId, logs: ReadonlyMap<NodeId, LogView>, leader: NodeId | undefined, leaderTerm: number): void {
    const nodes = [...logs.keys()];
    for (const [node, log] of logs) {
      if (!(log.applied <= log.commit && log.commit <= log.raftLastIndex)) {
        this.report('index-order', `node ${node} group ${group}: expected applied ${log.applied} <= commit ${log.commit} <= last ${log.raftLastIndex}`);
      }
    }
    for (let a = 0; a < nodes.length; a++) {
      for (let b = a + 1; b < nodes.length; b++) this.checkLogMatching(group, nodes[a], logs.get(nodes[a])!, nodes[b], logs.get(nodes[b])!);
    }
    if (leader !== undefined && logs.has(leader)) this.checkLeaderCompleteness(group, leader, logs.get(leader)!, leaderTerm);
  }

  /** Every acknowledged write's entry is the one the cluster applied at its index. */
  checkAcknowledgedApplied(group: GroupId, receipts: readonly { index: number; term: number }[]): string[] {
    const lost: string[] = [];
    for (const r of receipts) {
      const record = this.appliedEntries.get(`${group}/${r.index}`);
      if (!record || record.term !== r.term) lost.push(`index ${r.index} term ${r.term}: ${record ? `the cluster applied term ${record.term} there` : 'no node applied it'}`);
    }
    return lost;
  }

  private checkLogMatching(group: GroupId, na: NodeId, a: LogView, nb: NodeId, b: LogView): void {
    const lo = Math.max(a.firstIndex, b.firstIndex);
    const hi = Math.min(a.lastIndex, b.lastIndex);
    let matched = false;
    for (let i = hi; i >= lo; i--) {
      const same = a.term(i) === b.term(i);
      if (same) matched = true;
      else if (matched) {
        this.report('log-matching', `group ${group}: nodes ${na} and ${nb} agree on a later entry but differ at index ${i} (terms ${a.term(i)} and ${b.term(i)})`);
        return;
      }
    }
  }

  /** A leader of `leaderTerm` holds every entry known committed in an earlier term (a deposed leader that has not heard yet is exempt). */
  private checkLeaderCompleteness(group: GroupId, leader: NodeId, log: LogView, leaderTerm: number): void {
    for (let i = log.firstIndex; i <= log.lastIndex; i++) {
      const record = this.appliedEntries.get(`${group}/${i}`);
      if (record && record.knownInTerm < leaderTerm && record.term !== log.term(i)) {
        this.report('leader-completeness', `group ${group}: leader ${leader} of term ${leaderTerm} has term ${log.term(i)} at index ${i}, but the entry of term ${record.term} there was committed by term ${record.knownInTerm} and applied`);
        return;
      }
    }
    const required = this.highestCommittedBefore(group, leaderTerm);
    if (required > log.lastIndex) {
      this.report('leader-completeness', `group ${group}: leader ${leader} of term ${leaderTerm}'s log ends at ${log.lastIndex}, before index ${required}, committed in an earlier term`);
    }
  }

  /** The highest applied index known committed before `term` (scans down from the top; bounded by the gap). */
  private highestCommittedBefore(group: GroupId, term: number): number {
    const top = this.appliedMax.get(group) ?? 0;
    for (let i = top, scanned = 0; i > 0 && scanned < completenessScanMax; i--, scanned++) {
      const record = this.appliedEntries.get(`${group}/${i}`);
      if (record && record.knownInTerm < term) return i;
    }
    return 0;
  }

  private durableLog(node: NodeId, group: GroupId): Map<number, number> {
    const key = `${node}/${group}`;
    let log = this.durable.get(key);
    if (!log) this.durable.set(key, (log = new Map()));
    return log;
  }

  private report(invariant: string, detail: string): void {
    if (this.seen.has(invariant)) return;
    this.seen.add(invariant);
    this.violations.push({ check: 'raft-invariants', invariant, detail, atUs: this.nowUs() });
  }
}
