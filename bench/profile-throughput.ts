import { runScenario } from '../sim/run/run-scenario.ts';
import { validateScenario } from '../sim/scenario/validate.ts';
const scenario = validateScenario({ name: 'throughput', cluster: { nodes: 3 }, workload: { clients: 50, ratePerClient: 1000, keys: 1000, mix: { get: 0.5, put: 0.5, delete: 0, cas: 0 } }, phases: { faultsMs: 3000, healMs: 0, livenessMs: 5000 }, checks: ['durability', 'raft-invariants'] }, 'b');
const t = performance.now();
const r = runScenario(scenario, { seed: 1 });
console.log('wall', performance.now() - t, r.report.stats.operations);
