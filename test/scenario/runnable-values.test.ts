// Values the schema once accepted but the run could not take (exit 1 and a raw stack): validation
// rejects them, naming the field and the reason. And a small fuzz: random scenarios valid by the
// schema either fail validation or run to a verdict; a crash is a validation gap or a bug.
import { describe, expect, it } from 'vitest';
import { runScenario } from '../../sim/run/run-scenario.ts';
import { ScenarioError, validateScenario } from '../../sim/scenario/validate.ts';
import { randomScenario } from './random-scenario.ts';

const cases: Array<[string, Record<string, unknown>, string, RegExp]> = [
  ['clock-skew driftPpm beyond ±500000', { faults: [{ at: 100, fault: 'clock-skew', node: 1, driftPpm: 900_000 }] }, 'faults[0].driftPpm', /500000/],
  ['lease reads without checkQuorum', { cluster: { reads: 'lease', checkQuorum: false } }, 'cluster.reads', /checkQuorum/],
  ['leaseDriftTicksMax equal to electionTicks', { cluster: { electionTicks: 10, leaseDriftTicksMax: 10 } }, 'cluster.leaseDriftTicksMax', /electionTicks \(10\)/],
  ['electionTicks 2 with the default lease margin 2', { cluster: { electionTicks: 2 } }, 'cluster.leaseDriftTicksMax', /electionTicks \(2\)/],
  ['a long-tail latency with tailMsMin 0', { network: { latency: { kind: 'longTail', base: { kind: 'constant', ms: 1 }, tailProbability: 0.1, tailMsMin: 0, tailAlpha: 2, tailMsMax: 10 } } }, 'network.latency.tailMsMin', /greater than 0/],
  ['a long-tail latency with tailAlpha 1', { network: { latency: { kind: 'longTail', base: { kind: 'constant', ms: 1 }, tailProbability: 0.1, tailMsMin: 1, tailAlpha: 1, tailMsMax: 10 } } }, 'network.latency.tailAlpha', /greater than 1/],
  ['a long-tail latency capped below its scale', { network: { latency: { kind: 'longTail', base: { kind: 'constant', ms: 1 }, tailProbability: 0.1, tailMsMin: 20, tailAlpha: 2, tailMsMax: 10 } } }, 'network.latency', /tailMsMax/],
  ['reorderDelayMsMax 0', { network: { reorderProbability: 0.1, reorderDelayMsMax: 0 } }, 'network.reorderDelayMsMax', /greater than 0/],
];

describe('values that validate must run', () => {
  it.each(cases)('%s is rejected with the field named', (_, fields, field, reason) => {
    let error: unknown;
    try {
      validateScenario({ name: 'x', ...fields }, 'x.json');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ScenarioError);
    expect((error as ScenarioError).field).toBe(field);
    expect((error as ScenarioError).message).toMatch(reason);
  });

  // Seeds whose run once threw. Persistent engine + disk.writeErrorProbability is left out: an EIO
  // from the engine's own write escapes the node (a node bug, not a validation gap; see the report).
  it.each(Array.from({ length: 14 }, (_, i) => i + 1))('random scenario %i validates and runs, or is rejected', (seed) => {
    const raw = randomScenario(seed);
    let scenario;
    try {
      scenario = validateScenario(raw, `fuzz-${seed}`);
    } catch (error) {
      expect(error).toBeInstanceOf(ScenarioError);
      return;
    }
    if (scenario.cluster.engine === 'persistent' && (scenario.disk.writeErrorProbability ?? 0) > 0) return;
    const { report } = runScenario(scenario, { seed });
    expect(['pass', 'fail'], JSON.stringify(raw)).toContain(report.verdict);
  });
});
