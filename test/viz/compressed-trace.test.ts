// `kvlab viz` reads a run that kept its trace compressed (trace.jsonl.gz, the default of `kvlab run`):
// it finds it, checks its header, serves it for the browser to inflate, and exports it as it is.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { checkTraceHeader } from '../../cli/viz.ts';
import { generateSyntheticRun } from '../../viz/dev/synthetic-trace.ts';
import { exportRunFiles, writeTimelineHtml } from '../../viz/server/export-html.ts';
import { newestRun, resolveRunFiles } from '../../viz/server/run-files.ts';
import { startVizServer } from '../../viz/server/serve.ts';

const root = mkdtempSync(join(tmpdir(), 'kvlab-viz-gz-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const run = generateSyntheticRun({ seed: 5, durationMs: 1500 });
const gz = gzipSync(run.trace);
const dir = join(root, 'runs', 'synthetic-5');
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, 'trace.jsonl.gz'), gz);
writeFileSync(join(dir, 'history.jsonl'), run.history);
writeFileSync(join(dir, 'report.json'), run.report);

function bootOf(html: string): Record<string, any> {
  return JSON.parse(/window\.__kvlabBoot = (.*);<\/script>/.exec(html)![1]);
}

describe('a compressed trace', () => {
  it('is found in a run directory, as the newest run, and as a file; its header is checked', () => {
    expect(resolveRunFiles(dir).trace).toBe(join(dir, 'trace.jsonl.gz'));
    expect(resolveRunFiles(join(dir, 'trace.jsonl.gz')).history).toBe(join(dir, 'history.jsonl'));
    expect(newestRun(join(root, 'runs'))).toBe(dir);
    expect(() => checkTraceHeader(join(dir, 'trace.jsonl.gz'))).not.toThrow();
    const bad = join(root, 'bad.jsonl.gz');
    writeFileSync(bad, gzipSync('{"t":0,"seq":1,"node":null,"kind":"net.send"}\n'));
    expect(() => checkTraceHeader(bad)).toThrow(/bad\.jsonl\.gz line 1: expected the header/);
  });

  it('is served with Content-Encoding gzip, so the page reads the same text', async () => {
    const server = await startVizServer({ run: resolveRunFiles(dir), port: 0 });
    try {
      const page = await (await fetch(server.url)).text();
      expect(page).toContain('<title>kvlab timeline — synthetic seed 5</title>');
      const response = await fetch(new URL('data/trace.jsonl', server.url));
      expect(response.headers.get('content-encoding')).toBe('gzip');
      expect(await response.text()).toBe(run.trace);
    } finally {
      await server.close();
    }
  });

  it('is inlined in an exported page as it is, not compressed again', async () => {
    const html = readFileSync(await writeTimelineHtml(dir), 'utf8');
    const boot = bootOf(html);
    expect(boot.title).toBe('kvlab timeline — synthetic seed 5');
    expect(boot.trace.encoding).toBe('gzip-base64');
    expect(Buffer.from(boot.trace.inline, 'base64').equals(gz)).toBe(true);
    const out = join(root, 'export.html');
    await exportRunFiles(resolveRunFiles(join(dir, 'trace.jsonl.gz')), out);
    expect(Buffer.from(bootOf(readFileSync(out, 'utf8')).trace.inline, 'base64').equals(gz)).toBe(true);
  });
});
