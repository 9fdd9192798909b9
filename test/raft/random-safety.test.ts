// Seeded random runs: lost, duplicated and reordered messages, partitions, crashes, compaction,
// membership changes and reads, with the safety properties checked all along (one leader per term,
// one entry applied per index, reads no older than any commit known when they were issued), then
// liveness once the world heals. Failures name the seed.
import { describe, expect, it } from 'vitest';
import { createRandom } from '../../sim/random.ts';
import type { Random } from '../../core/env/random.ts';
import type { ConfChangeSingle, RaftConfig } from '../../core/raft/types.ts';
import { logIndex, nodeId } from '../../core/types.ts';
import { RaftNetwork, text } from './network.ts';

const POOL = [1, 2, 3, 4, 5];

class SafetyChecker {
  private readonly leaderOfTerm = new Map<number, number>();
  private readonly appliedAt = new Map<number, string>();
  private readonly readFloor = new Map<string, number>();
  readonly violations: string[] = [];

  constructor(private readonly net: RaftNetwork) {
    net.onEvent = (e) => {
      if (e.kind !== 'raft.role' || e.fields.to !== 'leader') return;
      const term = e.fields.term as number;
      const other = this.leaderOfTerm.get(term);
      if (other !== undefined && other !== e.node) this.violations.push(`two leaders in term ${term}: ${other} and ${e.node}`);
      this.leaderOfTerm.set(term, e.node);
    };
    net.onApply = (node, e) => {
      const value = `${e.term}:${e.type}:${new TextDecoder().decode(e.data)}`;
      const other = this.appliedAt.get(e.index);
      if (other !== undefined && other !== value) this.violations.push(`node ${node} applied ${value} at ${e.index}, another node ${other}`);
      this.appliedAt.set(e.index, value);
    };
  }

  /** A read issued now must return an index at or above every commit index known anywhere now. */
  readIssued(context: string): void {
    let floor = 0;
    for (const n of this.net.nodes.values()) if (!n.down) floor = Math.max(floor, n.status().commit);
    this.readFloor.set(context, floor);
  }

  checkReads(): void {
    for (const n of this.net.nodes.values()) {
      for (const r of n.readStates.splice(0)) {
        const ctx = new TextDecoder().decode(r.context);
        const floor = this.readFloor.get(ctx) ?? 0;
        if (r.index < floor) this.violations.push(`read ${ctx} on node ${n.id} answered at ${r.index}, below commit ${floor} known at issue`);
      }
    }
  }
}

function randomConfig(rng: Random): Partial<RaftConfig> {
  const checkQuorum = rng.chance(0.6);
  return {
    preVote: rng.chance(0.6),
    checkQuorum,
    readOnlyOption: checkQuorum && rng.chance(0.4) ? 'leaseBased' : 'safe',
    maxMsgBytes: rng.pick([1, 64, 1 << 20]),
    inflightMsgsMax: rng.pick([1, 4, 64]),
    snapshotChunkBytes: rng.pick([3, 16, 1 << 16]),
    snapshotStallTicksMax: 15,
  };
}

/** Delivers a random part of the queue: some lost, some duplicated, the rest in random order. */
function deliverSome(net: RaftNetwork, rng: Random, lossP: number): void {
  const queue = net.inflight;
  net.inflight = [];
  const kept = [];
  for (const m of queue) {
    if (rng.chance(lossP)) continue;
    if (rng.chance(0.3)) net.inflight.push(m); // delayed to a later round
    else kept.push(m);
    if (rng.chance(0.02)) kept.push(m); // duplicated
  }
  for (let i = kept.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [kept[i], kept[j]] = [kept[j], kept[i]];
  }
  net.stepMessages(kept);
}

function randomChange(rng: Random): ConfChangeSingle {
  const id = nodeId(rng.pick(POOL));
  return { type: rng.pick(['addVoter', 'addVoter', 'addLearner', 'removeNode'] as const), nodeId: id };
}

function chaosStep(net: RaftNetwork, rng: Random, checker: SafetyChecker, step: number, lossP: number): void {
  const id = rng.pick(POOL);
  const node = net.node(id);
  const roll = rng.next();
  // Lease reads assume bounded clock drift: under leases every node ticks together.
  if (roll < 0.35) {
    if (net.options.config?.readOnlyOption === 'leaseBased') net.tickAll();
    else net.tick(id);
  } else if (roll < 0.55) {
    if (!node.down) node.raw.propose(text(`v${step}`));
  } else if (roll < 0.6) {
    if (!node.down && node.raw.readIndex(text(`r${step}`)) === null) checker.readIssued(`r${step}`);
  } else if (roll < 0.63) {
    if (!node.down && node.status().role === 'leader') node.raw.proposeConfChange({ changes: [randomChange(rng)] });
  } else if (roll < 0.66) {
    if (node.down) net.restart(id);
    else if (net.leaders().length > 0 && rng.chance(0.5)) net.crash(id);
  } else if (roll < 0.68) {
    net.heal();
    if (rng.chance(0.5)) net.partition(POOL.filter(() => rng.chance(0.5)), POOL);
  } else if (roll < 0.7) {
    compactAtApplied(net, id);
  } else if (roll < 0.72 && !node.down) {
    node.raw.transferLeader(nodeId(rng.pick(POOL)));
  }
  net.processAll();
  deliverSome(net, rng, lossP);
  net.processAll();
  checker.checkReads();
}

function compactAtApplied(net: RaftNetwork, id: number): void {
  const n = net.node(id);
  const s = n.storage;
  if (n.down || n.lastApplied <= s.snapshot().metadata.index || n.lastApplied > s.lastIndex()) return;
  s.createSnapshot(logIndex(n.lastApplied), n.confState ?? n.status().confState, text(`sm@${n.lastApplied}`));
  s.compact(logIndex(n.lastApplied));
}

export function runChaos(seed: number, steps: number, extra: Partial<RaftConfig> = {}, lossP = 0.1): { checker: SafetyChecker; net: RaftNetwork; rng: Random } {
  const rng = createRandom(`raft-chaos-${seed}`);
  // Even seeds send every message through the wire codec, as the simulator does.
  const net = new RaftNetwork(POOL, { joiners: [4, 5], config: { ...randomConfig(rng), ...extra }, seed, wire: seed % 2 === 0 });
  const checker = new SafetyChecker(net);
  for (let step = 0; step < steps; step++) chaosStep(net, rng, checker, step, lossP);
  return { checker, net, rng };
}

/** Heals everything and runs until one leader leads every member and a proposal commits everywhere. */
export function recover(net: RaftNetwork): boolean {
  net.heal();
  for (const n of net.nodes.values()) if (n.down) net.restart(n.id);
  for (let round = 0; round < 400; round++) {
    net.tickAll();
    net.stabilize();
    const leaders = net.leaders();
    if (leaders.length !== 1) continue;
    const leader = net.node(leaders[0]);
    if (net.propose(leader.id, `final-${round}`) !== null) continue;
    net.stabilize();
    const members = [...leader.status().confState.voters, ...leader.status().confState.learners];
    if (members.every((id) => net.node(id).appliedData().includes(`final-${round}`))) return true;
  }
  return false;
}

describe('random runs keep Raft safe and recover', () => {
  const seeds = Array.from({ length: 24 }, (_, i) => i + 1);
  it.each(seeds)('seed %i', (seed) => {
    let result: ReturnType<typeof runChaos>;
    try {
      result = runChaos(seed, 1500);
    } catch (e) {
      throw new Error(`seed ${seed}: ${(e as Error).message}`);
    }
    const { checker, net } = result;
    expect(checker.violations, `seed ${seed}`).toEqual([]);
    expect(recover(net), `seed ${seed}: no recovery after healing`).toBe(true);
    expect(checker.violations, `seed ${seed}`).toEqual([]);
  });
});
