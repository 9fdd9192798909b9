// Keeps the transport's peers in step with the Raft configuration. A member added at run time is known
// by address only to the node that took the request (and, through the change's context, to hosts that
// read it); every other node learns its addresses from the peers' GET /v1/cluster answers, which list
// each member's addresses. A member that was in the configuration and left it is dropped from the
// transport, so a removed node that keeps running is refused.
import type { NodeId } from '../../core/types.ts';
import type { ClusterStatus } from '../http/node-services.ts';
import type { JsonLog } from '../log/json-log.ts';
import { memberAddresses, type MemberDirectory } from './member-directory.ts';
import type { LocalRaftView } from './node-host.ts';

export interface MemberSyncOptions {
  readonly selfId: NodeId;
  readonly view: () => LocalRaftView | null;
  readonly directory: MemberDirectory;
  readonly setPeer: (id: NodeId, raftAddr: string) => void;
  readonly removePeer: (id: NodeId) => void;
  readonly log: JsonLog;
}

export class MemberSync {
  /** Members seen in the configuration so far: only these can be "removed". */
  private readonly seenInConf = new Set<NodeId>();

  constructor(private readonly options: MemberSyncOptions) {}

  /** A peer's /v1/cluster answer: learn addresses of current members this node does not know. */
  learnFrom(status: ClusterStatus): void {
    const view = this.options.view();
    if (!view) return;
    const members = new Set<NodeId>([...view.voters, ...view.learners]);
    for (const row of status.nodes) {
      if (row.id === this.options.selfId || !members.has(row.id) || this.options.directory.get(row.id)) continue;
      const addresses = memberAddresses(row);
      if (typeof addresses === 'string') continue;
      this.options.directory.set(row.id, addresses);
      this.options.setPeer(row.id, addresses.raftAddr);
      // It is a member now: if it leaves before the next reconcile() looks, it must still be dropped.
      this.seenInConf.add(row.id);
      this.options.log.info('member.learned', { id: row.id, raftAddr: addresses.raftAddr, from: 'peer status' });
    }
  }

  /** Drops members that left the configuration (call periodically and after changes). */
  reconcile(): void {
    const view = this.options.view();
    if (!view) return;
    const members = new Set<NodeId>([...view.voters, ...view.learners]);
    // A node not (yet) in any configuration of its own (a joining node) knows of no removals.
    if (!members.has(this.options.selfId)) return;
    for (const id of members) this.seenInConf.add(id);
    for (const id of [...this.seenInConf]) {
      if (members.has(id)) continue;
      this.seenInConf.delete(id);
      if (id === this.options.selfId) continue;
      this.options.removePeer(id);
      this.options.directory.remove(id);
      this.options.log.info('member.dropped', { id });
    }
  }
}
