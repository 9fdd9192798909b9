// What writing a run's timeline costs (issue 14 §5 / 16): `npx tsx bench/timeline-export.ts PLAIN_DIR GZ_DIR [rounds]`
// takes two directories of the same run, one with trace.jsonl (`kvlab run --trace full`) and one with
// trace.jsonl.gz (the default), and times writeTimelineHtml on each, interleaved, after a warm-up. Then
// it times the viz bundle in fresh processes: cold (an empty cache directory) and from the disk cache.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeTimelineHtml } from '../viz/server/export-html.ts';

const [plainDir, gzDir] = [process.argv[2], process.argv[3]];
if (!plainDir || !gzDir) throw new Error('usage: tsx bench/timeline-export.ts PLAIN_DIR GZ_DIR [rounds]');
const rounds = Number(process.argv[4] ?? 3);
const scratch = mkdtempSync(join(tmpdir(), 'kvlab-tl-'));

async function timed(dir: string): Promise<number> {
  const start = performance.now();
  await writeTimelineHtml(dir, join(scratch, 'timeline.html'));
  return performance.now() - start;
}

await timed(plainDir);
await timed(gzDir);
for (let round = 1; round <= rounds; round++) {
  const load = loadavg()[0].toFixed(1);
  const plain = await timed(plainDir);
  const gz = await timed(gzDir);
  console.log(`round ${round} (load ${load}): timeline from trace.jsonl ${plain.toFixed(0)} ms, from trace.jsonl.gz ${gz.toFixed(0)} ms, ratio ${(gz / plain).toFixed(2)}`);
}

const probe = "const t = performance.now(); await (await import('./viz/server/bundle.ts')).bundleVizApp(); console.log(Math.round(performance.now() - t));";
const cacheDir = join(scratch, 'cache');
for (let round = 1; round <= rounds; round++) {
  rmSync(cacheDir, { recursive: true, force: true });
  const env = { ...process.env, KVLAB_CACHE_DIR: cacheDir };
  const bundle = () => spawnSync('node', ['--import', 'tsx', '--input-type=module', '-e', probe], { env, encoding: 'utf8' }).stdout.trim();
  const { mkdirSync } = await import('node:fs');
  mkdirSync(cacheDir);
  const cold = bundle();
  const cached = bundle();
  console.log(`round ${round} (load ${loadavg()[0].toFixed(1)}): viz bundle cold ${cold} ms, from the cache ${cached} ms`);
}
rmSync(scratch, { recursive: true, force: true });
