// A small metrics registry rendered in the Prometheus text exposition format (version 0.0.4): counters,
// gauges and histograms with labels. Each metric holds at most `seriesMax` label combinations; further
// ones are dropped (and counted) so a label fed by user input can never grow memory without bound.
import { assert } from '../../core/types.ts';

export type Labels = Readonly<Record<string, string>>;

/** Label combinations per metric; ours come from fixed tables, so this is a guard, not a tuning knob. */
export const SERIES_MAX_DEFAULT = 2_000;
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Request latency buckets in seconds: 0.1 ms (local reads) to 10 s (timeouts). */
export const LATENCY_BUCKETS_SECONDS: readonly number[] = [
  0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function formatLabels(labels: Labels, extra?: [string, string]): string {
  const pairs = Object.entries(labels);
  if (extra) pairs.push(extra);
  if (pairs.length === 0) return '';
  return `{${pairs.map(([name, value]) => `${name}="${escapeLabelValue(value)}"`).join(',')}}`;
}

function formatNumber(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

/** The state of a new counter or gauge series (one function, not a closure per call). */
const newValue = (): { value: number } => ({ value: 0 });

abstract class Metric<S> {
  protected readonly series = new Map<string, { labels: Labels; state: S }>();
  dropped = 0;

  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[],
    private readonly seriesMax: number,
  ) {
    assert(METRIC_NAME.test(name), () => `bad metric name '${name}'`);
    for (const label of labelNames) assert(LABEL_NAME.test(label) && label !== 'le', () => `bad label name '${label}' on ${name}`);
  }

  protected stateFor(labels: Labels, create: () => S): S | undefined {
    // Built by hand, not map/join: this runs for every request answered.
    const names = this.labelNames;
    let key = names.length > 0 ? (labels[names[0]] ?? '') : '';
    for (let i = 1; i < names.length; i++) key += `\u0000${labels[names[i]] ?? ''}`;
    const found = this.series.get(key);
    if (found) return found.state;
    if (this.series.size >= this.seriesMax) {
      this.dropped += 1;
      return undefined;
    }
    const ordered: Record<string, string> = {};
    for (const label of this.labelNames) ordered[label] = labels[label] ?? '';
    const state = create();
    this.series.set(key, { labels: ordered, state });
    return state;
  }

  abstract readonly type: string;
  protected abstract renderSeries(labels: Labels, state: S): string[];

  render(): string {
    const lines = [`# HELP ${this.name} ${this.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`, `# TYPE ${this.name} ${this.type}`];
    for (const { labels, state } of this.series.values()) lines.push(...this.renderSeries(labels, state));
    return lines.join('\n');
  }
}

export class Counter extends Metric<{ value: number }> {
  readonly type = 'counter';

  inc(labels: Labels = {}, by = 1): void {
    assert(by >= 0 && Number.isFinite(by), () => `counter ${this.name} incremented by ${by}`);
    const state = this.stateFor(labels, newValue);
    if (state) state.value += by;
  }

  value(labels: Labels = {}): number {
    return this.stateFor(labels, newValue)?.value ?? 0;
  }

  protected renderSeries(labels: Labels, state: { value: number }): string[] {
    return [`${this.name}${formatLabels(labels)} ${formatNumber(state.value)}`];
  }
}

export class Gauge extends Metric<{ value: number }> {
  readonly type = 'gauge';

  set(labels: Labels, value: number): void {
    const state = this.stateFor(labels, newValue);
    if (state) state.value = value;
  }

  add(labels: Labels, by: number): void {
    const state = this.stateFor(labels, newValue);
    if (state) state.value += by;
  }

  protected renderSeries(labels: Labels, state: { value: number }): string[] {
    return [`${this.name}${formatLabels(labels)} ${formatNumber(state.value)}`];
  }
}

interface HistogramState {
  readonly bucketCounts: number[];
  count: number;
  sum: number;
}

export class Histogram extends Metric<HistogramState> {
  readonly type = 'histogram';

  constructor(name: string, help: string, labelNames: readonly string[], seriesMax: number, readonly buckets: readonly number[]) {
    super(name, help, labelNames, seriesMax);
    assert(buckets.length > 0 && buckets.every((b, i) => i === 0 || b > buckets[i - 1]), () => `${name}: buckets must increase`);
  }

  private readonly newState = (): HistogramState => ({ bucketCounts: this.buckets.map(() => 0), count: 0, sum: 0 });

  observe(labels: Labels, value: number): void {
    const state = this.stateFor(labels, this.newState);
    if (!state) return;
    // Non-cumulative per bucket here; render() accumulates, as the format wants cumulative counts.
    const buckets = this.buckets;
    let bucket = 0;
    while (bucket < buckets.length && !(value <= buckets[bucket])) bucket++; // NaN lands in no bucket
    if (bucket < buckets.length) state.bucketCounts[bucket] += 1;
    state.count += 1;
    state.sum += value;
  }

  protected renderSeries(labels: Labels, state: HistogramState): string[] {
    const lines: string[] = [];
    let cumulative = 0;
    this.buckets.forEach((bound, i) => {
      cumulative += state.bucketCounts[i];
      lines.push(`${this.name}_bucket${formatLabels(labels, ['le', formatNumber(bound)])} ${cumulative}`);
    });
    lines.push(`${this.name}_bucket${formatLabels(labels, ['le', '+Inf'])} ${state.count}`);
    lines.push(`${this.name}_sum${formatLabels(labels)} ${formatNumber(state.sum)}`);
    lines.push(`${this.name}_count${formatLabels(labels)} ${state.count}`);
    return lines;
  }
}

/** Collected at scrape time: for values another component owns (Raft term, commit index). */
export interface GaugeCollector {
  readonly name: string;
  readonly help: string;
  collect(): readonly (readonly [Labels, number])[];
}

export class MetricsRegistry {
  private readonly metrics = new Map<string, Metric<unknown> | GaugeCollector>();

  constructor(private readonly seriesMax = SERIES_MAX_DEFAULT) {}

  counter(name: string, help: string, labelNames: readonly string[] = []): Counter {
    return this.add(new Counter(name, help, labelNames, this.seriesMax));
  }

  gauge(name: string, help: string, labelNames: readonly string[] = []): Gauge {
    return this.add(new Gauge(name, help, labelNames, this.seriesMax));
  }

  histogram(name: string, help: string, labelNames: readonly string[], buckets = LATENCY_BUCKETS_SECONDS): Histogram {
    return this.add(new Histogram(name, help, labelNames, this.seriesMax, buckets));
  }

  /** A gauge whose values are read from `collect` at every scrape. */
  collector(collector: GaugeCollector): void {
    assert(METRIC_NAME.test(collector.name), () => `bad metric name '${collector.name}'`);
    this.add(collector);
  }

  private add<M extends { readonly name: string }>(metric: M): M {
    assert(!this.metrics.has(metric.name), () => `metric ${metric.name} registered twice`);
    this.metrics.set(metric.name, metric as unknown as Metric<unknown> | GaugeCollector);
    return metric;
  }

  /** The whole registry as Prometheus text (Content-Type: text/plain; version=0.0.4). */
  render(): string {
    const blocks: string[] = [];
    let dropped = 0;
    for (const metric of this.metrics.values()) {
      if (metric instanceof Metric) {
        blocks.push(metric.render());
        dropped += metric.dropped;
      } else {
        blocks.push(renderCollector(metric));
      }
    }
    blocks.push(
      '# HELP kvlab_metrics_series_dropped_total Label combinations not recorded because a metric reached its series limit.',
      '# TYPE kvlab_metrics_series_dropped_total counter',
      `kvlab_metrics_series_dropped_total ${dropped}`,
    );
    return `${blocks.join('\n')}\n`;
  }
}

function renderCollector(collector: GaugeCollector): string {
  const lines = [`# HELP ${collector.name} ${collector.help}`, `# TYPE ${collector.name} gauge`];
  for (const [labels, value] of collector.collect()) lines.push(`${collector.name}${formatLabels(labels)} ${formatNumber(value)}`);
  return lines.join('\n');
}

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
