// The random nemesis: during the fault phase, at seeded intervals, it starts a fault of a seeded kind
// for a seeded duration, keeping at most `concurrentMax` in effect. In swarm mode each seed enables a
// random non-empty subset of the kinds (swarm testing: fewer kinds at once explore deeper).
import type { Random } from '../../core/env/random.ts';
import type { NodeId } from '../../core/types.ts';
import type { Fault, NemesisKindName, Scenario } from '../scenario/schema.ts';
import type { ClusterView } from './cluster-view.ts';

type NemesisSpec = NonNullable<Scenario['nemesis']>;

/** A new leader is crashed up to this long after taking office: within a few network round trips. */
const newLeaderCrashAfterMsMax = 6;

/** Chooses the kinds this seed uses. */
export function enabledKinds(spec: NemesisSpec, random: Random): NemesisKindName[] {
  if (!spec.swarm) return [...spec.kinds];
  const chosen = spec.kinds.filter(() => random.chance(0.5));
  return chosen.length > 0 ? chosen : [random.pick(spec.kinds)];
}

export function sampleRange(range: readonly [number, number], random: Random): number {
  return range[0] + random.next() * (range[1] - range[0]);
}

/** One fault of `kind` (starting at `at`, lasting `durationMs`), shaped to the cluster as it is now. */
/** Drift size and wall-clock step of the clock-skew kind when the scenario names no range. */
const clockDriftPpmRangeDefault: readonly [number, number] = [1_000, 200_000];
const clockStepMsRangeDefault: readonly [number, number] = [-5_000, 5_000];

export function sampleFault(kind: NemesisKindName, at: number, durationMs: number, view: ClusterView, random: Random, spec?: NemesisSpec): Fault | undefined {
  const members = view.members();
  const node = (): NodeId => random.pick(members);
  switch (kind) {
    case 'partition':
      return { at, fault: 'partition', groups: partitionShape(members, random), durationMs };
    case 'isolate-leader':
      return { at, fault: 'partition', groups: [['leader'], ['rest']], durationMs };
    case 'ring':
      return members.length < 5 ? undefined : { at, fault: 'partition', groups: ringShape(members, random), durationMs };
    case 'one-way':
      return random.chance(0.5)
        ? { at, fault: 'one-way', from: [node()], to: ['rest'], durationMs }
        : { at, fault: 'one-way', from: ['rest'], to: [node()], durationMs };
    case 'bridge':
      return { at, fault: 'bridge', durationMs };
    case 'crash':
      return { at, fault: 'crash', node: node(), durationMs };
    case 'crash-leader':
      return { at, fault: 'crash', node: 'leader', durationMs };
    case 'pause':
      return { at, fault: 'pause', node: random.chance(0.5) ? 'leader' : node(), durationMs };
    case 'clock-skew': {
      const [driftMin, driftMax] = spec?.clockSkew?.driftPpm ?? clockDriftPpmRangeDefault;
      const [stepMin, stepMax] = spec?.clockSkew?.stepMs ?? clockStepMsRangeDefault;
      return { at, fault: 'clock-skew', node: node(), driftPpm: (random.chance(0.5) ? 1 : -1) * random.int(driftMin, driftMax), stepMs: random.int(stepMin, stepMax), durationMs };
    }
    case 'clog': {
      if (members.length < 2) return undefined;
      const from = node();
      const to = random.pick(members.filter((n) => n !== from));
      return { at, fault: 'clog', from, to, durationMs };
    }
    case 'corrupt':
      // Mid-log: a node that finds it at its next restart must refuse to start (a torn-looking tail
      // is indistinguishable from a lost unsynced write, so the nemesis does not fake one).
      return { at, fault: 'corrupt', node: node(), file: 'wal', where: 'middle' };
    case 'membership': {
      if (random.chance(0.5)) return { at, fault: 'add-node', promote: true };
      // The floor: no removal that would leave fewer than votersMin voters (nothing is applied instead).
      if (spec?.votersMin !== undefined && view.voters().length <= spec.votersMin) return undefined;
      return { at, fault: 'remove-node', node: 'random-follower' };
    }
    case 'transfer-leader':
      return { at, fault: 'transfer-leader', to: 'random-follower' };
    case 'crash-new-leader':
      return { at, fault: 'crash-new-leader', afterMs: random.next() * newLeaderCrashAfterMsMax, durationMs };
    case 'kill':
      return { at, fault: 'kill', node: node(), durationMs };
    case 'graceful-restart':
      return { at, fault: 'stop', node: random.chance(0.5) ? 'leader' : node(), durationMs };
    case 'disk':
      return { at, fault: 'disk', node: node(), ...diskWindow(random), durationMs };
    case 'link-degrade':
      return { at, fault: 'link-degrade', from: [node()], to: ['rest'], dropProbability: random.next() * 0.5, latencyMs: random.int(5, 100), rampMs: durationMs / 2, durationMs };
  }
}

/** One of: failing writes and fsyncs, a full volume, or a slow device. */
function diskWindow(random: Random): { writeErrorProbability?: number; fsyncErrorProbability?: number; full?: boolean; fsyncDelayUs?: number } {
  switch (random.int(0, 2)) {
    case 0:
      return { writeErrorProbability: 0.2, fsyncErrorProbability: 0.1 };
    case 1:
      return { full: true };
    default:
      return { fsyncDelayUs: random.int(10_000, 200_000) };
  }
}

/** Isolate the leader, split in random halves, or a majority ring (each node sees a majority, no two the same). */
function partitionShape(members: readonly NodeId[], random: Random): (NodeId | 'leader' | 'rest')[][] {
  const shape = random.int(0, 2);
  if (shape === 0 || members.length < 3) return [['leader'], ['rest']];
  const shuffled = shuffle(members, random);
  if (shape === 1) {
    const cut = random.int(1, shuffled.length - 1);
    return [shuffled.slice(0, cut), shuffled.slice(cut)];
  }
  return ringShape(members, random);
}

/** Each node reaches only its two neighbours on a shuffled ring: with 5 nodes, everyone sees a majority, no two the same. */
function ringShape(members: readonly NodeId[], random: Random): NodeId[][] {
  const shuffled = shuffle(members, random);
  return shuffled.map((n, i) => [n, shuffled[(i + 1) % shuffled.length]]);
}

function shuffle<T>(items: readonly T[], random: Random): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = random.int(0, i);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
