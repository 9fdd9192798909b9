// The metrics registry behind GET /metrics: Prometheus text exposition, label escaping, cumulative
// histogram buckets, bounded series.
import { describe, expect, it } from 'vitest';
import { AssertionFailure } from '../../core/types.ts';
import { MetricsRegistry } from '../../prod/metrics/registry.ts';
import { requestMetrics } from '../../prod/metrics/request-metrics.ts';

describe('MetricsRegistry', () => {
  it('renders counters and gauges with HELP, TYPE and escaped labels', () => {
    const registry = new MetricsRegistry();
    const counter = registry.counter('app_events_total', 'Events seen.', ['kind']);
    const gauge = registry.gauge('app_queue_depth', 'Items queued.');
    counter.inc({ kind: 'a"b\\c\nd' });
    counter.inc({ kind: 'plain' }, 2);
    gauge.set({}, 7);
    gauge.add({}, -2);
    const text = registry.render();
    expect(text).toContain('# HELP app_events_total Events seen.\n# TYPE app_events_total counter\n');
    expect(text).toContain('app_events_total{kind="a\\"b\\\\c\\nd"} 1\n');
    expect(text).toContain('app_events_total{kind="plain"} 2\n');
    expect(text).toContain('# TYPE app_queue_depth gauge\napp_queue_depth 5\n');
    expect(text.endsWith('\n')).toBe(true);
  });

  it('renders histograms with cumulative buckets, +Inf, sum and count', () => {
    const registry = new MetricsRegistry();
    const histogram = registry.histogram('op_seconds', 'Op latency.', ['op'], [0.1, 1]);
    for (const value of [0.05, 0.1, 0.5, 3]) histogram.observe({ op: 'get' }, value);
    expect(registry.render()).toContain(
      [
        'op_seconds_bucket{op="get",le="0.1"} 2',
        'op_seconds_bucket{op="get",le="1"} 3',
        'op_seconds_bucket{op="get",le="+Inf"} 4',
        'op_seconds_sum{op="get"} 3.65',
        'op_seconds_count{op="get"} 4',
      ].join('\n'),
    );
  });

  it('bounds label combinations per metric and counts what it dropped', () => {
    const registry = new MetricsRegistry(3);
    const counter = registry.counter('c_total', 'c', ['id']);
    for (let i = 0; i < 10; i++) counter.inc({ id: String(i) });
    const text = registry.render();
    expect(text.match(/^c_total\{/gm)).toHaveLength(3);
    expect(text).toContain('kvlab_metrics_series_dropped_total 7\n');
  });

  it('collects gauges from a callback at scrape time', () => {
    const registry = new MetricsRegistry();
    let term = 3;
    registry.collector({ name: 'raft_term', help: 'Current term.', collect: () => [[{ group: '1' }, term]] });
    expect(registry.render()).toContain('raft_term{group="1"} 3\n');
    term = 4;
    expect(registry.render()).toContain('raft_term{group="1"} 4\n');
  });

  it('rejects bad names and double registration as bugs', () => {
    const registry = new MetricsRegistry();
    registry.counter('dup_total', 'x');
    expect(() => registry.counter('dup_total', 'x')).toThrow(AssertionFailure);
    expect(() => registry.counter('bad-name', 'x')).toThrow(AssertionFailure);
    expect(() => registry.counter('ok_total', 'x', ['le'])).toThrow(AssertionFailure);
  });

  it('requestMetrics records requests, latency and connections by protocol', () => {
    const registry = new MetricsRegistry();
    const metrics = requestMetrics(registry);
    metrics.observe('resp', 'get', 'ok', 0.002);
    metrics.observe('resp', 'get', 'unavailable', 0.5);
    metrics.connectionOpened('resp');
    metrics.connectionOpened('resp');
    metrics.connectionClosed('resp');
    metrics.connectionRejected('http');
    const text = registry.render();
    expect(text).toContain('kvlab_requests_total{protocol="resp",command="get",outcome="ok"} 1\n');
    expect(text).toContain('kvlab_requests_total{protocol="resp",command="get",outcome="unavailable"} 1\n');
    expect(text).toContain('kvlab_request_duration_seconds_count{protocol="resp",command="get"} 2\n');
    expect(text).toContain('kvlab_client_connections{protocol="resp"} 1\n');
    expect(text).toContain('kvlab_client_connections_rejected_total{protocol="http"} 1\n');
  });
});
