// Request counters and latency histograms by protocol and command, shared by the RESP and HTTP servers.
import type { Counter, Gauge, Histogram, MetricsRegistry } from './registry.ts';

export type Protocol = 'resp' | 'http';
/** ok; error (the request was wrong or failed on the data); unavailable (no leader, overloaded); timeout. */
export type RequestOutcome = 'ok' | 'error' | 'unavailable' | 'timeout';

export interface RequestMetrics {
  observe(protocol: Protocol, command: string, outcome: RequestOutcome, seconds: number): void;
  connectionOpened(protocol: Protocol): void;
  connectionClosed(protocol: Protocol): void;
  connectionRejected(protocol: Protocol): void;
}

export function requestMetrics(registry: MetricsRegistry): RequestMetrics {
  const requests: Counter = registry.counter('kvlab_requests_total', 'Client requests answered, by protocol, command and outcome.', [
    'protocol',
    'command',
    'outcome',
  ]);
  const latency: Histogram = registry.histogram(
    'kvlab_request_duration_seconds',
    'Time from receiving a client request to having its answer, by protocol and command.',
    ['protocol', 'command'],
  );
  const connections: Gauge = registry.gauge('kvlab_client_connections', 'Open client connections.', ['protocol']);
  const rejected: Counter = registry.counter('kvlab_client_connections_rejected_total', 'Connections refused at connectionsMax.', ['protocol']);
  return {
    observe(protocol, command, outcome, seconds) {
      requests.inc({ protocol, command, outcome });
      latency.observe({ protocol, command }, seconds);
    },
    connectionOpened: (protocol) => connections.add({ protocol }, 1),
    connectionClosed: (protocol) => connections.add({ protocol }, -1),
    connectionRejected: (protocol) => rejected.inc({ protocol }),
  };
}

export const noRequestMetrics: RequestMetrics = {
  observe: () => {},
  connectionOpened: () => {},
  connectionClosed: () => {},
  connectionRejected: () => {},
};
