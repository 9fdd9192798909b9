// Side-by-side A/B of the simulator's user-facing figures (issue 16) between two checkouts, e.g.
// today's main and a branch: `npx tsx bench/ab-sim.ts /work/wt/base /work/wt/h6 [rounds] [sweepSeeds]`.
// After one warm-up round, rounds run interleaved A,B,A,B; every round prints both figures and B/A, and
// the load average before and after each measure, since this machine's speed drifts with its neighbours.
// Figures: `kvlab run` whole command (wall, artifacts included), the run's own virtual/wall ratio (from
// its summary), `npm run bench:sim`'s throughput line, and `kvlab sweep` seeds per second.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

const [a, b] = [process.argv[2], process.argv[3]];
if (!a || !b) throw new Error('usage: tsx bench/ab-sim.ts CHECKOUT_A CHECKOUT_B [rounds] [sweepSeeds]');
const rounds = Number(process.argv[4] ?? 3);
const sweepSeeds = Number(process.argv[5] ?? 20);
const scratch = mkdtempSync(join(tmpdir(), 'kvlab-ab-'));

interface Figures {
  commandS: number;
  runX: number;
  opsPerS: number;
  seedsPerS: number;
}

function timed(cwd: string, command: string, args: string[]): { seconds: number; stdout: string } {
  const start = performance.now();
  const done = spawnSync(command, args, { cwd, encoding: 'utf8', maxBuffer: 1 << 26 });
  const seconds = (performance.now() - start) / 1000;
  if (done.status !== 0 && done.status !== 1) throw new Error(`${cwd}: ${command} ${args.join(' ')} exited ${done.status}: ${done.stderr.slice(-2000)}`);
  return { seconds, stdout: done.stdout };
}

function number(text: string, pattern: RegExp, what: string): number {
  const match = pattern.exec(text);
  if (!match) throw new Error(`no ${what} in: ${text.slice(-1500)}`);
  return Number(match[1]);
}

function measure(root: string, label: string): Figures {
  const out = join(scratch, label);
  const run = timed(root, 'node', ['cli/kvlab.mjs', 'run', '--out', out]);
  rmSync(out, { recursive: true, force: true });
  const sim = timed(root, 'node', ['--import', 'tsx', 'bench/sim-cluster.ts']);
  const sweep = timed(root, 'node', ['cli/kvlab.mjs', 'sweep', 'scenarios/default.json', '--seeds', `1..${sweepSeeds}`, '--workers', '2']);
  number(sweep.stdout, /\(([\d.]+) seeds\/s\)/, 'sweep summary');
  return {
    commandS: run.seconds,
    // From the summary's "60 s virtual in 2.41 s wall": its rounded "(25x)" is too coarse under load.
    runX: number(run.stdout, /([\d.]+) s virtual in/, 'virtual s') / number(run.stdout, /virtual in ([\d.]+) s wall/, 'run wall'),
    opsPerS: number(sim.stdout, /= (\d+) ops\/s/, 'bench:sim ops/s'),
    // The whole sweep command, start-up included, as a user waits for it.
    seedsPerS: sweepSeeds / sweep.seconds,
  };
}

function load(): string {
  return loadavg()[0].toFixed(1);
}

const show = (f: Figures) => `run ${f.commandS.toFixed(2)} s, ${f.runX.toFixed(1)}x; bench:sim ${f.opsPerS} ops/s; sweep ${f.seedsPerS.toFixed(2)} seeds/s`;
const ratio = (x: Figures, y: Figures) =>
  `command ${(y.commandS / x.commandS).toFixed(2)}, run-x ${(y.runX / x.runX).toFixed(2)}, ops/s ${(y.opsPerS / x.opsPerS).toFixed(2)}, seeds/s ${(y.seedsPerS / x.seedsPerS).toFixed(2)}`;

console.log(`A = ${a}\nB = ${b}\nwarm-up (not counted), load ${load()}`);
measure(a, 'warm-a');
measure(b, 'warm-b');
const all: Array<[Figures, Figures]> = [];
for (let round = 1; round <= rounds; round++) {
  const loadBefore = load();
  const fa = measure(a, `a${round}`);
  const fb = measure(b, `b${round}`);
  all.push([fa, fb]);
  console.log(`round ${round} (load ${loadBefore} -> ${load()})\n  A: ${show(fa)}\n  B: ${show(fb)}\n  B/A: ${ratio(fa, fb)}`);
}
const median = (values: number[]) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)];
const med = (side: 0 | 1): Figures => ({
  commandS: median(all.map((r) => r[side].commandS)),
  runX: median(all.map((r) => r[side].runX)),
  opsPerS: median(all.map((r) => r[side].opsPerS)),
  seedsPerS: median(all.map((r) => r[side].seedsPerS)),
});
console.log(`medians of ${rounds} rounds\n  A: ${show(med(0))}\n  B: ${show(med(1))}\n  B/A: ${ratio(med(0), med(1))}`);
rmSync(scratch, { recursive: true, force: true });
