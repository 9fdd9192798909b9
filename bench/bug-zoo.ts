// Seeds to first failure for every bug in the zoo: sweeps each bug's library scenario with the bug
// switched on over seeds 1..200 (stopping at the first failure) and prints a table. With --baseline N
// it also runs seeds 1..N of each scenario with no bug, which must pass (else the scenario is noise);
// with --baseline used, the seeds the bug's sweep used (from the first of the range to the failing one).
// Runs with the bug on stop at their first online Raft-invariant violation (stopOnViolation): the
// verdict is already decided there, and the aftermath of a diverged cluster is most of a caught run's
// time. --full-runs runs them to the end instead (the failing-checks column then lists every check
// that failed, not only those judged before the stop).
//   npx tsx bench/bug-zoo.ts [--seeds A..B] [--bug NAME]... [--workers N] [--baseline N|used] [--full-runs]
import { parseArgs } from 'node:util';
import { BUG_REGISTRY, validateBugNames } from '../sim/bugs/registry.ts';
import { loadScenario } from '../sim/scenario/load.ts';
import { firstFailingSeed } from '../sim/sweep/first-failure.ts';
import { parseSeedRange } from '../sim/sweep/seed-range.ts';
import { sweep } from '../sim/sweep/sweep.ts';

const { values } = parseArgs({
  options: { seeds: { type: 'string', default: '1..200' }, bug: { type: 'string', multiple: true }, workers: { type: 'string' }, baseline: { type: 'string', default: '0' }, 'full-runs': { type: 'boolean', default: false } },
});
const range = parseSeedRange(values.seeds);
const only = values.bug ?? [];
validateBugNames(only);
const workers = values.workers === undefined ? undefined : Number(values.workers);
const baselineUsed = values.baseline === 'used';
const baselineSeeds = baselineUsed ? 0 : Number(values.baseline);
if (!baselineUsed && !(Number.isInteger(baselineSeeds) && baselineSeeds >= 0)) {
  process.stderr.write(`--baseline: expected a number of seeds or 'used', got '${values.baseline}'\n`);
  process.exit(2);
}

const rows: string[][] = [['bug', 'scenario', 'first failing seed', 'failing check', 'seconds', ...(baselineSeeds || baselineUsed ? ['clean without bug'] : [])]];
for (const bug of BUG_REGISTRY.filter((b) => only.length === 0 || only.includes(b.name))) {
  const scenario = loadScenario(bug.scenario);
  const { failure, seedsRun, wallMs } = await firstFailingSeed(scenario, range, { bugs: [bug.name], workers, scenarioPath: bug.scenario, stopOnViolation: !values['full-runs'] });
  const row = [
    bug.name,
    bug.scenario,
    failure ? String(failure.seed) : `none in ${seedsRun} seeds`,
    failure ? failure.failedChecks.map((c) => c.name).join(', ') : '-',
    (wallMs / 1000).toFixed(1),
  ];
  if (baselineSeeds || baselineUsed) {
    const seeds = baselineUsed ? { first: range.first, last: failure ? failure.seed : range.first + seedsRun - 1 } : { first: 1, last: baselineSeeds };
    const count = seeds.last - seeds.first + 1;
    const clean = await sweep(scenario, seeds, { workers });
    const named = `seeds ${seeds.first}..${seeds.last}`;
    row.push(clean.failed === 0 ? `${count}/${count} pass (${named})` : `${clean.failed} of ${count} FAIL (${named}): ${clean.outcomes.filter((o) => o.verdict === 'fail').map((o) => `${o.seed} ${o.failedChecks.map((c) => c.name).join('+')}`).join('; ')}`);
  }
  rows.push(row);
  process.stderr.write(`${row.join('  ')}\n`);
}
const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
for (const row of rows) process.stdout.write(`${row.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd()}\n`);
