// Start-up of the kvlab command, this tree against a baseline tree, in one run: for each command line,
// rounds of A (baseline), B (this tree) interleaved after a warm-up, so that machine load hits both
// alike. Prints every round's wall times, the per-round ratio A/B, and medians; `node -e 0` is the floor.
// Run: npm run bench:cli -- [--base DIR] [--rounds N] [--warmup N] [--command "ARGS"]...
//   --base DIR   the baseline tree (default /work/wt/base, or $KVLAB_BASELINE)
//   --command    a kvlab command line to time (repeatable; default: --help, "run --help", "bugs --json")
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    base: { type: 'string', default: process.env.KVLAB_BASELINE ?? '/work/wt/base' },
    rounds: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '2' },
    command: { type: 'string', multiple: true },
  },
});
const rounds = Number(values.rounds);
const warmup = Number(values.warmup);
const commands = (values.command ?? ['--help', 'run --help', 'bugs --json']).map((c) => c.split(' ').filter(Boolean));
const here = fileURLToPath(new URL('..', import.meta.url));
const trees = { A: values.base!, B: here };
for (const [name, dir] of Object.entries(trees)) {
  if (!existsSync(join(dir, 'cli', 'kvlab.mjs'))) throw new Error(`${name}: ${dir} has no cli/kvlab.mjs`);
}

/** Wall milliseconds of one run of `args` with Node.js (any exit code: a usage error starts up too). */
function timeOnce(args: readonly string[], cwd: string): number {
  const started = performance.now();
  const child = spawnSync(process.execPath, args, { cwd, stdio: 'ignore' });
  const ms = performance.now() - started;
  if (child.status === null) throw new Error(`node ${args.join(' ')} (in ${cwd}) did not exit normally (${child.signal ?? child.error?.message})`);
  return ms;
}

const median = (xs: readonly number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const ms = (x: number) => `${x.toFixed(0).padStart(6)} ms`;

console.log(`kvlab start-up: A = ${trees.A} (baseline), B = ${trees.B} (this tree); ${warmup} warm-up + ${rounds} rounds, A and B interleaved`);
const floor = Array.from({ length: rounds }, () => timeOnce(['-e', '0'], here));
console.log(`floor (node -e 0): median ${ms(median(floor))}\n`);
for (const command of commands) {
  const run = (tree: 'A' | 'B') => timeOnce([join(trees[tree], 'cli', 'kvlab.mjs'), ...command], trees[tree]);
  for (let i = 0; i < warmup; i++) (run('A'), run('B'));
  const a: number[] = [];
  const b: number[] = [];
  console.log(`kvlab ${command.join(' ')}`);
  for (let round = 1; round <= rounds; round++) {
    // Alternate which tree goes first, so neither always runs right after the other.
    const [first, second] = round % 2 ? (['A', 'B'] as const) : (['B', 'A'] as const);
    const times = { [first]: run(first), [second]: run(second) } as Record<'A' | 'B', number>;
    a.push(times.A);
    b.push(times.B);
    console.log(`  round ${String(round).padStart(2)}: A ${ms(times.A)}  B ${ms(times.B)}  A/B ${(times.A / times.B).toFixed(2)}×`);
  }
  const ratios = a.map((x, i) => x / b[i]);
  console.log(`  median:   A ${ms(median(a))}  B ${ms(median(b))}  A/B ${median(ratios).toFixed(2)}× (median of per-round ratios)\n`);
}
