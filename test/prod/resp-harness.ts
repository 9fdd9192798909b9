// Helpers for the RESP tests: a command runner without sockets, a raw TCP client that reads whole
// replies, and a reply decoder (independent of the server's encoder, so tests check the wire format).
import { connect, type Socket } from 'node:net';
import type { KvClientApi } from '../../core/node/client-api.ts';
import { OrderedSession } from '../../core/node/session-order.ts';
import { kvPromises } from '../../prod/http/kv-promises.ts';
import type { ClusterStatusSource } from '../../prod/http/node-services.ts';
import type { RespServerContext } from '../../prod/resp/command-spec.ts';
import { defaultCommandTable } from '../../prod/resp/command-table.ts';
import { resolveRespLimits, type RespLimits } from '../../prod/resp/limits.ts';
import { encodeReply } from '../../prod/resp/reply.ts';
import { ScanCursorTable } from '../../prod/resp/scan-cursors.ts';
import { LocalKvApi } from '../support/local-kv-api.ts';

export interface RunnerOptions {
  readonly api?: KvClientApi;
  readonly nowMs?: () => number;
  readonly requirepass?: string;
  readonly limits?: Partial<RespLimits>;
  readonly status?: ClusterStatusSource;
}

/** Dispatches commands as one connection would, answering the encoded reply text. */
export function commandRunner(options: RunnerOptions = {}) {
  const api = options.api ?? new LocalKvApi({ wallClockMs: options.nowMs });
  const limits = resolveRespLimits(options.limits);
  const server: RespServerContext = {
    limits,
    requirepass: options.requirepass ?? null,
    openSession: () => {
      const session = new OrderedSession(api);
      return { kv: kvPromises(session, { requestTimeoutMs: 200, guardMs: 50 }), broken: () => session.broken };
    },
    readConsistency: 'linearizable',
    wallClockMs: options.nowMs ?? Date.now,
    status: options.status ?? null,
    scanCursors: new ScanCursorTable({ cursorsMax: limits.scanCursorsMax, cursorBytesMax: limits.scanCursorBytesMax }),
    startedAtWallMs: (options.nowMs ?? Date.now)(),
    port: () => 6379,
    connectionCount: () => 1,
  };
  const connection = {
    id: 7,
    kv: server.openSession().kv,
    remoteAddress: '127.0.0.1:1',
    connectedAtMs: 0,
    name: null as string | null,
    libName: null as string | null,
    libVersion: null as string | null,
    authenticated: options.requirepass === undefined,
    closeAfterReply: false,
  };
  const table = defaultCommandTable();
  return {
    api,
    connection,
    table,
    async run(...args: string[]): Promise<string> {
      return encodeReply(await table.dispatch({ args, connection, server }).reply);
    },
  };
}

export type Decoded = string | number | bigint | null | Decoded[] | { error: string };

/** Decodes one reply from `text` at `at`; undefined when incomplete. Integers come back as numbers. */
export function decodeReply(text: string, at = 0): { value: Decoded; end: number } | undefined {
  const lineEnd = text.indexOf('\r\n', at);
  if (lineEnd < 0) return undefined;
  const line = text.slice(at + 1, lineEnd);
  const next = lineEnd + 2;
  switch (text[at]) {
    case '+':
      return { value: line, end: next };
    case '-':
      return { value: { error: line }, end: next };
    case ':':
      return { value: Number(line), end: next };
    case '$': {
      const length = Number(line);
      if (length < 0) return { value: null, end: next };
      if (text.length < next + length + 2) return undefined;
      return { value: text.slice(next, next + length), end: next + length + 2 };
    }
    case '*': {
      const count = Number(line);
      if (count < 0) return { value: null, end: next };
      const items: Decoded[] = [];
      let cursor = next;
      for (let i = 0; i < count; i++) {
        const item = decodeReply(text, cursor);
        if (!item) return undefined;
        items.push(item.value);
        cursor = item.end;
      }
      return { value: items, end: cursor };
    }
    default:
      throw new Error(`not a RESP reply at ${at}: ${JSON.stringify(text.slice(at, at + 20))}`);
  }
}

/** A raw TCP client: send any bytes, read whole decoded replies, see when the server closes. */
export class RawClient {
  private received = '';
  private waiters: (() => void)[] = [];
  closed = false;

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.received += chunk.toString('latin1');
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => {});
  }

  static open(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => resolve(new RawClient(socket)));
      socket.once('error', reject);
    });
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter();
  }

  send(data: string | Buffer): void {
    this.socket.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
  }

  /** Waits for `count` complete replies (or the close), up to `timeoutMs`. */
  async replies(count: number, timeoutMs = 5000): Promise<Decoded[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const out: Decoded[] = [];
      let at = 0;
      while (out.length < count) {
        const item = decodeReply(this.received, at);
        if (!item) break;
        out.push(item.value);
        at = item.end;
      }
      if (out.length === count) {
        this.received = this.received.slice(at);
        return out;
      }
      if (this.closed) throw new Error(`connection closed after ${out.length} of ${count} replies: ${JSON.stringify(out)}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out after ${out.length} of ${count} replies; buffered ${JSON.stringify(this.received.slice(0, 200))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async command(...args: string[]): Promise<Decoded> {
    this.send(`*${args.length}\r\n${args.map((a) => `$${a.length}\r\n${a}\r\n`).join('')}`);
    return (await this.replies(1))[0];
  }

  /** Resolves once the server has closed the connection (or after timeoutMs with false). */
  async waitClosed(timeoutMs = 5000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    return this.closed;
  }

  rawBuffered(): string {
    return this.received;
  }

  close(): void {
    this.socket.destroy();
  }
}

export const multibulk = (...args: string[]): string => `*${args.length}\r\n${args.map((a) => `$${a.length}\r\n${a}\r\n`).join('')}`;
