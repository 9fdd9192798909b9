// What counts against the nemesis's concurrentMax: faults still in effect, whatever undid the others.
// An explicit crash without durationMs ends with its explicit restart; an explicit heal ends every
// network fault (and a partition's own durationMs must then not heal it a second time).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runScenario } from '../../sim/run/run-scenario.ts';
import type { Fault } from '../../sim/scenario/schema.ts';
import { loadScenario } from '../../sim/scenario/load.ts';
import { validateScenario } from '../../sim/scenario/validate.ts';

const library = join(import.meta.dirname, '..', '..', 'scenarios');

function nemesisFaultsAfter(file: string, seed: number, afterMs: number): Fault[] {
  const applied: Fault[] = [];
  runScenario(loadScenario(join(library, file)), { seed, onFaultApplied: (fault, source) => source === 'nemesis' && fault.at > afterMs && applied.push(fault) });
  return applied;
}

describe('faults in effect, for concurrentMax', () => {
  it.each([1, 2, 3])('corrupt-snapshot seed %i: the nemesis fires again after the explicit crash is restarted', (seed) => {
    // The scenario crashes node 3 at 5000 ms (no durationMs) and restarts it at 5500 ms; the fault phase lasts to 15000 ms.
    expect(nemesisFaultsAfter('corrupt-snapshot.json', seed, 5500).length, `npx kvlab run scenarios/corrupt-snapshot.json --seed ${seed}`).toBeGreaterThan(0);
  });

  it('an explicit heal ends a partition that also has a durationMs: the later undo neither throws nor heals twice', () => {
    const scenario = validateScenario(
      {
        name: 'heal-before-duration',
        workload: { clients: 2, ratePerClient: 20 },
        faults: [
          { at: 500, fault: 'partition', groups: [['leader'], ['rest']], durationMs: 2000 },
          { at: 1000, fault: 'heal' },
        ],
        nemesis: { kinds: ['pause'], intervalMs: [300, 300], durationMs: [100, 100] },
        phases: { faultsMs: 4000, healMs: 500, livenessMs: 5000 },
      },
      'test',
    );
    const nemesis: number[] = [];
    const { report, traceText } = runScenario(scenario, { seed: 1, trace: true, onFaultApplied: (f, source) => source === 'nemesis' && nemesis.push(f.at) });
    expect(report.verdict).toBe('pass');
    // Between the heal (1000 ms) and the partition's own end (2500 ms) the nemesis may fire again.
    expect(nemesis.some((at) => at > 1000 && at < 2500)).toBe(true);
    const stops = traceText!.split('\n').filter((l) => l.includes('"kind":"fault.stop"') && l.includes('"fault":"partition"'));
    expect(stops.length).toBe(1);
  });
});
