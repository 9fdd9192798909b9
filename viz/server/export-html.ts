// One self-contained HTML file per run: script, styles and the run's data inlined (gzip-compressed
// and base64-encoded when large), so it opens from disk, a CI artifact or an e-mail, with no server.
import { readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { BootData, FileSource } from '../app/boot-data.ts';
import { bundleVizApp } from './bundle.ts';
import { loadMachineSpecs } from './machines.ts';
import { renderPage } from './page.ts';
import { headText, isCompressedTrace, traceFileIn } from './trace-file.ts';

/** Inlined files at least this large are gzip-compressed (the page decompresses them while reading). */
export const inlineCompressBytesMin = 256 * 1024;

export function inlineSource(bytes: Uint8Array, compressed = false): FileSource {
  // Already gzip (trace.jsonl.gz): inlined as it is, never inflated and compressed again.
  if (compressed) return { inline: Buffer.from(bytes).toString('base64'), encoding: 'gzip-base64' };
  if (bytes.byteLength < inlineCompressBytesMin) return { inline: Buffer.from(bytes).toString('base64'), encoding: 'base64' };
  return { inline: gzipSync(bytes, { level: 6 }).toString('base64'), encoding: 'gzip-base64' };
}

/** "kvlab timeline — default seed 7", from the trace's header line when it has one. */
export function titleOf(traceHead: string, fallback: string): string {
  try {
    const meta = JSON.parse(traceHead.slice(0, traceHead.indexOf('\n') >>> 0)) as { kind?: unknown; scenario?: unknown; seed?: unknown };
    if (meta.kind === 'meta') return `kvlab timeline — ${String(meta.scenario)} seed ${String(meta.seed)}`;
  } catch {
    // Not a header: the page itself will say what is wrong with line 1.
  }
  return `kvlab timeline — ${fallback}`;
}

interface TraceBytes {
  readonly bytes: Uint8Array;
  readonly compressed: boolean;
}

async function exportPage(trace: TraceBytes, history: Uint8Array | null, report: Uint8Array | null, name: string): Promise<string> {
  const [bundle, machines] = await Promise.all([bundleVizApp(), loadMachineSpecs()]);
  const head = headText(trace.bytes.subarray(0, 64 * 1024), trace.compressed);
  const boot: BootData = {
    title: titleOf(head, name),
    trace: inlineSource(trace.bytes, trace.compressed),
    history: history === null ? null : inlineSource(history),
    report: report === null ? null : inlineSource(report),
    machines,
  };
  return renderPage(bundle, boot);
}

/** The timeline of a run as one HTML document. */
export function renderTimelineHtml(traceText: string, historyText?: string | null, reportText?: string | null): Promise<string> {
  const bytes = (text: string | null | undefined) => (text === null || text === undefined ? null : Buffer.from(text, 'utf8'));
  return exportPage({ bytes: Buffer.from(traceText, 'utf8'), compressed: false }, bytes(historyText), bytes(reportText), 'trace');
}

/** Writes `timeline.html` (or `outFile`) for the run in `dir`; returns its path. */
export async function writeTimelineHtml(dir: string, outFile = join(dir, 'timeline.html')): Promise<string> {
  const read = async (name: string) => (existsSync(join(dir, name)) ? readFile(join(dir, name)) : null);
  const tracePath = traceFileIn(dir);
  if (tracePath === null) throw new Error(`${dir} holds no trace.jsonl or trace.jsonl.gz`);
  const trace = { bytes: await readFile(tracePath), compressed: isCompressedTrace(tracePath) };
  await writeFile(outFile, await exportPage(trace, await read('history.jsonl'), await read('report.json'), dir));
  return outFile;
}

/** Export from explicit file paths (kvlab viz TRACE --export FILE). */
export async function exportRunFiles(files: { trace: string; history: string | null; report: string | null; name: string }, outFile: string): Promise<string> {
  const read = async (path: string | null) => (path === null ? null : readFile(path));
  const trace = { bytes: await readFile(files.trace), compressed: isCompressedTrace(files.trace) };
  const html = await exportPage(trace, await read(files.history), await read(files.report), files.name);
  await writeFile(outFile, html);
  return outFile;
}
