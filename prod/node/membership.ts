// Membership changes for a production node (POST/DELETE /v1/members, prod/http MembershipAdmin).
// A new member is added as a learner; the leader promotes each learner to voter once it has caught
// up (AutoPromoter), so an operator only says "add node 4 at these addresses". The new member's
// addresses travel in the change's context, and the node that takes the request records them at once
// so that, if it leads, it can start replicating to the learner right away.
import type { ClientError } from '../../core/node/client-api.ts';
import type { NodeId } from '../../core/types.ts';
import type { MembershipAdmin, MembershipChange } from '../http/node-services.ts';
import type { JsonLog } from '../log/json-log.ts';
import type { MemberDirectory } from './member-directory.ts';
import type { LocalRaftView, NodeHost } from './node-host.ts';

const textEncoder = new TextEncoder();

/** A learner within this many entries of the leader's last index counts as caught up. */
export const PROMOTE_LAG_ENTRIES_MAX = 64;

export interface MembershipOptions {
  readonly host: () => NodeHost | null;
  readonly directory: MemberDirectory;
  /** Points the transport at a member's Raft address (or drops it). */
  readonly setPeer: (id: NodeId, raftAddr: string) => void;
  readonly removePeer: (id: NodeId) => void;
  readonly selfId: NodeId;
  readonly log: JsonLog;
}

export class NodeMembership implements MembershipAdmin {
  constructor(private readonly options: MembershipOptions) {}

  changeMembership(change: MembershipChange, done: (error: ClientError | null) => void): void {
    const host = this.options.host();
    if (!host) return done({ code: 'noLeader', message: 'the node is still starting', retryAfterMs: 500 });
    const view = host.view();
    const problem = changeProblem(change, view);
    if (problem) return done({ code: 'invalid', message: problem });
    this.options.log.info('member.change', { op: change.op, id: change.id });
    if (change.op === 'addLearner') {
      this.options.directory.set(change.id, change.addresses);
      if (change.id !== this.options.selfId) this.options.setPeer(change.id, change.addresses.raftAddr);
      const context = textEncoder.encode(JSON.stringify({ id: change.id, ...change.addresses }));
      return host.changeMembership('addLearner', change.id, context, done);
    }
    host.changeMembership(change.op, change.id, undefined, (error) => {
      if (!error && change.op === 'remove' && change.id !== this.options.selfId) this.options.removePeer(change.id);
      done(error);
    });
  }
}

/** Why `change` makes no sense in the configuration `view` shows, or null. */
export function changeProblem(change: MembershipChange, view: LocalRaftView): string | null {
  const isVoter = view.voters.includes(change.id);
  const isLearner = view.learners.includes(change.id);
  if (change.op === 'addLearner' && isVoter) return `node ${change.id} is already a voter`;
  if (change.op === 'promote') {
    if (isVoter) return `node ${change.id} is already a voter`;
    if (!isLearner && view.voters.length > 0) return `node ${change.id} is not a learner; add it first`;
    const progress = view.progress?.find((p) => p.id === change.id);
    if (progress && progress.match + PROMOTE_LAG_ENTRIES_MAX < view.lastIndex) {
      return `learner ${change.id} has not caught up yet (it has ${progress.match} of ${view.lastIndex} entries); retry later`;
    }
  }
  if (change.op === 'remove' && !isVoter && !isLearner && view.voters.length > 0) return `node ${change.id} is not a member`;
  if (change.op === 'remove' && isVoter && view.voters.length === 1) return `node ${change.id} is the only voter; a cluster cannot remove its last voter`;
  return null;
}

/** The learner the leader should promote now: caught up and recently heard from. */
export function learnerToPromote(view: LocalRaftView): NodeId | null {
  if (view.role !== 'leader' || !view.progress) return null;
  for (const progress of view.progress) {
    if (progress.isLearner && progress.recentActive && progress.match + PROMOTE_LAG_ENTRIES_MAX >= view.lastIndex) return progress.id;
  }
  return null;
}

/**
 * While this node leads, promotes caught-up learners one at a time. Learners exist here only on their
 * way to becoming voters, so promotion needs no bookkeeping and survives a change of leader.
 */
export class AutoPromoter {
  private timer: NodeJS.Timeout | undefined;
  private busy = false;
  private stopped = false;

  constructor(private readonly host: () => NodeHost | null, private readonly log: JsonLog, private readonly intervalMs: number) {}

  start(): void {
    this.timer = setInterval(() => this.check(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) clearInterval(this.timer);
  }

  private check(): void {
    const host = this.host();
    if (this.busy || this.stopped || !host) return;
    const id = learnerToPromote(host.view());
    if (id === null) return;
    this.busy = true;
    host.changeMembership('promote', id, undefined, (error) => {
      this.busy = false;
      if (error) this.log.warn('member.promoteFailed', { id, error: error.code, message: error.message });
      else this.log.info('member.promoted', { id });
    });
  }
}
