// The host's handle on one Raft group member (etcd's RawNode, sans-IO). Feed it ticks, messages and
// proposals; whenever hasReady(), take the Ready, persist/send/apply it in the order documented on
// Ready (core/raft/types.ts), then advance(). Everything is synchronous and deterministic given the
// injected Random.
import { assert, logIndex, term as brandTerm } from '../types.ts';
import type { NodeId, Term } from '../types.ts';
import type { Random } from '../env/random.ts';
import type { Tracer } from '../env/tracer.ts';
import { encodeConfChange } from '../codec/conf-change.ts';
import { payloadBytes } from './entries.ts';
import { LOCAL_MESSAGE_TYPES, makeMessage } from './messages.ts';
import type { MessageFields } from './messages.ts';
import { applyConfChangeToRaft } from './raft-membership.ts';
import { Raft } from './raft.ts';
import { raftStatus } from './status.ts';
import type { RaftStatus } from './status.ts';
import type { RaftLogStorage } from './storage.ts';
import type { ConfChange, ConfState, Entry, HardState, Message, MessageType, ProposalError, RaftConfig, Ready, Role, SoftState } from './types.ts';

/** Why a message from the network was not stepped. */
export interface StepRejection {
  readonly code: 'wrongGroup' | 'wrongRecipient' | 'localMessage' | 'malformed';
  readonly message: string;
}

/** Messages a follower forwards to the leader: they travel without a term. */
const FORWARDED_TYPES: ReadonlySet<MessageType> = new Set<MessageType>(['prop', 'readIndex', 'transferLeader']);

export class RawNode {
  private readonly raft: Raft;
  private prevSoft: SoftState;
  private prevHard: HardState;
  private outstanding: Ready | undefined = undefined;

  constructor(config: RaftConfig, storage: RaftLogStorage, private readonly tracer: Tracer, random: Random) {
    this.raft = new Raft(config, storage, tracer, random);
    this.prevSoft = this.raft.softState();
    this.prevHard = this.raft.hardState();
  }

  get id(): NodeId {
    return this.raft.id;
  }

  /** The leader this node knows of (NONE if none); cheap, unlike status(). */
  get leader(): NodeId {
    return this.raft.lead;
  }

  /** This node's role and term now; cheap, unlike status(). */
  get role(): Role {
    return this.raft.role;
  }

  get term(): Term {
    return this.raft.term as Term;
  }

  /** Advances the logical clock by one tick (election and heartbeat timers count ticks). */
  tick(): void {
    this.raft.tick();
  }

  /** Steps a message that arrived from a peer. Returns why it was refused, or null. */
  step(m: Message): StepRejection | null {
    if (m.group !== this.raft.group) return { code: 'wrongGroup', message: `message for group ${m.group} stepped into group ${this.raft.group}` };
    if (m.to !== this.raft.id) return { code: 'wrongRecipient', message: `message for node ${m.to} stepped into node ${this.raft.id}` };
    if (LOCAL_MESSAGE_TYPES.has(m.type)) return { code: 'localMessage', message: `a ${m.type} message cannot come from the network` };
    if (FORWARDED_TYPES.has(m.type) !== (m.term === 0)) {
      return { code: 'malformed', message: `a ${m.type} message with term ${m.term}: only forwarded proposals, reads and transfers have term 0` };
    }
    this.raft.step(m);
    return null;
  }

  private local(type: MessageType, fields?: MessageFields, from: NodeId = this.raft.id): ProposalError | null {
    return this.raft.step(makeMessage(type, this.raft.group, from, this.raft.id, 0, fields));
  }

  /** Proposes one normal entry. Followers forward it to the leader (null then means "forwarded"). */
  propose(data: Uint8Array): ProposalError | null {
    return this.local('prop', { entries: [{ term: brandTerm(0), index: logIndex(0), type: 'normal', data }] });
  }

  /** Proposes several normal entries in one batch (all or none are accepted). */
  proposeBatch(datas: readonly Uint8Array[]): ProposalError | null {
    const entries: Entry[] = new Array(datas.length);
    for (let i = 0; i < datas.length; i++) entries[i] = { term: brandTerm(0), index: logIndex(0), type: 'normal', data: datas[i] };
    return this.local('prop', { entries });
  }

  /** Proposes a membership change; refused while another is pending (not yet applied). */
  proposeConfChange(cc: ConfChange): ProposalError | null {
    return this.local('prop', { entries: [{ term: brandTerm(0), index: logIndex(0), type: 'confChange', data: encodeConfChange(cc) }] });
  }

  /** Asks for a linearizable read point; a ReadState with this context appears in a later Ready. */
  readIndex(context: Uint8Array): ProposalError | null {
    if (context.length === 0) return { code: 'proposalDropped', reason: 'a read request needs a non-empty context' };
    return this.local('readIndex', { context });
  }

  /** Asks the leader (directly, or forwarded by a follower) to hand leadership to `to`. */
  transferLeader(to: NodeId): void {
    this.local('transferLeader', undefined, to);
  }

  /** Starts an election now (with a pre-vote when configured). */
  campaign(): void {
    this.local('hup');
  }

  /** The transport could not reach `id`: the leader stops streaming to it and probes. */
  reportUnreachable(id: NodeId): void {
    this.local('unreachable', undefined, id);
  }

  /** The host finished (ok) or gave up on (not ok) sending a snapshot to `id`. */
  reportSnapshot(id: NodeId, ok: boolean): void {
    this.local('snapStatus', { reject: !ok }, id);
  }

  /** The host applied a committed confChange entry (decoded with decodeConfChange). */
  applyConfChange(cc: ConfChange): ConfState {
    return applyConfChangeToRaft(this.raft, cc);
  }

  status(): RaftStatus {
    return raftStatus(this.raft);
  }

  /** Whether there is something to persist, send or apply. False while a Ready is outstanding. */
  hasReady(): boolean {
    if (this.outstanding) return false;
    const r = this.raft;
    r.flush();
    return (
      r.msgs.length > 0 ||
      r.log.unstable.hasNextEntries() ||
      r.log.unstable.nextSnapshot() !== undefined ||
      r.log.hasNextCommittedEntries() ||
      r.readStates.length > 0 ||
      !softEqual(r.softState(), this.prevSoft) ||
      !hardEqual(r.hardState(), this.prevHard)
    );
  }

  ready(): Ready {
    assert(this.outstanding === undefined, 'ready() called again before advance()');
    const r = this.raft;
    r.flush();
    const hs = r.hardState();
    assert(hs.commit >= this.prevHard.commit, () => `commit regressed from ${this.prevHard.commit} to ${hs.commit}`);
    const hardState = hardEqual(hs, this.prevHard) ? undefined : hs;
    const ss = r.softState();
    const softState = softEqual(ss, this.prevSoft) ? undefined : ss;
    const entries = r.log.unstable.nextEntries();
    const snapshot = r.log.unstable.nextSnapshot();
    const committedEntries = r.log.nextCommittedEntries();
    const mustSync = entries.length > 0 || snapshot !== undefined || (hardState !== undefined && (hs.term !== this.prevHard.term || hs.vote !== this.prevHard.vote));
    const rd: Ready = { softState, hardState, entries, snapshot, committedEntries, messages: r.takeMessages(), readStates: r.takeReadStates(), mustSync };
    r.log.unstable.acceptInProgress();
    if (committedEntries.length > 0) r.log.acceptApplying(committedEntries[committedEntries.length - 1].index);
    if (hardState) this.prevHard = hs;
    if (softState) this.prevSoft = ss;
    this.outstanding = rd;
    return rd;
  }

  /** The host persisted, sent and applied `rd` (the Ready returned by the last ready()). */
  advance(rd: Ready): void {
    assert(rd === this.outstanding, 'advance() with a Ready that is not the outstanding one');
    this.outstanding = undefined;
    const r = this.raft;
    if (rd.snapshot) {
      r.log.unstable.stableSnapTo(rd.snapshot.metadata.index);
      r.log.appliedSnapshot(rd.snapshot.metadata.index);
    }
    if (rd.entries.length > 0) {
      const last = rd.entries[rd.entries.length - 1];
      r.log.unstable.stableTo(last.index, last.term);
      if (this.tracer.enabled('raft.append')) {
        this.tracer.emit('raft.append', { group: r.group, index: rd.entries[0].index, terms: rd.entries.map((e) => e.term) });
      }
    }
    if (rd.committedEntries.length > 0) {
      const last = rd.committedEntries[rd.committedEntries.length - 1];
      r.log.appliedTo(last.index);
      r.uncommittedBytes = Math.max(0, r.uncommittedBytes - payloadBytes(rd.committedEntries));
      // raft.apply is the host's to emit: it is the one that applies.
    }
    r.onAdvance();
    r.invariants();
  }
}

function softEqual(a: SoftState, b: SoftState): boolean {
  return a.leader === b.leader && a.role === b.role;
}

function hardEqual(a: HardState, b: HardState): boolean {
  return a.term === b.term && a.vote === b.vote && a.commit === b.commit;
}
