import { runScenario } from '/work/main/sim/run/run-scenario.ts';
import { loadDefaultScenario } from '/work/main/sim/scenario/load.ts';
const s = loadDefaultScenario();
const t = performance.now();
const r = runScenario(s, { seed: 1 });
console.log('wall', performance.now() - t, r.report.stats.events, r.report.verdict);
