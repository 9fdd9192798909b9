// A compact Raft replica for synthetic traces: pre-vote, elections, heartbeats, log replication with
// conflict repair, commit and apply. Not kvlab's Raft (that lives in core/raft); just faithful enough
// that the traces it emits tell a consistent story for the visualizer.
import type { EventQueue } from './event-queue.ts';
import type { TraceOut } from './trace-out.ts';

export interface SynthMessage {
  readonly type: string;
  readonly group: number;
  readonly term: number;
  readonly index?: number;
  readonly logTerm?: number;
  readonly commit?: number;
  readonly entries?: readonly number[];
  readonly tags?: readonly number[];
  readonly reject?: boolean;
  readonly hint?: number;
}

export interface ReplicaHost {
  readonly queue: EventQueue;
  readonly out: TraceOut;
  readonly random: () => number;
  send(from: number, to: number, message: SynthMessage): void;
  applied(node: number, group: number, index: number, tag: number): void;
}

export const heartbeatUs = 50_000;
const electionUsMin = 300_000;
const appendBatchMax = 16;

export class Replica {
  role = 'follower';
  term = 0;
  vote = 0;
  leader = 0;
  commit = 0;
  applied = 0;
  readonly terms: number[] = [];
  readonly tags: number[] = [];
  private electionDueUs = 0;
  private heartbeatDueUs = 0;
  private granted = new Set<number>();
  private readonly progress = new Map<number, { match: number; next: number }>();

  constructor(readonly node: number, readonly group: number, readonly peers: readonly number[], private readonly host: ReplicaHost) {
    this.resetElection();
  }

  get lastIndex(): number {
    return this.terms.length;
  }

  termAt(index: number): number {
    return index === 0 ? 0 : (this.terms[index - 1] ?? -1);
  }

  /** Called every few ms while the node is up. */
  tick(): void {
    const now = this.host.queue.nowUs;
    if (this.role === 'leader') {
      if (now >= this.heartbeatDueUs) this.broadcastHeartbeat();
    } else if (now >= this.electionDueUs) {
      // A pre-vote that timed out starts over: only a pre-vote majority may raise the term.
      this.campaign('preCandidate');
    }
  }

  propose(tag: number): boolean {
    if (this.role !== 'leader') return false;
    this.appendLocal([this.term], [tag]);
    for (const peer of this.peers) this.sendAppend(peer);
    return true;
  }

  /** In-memory state is lost; term, vote, log and commit were durable. */
  crash(): void {
    this.role = 'follower';
    this.leader = 0;
    this.progress.clear();
    this.applied = this.commit;
    this.resetElection();
  }

  receive(from: number, m: SynthMessage): void {
    const isPre = m.type === 'preVote' || m.type === 'preVoteResp';
    if (m.term > this.term && !isPre) this.becomeFollower(m.term, m.type === 'app' || m.type === 'heartbeat' ? from : 0);
    if (m.term < this.term && !isPre) return;
    switch (m.type) {
      case 'heartbeat':
        return this.onHeartbeat(from, m);
      case 'app':
        return this.onAppend(from, m);
      case 'appResp':
        return this.onAppendResp(from, m);
      case 'heartbeatResp':
        return;
      case 'preVote':
      case 'vote':
        return this.onVoteRequest(from, m);
      case 'preVoteResp':
      case 'voteResp':
        return this.onVoteResp(from, m);
    }
  }

  private emit(kind: string, fields: Record<string, unknown>): void {
    this.host.out.emit(this.node, kind, { group: this.group, ...fields });
  }

  private setRole(role: string, leader: number): void {
    if (role === this.role && leader === this.leader) return;
    this.emit('raft.role', { from: this.role, to: role, term: this.term, leader: leader === 0 ? null : leader });
    this.role = role;
    this.leader = leader;
  }

  private setTerm(term: number): void {
    if (term === this.term) return;
    this.term = term;
    this.vote = 0;
    this.emit('raft.term', { term });
  }

  private resetElection(): void {
    this.electionDueUs = this.host.queue.nowUs + electionUsMin + Math.floor(this.host.random() * electionUsMin);
  }

  private becomeFollower(term: number, leader: number): void {
    this.setTerm(term);
    this.progress.clear();
    this.setRole('follower', leader);
    this.resetElection();
  }

  private campaign(role: 'preCandidate' | 'candidate'): void {
    if (role === 'candidate') {
      this.setTerm(this.term + 1);
      this.vote = this.node;
      this.emit('raft.vote', { term: this.term, for: this.node });
    }
    this.setRole(role, 0);
    this.granted = new Set([this.node]);
    this.resetElection();
    const type = role === 'candidate' ? 'vote' : 'preVote';
    const term = role === 'candidate' ? this.term : this.term + 1;
    for (const peer of this.peers) this.host.send(this.node, peer, { type, group: this.group, term, index: this.lastIndex, logTerm: this.termAt(this.lastIndex) });
  }

  private onVoteRequest(from: number, m: SynthMessage): void {
    const upToDate = (m.logTerm ?? 0) > this.termAt(this.lastIndex) || ((m.logTerm ?? 0) === this.termAt(this.lastIndex) && (m.index ?? 0) >= this.lastIndex);
    let grant: boolean;
    if (m.type === 'preVote') {
      // Refuse while a leader is known, so a partitioned node cannot disrupt a healthy group.
      grant = upToDate && m.term > this.term && (this.leader === 0 || this.role === 'preCandidate');
    } else {
      grant = upToDate && (this.vote === 0 || this.vote === from) && m.term === this.term;
      if (grant) {
        this.vote = from;
        this.emit('raft.vote', { term: this.term, for: from });
        this.resetElection();
      }
    }
    const type = m.type === 'preVote' ? 'preVoteResp' : 'voteResp';
    this.host.send(this.node, from, { type, group: this.group, term: m.type === 'preVote' ? m.term : this.term, reject: !grant });
  }

  private onVoteResp(from: number, m: SynthMessage): void {
    const expected = this.role === 'preCandidate' ? 'preVoteResp' : this.role === 'candidate' ? 'voteResp' : '';
    if (m.type !== expected || m.reject) return;
    this.granted.add(from);
    if (this.granted.size * 2 <= this.peers.length + 1) return;
    if (this.role === 'preCandidate') this.campaign('candidate');
    else this.becomeLeader();
  }

  private becomeLeader(): void {
    this.setRole('leader', this.node);
    for (const peer of this.peers) this.progress.set(peer, { match: 0, next: this.lastIndex + 1 });
    this.appendLocal([this.term], [0]); // the no-op that commits the earlier terms' entries
    for (const peer of this.peers) this.sendAppend(peer);
    this.heartbeatDueUs = this.host.queue.nowUs + heartbeatUs;
  }

  private broadcastHeartbeat(): void {
    this.heartbeatDueUs = this.host.queue.nowUs + heartbeatUs;
    for (const peer of this.peers) {
      const match = this.progress.get(peer)?.match ?? 0;
      this.host.send(this.node, peer, { type: 'heartbeat', group: this.group, term: this.term, commit: Math.min(this.commit, match) });
    }
  }

  private onHeartbeat(from: number, m: SynthMessage): void {
    this.becomeFollower(m.term, from);
    this.advanceCommit(Math.min(m.commit ?? 0, this.lastIndex));
    this.host.send(this.node, from, { type: 'heartbeatResp', group: this.group, term: this.term });
  }

  private appendLocal(terms: readonly number[], tags: readonly number[]): void {
    const index = this.lastIndex + 1;
    this.terms.push(...terms);
    this.tags.push(...tags);
    this.emit('raft.append', { index, terms });
  }

  private sendAppend(peer: number): void {
    const p = this.progress.get(peer);
    if (p === undefined) return;
    const prev = p.next - 1;
    const entries = this.terms.slice(prev, prev + appendBatchMax);
    const tags = this.tags.slice(prev, prev + appendBatchMax);
    this.host.send(this.node, peer, { type: 'app', group: this.group, term: this.term, index: prev, logTerm: this.termAt(prev), commit: this.commit, entries, tags });
  }

  private onAppend(from: number, m: SynthMessage): void {
    this.becomeFollower(m.term, from);
    const prev = m.index ?? 0;
    if (this.termAt(prev) !== m.logTerm) {
      this.host.send(this.node, from, { type: 'appResp', group: this.group, term: this.term, index: prev, reject: true, hint: Math.min(this.lastIndex, prev - 1) });
      return;
    }
    const entries = m.entries ?? [];
    let first = 0;
    while (first < entries.length && this.termAt(prev + 1 + first) === entries[first]) first += 1;
    if (first < entries.length) {
      if (this.lastIndex > prev + first) {
        this.terms.length = prev + first;
        this.tags.length = prev + first;
        this.emit('raft.truncate', { index: prev + first });
      }
      this.appendLocal(entries.slice(first), (m.tags ?? []).slice(first));
    }
    const last = prev + entries.length;
    this.advanceCommit(Math.min(m.commit ?? 0, last));
    this.host.send(this.node, from, { type: 'appResp', group: this.group, term: this.term, index: last, commit: this.commit });
  }

  private onAppendResp(from: number, m: SynthMessage): void {
    const p = this.progress.get(from);
    if (this.role !== 'leader' || p === undefined) return;
    if (m.reject) {
      p.next = Math.max(1, Math.min(p.next - 1, (m.hint ?? 0) + 1));
    } else if ((m.index ?? 0) > p.match) {
      p.match = m.index ?? 0;
      p.next = p.match + 1;
    } else {
      return;
    }
    this.emit('raft.progress', { peer: from, match: p.match, next: p.next, state: m.reject ? 'probe' : 'replicate' });
    this.maybeCommit();
    if (p.next <= this.lastIndex) this.sendAppend(from);
  }

  private maybeCommit(): void {
    const matches = [this.lastIndex, ...[...this.progress.values()].map((p) => p.match)].sort((a, b) => b - a);
    const quorum = matches[Math.floor((this.peers.length + 1) / 2)];
    if (quorum > this.commit && this.termAt(quorum) === this.term) this.advanceCommit(quorum);
  }

  private advanceCommit(index: number): void {
    if (index <= this.commit) return;
    this.commit = index;
    this.emit('raft.commit', { index });
    const first = this.applied + 1;
    this.applied = index;
    this.emit('raft.apply', { index });
    for (let i = first; i <= index; i += 1) this.host.applied(this.node, this.group, i, this.tags[i - 1] ?? 0);
  }
}
