// Merges the JSON reports of several Stryker runs (one per directory or file, each written under its own
// STRYKER_REPORT_DIR) into one mutation-score table: a row per mutated file, then totals per directory and
// overall. Where two reports hold the same file, the newer report (by file modification time) wins, so a
// rerun of one file after new tests replaces its older result.
//   npx tsx bench/mutation-score.ts [--markdown] [--survivors] [report dir or mutation.json]...
// With no paths it reads every mutation.json under reports/mutation.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';

/** The parts of Stryker's mutation-testing-report-schema JSON that the table needs. */
interface MutantResult {
  readonly mutatorName: string;
  readonly replacement?: string;
  readonly status: string;
  readonly location: { readonly start: { readonly line: number; readonly column: number } };
}
interface Report {
  readonly files: Record<string, { readonly mutants: readonly MutantResult[] }>;
}

/** Mutant counts of one file or group; the score counts timeouts as detected, as Stryker does. */
interface Tally {
  killed: number;
  timeout: number;
  survived: number;
  noCoverage: number;
  errors: number;
  ignored: number;
}

const { values, positionals } = parseArgs({
  options: { markdown: { type: 'boolean', default: false }, survivors: { type: 'boolean', default: false } },
  allowPositionals: true,
});

function findReports(path: string): string[] {
  if (statSync(path).isFile()) return [path];
  return readdirSync(path, { recursive: true, encoding: 'utf8' })
    .filter((entry) => entry.endsWith('mutation.json'))
    .map((entry) => join(path, entry));
}

const reportPaths = (positionals.length > 0 ? positionals : ['reports/mutation']).flatMap(findReports);
if (reportPaths.length === 0) throw new Error(`no mutation.json found under ${positionals.join(', ') || 'reports/mutation'}`);
// Oldest first, so that a newer report of the same file overwrites an older one.
reportPaths.sort((a, b) => statSync(a).mtimeMs - statSync(b).mtimeMs);

const mutantsByFile = new Map<string, { report: string; mutants: readonly MutantResult[] }>();
for (const path of reportPaths) {
  const report = JSON.parse(readFileSync(path, 'utf8')) as Report;
  for (const [file, { mutants }] of Object.entries(report.files)) mutantsByFile.set(file, { report: path, mutants });
}

const emptyTally = (): Tally => ({ killed: 0, timeout: 0, survived: 0, noCoverage: 0, errors: 0, ignored: 0 });

function tallyOf(mutants: readonly MutantResult[]): Tally {
  const tally = emptyTally();
  for (const mutant of mutants) {
    if (mutant.status === 'Killed') tally.killed++;
    else if (mutant.status === 'Timeout') tally.timeout++;
    else if (mutant.status === 'Survived') tally.survived++;
    else if (mutant.status === 'NoCoverage') tally.noCoverage++;
    else if (mutant.status === 'Ignored') tally.ignored++;
    else if (mutant.status === 'CompileError' || mutant.status === 'RuntimeError') tally.errors++;
    else throw new Error(`mutant status ${mutant.status} not counted (a run that did not finish?)`);
  }
  return tally;
}

function add(into: Tally, from: Tally): void {
  for (const key of Object.keys(into) as (keyof Tally)[]) into[key] += from[key];
}

/** Detected over valid mutants (errors and ignored mutants are not valid), as Stryker's mutation score. */
function score(tally: Tally): string {
  const valid = tally.killed + tally.timeout + tally.survived + tally.noCoverage;
  return valid === 0 ? '-' : `${((100 * (tally.killed + tally.timeout)) / valid).toFixed(1)}%`;
}

function row(name: string, tally: Tally): string[] {
  const counts = [tally.killed, tally.timeout, tally.survived, tally.noCoverage, tally.errors, tally.ignored];
  return [name, score(tally), ...counts.map(String)];
}

const header = ['file', 'score', 'killed', 'timeout', 'survived', 'no cov', 'errors', 'ignored'];
const fileRows: string[][] = [];
const byDirectory = new Map<string, Tally>();
const total = emptyTally();
for (const file of [...mutantsByFile.keys()].sort()) {
  const tally = tallyOf(mutantsByFile.get(file)!.mutants);
  fileRows.push(row(file, tally));
  // Top two levels (core/raft, core/kv) group the totals.
  const group = file.split('/').slice(0, 2).join('/');
  if (!byDirectory.has(group)) byDirectory.set(group, emptyTally());
  add(byDirectory.get(group)!, tally);
  add(total, tally);
}
const totalRows = [...[...byDirectory].map(([group, tally]) => row(`${group} (total)`, tally)), row('all', total)];

function printTable(rows: string[][]): void {
  if (values.markdown) {
    const lines = [header, header.map((_, i) => (i === 0 ? '---' : '---:')), ...rows];
    for (const line of lines) process.stdout.write(`| ${line.join(' | ')} |\n`);
    return;
  }
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  for (const line of all) process.stdout.write(`${line.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ')}\n`);
}

printTable([...fileRows, ...totalRows]);
process.stdout.write(`\nreports: ${[...new Set([...mutantsByFile.values()].map((f) => dirname(f.report)))].join(', ')}\n`);

if (values.survivors) {
  process.stdout.write('\nsurviving and uncovered mutants:\n');
  for (const [file, { mutants }] of [...mutantsByFile].sort(([a], [b]) => a.localeCompare(b))) {
    for (const mutant of mutants.filter((m) => m.status === 'Survived' || m.status === 'NoCoverage')) {
      const where = `${file}:${mutant.location.start.line}:${mutant.location.start.column}`;
      process.stdout.write(`${where}  ${mutant.status}  ${mutant.mutatorName}  ${JSON.stringify(mutant.replacement ?? '')}\n`);
    }
  }
}
