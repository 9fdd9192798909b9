// Profiles one run of a scenario (default: the embedded default) for `node --cpu-prof --import tsx`.
import { runScenario } from '../sim/run/run-scenario.ts';
import { loadDefaultScenario, loadScenario } from '../sim/scenario/load.ts';

const scenario = process.argv[2] ? loadScenario(process.argv[2]) : loadDefaultScenario();
const started = performance.now();
const result = runScenario(scenario, { seed: Number(process.argv[3] ?? 1) });
console.log(`wall ${(performance.now() - started).toFixed(0)} ms, ${result.report.stats.events} kernel events, verdict ${result.report.verdict}`);
