// Simulated-cluster throughput (npm run bench:sim):
// 1. acknowledged client operations per wall-clock second through a simulated 3-node cluster
//    (no faults, no trace, 50 clients at 1000 ops/s each, checks other than durability off), and
// 2. the virtual-to-wall time ratio of the default scenario (5 clients x 50 ops/s, faults, all checks).
// Each line also gives the process's CPU time over the run (user + system): on a shared machine it
// moves far less with the load than wall time does, so A/B comparisons should use it.
import { performance } from 'node:perf_hooks';
import { runScenario } from '../sim/run/run-scenario.ts';
import { loadDefaultScenario } from '../sim/scenario/load.ts';
import { validateScenario } from '../sim/scenario/validate.ts';

function throughput(): void {
  const scenario = validateScenario(
    {
      name: 'throughput',
      cluster: { nodes: 3, requestTimeoutMs: 2000 },
      workload: { clients: 50, ratePerClient: 1000, keys: 1000, mix: { get: 0.5, put: 0.5, delete: 0, cas: 0 } },
      phases: { faultsMs: 10000, healMs: 0, livenessMs: 5000 },
      checks: ['durability', 'raft-invariants'],
    },
    'bench',
  );
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  const { report } = runScenario(scenario, { seed: 1 });
  const wallS = (performance.now() - start) / 1000;
  const cpuS = cpuSeconds(cpuStart);
  const ok = report.stats.operations.ok;
  console.log(`simulated 3-node cluster: ${ok} acknowledged ops in ${wallS.toFixed(2)} s wall = ${Math.round(ok / wallS)} ops/s (goal 20,000); virtual/wall ${(report.stats.virtualMs / 1000 / wallS).toFixed(1)}x; checks ${report.verdict}; cpu ${cpuS.toFixed(2)} s = ${Math.round(ok / cpuS)} ops/cpu-s`);
}

function defaultRatio(): void {
  const scenario = loadDefaultScenario();
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  const { report } = runScenario(scenario, { seed: 1 });
  const wallS = (performance.now() - start) / 1000;
  const cpuS = cpuSeconds(cpuStart);
  const ops = report.stats.operations;
  console.log(`default scenario: ${report.stats.virtualMs / 1000} s virtual in ${wallS.toFixed(2)} s wall = ${(report.stats.virtualMs / 1000 / wallS).toFixed(0)}x real time (goal 1000x); ${ops.ok + ops.fail + ops.info} ops, ${report.stats.events} events; verdict ${report.verdict}; cpu ${cpuS.toFixed(2)} s = ${(report.stats.virtualMs / 1000 / cpuS).toFixed(0)}x per cpu-s, ${((cpuS * 1e6) / report.stats.events).toFixed(1)} us per event, ${((cpuS * 1e6) / (ops.ok + ops.fail + ops.info)).toFixed(0)} us per op`);
}

function cpuSeconds(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1e6;
}

throughput();
defaultRatio();
