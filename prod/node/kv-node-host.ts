// The NodeHost of a production node: core's KvNode over the production Env, with LevelEngine as its
// engine and core/storage's WAL as its durable log. The only file of prod/node that knows KvNode.
import type { Env } from '../../core/env/index.ts';
import type { ClientError } from '../../core/node/client-api.ts';
import type { KvEngine } from '../../core/kv/engine.ts';
import type { GroupReplica } from '../../core/node/group-replica.ts';
import { KvNode } from '../../core/node/kv-node.ts';
import type { DurableLog, SyncCallback } from '../../core/node/durable-log.ts';
import type { NodeConfig } from '../../core/node/node-config.ts';
import type { ConfChange, ConfChangeType } from '../../core/raft/types.ts';
import { openDurableLog } from '../../core/node/open-durable-log.ts';
import { assert, NONE, type NodeId } from '../../core/types.ts';
import type { LocalRaftView, MemberChangeOp, NodeHost } from './node-host.ts';

const changeTypes: Readonly<Record<MemberChangeOp, ConfChangeType>> = { addLearner: 'addLearner', promote: 'addVoter', remove: 'removeNode' };

export interface KvNodeHostParts {
  readonly env: Env;
  readonly config: NodeConfig;
  readonly engine: KvEngine;
  /** The node cannot go on (corruption found at start, a disk error). */
  readonly onFatal: (error: Error) => void;
}

/** Longest wait at stop for the durable log's in-flight completions (an fsync on a slow disk). */
const STOP_DRAIN_MS_MAX = 5_000;

export function createKvNodeHost(parts: KvNodeHostParts): NodeHost {
  let engineTaken = false;
  const drain = new CompletionDrain();
  const node = new KvNode(parts.env, parts.config, {
    engine: () => {
      // One group per node for now: its engine is the one LevelDB database of the data directory.
      assert(!engineTaken, 'a production node opens one Raft group');
      engineTaken = true;
      return parts.engine;
    },
    openDurableLog: (env, dir) => drain.wrap(openDurableLog(env.disk, dir, { tracer: env.tracer })),
    onFatal: parts.onFatal,
    // Writes that arrive in one turn (from many connections) share a Ready, a WAL write and an fsync.
    afterTurn: (run) => void setImmediate(run),
  });
  return {
    write: (write, options, done) => node.write(write, options, done),
    read: (read, options, done) => node.read(read, options, done),
    view: () => viewOf(node, parts.env.nodeId),
    changeMembership(op: MemberChangeOp, id: NodeId, context: Uint8Array | undefined, done: (error: ClientError | null) => void) {
      const change: ConfChange = context ? { changes: [{ type: changeTypes[op], nodeId: id }], context } : { changes: [{ type: changeTypes[op], nodeId: id }] };
      node.changeMembership(change, (error) => done(error));
    },
    transferLeader: (to) => node.transferLeader(to),
    stop: () => {
      node.stop();
      return drain.idle(STOP_DRAIN_MS_MAX);
    },
  };
}

/**
 * Counts the durable log's completions still to come. A completion that arrives after stop() still
 * applies entries to the engine, so the engine may only close once none is pending.
 */
class CompletionDrain {
  private pending = 0;
  private waiters: Array<() => void> = [];

  wrap(log: DurableLog): DurableLog {
    const tracked = (done: SyncCallback): SyncCallback => {
      this.pending++;
      return (error) => {
        try {
          done(error);
        } finally {
          this.pending--;
          if (this.pending === 0) for (const wake of this.waiters.splice(0)) wake();
        }
      };
    };
    return {
      ...log,
      sync: (done) => log.sync(tracked(done)),
      saveSnapshot: (snapshot, done) => log.saveSnapshot(snapshot, tracked(done)),
      compact: (index, done) => log.compact(index, tracked(done)),
    };
  }

  /** Resolves once nothing is pending, or after `timeoutMs`. */
  idle(timeoutMs: number): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

function viewOf(node: KvNode, self: NodeId): LocalRaftView {
  const replica = node.replica();
  if (!replica) return { role: node.isStopped() ? 'failed' : 'starting', term: 0, leader: null, commitIndex: 0, appliedIndex: 0, lastIndex: 0, voters: [], learners: [] };
  const status = replica.status();
  const { voters, learners } = status.confState;
  return { ...viewFields(status, replica.appliedIndex()), role: roleOf(status.role, replica.isFailed(), voters, learners, self) };
}

/**
 * Raft's role, refined for a follower by where it stands in the configuration it knows: a learner,
 * a node waiting to be added (no configuration yet), or one the configuration no longer lists.
 */
export function roleOf(raftRole: string, failed: boolean, voters: readonly NodeId[], learners: readonly NodeId[], self: NodeId): string {
  if (failed) return 'failed';
  if (raftRole !== 'follower') return raftRole;
  if (learners.includes(self)) return 'learner';
  if (voters.includes(self)) return 'follower';
  return voters.length === 0 && learners.length === 0 ? 'joining' : 'removed';
}

function viewFields(status: ReturnType<GroupReplica['status']>, appliedIndex: number): Omit<LocalRaftView, 'role'> {
  const { voters, learners } = status.confState;
  return {
    term: status.term,
    leader: status.lead === NONE ? null : status.lead,
    commitIndex: status.commit,
    appliedIndex,
    lastIndex: status.lastIndex,
    voters,
    learners,
    progress: status.progress?.map((p) => ({ id: p.id, match: p.match, recentActive: p.recentActive, isLearner: p.isLearner })),
  };
}
