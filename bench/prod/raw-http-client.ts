// A lean HTTP/1.1 keep-alive client for the load generator: one socket, one request at a time, the
// response parsed just far enough to know its status and where it ends (Content-Length, chunked, or
// no body for 204/304). node:http's client costs the generator about 45 µs of CPU per request, which
// on this 2-core machine is CPU the servers under test do not get; this costs a fraction of that, the
// same for every system measured.
import { connect, type Socket } from 'node:net';

export type RawOutcome = { readonly status: number } | { readonly error: string };

interface Parsed {
  readonly status: number;
  /** Offset just past the response, or -1 if it is not complete yet. */
  readonly end: number;
  readonly close: boolean;
}

const CRLF2 = Buffer.from('\r\n\r\n');

/** Parses one response at the start of `buf`: undefined until the headers are in, then where it ends. */
export function parseResponse(buf: Buffer): Parsed | undefined | { readonly error: string } {
  const headerEnd = buf.indexOf(CRLF2);
  if (headerEnd < 0) return buf.length > 64 * 1024 ? { error: 'response headers too large' } : undefined;
  const head = buf.toString('latin1', 0, headerEnd);
  const lines = head.split('\r\n');
  const match = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0]);
  if (!match) return { error: `bad status line: ${JSON.stringify(lines[0].slice(0, 80))}` };
  const status = Number(match[1]);
  let length = -1;
  let chunked = false;
  let close = lines[0].startsWith('HTTP/1.0');
  for (let i = 1; i < lines.length; i++) {
    const colon = lines[i].indexOf(':');
    if (colon < 0) continue;
    const name = lines[i].slice(0, colon).trim().toLowerCase();
    const value = lines[i].slice(colon + 1).trim().toLowerCase();
    if (name === 'content-length') length = Number(value);
    else if (name === 'transfer-encoding') chunked = value.includes('chunked');
    else if (name === 'connection') close = value === 'close';
  }
  const bodyStart = headerEnd + 4;
  if (status === 204 || status === 304 || (status >= 100 && status < 200)) return { status, end: bodyStart, close };
  if (chunked) return { status, end: chunkedEnd(buf, bodyStart), close };
  if (length >= 0) return { status, end: buf.length >= bodyStart + length ? bodyStart + length : -1, close };
  return { status, end: -1, close: true }; // the body runs to the end of the connection
}

/** Offset past the last chunk (and trailers) of a chunked body starting at `at`, or -1 if incomplete. */
function chunkedEnd(buf: Buffer, at: number): number {
  for (;;) {
    const lineEnd = buf.indexOf('\r\n', at);
    if (lineEnd < 0) return -1;
    const size = parseInt(buf.toString('latin1', at, lineEnd).split(';')[0], 16);
    if (!Number.isFinite(size)) return -1;
    if (size === 0) {
      const trailersEnd = buf.indexOf(CRLF2, lineEnd);
      if (buf.length >= lineEnd + 4 && buf[lineEnd + 2] === 13 && buf[lineEnd + 3] === 10) return lineEnd + 4;
      return trailersEnd < 0 ? -1 : trailersEnd + 4;
    }
    at = lineEnd + 2 + size + 2;
    if (at > buf.length) return -1;
  }
}

/** One keep-alive connection with at most one request outstanding; reconnects after a close. */
export class RawHttpConnection {
  private socket: Socket | null = null;
  private buffered: Buffer = Buffer.alloc(0);
  private waiting: ((outcome: RawOutcome) => void) | null = null;
  private sentAtMs = 0;

  constructor(
    private readonly host: string,
    private readonly port: number,
  ) {}

  send(head: string, body: Buffer): Promise<RawOutcome> {
    if (this.waiting !== null) throw new Error('RawHttpConnection: one request at a time');
    return new Promise((resolve) => {
      this.waiting = resolve;
      this.sentAtMs = performance.now();
      const socket = this.socket ?? this.open();
      socket.write(body.length > 0 ? Buffer.concat([Buffer.from(head, 'latin1'), body]) : head);
    });
  }

  /** Fails the outstanding request if it has waited longer than `timeoutMs` (called periodically). */
  expire(nowMs: number, timeoutMs: number): void {
    if (this.waiting !== null && nowMs - this.sentAtMs > timeoutMs) this.fail('timeout');
  }

  close(): void {
    this.socket?.destroy();
    this.socket = null;
  }

  private open(): Socket {
    const socket = connect(this.port, this.host);
    socket.setNoDelay(true);
    this.socket = socket;
    this.buffered = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => this.onData(socket, chunk));
    socket.on('error', (error: NodeJS.ErrnoException) => this.onGone(socket, error.code ?? error.message));
    socket.on('close', () => this.onGone(socket, 'connection closed'));
    return socket;
  }

  private onData(socket: Socket, chunk: Buffer): void {
    if (socket !== this.socket) return;
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    const parsed = parseResponse(this.buffered);
    if (parsed === undefined) return;
    if ('error' in parsed) return this.fail(parsed.error);
    if (parsed.end < 0) return;
    this.buffered = this.buffered.subarray(parsed.end);
    if (parsed.close) this.close();
    const done = this.waiting;
    this.waiting = null;
    done?.({ status: parsed.status });
  }

  private onGone(socket: Socket, cause: string): void {
    if (socket !== this.socket) return;
    // A body that runs to the end of the connection ends here.
    const parsed = this.buffered.length > 0 ? parseResponse(this.buffered) : undefined;
    this.socket = null;
    if (parsed !== undefined && !('error' in parsed) && this.waiting !== null) {
      const done = this.waiting;
      this.waiting = null;
      return done({ status: parsed.status });
    }
    this.fail(cause);
  }

  private fail(cause: string): void {
    this.close();
    const done = this.waiting;
    this.waiting = null;
    done?.({ error: cause });
  }
}
