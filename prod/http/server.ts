// The HTTP API server on node:http (CONTRACTS.md "HTTP API"): routes requests to the KV, cluster,
// membership and metrics handlers, answers JSON errors, keeps connections alive, and survives any
// malformed request (the node's parser rejects bad HTTP; our handlers reject bad input with 4xx).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { KvClientApi } from '../../core/node/client-api.ts';
import { MetricsRegistry } from '../metrics/registry.ts';
import { requestMetrics, type RequestMetrics, type RequestOutcome } from '../metrics/request-metrics.ts';
import { readBody } from './body.ts';
import { kvPromises, type KvPromises } from './kv-promises.ts';
import { resolveHttpLimits, type HttpLimits } from './limits.ts';
import { listen } from './listen.ts';
import type { ClusterStatusSource, MembershipAdmin } from './node-services.ts';
import { errorAnswer, send, type HttpAnswer } from './respond.ts';
import { route } from './router.ts';

export interface HttpServerOptions {
  readonly host: string;
  /** 0 picks a free port (tests). */
  readonly port: number;
  readonly api: KvClientApi;
  readonly status?: ClusterStatusSource;
  readonly membership?: MembershipAdmin;
  /** When set, POST/DELETE /v1/members need `Authorization: Bearer <adminToken>` (or Basic). */
  readonly adminToken?: string;
  /** When set, the data API (/v1/kv/...) needs it, as RESP's AUTH does (Bearer, or Basic). */
  readonly requirepass?: string;
  /** When set, GET /metrics and /dashboard need it (Bearer, or Basic). */
  readonly monitorToken?: string;
  readonly limits?: Partial<HttpLimits>;
  /** Passed to the node with every request. */
  readonly requestTimeoutMs?: number;
  /** Rendered by GET /metrics; default: a registry of this server's own request metrics. */
  readonly registry?: MetricsRegistry;
  /** Where request metrics go; default: requestMetrics(registry) when no registry was given. */
  readonly metrics?: RequestMetrics;
  readonly monotonicMs?: () => number;
  /** A handler threw (a bug in kvlab): answered 500; default: printed to stderr. */
  readonly onInternalError?: (error: unknown, route: string) => void;
}

export interface HttpServer {
  readonly address: string;
  readonly port: number;
  close(): Promise<void>;
}

const REQUEST_TIMEOUT_MS_DEFAULT = 5_000;
const CALLBACK_GUARD_MS = 1_000;

export interface HttpServices {
  readonly kv: KvPromises;
  readonly limits: HttpLimits;
  readonly status: ClusterStatusSource | null;
  readonly membership: MembershipAdmin | null;
  readonly adminToken: string | null;
  readonly requirepass: string | null;
  readonly monitorToken: string | null;
  readonly registry: MetricsRegistry;
  readonly membershipTimeoutMs: number;
}

function outcomeOf(status: number): RequestOutcome {
  if (status < 400 || status === 404 || status === 409) return 'ok';
  if (status === 503) return 'unavailable';
  return status === 504 ? 'timeout' : 'error';
}

export async function startHttpServer(options: HttpServerOptions): Promise<HttpServer> {
  const limits = resolveHttpLimits(options.limits);
  const registry = options.registry ?? new MetricsRegistry();
  const metrics = options.metrics ?? (options.registry === undefined ? requestMetrics(registry) : undefined);
  const requestTimeoutMs = options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS_DEFAULT;
  const services: HttpServices = {
    kv: kvPromises(options.api, { requestTimeoutMs, guardMs: CALLBACK_GUARD_MS }),
    limits,
    status: options.status ?? null,
    membership: options.membership ?? null,
    adminToken: options.adminToken ? options.adminToken : null,
    requirepass: options.requirepass ? options.requirepass : null,
    monitorToken: options.monitorToken ? options.monitorToken : null,
    registry,
    membershipTimeoutMs: requestTimeoutMs + CALLBACK_GUARD_MS,
  };
  const onInternalError = options.onInternalError ?? reportInternalError;
  const handler = requestHandler(services, metrics, options.monotonicMs ?? (() => performance.now()), onInternalError);
  const server = createServer(
    {
      keepAlive: true,
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestReceiveTimeoutMs,
      // Node checks those two timeouts on this period (default 30 s): check often enough to honour them.
      connectionsCheckingInterval: Math.max(10, Math.min(1000, Math.floor(limits.headersTimeoutMs / 2))),
    },
    handler,
  );
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  const sockets = trackConnections(server, limits, metrics);
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => answerClientError(error, socket));
  const bound = await listen(server, options.host, options.port);
  server.on('error', (error) => onInternalError(error, 'listener'));
  return {
    ...bound,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

function requestHandler(
  services: HttpServices,
  metrics: RequestMetrics | undefined,
  monotonicMs: () => number,
  onInternalError: (error: unknown, route: string) => void,
): (request: IncomingMessage, response: ServerResponse) => void {
  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const startedMs = monotonicMs();
    const { name, run } = route(request, services);
    let answer: HttpAnswer;
    try {
      answer = await run();
    } catch (error) {
      onInternalError(error, name);
      answer = errorAnswer(500, 'internal', `internal error: ${error instanceof Error ? error.message : String(error)}`);
    }
    // A body the handler did not read (an error answered first) is drained to keep the connection;
    // one too large to drain (413) cannot be skipped, so that connection closes after the answer.
    const bodyBytesMax = services.limits.bodyBytesMax;
    const closeAfter = !request.complete && (answer.status === 413 || !(await drainBody(request, bodyBytesMax)));
    send(response, answer, closeAfter);
    metrics?.observe('http', name, outcomeOf(answer.status), (monotonicMs() - startedMs) / 1000);
  };
  // Node emits pipelined requests of one connection without waiting for earlier responses; chaining
  // them per socket runs each after the previous one, so a GET pipelined after a PUT sees the PUT.
  const previousOnSocket = new WeakMap<Socket, Promise<void>>();
  return (request, response) => {
    const socket = request.socket;
    const previous = previousOnSocket.get(socket) ?? Promise.resolve();
    const current = previous.then(() => handle(request, response)).catch((error) => onInternalError(error, 'send'));
    previousOnSocket.set(socket, current);
  };
}

/** Counts open connections and refuses those beyond connectionsMax with a 503. */
function trackConnections(server: Server, limits: HttpLimits, metrics: RequestMetrics | undefined): Set<Socket> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    if (sockets.size >= limits.connectionsMax) {
      metrics?.connectionRejected('http');
      rejectConnection(socket);
      return;
    }
    sockets.add(socket);
    metrics?.connectionOpened('http');
    socket.on('close', () => {
      sockets.delete(socket);
      metrics?.connectionClosed('http');
    });
  });
  return sockets;
}

async function drainBody(request: IncomingMessage, bodyBytesMax: number): Promise<boolean> {
  try {
    return (await readBody(request, bodyBytesMax)).ok;
  } catch {
    return false;
  }
}

function rawJsonResponse(status: number, reason: string, code: string, message: string): string {
  const body = `${JSON.stringify({ error: code, message })}\n`;
  return (
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
    `Connection: close\r\n\r\n${body}`
  );
}

function rejectConnection(socket: Socket): void {
  socket.on('error', () => socket.destroy());
  socket.end(rawJsonResponse(503, 'Service Unavailable', 'tooManyConnections', 'connectionsMax reached; retry later'));
}

/** Malformed HTTP (bad request line, oversized headers, ...): answer once and close. */
function answerClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  if (!socket.writable || error.code === 'ECONNRESET') {
    socket.destroy();
    return;
  }
  const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
  const timeout = error.code === 'ERR_HTTP_REQUEST_TIMEOUT';
  const response = tooLarge
    ? rawJsonResponse(431, 'Request Header Fields Too Large', 'tooLarge', 'request headers (or URL) too large')
    : timeout
      ? rawJsonResponse(408, 'Request Timeout', 'timeout', 'request not received in time')
      : rawJsonResponse(400, 'Bad Request', 'badRequest', `malformed HTTP request (${error.code ?? error.message})`);
  socket.end(response);
}

function reportInternalError(error: unknown, where: string): void {
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`kvlab http: internal error in ${where}: ${detail}\n`);
}
