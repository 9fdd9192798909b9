// Random scenarios that the schema accepts, with values anywhere in their allowed ranges (extremes
// included), for fuzzing: a valid scenario must run to a verdict, never crash the run. Runs are kept
// short (small phases, ticks and timeouts) so that many fit in a test.
import type { Random } from '../../core/env/random.ts';
import { createRandom } from '../../sim/random.ts';

type Json = Record<string, unknown>;

const selectors = ['leader', 'random', 'random-follower'] as const;

export function randomScenario(seed: number): Json {
  const r = createRandom(`fuzz/${seed}`);
  const electionTicks = r.int(2, 30);
  const tickMs = r.int(1, 20);
  const requestTimeoutMs = r.int(1, 1500);
  const nodes = r.int(1, 7);
  const cluster: Json = {
    nodes,
    tickMs,
    electionTicks,
    heartbeatTicks: r.int(1, electionTicks - 1),
    preVote: r.chance(0.5),
    checkQuorum: r.chance(0.7),
    snapshotEntries: pick(r, [2, 3, 10, 50, 500]),
    snapshotChunkBytes: pick(r, [64, 100, 1024, 16384]),
    maxMsgBytes: pick(r, [256, 300, 4096, 65536]),
    inflightMsgsMax: pick(r, [1, 2, 64]),
    requestTimeoutMs,
    engine: r.chance(0.5) ? 'memory' : 'persistent',
    walSegmentBytesMax: pick(r, [4096, 5000, 65536]),
  };
  cluster.leaseDriftTicksMax = r.int(0, electionTicks - 1);
  if (cluster.checkQuorum && r.chance(0.4)) cluster.reads = 'lease';
  const scenario: Json = {
    name: `fuzz-${seed}`,
    cluster,
    network: randomNetwork(r),
    disk: randomDisk(r),
    workload: { clients: r.int(0, 6), ratePerClient: pick(r, [0, 0.5, 5, 50, 300]), keys: r.int(1, 20), valueBytes: pick(r, [1, 8, 100, 5000]), ...(r.chance(0.3) ? { opsMax: r.int(0, 200) } : {}) },
    faults: Array.from({ length: r.int(0, 6) }, () => randomFault(r, nodes)),
    phases: { faultsMs: r.int(0, 2500), healMs: r.int(0, 800), livenessMs: 2 * requestTimeoutMs + 2 * tickMs * electionTicks + r.int(0, 500) },
  };
  if (r.chance(0.6)) scenario.nemesis = randomNemesis(r);
  return scenario;
}

function randomNetwork(r: Random): Json {
  const out: Json = {};
  if (r.chance(0.6)) out.latency = randomLatency(r);
  for (const field of ['dropProbability', 'duplicateProbability', 'reorderProbability']) if (r.chance(0.3)) out[field] = pick(r, [0, 0.01, 0.3, 1]);
  if (r.chance(0.2)) out.reorderDelayMsMax = pick(r, [0, 0.001, 5, 100]);
  if (r.chance(0.2)) out.inflightBytesMax = pick(r, [1, 100, 65536]);
  return out;
}

function randomLatency(r: Random): Json {
  const base = (): Json => pick(r, [{ kind: 'constant', ms: pick(r, [0, 0.001, 1, 50]) }, { kind: 'uniform', msMin: 0, msMax: pick(r, [0, 2, 40]) }, { kind: 'exponential', msMean: pick(r, [0, 0.5, 10]) }]);
  if (r.chance(0.7)) return base();
  return { kind: 'longTail', base: base(), tailProbability: pick(r, [0, 0.1, 1]), tailMsMin: pick(r, [0, 10]), tailAlpha: pick(r, [0.01, 1, 2.5]), tailMsMax: pick(r, [0, 200]) };
}

function randomDisk(r: Random): Json {
  const out: Json = {};
  if (r.chance(0.3)) out.capacityBytes = pick(r, [1, 4096, 100_000, 10_000_000]);
  if (r.chance(0.3)) out.sectorBytes = pick(r, [1, 512, 4096, 100_000]);
  if (r.chance(0.5)) out.fsyncLatency = pick(r, [{ kind: 'constant', us: pick(r, [0, 100_000]) }, { kind: 'uniform', usMin: 0, usMax: 5000 }, { kind: 'longTail', baseUs: pick(r, [0, 500]), tailProbability: pick(r, [0, 0.2]), tailUsMax: 200_000 }]);
  for (const field of ['readCorruptProbability', 'writeErrorProbability', 'fsyncErrorProbability']) if (r.chance(0.2)) out[field] = pick(r, [0, 0.001, 0.05, 1]);
  if (r.chance(0.3)) out.crash = { file: pick(r, [{ lostProbability: 1, keptProbability: 0, tornProbability: 0 }, { lostProbability: 0, keptProbability: 0, tornProbability: 1 }]), garbleProbability: pick(r, [0, 1]) };
  return out;
}

function node(r: Random, nodes: number): number | string {
  return r.chance(0.5) ? r.int(1, nodes) : pick(r, selectors);
}

function randomFault(r: Random, nodes: number): Json {
  const at = r.int(0, 3000);
  const durationMs = r.chance(0.6) ? { durationMs: r.int(0, 1500) } : {};
  switch (r.int(0, 17)) {
    case 0:
      return { at, fault: 'partition', groups: [[node(r, nodes)], ['rest']], ...durationMs };
    case 1:
      return { at, fault: 'one-way', from: [node(r, nodes)], to: ['rest'], ...durationMs };
    case 2:
      return { at, fault: 'bridge', ...durationMs };
    case 3:
      return { at, fault: 'heal' };
    case 4:
      return { at, fault: 'crash', node: node(r, nodes), ...durationMs };
    case 5:
      return { at, fault: 'restart', node: node(r, nodes) };
    case 6:
      return { at, fault: 'pause', node: node(r, nodes), ...durationMs };
    case 7:
      return { at, fault: 'clock-skew', node: node(r, nodes), driftPpm: r.int(-500_000, 500_000), stepMs: r.int(-100_000, 100_000), ...durationMs };
    case 8:
      return { at, fault: 'corrupt', node: node(r, nodes), file: pick(r, ['wal', 'snapshot']), where: pick(r, ['tail', 'middle', 'random']) };
    case 9:
      return { at, fault: 'clog', from: node(r, nodes), to: node(r, nodes), ...durationMs };
    case 10:
      return { at, fault: 'add-node', promote: r.chance(0.5) };
    case 11:
      return { at, fault: 'remove-node', node: node(r, nodes) };
    case 12:
      return { at, fault: 'transfer-leader', ...(r.chance(0.5) ? { to: node(r, nodes) } : {}) };
    case 14:
      return { at, fault: 'kill', node: node(r, nodes), ...durationMs };
    case 15:
      return { at, fault: 'stop', node: node(r, nodes), ...durationMs };
    case 16:
      return { at, fault: 'disk', node: node(r, nodes), readErrorProbability: pick(r, [0, 0.1, 1]), writeErrorProbability: pick(r, [0, 0.1, 1]), fsyncErrorProbability: pick(r, [0, 0.1]), full: r.chance(0.3), fsyncDelayUs: pick(r, [0, 50_000]), ...durationMs };
    case 17:
      return { at, fault: 'link-degrade', from: [node(r, nodes)], to: ['rest'], dropProbability: pick(r, [0, 0.5, 1]), latencyMs: pick(r, [0, 30]), rampMs: pick(r, [0, 700]), ...durationMs };
    default:
      return { at, fault: 'crash-new-leader', afterMs: r.int(0, 10), ...durationMs };
  }
}

const nemesisKinds = ['partition', 'isolate-leader', 'ring', 'one-way', 'bridge', 'crash', 'crash-leader', 'pause', 'clock-skew', 'clog', 'corrupt', 'membership', 'transfer-leader', 'crash-new-leader', 'kill', 'graceful-restart', 'disk', 'link-degrade'];

function randomNemesis(r: Random): Json {
  const kinds = nemesisKinds.filter(() => r.chance(0.3));
  const a = r.int(0, 500);
  const d = r.int(0, 1000);
  const floor = r.chance(0.3) ? { votersMin: r.int(1, 5) } : {};
  const skew = r.chance(0.3) ? { clockSkew: { driftPpm: [0, r.int(0, 500_000)], stepMs: [-r.int(0, 10_000), r.int(0, 10_000)] } } : {};
  return { kinds: kinds.length > 0 ? kinds : ['crash'], intervalMs: [a, a + r.int(0, 1000)], durationMs: [d, d + r.int(0, 1000)], concurrentMax: r.int(1, 4), swarm: r.chance(0.3), ...floor, ...skew };
}

function pick<T>(r: Random, items: readonly T[]): T {
  return r.pick(items);
}
