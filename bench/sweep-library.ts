// Sweeps every library scenario (not the bug scenarios) over a seed range with the correct code and
// prints a table: scenario, seeds, failures (with repro commands), wall time. `npm run sweep:library`
// runs seeds 1..200 (the issue's bar); pass another range as the first argument, e.g. `-- 1..20`,
// and scenario names after it to sweep only those.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { reproCommand } from '../sim/run/run-types.ts';
import { loadScenario } from '../sim/scenario/load.ts';
import { parseSeedRange, seedCount } from '../sim/sweep/seed-range.ts';
import { sweep } from '../sim/sweep/sweep.ts';

const dir = join(import.meta.dirname, '..', 'scenarios');
const [rangeText = '1..200', ...only] = process.argv.slice(2);
const range = parseSeedRange(rangeText);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.json') && !f.startsWith('bug-') && f !== 'scenario.schema.json')
  .filter((f) => only.length === 0 || only.includes(f.replace(/\.json$/, '')));

let failedTotal = 0;
const started = performance.now();
console.log(`scenario                      seeds   failed   wall s`);
for (const file of files) {
  const path = `scenarios/${file}`;
  const t = performance.now();
  const result = await sweep(loadScenario(join(dir, file)), range, { scenarioPath: path });
  failedTotal += result.failed;
  console.log(`${file.replace(/\.json$/, '').padEnd(28)} ${String(seedCount(range)).padStart(6)} ${String(result.failed).padStart(8)} ${((performance.now() - t) / 1000).toFixed(1).padStart(8)}`);
  for (const o of result.outcomes.filter((x) => x.verdict === 'fail').slice(0, 3)) {
    console.log(`    ${o.failedChecks.map((c) => `${c.name}: ${c.detail}`).join('; ').slice(0, 200)}\n    ${reproCommand(path, o.seed, [])}`);
  }
}
console.log(`total: ${files.length} scenarios x ${seedCount(range)} seeds, ${failedTotal} failed, ${((performance.now() - started) / 1000).toFixed(0)} s`);
process.exitCode = failedTotal > 0 ? 1 : 0;
