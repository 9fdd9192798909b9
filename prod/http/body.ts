// Reading request bodies with a byte limit, and decoding JSON bodies with errors that name the field.
import type { IncomingMessage } from 'node:http';

export type BodyResult = { readonly ok: true; readonly bytes: Buffer } | { readonly ok: false; readonly tooLarge: true; readonly bytes: number };

/**
 * The body at once if the parser already has all of it (and it fits), else undefined. Handlers run a
 * microtask after Node emits the request, by which time the parser has usually pushed a small body
 * whole: reading what is buffered then spares four stream listeners per request.
 */
function bufferedBody(request: IncomingMessage, bodyBytesMax: number): Buffer | undefined {
  if (!request.complete || request.readableFlowing === true || request.readableLength > bodyBytesMax) return undefined;
  return (request.read() as Buffer | null) ?? Buffer.alloc(0);
}

/** The whole body, or tooLarge as soon as it (or its declared Content-Length) passes `bodyBytesMax`. */
export function readBody(request: IncomingMessage, bodyBytesMax: number): Promise<BodyResult> {
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > bodyBytesMax) return Promise.resolve({ ok: false, tooLarge: true, bytes: declared });
  const buffered = bufferedBody(request, bodyBytesMax);
  if (buffered !== undefined) return Promise.resolve({ ok: true, bytes: buffered });
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    let done = false;
    request.on('data', (chunk: Buffer) => {
      if (done) return;
      received += chunk.length;
      if (received > bodyBytesMax) {
        done = true;
        request.pause();
        resolve({ ok: false, tooLarge: true, bytes: received });
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => {
      if (done) return;
      done = true;
      resolve({ ok: true, bytes: Buffer.concat(chunks, received) });
    });
    request.on('error', (error) => {
      if (!done) reject(error);
      done = true;
    });
    request.on('aborted', () => {
      if (!done) reject(new Error('request aborted'));
      done = true;
    });
  });
}

/** Parses a JSON object body; a string result is the message naming what is wrong. */
export function parseJsonObject(bytes: Buffer): Record<string, unknown> | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    return `body is not valid JSON: ${(error as Error).message}`;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return 'body must be a JSON object';
  return parsed as Record<string, unknown>;
}

const utf8Strict = new TextDecoder('utf-8', { fatal: true });

/** JSON strings are text: their UTF-8 bytes are the stored byte string (so PUT of the same text matches). */
export function textToByteString(text: string): string {
  return Buffer.from(text, 'utf8').toString('latin1');
}

/** A stored byte string as JSON text when it is valid UTF-8, else null (the caller adds base64). */
export function byteStringToText(bytes: string): string | null {
  try {
    return utf8Strict.decode(Buffer.from(bytes, 'latin1'));
  } catch {
    return null;
  }
}
