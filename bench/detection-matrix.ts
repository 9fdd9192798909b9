// The detection matrix: every bug of the zoo × every library scenario. For each pair, the first seed of
// the range that fails with the bug switched on (stopping there), so a reader sees which checks catch a
// bug beyond the one scenario written for it. A bug that only its own scenario catches is a weak check.
// Results accumulate in a JSON cache keyed by (bug, scenario, seeds), so an interrupted run resumes and
// a new bug or scenario only adds its own pairs; --markdown prints the table docs/chaos.md shows.
//   npx tsx bench/detection-matrix.ts [--seeds 1..50] [--workers N] [--bug NAME]... [--scenario FILE]...
//        [--cache FILE] [--markdown]
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { BUG_REGISTRY, validateBugNames } from '../sim/bugs/registry.ts';
import { loadScenario } from '../sim/scenario/load.ts';
import { firstFailingSeed } from '../sim/sweep/first-failure.ts';
import { parseSeedRange } from '../sim/sweep/seed-range.ts';

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '1..50' },
    workers: { type: 'string' },
    bug: { type: 'string', multiple: true },
    scenario: { type: 'string', multiple: true },
    cache: { type: 'string', default: 'runs/detection-matrix.json' },
    markdown: { type: 'boolean', default: false },
  },
});
const range = parseSeedRange(values.seeds);
const bugs = BUG_REGISTRY.filter((b) => !values.bug || values.bug.includes(b.name));
validateBugNames(values.bug ?? []);
const scenarios = values.scenario ?? readdirSync('scenarios').filter((f) => f.endsWith('.json') && f !== 'scenario.schema.json').sort().map((f) => `scenarios/${f}`);
const workers = values.workers === undefined ? undefined : Number(values.workers);

interface Cell {
  /** The first failing seed, or null when every seed of the range passed. */
  readonly seed: number | null;
  readonly checks: readonly string[];
  readonly seedsRun: number;
  readonly wallMs: number;
}
const cacheFile = values.cache;
const cache: Record<string, Cell> = existsSync(cacheFile) ? JSON.parse(readFileSync(cacheFile, 'utf8')) : {};
const keyOf = (bug: string, scenario: string) => `${bug}|${scenario}|${range.first}..${range.last}`;

// Without any bug, a scenario that already fails would mark every bug "caught": run it first.
for (const scenario of scenarios) {
  const key = keyOf('(none)', scenario);
  if (cache[key]) continue;
  cache[key] = await cell(scenario, []);
  save();
}
for (const bug of bugs) {
  for (const scenario of scenarios) {
    const key = keyOf(bug.name, scenario);
    if (cache[key]) continue;
    cache[key] = await cell(scenario, [bug.name]);
    save();
    const c = cache[key];
    process.stderr.write(`${bug.name}  ${scenario}  ${c.seed === null ? `none in ${c.seedsRun}` : `seed ${c.seed} (${c.checks.join('+')})`}  ${(c.wallMs / 1000).toFixed(1)} s\n`);
  }
}
if (values.markdown) process.stdout.write(markdown());

async function cell(scenario: string, bugNames: string[]): Promise<Cell> {
  const { failure, seedsRun, wallMs } = await firstFailingSeed(loadScenario(scenario), range, { bugs: bugNames, workers, scenarioPath: scenario, stopOnViolation: true });
  return { seed: failure?.seed ?? null, checks: failure?.failedChecks.map((c) => c.name) ?? [], seedsRun, wallMs };
}

function save(): void {
  writeFileSync(cacheFile, `${JSON.stringify(cache, null, 1)}\n`);
}

function markdown(): string {
  const short = (s: string) => basename(s, '.json');
  const lines = [`| scenario | ${bugs.map((_, i) => `B${i + 1}`).join(' | ')} |`, `|---|${bugs.map(() => '---:').join('|')}|`];
  for (const scenario of scenarios) {
    const clean = cache[keyOf('(none)', scenario)];
    const cells = bugs.map((b) => {
      const c = cache[keyOf(b.name, scenario)];
      if (!c) return '?';
      const own = b.scenario === scenario ? '**' : '';
      return c.seed === null ? '·' : `${own}${c.seed}${own}`;
    });
    lines.push(`| ${short(scenario)}${clean?.seed != null ? ' (fails without a bug)' : ''} | ${cells.join(' | ')} |`);
  }
  lines.push('', '| | bug | caught by scenarios not written for it |', '|---|---|---:|');
  bugs.forEach((b, i) => {
    const others = scenarios.filter((s) => s !== b.scenario && cache[keyOf('(none)', s)]?.seed == null && cache[keyOf(b.name, s)]?.seed != null);
    lines.push(`| B${i + 1} | ${b.name} | ${others.length} |`);
  });
  return `${lines.join('\n')}\n`;
}
