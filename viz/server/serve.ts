// Serves one run's timeline on 127.0.0.1: the page, the bundled script, and the run's files, streamed
// as they are on disk (the page reduces the trace while it arrives).
import { createReadStream } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BootData } from '../app/boot-data.ts';
import { bundleVizApp } from './bundle.ts';
import { titleOf } from './export-html.ts';
import { loadMachineSpecs } from './machines.ts';
import { renderPage } from './page.ts';
import { isCompressedTrace, readTraceHead } from './trace-file.ts';
import type { RunFiles } from './run-files.ts';

/** A run held in memory (the synthetic demo, tests). */
export interface InMemoryRun {
  readonly inMemory: true;
  readonly name: string;
  readonly trace: string;
  readonly history: string | null;
  readonly report: string | null;
}

export interface VizServerOptions {
  readonly run: RunFiles | InMemoryRun;
  /** 0 picks a free port. */
  readonly port: number;
  readonly host?: string;
}

export interface VizServer {
  readonly url: string;
  close(): Promise<void>;
}

/** Large reads: the page decodes and parses per chunk, and fewer, larger chunks are cheaper. */
const streamChunkBytes = 1 << 20;

type FileName = 'trace' | 'history' | 'report';
const dataPaths: Readonly<Record<string, FileName>> = { '/data/trace.jsonl': 'trace', '/data/history.jsonl': 'history', '/data/report.json': 'report' };
const contentTypes: Readonly<Record<FileName, string>> = { trace: 'application/x-ndjson', history: 'application/x-ndjson', report: 'application/json' };

function isInMemory(run: RunFiles | InMemoryRun): run is InMemoryRun {
  return 'inMemory' in run;
}

async function readHead(run: RunFiles | InMemoryRun): Promise<string> {
  if (isInMemory(run)) return run.trace.slice(0, 4096);
  return readTraceHead(run.trace);
}

export async function startVizServer(options: VizServerOptions): Promise<VizServer> {
  const { run } = options;
  const [bundle, machines, head] = await Promise.all([bundleVizApp(), loadMachineSpecs(), readHead(run)]);
  const boot: BootData = {
    title: titleOf(head, run.name),
    trace: { url: 'data/trace.jsonl' },
    history: run.history === null ? null : { url: 'data/history.jsonl' },
    report: run.report === null ? null : { url: 'data/report.json' },
    machines,
  };
  const page = renderPage(bundle, boot, { scriptSrc: 'app.js' });
  const server = createServer((request, response) => handle(request, response, run, page, bundle.js));
  await listen(server, options.port, options.host ?? '127.0.0.1');
  const { address, port } = server.address() as AddressInfo;
  return {
    url: `http://${address}:${port}/`,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function handle(request: IncomingMessage, response: ServerResponse, run: RunFiles | InMemoryRun, page: string, js: string): void {
  const path = new URL(request.url ?? '/', 'http://localhost').pathname;
  const send = (status: number, type: string, body: string) => {
    response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
    response.end(body);
  };
  if (request.method !== 'GET' && request.method !== 'HEAD') return send(405, 'text/plain', 'only GET');
  if (path === '/' || path === '/index.html') return send(200, 'text/html; charset=utf-8', page);
  if (path === '/app.js') return send(200, 'text/javascript; charset=utf-8', js);
  const file = dataPaths[path];
  const source = file === undefined ? null : run[file];
  if (file === undefined || source === null) return send(404, 'text/plain', `not found: ${path}`);
  if (isInMemory(run)) return send(200, contentTypes[file], source);
  // trace.jsonl.gz goes out as it is on disk: the browser inflates a gzip Content-Encoding itself.
  const encoding = file === 'trace' && isCompressedTrace(source) ? { 'content-encoding': 'gzip' } : {};
  response.writeHead(200, { 'content-type': contentTypes[file], 'cache-control': 'no-store', ...encoding });
  createReadStream(source, { highWaterMark: streamChunkBytes }).on('error', (error) => response.destroy(error)).pipe(response);
}
