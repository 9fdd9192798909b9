// Raft's safety properties, checked online while a simulated run goes on (Raft paper, Figure 3):
// election safety (one leader per term), log matching, leader completeness, state machine safety,
// commit never regressing within one incarnation of a node, and no acknowledgement of a write before
// it is durable on a quorum. It observes nodes through core/node's NodeObserver and inspects their
// logs periodically. The first violation of each kind is kept with the virtual time it was seen.
import type { NodeObserver } from '../../core/node/node-observer.ts';
import type { Entry } from '../../core/raft/types.ts';
import type { GroupId, LogIndex, NodeId, Term } from '../../core/types.ts';
import { AppliedEntries, DurableTerms } from './applied-entries.ts';

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
  /**
   * Optional, for incremental checking: the object holding the log, and a counter that changes
   * whenever entries it held were discarded or replaced (MemoryStorage.rewrites). While both stand
   * still, terms seen before are unchanged and log matching re-checks only the new top of the logs.
   */
  readonly source?: object;
  readonly rewrites?: number;
}

/** What log matching verified for a pair of logs: every index up to `matchedHi` agrees. */
interface PairMatch {
  readonly sourceA: object;
  readonly sourceB: object;
  readonly rewritesA: number;
  readonly rewritesB: number;
  readonly matchedHi: number;
}

export interface Violation {
  readonly check: string;
  readonly invariant: string;
  readonly detail: string;
  readonly atUs: number;
}

/** Key for per-node, per-group tables: group ids stay below 2^20 (one process hosts far fewer groups). */
function nodeGroupKey(node: NodeId, group: GroupId): number {
  return node * 0x100000 + group;
}

function nodeOfKey(key: number): number {
  return Math.floor(key / 0x100000);
}

/** FNV-1a over an entry's type and data: equal entries hash equal; a mismatch is a real difference. */
export function entryHash(entry: Entry): number {
  let h = entry.type === 'normal' ? 0x811c9dc5 : 0x01000193;
  const data = entry.data;
  for (let i = 0; i < data.length; i++) h = Math.imul(h ^ data[i], 0x01000193);
  return h >>> 0;
}

export class RaftInvariantChecker implements NodeObserver {
  readonly violations: Violation[] = [];
  private readonly leaders = new Map<string, NodeId>();
  /** Per group: what the cluster applied at each index (first applier wins; later ones are compared). */
  private readonly appliedByGroup = new Map<GroupId, AppliedEntries>();
  /** Per node and group: index -> term of what is durable on that node's disk. */
  private readonly durable = new Map<number, DurableTerms>();
  private readonly commits = new Map<number, number>();
  /** Per node and group: the index through which a durable snapshot covers the log. */
  private readonly durableSnapshot = new Map<number, number>();
  /** Per group: configurations by the index of their entry, ascending (first report wins). */
  private readonly configurations = new Map<GroupId, { index: number; voters: readonly NodeId[] }[]>();
  private readonly seen = new Set<string>();
  /** Per group and pair of nodes: what log matching verified at the last inspection. */
  private readonly pairMatches = new Map<string, PairMatch>();
  acknowledgedWrites = 0;

  constructor(private readonly nowUs: () => number) {}

  // ---- NodeObserver ----

  persisted(node: NodeId, group: GroupId, entries: readonly Entry[]): void {
    const log = this.durableLog(node, group);
    for (const e of entries) log.set(e.index, e.term);
  }

  snapshotPersisted(node: NodeId, group: GroupId, index: LogIndex): void {
    const key = nodeGroupKey(node, group);
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
    const applied = this.appliedEntries(group);
    for (const e of entries) {
      const hash = entryHash(e);
      if (!applied.has(e.index)) {
        applied.add(e.index, e.term, hash, node, term);
        continue;
      }
      applied.lowerKnownIn(e.index, term);
      if (applied.termAt(e.index) !== e.term || applied.hashAt(e.index) !== hash) {
        this.report('state-machine-safety', `group ${group} index ${e.index}: node ${applied.nodeAt(e.index)} applied term ${applied.termAt(e.index)} (hash ${applied.hashAt(e.index).toString(16)}), node ${node} applied term ${e.term} (hash ${hash.toString(16)})`);
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
    const key = nodeGroupKey(node, group);
    const before = this.commits.get(key) ?? 0;
    if (index < before) this.report('commit-monotonic', `node ${node} group ${group}: commit index went from ${before} back to ${index} without a restart`);
    this.commits.set(key, index);
  }

  // ---- driven by the harness ----

  /** A node restarted: its in-memory commit index may legitimately start lower. */
  restarted(node: NodeId): void {
    for (const key of [...this.commits.keys()]) if (nodeOfKey(key) === node) this.commits.delete(key);
  }

  /** A node's disk was wiped (it rejoins as new): forget what it had durable. */
  wiped(node: NodeId): void {
    for (const key of [...this.durable.keys()]) if (nodeOfKey(key) === node) this.durable.delete(key);
  }

  /**
   * A write was acknowledged to a client: it must already be durable (in the WAL, or under a durable
   * snapshot) on a quorum of the voters in force at its index — the configuration that committed it.
   * `founders` is the configuration before any change was applied.
   */
  writeAcknowledged(group: GroupId, index: LogIndex, term: Term, founders: readonly NodeId[]): void {
    this.acknowledgedWrites++;
    const holds = (n: NodeId) => this.durable.get(nodeGroupKey(n, group))?.get(index) === term || (this.durableSnapshot.get(nodeGroupKey(n, group)) ?? 0) >= index;
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
    const applied = this.appliedEntries(group);
    for (const r of receipts) {
      const found = applied.has(r.index);
      if (!found || applied.termAt(r.index) !== r.term) lost.push(`index ${r.index} term ${r.term}: ${found ? `the cluster applied term ${applied.termAt(r.index)} there` : 'no node applied it'}`);
    }
    return lost;
  }

  /**
   * Scanning down from the top of the overlap, once two logs agree at an index they must agree at
   * every index below it (Raft's Log Matching property).
   */
  private checkLogMatching(group: GroupId, na: NodeId, a: LogView, nb: NodeId, b: LogView): void {
    const lo = Math.max(a.firstIndex, b.firstIndex);
    const hi = Math.min(a.lastIndex, b.lastIndex);
    // Everything up to a previous highest match still agrees if neither log rewrote anything since
    // (and a match there settles every index below): scan only above it. Same verdict and detail as a
    // full scan: the highest match is found either way, and no mismatch lies below the old one.
    const pairKey = `${group}/${na}/${nb}`;
    const known = this.pairMatches.get(pairKey);
    const unchanged = known !== undefined && a.source !== undefined && b.source !== undefined && known.sourceA === a.source && known.sourceB === b.source && known.rewritesA === a.rewrites && known.rewritesB === b.rewrites;
    const knownHi = unchanged && known.matchedHi >= lo ? known.matchedHi : -1;
    let matchedHi = -1;
    for (let i = hi; i >= lo && i > knownHi; i--) {
      const same = a.term(i) === b.term(i);
      if (same) {
        if (matchedHi < 0) matchedHi = i;
      } else if (matchedHi >= 0) {
        this.pairMatches.delete(pairKey);
        this.report('log-matching', `group ${group}: nodes ${na} and ${nb} agree on a later entry but differ at index ${i} (terms ${a.term(i)} and ${b.term(i)})`);
        return;
      }
    }
    if (matchedHi < 0) matchedHi = knownHi;
    if (a.source === undefined || b.source === undefined || matchedHi < 0) return void this.pairMatches.delete(pairKey);
    this.pairMatches.set(pairKey, { sourceA: a.source, sourceB: b.source, rewritesA: a.rewrites ?? 0, rewritesB: b.rewrites ?? 0, matchedHi });
  }

  /** A leader of `leaderTerm` holds every entry known committed in an earlier term (a deposed leader that has not heard yet is exempt). */
  private checkLeaderCompleteness(group: GroupId, leader: NodeId, log: LogView, leaderTerm: number): void {
    const applied = this.appliedEntries(group);
    // Indexes above the highest applied one have no record to compare with.
    const hi = Math.min(log.lastIndex, applied.maxIndex);
    for (let i = log.firstIndex; i <= hi; i++) {
      if (applied.has(i) && applied.knownInTermAt(i) < leaderTerm && applied.termAt(i) !== log.term(i)) {
        this.report('leader-completeness', `group ${group}: leader ${leader} of term ${leaderTerm} has term ${log.term(i)} at index ${i}, but the entry of term ${applied.termAt(i)} there was committed by term ${applied.knownInTermAt(i)} and applied`);
        return;
      }
    }
    const required = applied.highestKnownBefore(leaderTerm);
    if (required > log.lastIndex) {
      this.report('leader-completeness', `group ${group}: leader ${leader} of term ${leaderTerm}'s log ends at ${log.lastIndex}, before index ${required}, committed in an earlier term`);
    }
  }

  private appliedEntries(group: GroupId): AppliedEntries {
    let applied = this.appliedByGroup.get(group);
    if (!applied) this.appliedByGroup.set(group, (applied = new AppliedEntries()));
    return applied;
  }

  private durableLog(node: NodeId, group: GroupId): DurableTerms {
    const key = nodeGroupKey(node, group);
    let log = this.durable.get(key);
    if (!log) this.durable.set(key, (log = new DurableTerms()));
    return log;
  }

  private report(invariant: string, detail: string): void {
    if (this.seen.has(invariant)) return;
    this.seen.add(invariant);
    this.violations.push({ check: 'raft-invariants', invariant, detail, atUs: this.nowUs() });
  }
}
