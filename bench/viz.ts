// Browser timeline at scale: load time and per-frame pan time for a 500,000-event synthetic trace in
// headless Chromium. Goals: load < 3 s, panning < 50 ms per frame. Prints figures; asserts nothing.
//   npx tsx bench/viz.ts [--events N]
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSyntheticRun } from '../viz/dev/synthetic-trace.ts';
import { writeTimelineHtml } from '../viz/server/export-html.ts';
import { resolveRunFiles } from '../viz/server/run-files.ts';
import { startVizServer } from '../viz/server/serve.ts';
import { chromiumMissing, chromiumMissingMessage, launchChromium } from '../test/viz/browser-harness.ts';

const eventsArg = process.argv.indexOf('--events');
const events = eventsArg > 0 ? Number(process.argv[eventsArg + 1]) : 500_000;
const panFrames = 40;

function quantiles(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return `p50 ${at(0.5).toFixed(1)} ms, p95 ${at(0.95).toFixed(1)} ms, max ${sorted[sorted.length - 1].toFixed(1)} ms`;
}

async function main(): Promise<void> {
  if (chromiumMissing) {
    console.log(chromiumMissingMessage);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'kvlab-viz-bench-'));
  let started = performance.now();
  const run = writeSyntheticRun(dir, { seed: 9, nodes: 5, events });
  const megabytes = statSync(join(dir, 'trace.jsonl')).size / 1e6;
  console.log(`trace: ${run.eventCount.toLocaleString()} events, ${megabytes.toFixed(1)} MB (generated in ${((performance.now() - started) / 1000).toFixed(1)} s)`);
  const server = await startVizServer({ run: resolveRunFiles(dir), port: 0 });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    started = performance.now();
    await page.goto(server.url);
    await page.waitForFunction(() => (window as any).__kvlabViz?.ready === true, null, { timeout: 120_000 });
    const wallMs = performance.now() - started;
    const inPage = await page.evaluate(() => ({ loadMs: (window as any).__kvlabViz.loadMs as number, firstFrameMs: (window as any).__kvlabViz.lastFrameMs() as number }));
    console.log(`load: ${(wallMs / 1000).toFixed(2)} s from navigation to an interactive timeline (in page: ${(inPage.loadMs / 1000).toFixed(2)} s to read, then the first frame in ${inPage.firstFrameMs.toFixed(1)} ms)  [goal < 3 s]`);
    for (const [name, zoom] of [['whole run', 1.25], ['zoomed 30x', 30], ['zoomed 1000x', 1000]] as const) {
      // Pans once per animation frame, as a drag does: `work` is the script time of each pan (state,
      // canvas, axis), `interval` the time between frames, which adds raster and compositing.
      // A string, not a function: tsx would wrap a function's inner closures in helpers the page lacks.
      const { work, interval } = (await page.evaluate(`new Promise((resolve) => {
        const v = window.__kvlabViz;
        v.fit();
        v.zoom(${zoom});
        const work = [];
        const interval = [];
        let last = 0;
        function frame(now) {
          if (last > 0) interval.push(now - last);
          last = now;
          const t0 = performance.now();
          v.panBy(work.length < ${panFrames / 2} ? 25 : -25);
          work.push(performance.now() - t0);
          if (work.length < ${panFrames}) requestAnimationFrame(frame);
          else resolve({ work, interval });
        }
        requestAnimationFrame(frame);
      })`)) as { work: number[]; interval: number[] };
      console.log(`pan, ${name}: script ${quantiles(work)}; frame interval ${quantiles(interval)}  [goal < 50 ms]`);
    }
    const heap = await page.evaluate(() => (performance as any).memory?.usedJSHeapSize as number | undefined);
    if (heap !== undefined) console.log(`page heap: ${(heap / 1e6).toFixed(0)} MB`);
    started = performance.now();
    const file = await writeTimelineHtml(dir);
    const exportSeconds = (performance.now() - started) / 1000;
    started = performance.now();
    await page.goto(`file://${file}`);
    await page.waitForFunction(() => (window as any).__kvlabViz?.ready === true, null, { timeout: 120_000 });
    console.log(`export: timeline.html of ${(statSync(file).size / 1e6).toFixed(1)} MB written in ${exportSeconds.toFixed(2)} s, opened from disk in ${((performance.now() - started) / 1000).toFixed(2)} s`);
  } finally {
    await browser.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
