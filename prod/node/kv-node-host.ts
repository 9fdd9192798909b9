// The NodeHost of a production node: core's KvNode over the production Env, with LevelEngine as its
// engine and core/storage's WAL as its durable log. The only file of prod/node that knows KvNode.
import type { Env } from '../../core/env/index.ts';
import type { ClientError } from '../../core/node/client-api.ts';
import type { KvEngine } from '../../core/kv/engine.ts';
import { KvNode } from '../../core/node/kv-node.ts';
import type { NodeConfig } from '../../core/node/node-config.ts';
import type { ConfChange, ConfChangeType } from '../../core/raft/types.ts';
import { openDurableLog } from '../../core/storage/durable-log.ts';
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

export function createKvNodeHost(parts: KvNodeHostParts): NodeHost {
  let engineTaken = false;
  const node = new KvNode(parts.env, parts.config, {
    engine: () => {
      // One group per node for now: its engine is the one LevelDB database of the data directory.
      assert(!engineTaken, 'a production node opens one Raft group');
      engineTaken = true;
      return parts.engine;
    },
    openDurableLog,
    onFatal: parts.onFatal,
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
    stop: () => node.stop(),
  };
}

function viewOf(node: KvNode, self: NodeId): LocalRaftView {
  const replica = node.replica();
  if (!replica) return { role: node.isStopped() ? 'failed' : 'starting', term: 0, leader: null, commitIndex: 0, appliedIndex: 0, lastIndex: 0, voters: [], learners: [] };
  const status = replica.status();
  const learners = status.confState.learners;
  const role = replica.isFailed() ? 'failed' : status.role === 'follower' && learners.includes(self) ? 'learner' : status.role;
  return {
    role,
    term: status.term,
    leader: status.lead === NONE ? null : status.lead,
    commitIndex: status.commit,
    appliedIndex: replica.appliedIndex(),
    lastIndex: status.lastIndex,
    voters: status.confState.voters,
    learners,
    progress: status.progress?.map((p) => ({ id: p.id, match: p.match, recentActive: p.recentActive, isLearner: p.isLearner })),
  };
}
