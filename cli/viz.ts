// `kvlab viz [DIR or TRACE] [--port P] [--export FILE.html] [--demo]`: serves a run's timeline on
// 127.0.0.1 and prints its URL, or writes one self-contained HTML file. `kvlab run` calls
// writeTimelineHtml(dir) to put timeline.html beside a run's artifacts.
import { openSync, readSync, closeSync } from 'node:fs';
import { KvlabError } from '../core/types.ts';
import { exportRunFiles, renderTimelineHtml, writeTimelineHtml } from '../viz/server/export-html.ts';
import { resolveRunFiles, type RunFiles } from '../viz/server/run-files.ts';
import { headText, isCompressedTrace } from '../viz/server/trace-file.ts';
import { startVizServer, type InMemoryRun } from '../viz/server/serve.ts';
import { reportUserError } from './command-error.ts';
import { EXIT_OK } from './exit-codes.ts';
import { checkOutputFile } from './paths.ts';
import { vizPortDefault, vizUsage } from './usage.ts';

export { renderTimelineHtml, writeTimelineHtml };

/** Documented default; if it is taken (and no --port was given) a free port is used instead. */
export { vizPortDefault };
const headBytesMax = 64 * 1024;

interface VizArgs {
  readonly target?: string;
  readonly port?: number;
  readonly exportFile?: string;
  readonly demo: boolean;
  readonly help: boolean;
}

export function parseVizArgs(args: readonly string[]): VizArgs {
  let target: string | undefined;
  let port: number | undefined;
  let exportFile: string | undefined;
  let demo = false;
  let help = false;
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i];
    const value = () => {
      const next = args[++i];
      if (next === undefined || next.startsWith('--')) throw new KvlabError('badArgument', `${arg} needs a value`);
      return next;
    };
    if (arg === '--port') {
      const text = value();
      port = Number(text);
      if (!/^\d+$/.test(text) || port > 65535) throw new KvlabError('badArgument', `--port must be an integer from 0 to 65535, got '${text}'`);
    } else if (arg === '--export') exportFile = value();
    else if (arg === '--demo') demo = true;
    else if (arg === '--help' || arg === '-h') help = true;
    else if (arg.startsWith('-')) throw new KvlabError('badArgument', `unknown option '${arg}'`);
    else if (target !== undefined) throw new KvlabError('badArgument', `one run at a time: got '${target}' and '${arg}'`);
    else target = arg;
  }
  if (demo && target !== undefined) throw new KvlabError('badArgument', `--demo shows a synthetic run; do not also pass '${target}'`);
  return { target, port, exportFile, demo, help };
}

/** The trace's first line must be its header; anything else is named here rather than in the page. */
export function checkTraceHeader(path: string): void {
  const fd = openSync(path, 'r');
  const buffer = Buffer.alloc(headBytesMax);
  const read = readSync(fd, buffer, 0, headBytesMax, 0);
  closeSync(fd);
  const text = headText(buffer.subarray(0, read), isCompressedTrace(path), headBytesMax);
  const firstLine = text.slice(0, text.includes('\n') ? text.indexOf('\n') : text.length).trim();
  if (firstLine.length === 0) throw new KvlabError('badTrace', `${path} line 1: the trace is empty; expected a header {"kind":"meta",...}`);
  let header: { kind?: unknown } | null = null;
  try {
    header = JSON.parse(firstLine) as { kind?: unknown };
  } catch (error) {
    throw new KvlabError('badTrace', `${path} line 1: not valid JSON (${error instanceof Error ? error.message : String(error)}); expected a header {"kind":"meta",...}`);
  }
  if (header?.kind !== 'meta') throw new KvlabError('badTrace', `${path} line 1: expected the header {"kind":"meta","scenario":...,"seed":...}, got kind ${JSON.stringify(header?.kind)}`);
}

async function demoRun(): Promise<InMemoryRun> {
  const { generateSyntheticRun } = await import('../viz/dev/synthetic-trace.ts');
  const run = generateSyntheticRun({ seed: 1, nodes: 3, durationMs: 20_000 });
  return { inMemory: true, name: 'synthetic demo', trace: run.trace, history: run.history, report: run.report };
}

export async function vizCommand(args: string[]): Promise<number> {
  try {
    const parsed = parseVizArgs(args);
    if (parsed.help) {
      process.stdout.write(`${vizUsage}\n`);
      return EXIT_OK;
    }
    if (parsed.exportFile !== undefined) checkOutputFile('--export', parsed.exportFile, false);
    const run: RunFiles | InMemoryRun = parsed.demo ? await demoRun() : resolveRunFiles(parsed.target);
    if (!('inMemory' in run)) checkTraceHeader(run.trace);
    if (parsed.exportFile !== undefined) return await exportTo(run, parsed.exportFile);
    return await serveUntilStopped(run, parsed.port);
  } catch (error) {
    return reportUserError('viz', error, (text) => process.stderr.write(text));
  }
}

async function exportTo(run: RunFiles | InMemoryRun, file: string): Promise<number> {
  if ('inMemory' in run) {
    const { writeFile } = await import('node:fs/promises');
    await writeFile(file, await renderTimelineHtml(run.trace, run.history, run.report));
  } else {
    await exportRunFiles(run, file);
  }
  process.stdout.write(`kvlab viz: wrote ${file}\n`);
  return EXIT_OK;
}

async function serveUntilStopped(run: RunFiles | InMemoryRun, port: number | undefined): Promise<number> {
  let server;
  try {
    server = await startVizServer({ run, port: port ?? vizPortDefault });
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'EACCES') throw new KvlabError('badArgument', `--port ${port}: not allowed to listen there (EACCES); pick a port above 1023`);
    if (code !== 'EADDRINUSE') throw error;
    if (port !== undefined) throw new KvlabError('portInUse', `port ${port} on 127.0.0.1 is in use; pick another with --port, or --port 0 for any free port`);
    server = await startVizServer({ run, port: 0 });
  }
  process.stdout.write(`kvlab viz: serving ${run.name} at ${server.url}  (Ctrl-C to stop; press ? in the page for shortcuts)\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await server.close();
  return EXIT_OK;
}
