// Resolves the node selectors of a scenario fault (an id, leader, random, random-follower, rest) to
// node ids at the moment the fault fires. `rest` means every member not named elsewhere in the fault.
import type { Random } from '../../core/env/random.ts';
import type { NodeId } from '../../core/types.ts';
import type { NodeSel } from '../scenario/schema.ts';
import type { ClusterView } from './cluster-view.ts';

export class SelectorResolver {
  /** Nodes already chosen for this fault, so `random` picks distinct nodes and `rest` excludes them. */
  private readonly chosen = new Set<NodeId>();
  private readonly restSlots: Array<(nodes: NodeId[]) => void> = [];

  constructor(private readonly view: ClusterView, private readonly random: Random) {}

  /** One node, or undefined when the selector names nobody right now (e.g. no leader). */
  one(selector: NodeSel): NodeId | undefined {
    const nodes = this.resolve(selector);
    return nodes[0];
  }

  /** Resolves a list; `rest` entries are filled in by `finish()`. */
  list(selectors: readonly NodeSel[]): NodeId[] {
    const out: NodeId[] = [];
    for (const s of selectors) {
      if (s === 'rest') this.restSlots.push((nodes) => out.push(...nodes));
      else out.push(...this.resolve(s));
    }
    return out;
  }

  /** Fills every `rest` with the members not chosen elsewhere. Call after resolving all lists. */
  finish(): void {
    const rest = this.view.members().filter((n) => !this.chosen.has(n));
    for (const slot of this.restSlots) slot(rest);
  }

  private resolve(selector: NodeSel): NodeId[] {
    const node = this.pick(selector);
    if (node === undefined) return [];
    this.chosen.add(node);
    return [node];
  }

  private pick(selector: NodeSel): NodeId | undefined {
    if (typeof selector === 'number') return selector as NodeId;
    const members = this.view.members().filter((n) => !this.chosen.has(n));
    const leader = this.view.leader();
    switch (selector) {
      case 'leader':
        return leader;
      case 'random':
        return members.length ? this.random.pick(members) : undefined;
      case 'random-follower': {
        const followers = members.filter((n) => n !== leader && this.view.isUp(n));
        return followers.length ? this.random.pick(followers) : undefined;
      }
      case 'rest':
        return undefined;
    }
  }
}
