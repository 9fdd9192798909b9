// Sequential seeds of one scenario, printing each failure (npx tsx bench/quick-sweep.ts SCENARIO.json A..B [BUG]).
import { runScenario } from '../sim/run/run-scenario.ts';
import { loadScenario } from '../sim/scenario/load.ts';
const s = loadScenario(process.argv[2]);
const [a, b] = process.argv[3].split('..').map(Number);
const bugs = process.argv[4] ? [process.argv[4]] : [];
let fails = 0; const t = performance.now();
for (let seed = a; seed <= b; seed++) {
  try {
    const r = runScenario(s, { seed, bugs });
    const f = r.report.checks.filter((c) => c.verdict !== 'pass');
    if (r.report.verdict !== 'pass' || f.length) { fails++; console.log(seed, r.report.verdict, JSON.stringify(f).slice(0, 300)); }
  } catch (e) { fails++; console.log(seed, 'CRASH', (e as Error).stack?.split('\n').slice(0, 4).join(' | ')); }
}
console.log(`fails ${fails}/${b - a + 1} in ${((performance.now() - t) / 1000).toFixed(1)}s`);
