// Short simulated scenarios for the chaos-tooling tests: a few virtual seconds each.
import type { Scenario } from '../../sim/scenario/schema.ts';
import { parseScenario } from '../../sim/scenario/validate.ts';
import type { FakeSpec } from './fake-runner.ts';

/** Three nodes, light load, one crash and one partition: passes with no bug switched on. */
export const tinyScenarioJson = {
  name: 'tiny',
  cluster: { requestTimeoutMs: 300 },
  workload: { clients: 2, ratePerClient: 40, keys: 4 },
  faults: [
    { at: 400, fault: 'crash', node: 'leader', durationMs: 300 },
    { at: 900, fault: 'partition', groups: [['leader'], ['rest']], durationMs: 300 },
  ],
  phases: { faultsMs: 1500, healMs: 200, livenessMs: 1000 },
};

/**
 * Whole-cluster power loss with slow fsyncs and every unsynced byte lost: with ackBeforeFsync on, the
 * durable-before-ack invariant fails within the first few hundred ms.
 */
export const powerLossScenarioJson = {
  name: 'power-loss',
  cluster: { requestTimeoutMs: 500 },
  disk: {
    fsyncLatency: { kind: 'uniform', usMin: 2000, usMax: 20000 },
    crash: { file: { lostProbability: 1, keptProbability: 0, tornProbability: 0 } },
  },
  workload: { clients: 4, ratePerClient: 100, keys: 4 },
  faults: [400, 800, 1200].flatMap((at) => [1, 2, 3].map((node) => ({ at, fault: 'crash', node, durationMs: 100 }))),
  phases: { faultsMs: 1500, healMs: 200, livenessMs: 1200 },
};

export function scenarioOf(json: object): Scenario {
  return parseScenario(JSON.stringify(json), 'test scenario');
}

/** A scenario for test/sweep/fake-runner.ts: its description carries the fake's instructions. */
export function fakeScenario(spec: FakeSpec): Scenario {
  return parseScenario(JSON.stringify({ name: 'fake', description: JSON.stringify(spec) }), 'fake scenario');
}
