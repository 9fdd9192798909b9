// The HTTP write load generator shared by every system under test: N closed-loop clients, each with
// one request outstanding at a time over its own keep-alive connection (raw-http-client.ts).
// Only the request shape differs between systems (HttpWriteTarget); the loop, the clock, the key
// sequence and the statistics are the same, so the figures compare servers, not generators.
import { latencySummary, type LatencySummary } from './latency.ts';
import { RawHttpConnection } from './raw-http-client.ts';

export interface HttpWriteTarget {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  readonly method: 'PUT' | 'POST';
  readonly contentType: string;
  /** Path and body of the write of `key`. */
  build(key: string): { readonly path: string; readonly body: Buffer };
  /** Status codes that mean the write was acknowledged. */
  readonly okStatus: number;
}

export interface LoadOptions {
  readonly concurrency: number;
  /** Requests run but are not counted while the connections open and caches warm. */
  readonly warmupMs: number;
  readonly durationMs: number;
  /** Keys cycle through k0000000 .. k(keysMax - 1). */
  readonly keysMax: number;
  readonly requestTimeoutMs: number;
  /** Called when the measured window opens and when it closes (to read CPU counters and the like). */
  readonly onWindowStart?: () => void;
  readonly onWindowEnd?: () => void;
}

export interface LoadResult {
  readonly target: string;
  readonly concurrency: number;
  readonly ops: number;
  readonly seconds: number;
  readonly opsPerSec: number;
  readonly latency: LatencySummary;
  /** Failed requests by cause ("status 503", "ECONNRESET", "timeout"). */
  readonly errors: ReadonlyMap<string, number>;
}

/** Bounds the samples kept in memory; beyond it, ops are counted but their latency is not kept. */
const latencySamplesMax = 5_000_000;
/** After a failed request a client waits this long, so a refused connection does not spin a core. */
const errorBackoffMs = 10;
/** Clients finishing their last request after the deadline get this long before we give up on them. */
const drainMsMax = 10_000;

function requestHead(target: HttpWriteTarget, path: string, bodyBytes: number): string {
  return `${target.method} ${path} HTTP/1.1\r\nHost: ${target.host}:${target.port}\r\nContent-Type: ${target.contentType}\r\nContent-Length: ${bodyBytes}\r\n\r\n`;
}

export function keyName(index: number): string {
  return `k${String(index).padStart(7, '0')}`;
}

/**
 * Runs the load against the targets: client i uses targets[i % n] (one target, or several as a client
 * library balancing over a cluster's endpoints does).
 */
export async function runHttpLoad(targets: readonly HttpWriteTarget[], options: LoadOptions): Promise<LoadResult> {
  const { concurrency, warmupMs, durationMs } = options;
  if (targets.length === 0) throw new Error('runHttpLoad: no target');
  const connections = Array.from({ length: concurrency }, (_, i) => {
    const target = targets[i % targets.length];
    return { target, connection: new RawHttpConnection(target.host, target.port) };
  });
  // One timer checks every connection's request for the timeout, instead of one timer per request.
  const timeoutCheck = setInterval(() => {
    const now = performance.now();
    for (const { connection } of connections) connection.expire(now, options.requestTimeoutMs);
  }, Math.max(10, Math.min(1000, Math.floor(options.requestTimeoutMs / 10))));
  const samplesMs: number[] = [];
  const errors = new Map<string, number>();
  let ops = 0;
  let nextKey = 0;
  const startMs = performance.now();
  const measureFromMs = startMs + warmupMs;
  const deadlineMs = measureFromMs + durationMs;

  const client = async ({ target, connection }: { target: HttpWriteTarget; connection: RawHttpConnection }) => {
    while (performance.now() < deadlineMs) {
      const key = keyName(nextKey++ % options.keysMax);
      const { path, body } = target.build(key);
      const sentMs = performance.now();
      const outcome = await connection.send(requestHead(target, path, body.length), body);
      const doneMs = performance.now();
      const counted = sentMs >= measureFromMs && doneMs <= deadlineMs;
      if ('status' in outcome && outcome.status === target.okStatus) {
        if (!counted) continue;
        ops++;
        if (samplesMs.length < latencySamplesMax) samplesMs.push(doneMs - sentMs);
        continue;
      }
      const cause = 'status' in outcome ? `status ${outcome.status}` : outcome.error;
      if (counted) errors.set(cause, (errors.get(cause) ?? 0) + 1);
      await new Promise((resolve) => setTimeout(resolve, errorBackoffMs));
    }
  };
  let windowState: 'before' | 'open' | 'closed' = 'before';
  const openWindow = () => {
    if (windowState !== 'before') return;
    windowState = 'open';
    options.onWindowStart?.();
  };
  const closeWindow = () => {
    openWindow();
    if (windowState !== 'open') return;
    windowState = 'closed';
    options.onWindowEnd?.();
  };
  const windowTimers = [setTimeout(openWindow, warmupMs), setTimeout(closeWindow, warmupMs + durationMs)];
  const clients = Promise.all(connections.map(client));
  let drainTimer: NodeJS.Timeout | undefined;
  const drained = await Promise.race([
    clients.then(() => true),
    new Promise<boolean>((resolve) => {
      drainTimer = setTimeout(() => resolve(false), warmupMs + durationMs + Math.max(drainMsMax, options.requestTimeoutMs));
    }),
  ]);
  clearTimeout(drainTimer);
  windowTimers.forEach(clearTimeout);
  closeWindow(); // in case a timer was late on a busy machine
  clearInterval(timeoutCheck);
  for (const { connection } of connections) connection.close();
  if (!drained) errors.set('client still waiting at the end', (errors.get('client still waiting at the end') ?? 0) + 1);
  const seconds = durationMs / 1000;
  return { target: targets.map((t) => t.name).join(', '), concurrency, ops, seconds, opsPerSec: ops / seconds, latency: latencySummary(samplesMs), errors };
}
