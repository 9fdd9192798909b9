// The Raft state machine proper: terms, roles, timers and message dispatch. It does no I/O: messages
// to send collect in `msgs`, read results in `readStates`, and RawNode turns them (and the log's
// unstable tail) into a Ready. Role behaviour lives in raft-leader/-follower/-election.ts; the role
// itself is the xstate machine of role-machine.ts.
import { NONE, assert } from '../types.ts';
import type { GroupId, LogIndex, NodeId, Term } from '../types.ts';
import type { Random } from '../env/random.ts';
import type { Tracer } from '../env/tracer.ts';
import type { RaftBugName } from './bugs.ts';
import { resolveRaftConfig } from './config.ts';
import type { ResolvedRaftConfig } from './config.ts';
import { configFromConfState } from './confchange/restore.ts';
import { isTransferContext, makeMessage } from './messages.ts';
import type { MessageFields } from './messages.ts';
import { hup, handleVoteRequest, learnCommitFromRefusal, rejectVote, stepCandidate } from './raft-election.ts';
import { stepFollower } from './raft-follower.ts';
import { checkQuorumRound, stepLeader } from './raft-leader.ts';
import { checkInvariants } from './invariants.ts';
import type { InvariantMarks } from './invariants.ts';
import { maybeAutoLeave } from './raft-membership.ts';
import { bcastAppend, bcastHeartbeat, maybeCommit, onCommitAdvanced } from './raft-replication.ts';
import { tickSnapshotTransfers } from './raft-snapshot.ts';
import type { SnapshotAssembly } from './raft-snapshot.ts';
import { RaftLog } from './raft-log.ts';
import { ReadOnlyQueue } from './read-only.ts';
import { initialRole, nextRole, roleOf } from './role-machine.ts';
import type { RoleEvent, RoleSnapshot } from './role-machine.ts';
import type { RaftLogStorage } from './storage.ts';
import { Progress } from './tracker/progress.ts';
import { ProgressTracker } from './tracker/progress-tracker.ts';
import type { HardState, Message, MessageType, ProposalError, RaftConfig, ReadState, Role, SoftState } from './types.ts';

export class Raft {
  readonly id: NodeId;
  readonly group: GroupId;
  readonly cfg: ResolvedRaftConfig;
  readonly log: RaftLog;
  readonly trk: ProgressTracker;
  readonly readOnly = new ReadOnlyQueue();

  term = 0;
  vote: NodeId = NONE;
  /** The leader we follow (NONE when unknown). */
  lead: NodeId = NONE;
  /** The leader seen in this term, kept even after `lead` is cleared: a second one is a safety bug. */
  termLeader: NodeId = NONE;
  roleSnapshot: RoleSnapshot = initialRole();
  role: Role = 'follower';

  electionElapsed = 0;
  heartbeatElapsed = 0;
  randomizedElectionTimeout = 0;
  /** Ticks since this Raft was created; dates heartbeats for the read lease. */
  tickCount = 0;
  /** A restarted node forgot whom it followed: it grants no vote for one election timeout (leases). */
  startupLeaseGuard = true;

  leadTransferee: NodeId = NONE;
  /** Index of the latest membership change in the log; another waits until it is applied. */
  pendingConfIndex = 0;
  uncommittedBytes = 0;
  /** Reads that arrived before this leader committed an entry of its term. */
  pendingReadIndex: Message[] = [];
  /** Set once this leader sent timeoutNow: another node may now win without waiting out the lease. */
  leaseDisabled = false;
  /** The leader appended entries or advanced its commit: broadcast when the Ready is built. */
  appendsPending = false;
  /** A timeoutNow arrived while a committed membership change was unapplied: campaign once applied. */
  transferCampaignPending = false;

  /** Follower: the snapshot being received in chunks. */
  assembly: SnapshotAssembly | undefined = undefined;
  private commitTraced = 0;
  private readonly marks: InvariantMarks = { commit: 0, term: 0 };
  msgs: Message[] = [];
  readStates: ReadState[] = [];

  constructor(config: RaftConfig, storage: RaftLogStorage, readonly tracer: Tracer, readonly random: Random) {
    this.cfg = resolveRaftConfig(config);
    this.id = config.id;
    this.group = config.group;
    this.log = new RaftLog(storage, this.cfg.readyCommittedBytesMax);
    this.trk = new ProgressTracker(this.cfg.inflightMsgsMax, this.cfg.inflightBytesMax);
    this.log.onTruncate = (index) => this.trace('raft.truncate', () => ({ index }));
    const { hardState, confState } = storage.initialState();
    this.trk.setConfig(configFromConfState(confState), this.log.lastIndex());
    this.loadHardState(hardState);
    if (this.cfg.applied > 0) {
      assert(this.cfg.applied <= this.log.committed, () => `config.applied ${this.cfg.applied} beyond commit ${this.log.committed}`);
      this.log.appliedTo(this.cfg.applied);
    }
    this.commitTraced = this.log.committed;
    this.reset(this.term);
    this.invariants();
  }

  /** Checked after every input (constructor, step, tick, advance): see invariants.ts. */
  invariants(): void {
    checkInvariants(this, this.marks);
  }

  private loadHardState(hs: HardState): void {
    if (hs.term === 0 && hs.vote === NONE && hs.commit === 0) return;
    assert(hs.commit >= this.log.committed && hs.commit <= this.log.lastIndex(), () => `hard state commit ${hs.commit} outside [${this.log.committed}, ${this.log.lastIndex()}]`);
    this.log.committed = hs.commit;
    this.term = hs.term;
    this.vote = hs.vote;
  }

  bug(name: RaftBugName): boolean {
    return this.cfg.bugs.has(name);
  }

  hardState(): HardState {
    return { term: this.term as Term, vote: this.vote, commit: this.log.committed as LogIndex };
  }

  softState(): SoftState {
    return { leader: this.lead, role: this.role };
  }

  trace(kind: string, fields: () => Record<string, unknown>): void {
    if (this.tracer.enabled(kind)) this.tracer.emit(kind, { group: this.group, ...fields() });
  }

  /** Traces raft.commit once per advance of the commit index. */
  traceCommit(): void {
    if (this.log.committed <= this.commitTraced) return;
    this.commitTraced = this.log.committed;
    this.trace('raft.commit', () => ({ index: this.commitTraced }));
  }

  send(type: MessageType, to: NodeId, term: number, fields?: MessageFields): void {
    this.msgs.push(makeMessage(type, this.group, this.id, to, term, fields));
  }

  /** Sends a message built elsewhere (forwarding keeps its original sender). */
  forward(m: Message): void {
    this.msgs.push(m);
  }

  // --- roles -----------------------------------------------------------------------------------

  private transitionRole(event: RoleEvent): void {
    const from = this.role;
    this.roleSnapshot = nextRole(this.roleSnapshot, event);
    this.role = roleOf(this.roleSnapshot);
    this.trace('raft.role', () => ({ from, to: this.role, term: this.term, leader: this.lead, event: event.type }));
  }

  reset(term: number): void {
    if (this.term !== term) {
      this.term = term;
      this.vote = NONE;
      this.termLeader = NONE;
      this.assembly = undefined; // a new term: the old leader's snapshot transfer is over
      this.trace('raft.term', () => ({ term }));
    }
    this.lead = NONE;
    this.electionElapsed = 0;
    this.heartbeatElapsed = 0;
    this.randomizedElectionTimeout = this.cfg.electionTicks + this.random.int(0, this.cfg.electionTicks - 1);
    // Leaving the role ends a transfer (successfully, when the target's higher term deposed us).
    this.leadTransferee = NONE;
    this.trk.resetVotes();
    const next = this.log.lastIndex() + 1;
    for (const id of this.trk.ids) {
      const old = this.trk.progress.get(id)!;
      const pr = new Progress(next, old.isLearner, this.cfg.inflightMsgsMax, this.cfg.inflightBytesMax);
      if (id === this.id) pr.match = this.log.lastStableIndex();
      this.trk.progress.set(id, pr);
    }
    this.pendingConfIndex = 0;
    this.uncommittedBytes = 0;
    this.readOnly.reset();
    this.pendingReadIndex = [];
    this.leaseDisabled = false;
    this.appendsPending = false;
    this.transferCampaignPending = false;
  }

  /** Records `id` as the leader of the current term; a different one in the same term is a safety bug. */
  setLeader(id: NodeId): void {
    assert(this.termLeader === NONE || this.termLeader === id, () => `two leaders in term ${this.term}: ${this.termLeader} and ${id} (seen by ${this.id})`);
    this.termLeader = id;
    this.lead = id;
  }

  becomeFollower(term: number, lead: NodeId, event: 'HIGHER_TERM' | 'LEADER_FOUND' | 'ELECTION_LOST' | 'STEP_DOWN'): void {
    const from = this.role;
    this.roleSnapshot = nextRole(this.roleSnapshot, { type: event });
    this.role = roleOf(this.roleSnapshot);
    this.reset(term);
    if (lead !== NONE) this.setLeader(lead);
    this.trace('raft.role', () => ({ from, to: this.role, term: this.term, leader: this.lead, event }));
  }

  becomePreCandidate(event: RoleEvent): void {
    this.transitionRole(event);
    // No new term yet: a pre-vote must not disturb anyone if it fails.
    this.trk.resetVotes();
    this.lead = NONE;
  }

  becomeCandidate(event: RoleEvent): void {
    const from = this.role;
    this.roleSnapshot = nextRole(this.roleSnapshot, event);
    this.role = roleOf(this.roleSnapshot);
    this.reset(this.term + 1);
    this.vote = this.id;
    this.trace('raft.vote', () => ({ term: this.term, for: this.id }));
    this.trace('raft.role', () => ({ from, to: this.role, term: this.term, leader: NONE, event: event.type }));
  }

  becomeLeader(): void {
    const from = this.role;
    this.roleSnapshot = nextRole(this.roleSnapshot, { type: 'VOTE_WON' });
    this.role = roleOf(this.roleSnapshot);
    this.reset(this.term);
    this.setLeader(this.id);
    const self = this.trk.progress.get(this.id);
    if (self) {
      self.becomeReplicate();
      self.match = this.log.lastStableIndex();
      self.next = this.log.lastIndex() + 1;
      self.recentActive = true;
    }
    // Entries from earlier terms may hold a membership change we cannot see is applied yet.
    this.pendingConfIndex = this.log.lastIndex();
    // The empty entry of our term: committing it commits everything before (paper 5.4.2, 8).
    this.appendEntries([{ type: 'normal', data: new Uint8Array(0) }]);
    this.trace('raft.role', () => ({ from, to: 'leader', term: this.term, leader: this.id, event: 'VOTE_WON' }));
  }

  /** Leader: appends proposals to its own log, stamping term and index. */
  appendEntries(entries: readonly { readonly type: 'normal' | 'confChange'; readonly data: Uint8Array }[]): void {
    const first = this.log.lastIndex() + 1;
    const stamped = new Array(entries.length);
    for (let i = 0; i < entries.length; i++) {
      stamped[i] = { term: this.term as Term, index: (first + i) as LogIndex, type: entries[i].type, data: entries[i].data };
    }
    this.log.append(stamped);
    this.appendsPending = true;
  }

  /** Whether this node may campaign: a voter of its configuration, with no snapshot being installed. */
  promotable(): boolean {
    const pr = this.trk.progress.get(this.id);
    return pr !== undefined && !pr.isLearner && this.trk.isVoter(this.id) && !this.log.hasPendingSnapshot();
  }

  /**
   * Check-quorum lease: we heard from a leader less than an election timeout ago. With lease-based
   * reads a restarted node also waits out one election timeout, as it may have promised a lease
   * before the crash.
   */
  inLease(): boolean {
    if (!this.cfg.checkQuorum || this.electionElapsed >= this.cfg.electionTicks) return false;
    return this.lead !== NONE || (this.startupLeaseGuard && this.cfg.readOnlyOption === 'leaseBased');
  }

  abortLeaderTransfer(): void {
    if (this.leadTransferee === NONE) return;
    const to = this.leadTransferee;
    this.leadTransferee = NONE;
    this.trace('raft.transfer', () => ({ to, event: 'abort' }));
  }

  // --- input -----------------------------------------------------------------------------------

  tick(): void {
    this.tickCount++;
    if (this.role === 'leader') this.tickHeartbeat();
    else this.tickElection();
    this.invariants();
  }

  private tickElection(): void {
    this.electionElapsed++;
    if (this.startupLeaseGuard && this.electionElapsed >= this.cfg.electionTicks) this.startupLeaseGuard = false;
    if (this.promotable() && this.electionElapsed >= this.randomizedElectionTimeout) {
      this.electionElapsed = 0;
      hup(this, this.cfg.preVote ? 'preElection' : 'election');
    }
  }

  private tickHeartbeat(): void {
    this.heartbeatElapsed++;
    this.electionElapsed++;
    if (this.electionElapsed >= this.cfg.electionTicks) {
      this.electionElapsed = 0;
      if (this.cfg.checkQuorum) checkQuorumRound(this);
      if (this.role !== 'leader') return;
      // A transfer that did not finish within an election timeout is abandoned (the target may be down).
      this.abortLeaderTransfer();
    }
    tickSnapshotTransfers(this);
    if (this.heartbeatElapsed >= this.cfg.heartbeatTicks) {
      this.heartbeatElapsed = 0;
      bcastHeartbeat(this, this.readOnly.lastContext());
    }
  }

  step(m: Message): ProposalError | null {
    const result = this.stepMessage(m);
    this.invariants();
    return result;
  }

  private stepMessage(m: Message): ProposalError | null {
    // Whatever its term: a commit point is a fact that holds forever.
    if ((m.type === 'voteResp' || m.type === 'preVoteResp') && m.reject) learnCommitFromRefusal(this, m);
    if (m.term > this.term) {
      if (!this.stepHigherTerm(m)) return null;
    } else if (m.term < this.term && m.term !== 0) {
      this.stepLowerTerm(m);
      return null;
    }
    if (m.type === 'hup') {
      hup(this, this.cfg.preVote ? 'preElection' : 'election');
      return null;
    }
    if (m.type === 'vote' || m.type === 'preVote') {
      handleVoteRequest(this, m);
      return null;
    }
    if (this.role === 'leader') return stepLeader(this, m);
    if (this.role === 'follower') return stepFollower(this, m);
    return stepCandidate(this, m);
  }

  /** Returns whether processing continues. */
  private stepHigherTerm(m: Message): boolean {
    if ((m.type === 'vote' || m.type === 'preVote') && !isTransferContext(m.context) && this.inLease()) {
      // We heard from a leader recently: do not help depose it (a removed or partitioned node).
      return false;
    }
    if (m.type === 'preVote') return true; // never change our term for a pre-vote
    if (m.type === 'preVoteResp' && !m.reject) return true; // our own future term; won on quorum
    const fromLeader = m.type === 'app' || m.type === 'heartbeat' || m.type === 'snap';
    this.becomeFollower(m.term, fromLeader ? m.from : NONE, 'HIGHER_TERM');
    return true;
  }

  private stepLowerTerm(m: Message): void {
    if (this.bug('preVoteCheckQuorumStall')) return; // bug zoo: drop it silently
    if ((this.cfg.checkQuorum || this.cfg.preVote) && (m.type === 'heartbeat' || m.type === 'app')) {
      // A leader of an older term: our term ran ahead (we were partitioned). Tell it, so it steps down
      // and a fresh election lets us rejoin; with check-quorum nobody else would raise its term for us.
      this.send('appResp', m.from, this.term);
    } else if (m.type === 'preVote') {
      // Rejecting with our term lets a pre-candidate with a stale term catch up.
      rejectVote(this, m.from, 'preVoteResp');
    }
  }

  // --- output ----------------------------------------------------------------------------------

  /** Sends the appends that proposals and commit advances made pending (batched per Ready). */
  flush(): void {
    if (!this.appendsPending) return;
    this.appendsPending = false;
    if (this.role === 'leader') bcastAppend(this);
  }

  /** After the host persisted and applied a Ready. */
  onAdvance(): void {
    if (this.transferCampaignPending && this.role === 'follower') {
      this.transferCampaignPending = false;
      hup(this, 'transfer');
    }
    if (this.role !== 'leader') return;
    // The leader's own log counts towards commit only once the host made it durable.
    const self = this.trk.progress.get(this.id);
    if (self && self.maybeUpdate(this.log.lastStableIndex()) && maybeCommit(this)) onCommitAdvanced(this);
    maybeAutoLeave(this);
  }

  takeMessages(): Message[] {
    const out = this.msgs;
    this.msgs = [];
    return out;
  }

  takeReadStates(): ReadState[] {
    const out = this.readStates;
    this.readStates = [];
    return out;
  }
}
