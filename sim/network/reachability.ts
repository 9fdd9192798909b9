// Who can reach whom while partitions and one-way blocks are active. A frame from -> to is blocked
// if any active rule blocks it. A node always reaches itself.
import { KvlabError } from '../../core/types.ts';
import type { NodeId } from '../../core/types.ts';

/** Groups per partition: group membership is a bitmask. */
export const partitionGroupsMax = 30;

interface PartitionRule {
  readonly kind: 'partition';
  /** Node -> bitmask of the groups it belongs to; an unlisted node belongs to none. */
  readonly groupMask: ReadonlyMap<NodeId, number>;
}

interface OneWayRule {
  readonly kind: 'oneWay';
  readonly from: ReadonlySet<NodeId>;
  readonly to: ReadonlySet<NodeId>;
}

type Rule = PartitionRule | OneWayRule;

export class Reachability {
  private readonly rules = new Map<number, Rule>();

  get active(): boolean {
    return this.rules.size > 0;
  }

  /** Symmetric: nodes reach only nodes that share a group. A node in two groups is a bridge. */
  addPartition(id: number, groups: readonly (readonly NodeId[])[]): void {
    if (groups.length === 0 || groups.length > partitionGroupsMax) {
      throw new KvlabError('invalidPartition', `a partition needs 1 to ${partitionGroupsMax} groups, got ${groups.length}`);
    }
    const groupMask = new Map<NodeId, number>();
    groups.forEach((group, index) => {
      for (const node of group) groupMask.set(node, (groupMask.get(node) ?? 0) | (1 << index));
    });
    this.rules.set(id, { kind: 'partition', groupMask });
  }

  /** Frames from any node of `from` to any node of `to` are blocked; the reverse direction is not. */
  addOneWay(id: number, from: readonly NodeId[], to: readonly NodeId[]): void {
    if (from.length === 0 || to.length === 0) throw new KvlabError('invalidPartition', 'a one-way block needs non-empty from and to sets');
    this.rules.set(id, { kind: 'oneWay', from: new Set(from), to: new Set(to) });
  }

  remove(id: number): boolean {
    return this.rules.delete(id);
  }

  blocked(from: NodeId, to: NodeId): boolean {
    if (from === to) return false;
    for (const rule of this.rules.values()) {
      if (rule.kind === 'partition') {
        if (((rule.groupMask.get(from) ?? 0) & (rule.groupMask.get(to) ?? 0)) === 0) return true;
      } else if (rule.from.has(from) && rule.to.has(to)) {
        return true;
      }
    }
    return false;
  }
}
