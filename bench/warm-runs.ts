// How much of a run is warm-up: the same seed of the default scenario several times in one process
// (`npx tsx bench/warm-runs.ts [runs] [seed]`), printing wall and CPU time of each. The first run is
// what `kvlab run` always pays; sweeps run warm after a few seeds per worker.
import { runScenario } from '../sim/run/run-scenario.ts';
import { loadDefaultScenario } from '../sim/scenario/load.ts';

const runs = Number(process.argv[2] ?? 4);
const seed = Number(process.argv[3] ?? 1);
const scenario = loadDefaultScenario();
for (let i = 1; i <= runs; i++) {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const { report } = runScenario(scenario, { seed });
  const used = process.cpuUsage(cpu);
  console.log(`run ${i} (seed ${seed}): wall ${(performance.now() - start).toFixed(0)} ms, cpu ${((used.user + used.system) / 1000).toFixed(0)} ms, ${report.verdict}`);
}
