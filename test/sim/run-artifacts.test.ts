// What `kvlab run` keeps (issue 14 §5, docs/trace.md "What a run keeps"): a compressed trace by default
// that holds exactly the full trace's bytes, a timeline that embeds it without a second compression,
// no trace at all on request, and a summary that says how much was written.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { runCommand } from '../../cli/run.ts';
import { formatBytes, parseTraceMode } from '../../sim/run/artifacts.ts';
import { GzipFile } from '../../sim/trace/gzip-file.ts';
import { TraceWriter } from '../../sim/trace/trace-writer.ts';
import { writeTimelineHtml } from '../../viz/server/export-html.ts';
import { runChaos } from './trace-scenario.ts';

const root = mkdtempSync(join(tmpdir(), 'kvlab-artifacts-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The default scenario over 15 s of virtual time: long enough that the trace dwarfs the page's script. */
const scenarioPath = join(root, 'short.json');
const base = JSON.parse(readFileSync(new URL('../../scenarios/default.json', import.meta.url), 'utf8')) as Record<string, unknown>;
delete base.$schema;
writeFileSync(scenarioPath, JSON.stringify({ ...base, name: 'short', phases: { faultsMs: 8000, healMs: 2000, livenessMs: 5000 } }));

async function run(mode: string | undefined, out: string, scenario: string[] = [scenarioPath, '--seed', '3']): Promise<{ code: number; stdout: string }> {
  const chunks: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string) => (chunks.push(String(chunk)), true)) as typeof process.stdout.write;
  try {
    const code = await runCommand([...scenario, '--out', out, ...(mode ? ['--trace', mode] : [])]);
    return { code, stdout: chunks.join('') };
  } finally {
    process.stdout.write = write;
  }
}

function sizeOf(dir: string, names: string[]): number {
  return names.reduce((sum, name) => sum + readFileSync(join(dir, name)).byteLength, 0);
}

/** The boot data the page carries (window.__kvlabBoot = {...}). */
function bootOf(html: string): { trace: { inline: string; encoding: string } } {
  return JSON.parse(/window\.__kvlabBoot = (.*);<\/script>/.exec(html)![1]);
}

describe('kvlab run --trace', () => {
  it('the default run keeps its full trace compressed, in at most a quarter of the full artifacts', async () => {
    const compact = join(root, 'compact');
    const { code, stdout } = await run(undefined, compact, []);
    expect(code).toBe(0);
    expect(existsSync(join(compact, 'trace.jsonl'))).toBe(false);
    // The same run with --trace full: the inflated trace, and the timeline exported from it.
    const full = join(root, 'full');
    mkdirSync(full);
    const gz = readFileSync(join(compact, 'trace.jsonl.gz'));
    writeFileSync(join(full, 'trace.jsonl'), gunzipSync(gz));
    for (const name of ['history.jsonl', 'report.json']) copyFileSync(join(compact, name), join(full, name));
    await writeTimelineHtml(full);
    const names = ['history.jsonl', 'report.json', 'timeline.html'];
    const fullBytes = sizeOf(full, ['trace.jsonl', ...names]);
    const compactBytes = sizeOf(compact, ['trace.jsonl.gz', ...names]);
    expect(compactBytes, `default seed 1: ${compactBytes} vs ${fullBytes} bytes`).toBeLessThanOrEqual(fullBytes / 4);
    // The timeline embeds the very bytes of trace.jsonl.gz: no second compression, the same run shown.
    const boot = bootOf(readFileSync(join(compact, 'timeline.html'), 'utf8'));
    expect(boot.trace.encoding).toBe('gzip-base64');
    expect(Buffer.from(boot.trace.inline, 'base64').equals(gz)).toBe(true);
    expect(stdout).toContain(`${formatBytes(compactBytes)} written: trace.jsonl.gz ${formatBytes(gz.byteLength)}`);
  });

  it('--trace full writes the plain trace, and the default its exact bytes compressed', async () => {
    const full = join(root, 'short-full');
    const compact = join(root, 'short-compact');
    expect((await run('full', full)).code).toBe(0);
    expect((await run('compressed', compact)).code).toBe(0);
    const plain = readFileSync(join(full, 'trace.jsonl'));
    expect(gunzipSync(readFileSync(join(compact, 'trace.jsonl.gz'))).equals(plain), 'seed 3: the compressed trace inflates to the full one').toBe(true);
    expect(existsSync(join(full, 'trace.jsonl.gz'))).toBe(false);
  });

  it('keeps no trace and no timeline with --trace none, and removes the ones an earlier run left', async () => {
    const dir = join(root, 'none');
    expect((await run('full', dir)).code).toBe(0);
    const { code, stdout } = await run('none', dir);
    expect(code).toBe(0);
    for (const name of ['trace.jsonl', 'trace.jsonl.gz', 'timeline.html']) expect(existsSync(join(dir, name)), name).toBe(false);
    expect(existsSync(join(dir, 'history.jsonl'))).toBe(true);
    expect(stdout).toMatch(/written: history\.jsonl [\d.]+ [kM]?B, report\.json/);
  });

  it('rejects an unknown mode by name', async () => {
    expect(() => parseTraceMode('zip')).toThrow(/--trace: expected one of compressed, full, none, got "zip"/);
    const errors: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => (errors.push(String(chunk)), true)) as typeof process.stderr.write;
    try {
      expect(await run('zip', join(root, 'bad'))).toMatchObject({ code: 2 });
    } finally {
      process.stderr.write = write;
    }
    expect(errors.join('')).toContain('--trace: expected one of');
  });
});

describe('compressed trace files', () => {
  it('a gzip file trace inflates to the in-memory trace of the same seed', () => {
    const path = join(root, 'chaos.jsonl.gz');
    const file = new TraceWriter({ meta: { scenario: 'chaos', seed: 23, version: 1 }, path, compress: true });
    runChaos(23, file);
    file.close();
    const memory = new TraceWriter({ meta: { scenario: 'chaos', seed: 23, version: 1 } });
    runChaos(23, memory);
    expect(gunzipSync(readFileSync(path)).toString('utf8') === memory.text(), 'seed 23 gzip file vs memory').toBe(true);
  });

  it('the same seed gives byte-identical compressed traces', () => {
    const files = ['a', 'b'].map((name) => {
      const path = join(root, `chaos-${name}.jsonl.gz`);
      const file = new TraceWriter({ meta: { scenario: 'chaos', seed: 25, version: 1 }, path, compress: true });
      runChaos(25, file);
      file.close();
      return readFileSync(path);
    });
    expect(files[0].byteLength).toBeGreaterThan(1000);
    expect(files[0].equals(files[1]), 'seed 25 twice').toBe(true);
  });

  it('a file that cannot be written is a clear error naming it', () => {
    const path = join(root, 'no-such-dir', 'trace.jsonl.gz');
    const file = new GzipFile(path);
    file.write('{"kind":"meta"}\n');
    expect(() => file.close()).toThrow(/could not write .*no-such-dir\/trace\.jsonl\.gz: ENOENT/);
  });

  it('a compression thread that cannot start is an error at close, not a hang', () => {
    const file = new GzipFile(join(root, 'never.jsonl.gz'), 7, new URL('./no-such-worker.mjs', import.meta.url));
    file.write('{"kind":"meta"}\n');
    expect(() => file.close()).toThrow(/could not write .*never\.jsonl\.gz: the compression thread could not start/);
  });
});
