// A run's trace on disk is `trace.jsonl` or its gzip-compressed form `trace.jsonl.gz` (docs/trace.md,
// "What a run keeps"). The compressed form is never inflated on the Node side: the page decompresses
// it (inline, or as an HTTP body with Content-Encoding: gzip); only the header line is read here.
import { existsSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { constants, gunzipSync } from 'node:zlib';

export const traceFileNames = ['trace.jsonl', 'trace.jsonl.gz'] as const;

export function isCompressedTrace(path: string): boolean {
  return path.endsWith('.gz');
}

/** The trace file of run directory `dir`, plain or compressed, or null. */
export function traceFileIn(dir: string): string | null {
  for (const name of traceFileNames) if (existsSync(join(dir, name))) return join(dir, name);
  return null;
}

/** Bytes of the head read from disk: enough compressed input for the header line of any trace. */
const headBytesMax = 64 * 1024;

/** The first characters of a trace (up to 4096), decompressed when needed, for its title. */
export async function readTraceHead(path: string): Promise<string> {
  const file = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(headBytesMax);
    const { bytesRead } = await file.read(buffer, 0, headBytesMax, 0);
    return headText(buffer.subarray(0, bytesRead), isCompressedTrace(path));
  } finally {
    await file.close();
  }
}

/** The first `bytesMax` bytes of a trace's text as a string, from a prefix of its file (plain or compressed). */
export function headText(bytes: Uint8Array, compressed: boolean, bytesMax = 4096): string {
  if (!compressed) return Buffer.from(bytes.subarray(0, bytesMax)).toString('utf8');
  try {
    // A prefix of a gzip stream: inflate what is there, without asking for its end.
    return gunzipSync(bytes, { finishFlush: constants.Z_SYNC_FLUSH }).subarray(0, bytesMax).toString('utf8');
  } catch {
    return '';
  }
}
