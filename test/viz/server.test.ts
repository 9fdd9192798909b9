import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkTraceHeader, parseVizArgs, vizCommand } from '../../cli/viz.ts';
import { generateSyntheticRun, writeSyntheticRun } from '../../viz/dev/synthetic-trace.ts';
import { inlineCompressBytesMin, renderTimelineHtml, writeTimelineHtml } from '../../viz/server/export-html.ts';
import { loadMachineSpecs } from '../../viz/server/machines.ts';
import { resolveRunFiles } from '../../viz/server/run-files.ts';
import { startVizServer, type VizServer } from '../../viz/server/serve.ts';
import { traceText } from './trace-builder.ts';

const small = generateSyntheticRun({ seed: 11, durationMs: 1500 });

/** The boot data the page carries (window.__kvlabBoot = {...}). */
function bootOf(html: string): Record<string, any> {
  const match = /window\.__kvlabBoot = (.*);<\/script>/.exec(html);
  expect(match, 'the page carries boot data').not.toBeNull();
  return JSON.parse(match![1]);
}

function inlineText(source: { inline: string; encoding: string }): string {
  const bytes = Buffer.from(source.inline, 'base64');
  return (source.encoding === 'gzip-base64' ? gunzipSync(bytes) : bytes).toString('utf8');
}

describe('exported timeline.html', () => {
  it('inlines the script, the styles and the run, byte for byte', async () => {
    const html = await renderTimelineHtml(small.trace, small.history, small.report);
    expect(html).toContain('<title>kvlab timeline — synthetic seed 11</title>');
    expect(html).not.toMatch(/<script src=/);
    const boot = bootOf(html);
    expect(inlineText(boot.trace)).toBe(small.trace);
    expect(inlineText(boot.history)).toBe(small.history);
    expect(inlineText(boot.report)).toBe(small.report);
  });

  it('compresses large files and keeps values from closing the script element', async () => {
    const trace = traceText([[1, null, 'client.invoke', { op: 0, process: 1, f: 'put', key: 'k', value: '</script><script>alert(1)</script>' }]]);
    const padding = 'x'.repeat(inlineCompressBytesMin);
    const html = await renderTimelineHtml(trace, null, JSON.stringify({ verdict: 'pass', checks: [], padding }));
    const boot = bootOf(html);
    expect(boot.report.encoding).toBe('gzip-base64');
    expect(inlineText(boot.trace)).toBe(trace);
    // Exactly the boot script and the app script close: no value escaped its string.
    expect(html.match(/<\/script>/g)).toHaveLength(2);
  });

  it('writes timeline.html beside a run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kvlab-viz-'));
    writeSyntheticRun(dir, { seed: 2, durationMs: 1000 });
    const path = await writeTimelineHtml(dir);
    expect(path).toBe(join(dir, 'timeline.html'));
    expect(bootOf(readFileSync(path, 'utf8')).title).toBe('kvlab timeline — synthetic seed 2');
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads the statecharts from the xstate definitions', async () => {
    const specs = await loadMachineSpecs();
    expect(specs.lifecycle?.source).toBe('definition');
    expect(specs.lifecycle?.states).toContain('crashed');
    if (existsSync(new URL('../../core/raft/role-machine.ts', import.meta.url))) {
      expect(specs.role?.states).toEqual(expect.arrayContaining(['follower', 'preCandidate', 'candidate', 'leader']));
    }
  });
});

describe('the viz server', () => {
  let server: VizServer;
  beforeAll(async () => {
    server = await startVizServer({ run: { inMemory: true, name: 'small', trace: small.trace, history: small.history, report: null }, port: 0 });
  });
  afterAll(() => server.close());

  it('listens on 127.0.0.1 and serves the page, the script and the files', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const page = await (await fetch(server.url)).text();
    expect(bootOf(page).trace).toEqual({ url: 'data/trace.jsonl' });
    expect(page).toContain('<script src="app.js">');
    const script = await fetch(new URL('app.js', server.url));
    expect(script.headers.get('content-type')).toMatch(/javascript/);
    expect((await script.text()).length).toBeGreaterThan(10_000);
    expect(await (await fetch(new URL('data/trace.jsonl', server.url))).text()).toBe(small.trace);
    expect((await fetch(new URL('data/report.json', server.url))).status).toBe(404);
  });
});

describe('kvlab viz', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kvlab-viz-cli-'));
  writeSyntheticRun(dir, { seed: 4, durationMs: 800 });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('parses its arguments and rejects bad ones by name', () => {
    expect(parseVizArgs(['runs/x', '--port', '0', '--export', 'a.html'])).toMatchObject({ target: 'runs/x', port: 0, exportFile: 'a.html' });
    expect(() => parseVizArgs(['--port', '99999'])).toThrow(/--port must be an integer from 0 to 65535, got '99999'/);
    expect(() => parseVizArgs(['--bogus'])).toThrow(/unknown option '--bogus'/);
    expect(() => parseVizArgs(['a', 'b'])).toThrow(/one run at a time/);
  });

  it('finds a run from a directory or a trace file, and explains a missing one', () => {
    expect(resolveRunFiles(dir).history).toBe(join(dir, 'history.jsonl'));
    expect(resolveRunFiles(join(dir, 'trace.jsonl')).report).toBe(join(dir, 'report.json'));
    expect(() => resolveRunFiles(join(dir, 'nope'))).toThrow(/does not exist/);
    expect(() => resolveRunFiles(undefined, join(dir, 'no-runs-here'))).toThrow(/no run given and none found/);
  });

  it('names line 1 when the trace has no header', () => {
    const bad = join(dir, 'bad.jsonl');
    writeFileSync(bad, '{"t":0,"seq":1,"node":null,"kind":"net.send"}\n');
    expect(() => checkTraceHeader(bad)).toThrow(/bad\.jsonl line 1: expected the header/);
  });

  it('exits 2 on invalid input and 0 after an export', async () => {
    const errors: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => (errors.push(String(chunk)), true)) as typeof process.stderr.write;
    try {
      expect(await vizCommand(['--port', 'x'])).toBe(2);
      expect(await vizCommand([join(dir, 'missing')])).toBe(2);
    } finally {
      process.stderr.write = write;
    }
    expect(errors.join('')).toMatch(/kvlab viz: --port must be an integer/);
    const out = join(dir, 'export.html');
    const stdout = process.stdout.write.bind(process.stdout);
    process.stdout.write = (() => true) as typeof process.stdout.write;
    try {
      expect(await vizCommand([dir, '--export', out])).toBe(0);
    } finally {
      process.stdout.write = stdout;
    }
    expect(readFileSync(out, 'utf8')).toContain('window.__kvlabBoot');
  });
});
