// The RESP2 server on node:net: accepts connections up to connectionsMax and hands each to a
// RespConnection that speaks to the node's KvClientApi.
import { createServer, type Socket } from 'node:net';
import type { Consistency, KvClientApi } from '../../core/node/client-api.ts';
import { OrderedSession } from '../../core/node/session-order.ts';
import { CallbackGuard, kvPromises } from '../http/kv-promises.ts';
import { listen } from '../http/listen.ts';
import type { ClusterStatusSource } from '../http/node-services.ts';
import { noRequestMetrics, type RequestMetrics } from '../metrics/request-metrics.ts';
import { defaultCommandTable } from './command-table.ts';
import type { RespServerContext } from './command-spec.ts';
import { RespConnection } from './connection.ts';
import { resolveRespLimits, type RespLimits } from './limits.ts';
import { ScanCursorTable } from './scan-cursors.ts';

export interface RespServerOptions {
  readonly host: string;
  /** 0 picks a free port (tests); the bound one is in the returned address. */
  readonly port: number;
  readonly api: KvClientApi;
  readonly limits?: Partial<RespLimits>;
  /** Clients must AUTH with this password first; absent or empty = no password (Redis's default). */
  readonly requirepass?: string;
  /** Consistency of GET, MGET, EXISTS, ...; default linearizable. */
  readonly readConsistency?: Consistency;
  /** Passed to the node with every request. */
  readonly requestTimeoutMs?: number;
  /** Wall clock for expiry times (EX, PX, EXPIRE); default Date.now. */
  readonly wallClockMs?: () => number;
  /** Monotonic clock for latency metrics; default performance.now. */
  readonly monotonicMs?: () => number;
  /** This node's cluster view, for INFO. */
  readonly status?: ClusterStatusSource;
  readonly metrics?: RequestMetrics;
  /** A command handler threw (a bug in kvlab); default: printed to stderr. */
  readonly onInternalError?: (error: unknown, command: string) => void;
}

export interface RespServer {
  /** "host:port" actually bound. */
  readonly address: string;
  readonly port: number;
  /** Stops accepting, drops every client connection, resolves once the listener is closed. */
  close(): Promise<void>;
}

const REQUEST_TIMEOUT_MS_DEFAULT = 5_000;
/** How long past the request timeout we wait for the node's callback before answering TIMEOUT. */
const CALLBACK_GUARD_MS = 1_000;

export async function startRespServer(options: RespServerOptions): Promise<RespServer> {
  const limits = resolveRespLimits(options.limits);
  const metrics = options.metrics ?? noRequestMetrics;
  const connections = new Set<RespConnection>();
  let boundPort = 0;
  const guard = new CallbackGuard();
  const kvOptions = { requestTimeoutMs: options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS_DEFAULT, guardMs: CALLBACK_GUARD_MS };
  const server: RespServerContext = {
    limits,
    requirepass: options.requirepass ? options.requirepass : null,
    openSession: () => {
      const session = new OrderedSession(options.api);
      return { kv: kvPromises(session, kvOptions, guard), broken: () => session.broken };
    },
    readConsistency: options.readConsistency ?? 'linearizable',
    wallClockMs: options.wallClockMs ?? Date.now,
    status: options.status ?? null,
    scanCursors: new ScanCursorTable({ cursorsMax: limits.scanCursorsMax, cursorBytesMax: limits.scanCursorBytesMax }),
    startedAtWallMs: (options.wallClockMs ?? Date.now)(),
    port: () => boundPort,
    connectionCount: () => connections.size,
  };
  const services = {
    table: defaultCommandTable(),
    server,
    metrics,
    monotonicMs: options.monotonicMs ?? (() => performance.now()),
    onInternalError: options.onInternalError ?? reportInternalError,
  };
  let nextClientId = 1;

  const listener = createServer((socket: Socket) => {
    socket.on('error', () => socket.destroy());
    if (connections.size >= limits.connectionsMax) {
      metrics.connectionRejected('resp');
      socket.end('-ERR max number of clients reached\r\n');
      return;
    }
    const connection = new RespConnection(socket, nextClientId++, services);
    connections.add(connection);
    metrics.connectionOpened('resp');
    socket.on('close', () => {
      connections.delete(connection);
      metrics.connectionClosed('resp');
    });
  });

  const bound = await listen(listener, options.host, options.port);
  listener.on('error', (error) => services.onInternalError(error, 'listener'));
  boundPort = bound.port;

  return {
    ...bound,
    close: () =>
      new Promise<void>((resolve) => {
        listener.close(() => resolve());
        for (const connection of connections) connection.destroy();
      }),
  };
}

function reportInternalError(error: unknown, command: string): void {
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`kvlab resp: internal error in '${command}': ${detail}\n`);
}
