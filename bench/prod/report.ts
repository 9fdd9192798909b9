// Formatting of the benchmark figures: a Markdown table that can be pasted into
// docs/benchmarks-prod.md as printed, and the goal check from the "Production mode" issue.
import type { LoadResult } from './http-load.ts';

/** Goal at 64 clients: kvlab does at least this many times etcd's writes/s ... */
export const ETCD_RATIO_GOAL = 1.5;

export function formatRate(perSec: number): string {
  return Math.round(perSec).toLocaleString('en-US');
}

export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '-';
  return ms < 10 ? ms.toFixed(2) : ms.toFixed(1);
}

/** `bytes` printable, varied letters (LevelDB compresses values, so not one repeated byte). */
export function benchValue(bytes: number): Buffer {
  const value = Buffer.alloc(bytes);
  let state = 0x2545f491;
  for (let i = 0; i < bytes; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    value[i] = 97 + ((state >>> 16) % 26);
  }
  return value;
}

function errorCount(result: LoadResult | undefined): number {
  if (!result) return 0;
  let total = 0;
  for (const n of result.errors.values()) total += n;
  return total;
}

/** One system at one client count: the load's figures and the servers' CPU per acknowledged write. */
export interface Cell {
  readonly result: LoadResult;
  /** CPU milliseconds of all the system's server processes (from /proc) per acknowledged write. */
  readonly cpuMsPerWrite: number | null;
}

export function resultTable(
  clientCounts: readonly number[],
  kvlab: (clients: number) => Cell | undefined,
  etcd: (clients: number) => Cell | undefined,
): string {
  const cells = (cell: Cell | undefined) =>
    cell
      ? [formatRate(cell.result.opsPerSec), formatMs(cell.result.latency.p50Ms), formatMs(cell.result.latency.p99Ms), cell.cpuMsPerWrite === null ? '-' : cell.cpuMsPerWrite.toFixed(2)]
      : ['-', '-', '-', '-'];
  const rows = [
    '| clients | kvlab ops/s | kvlab p50 ms | kvlab p99 ms | kvlab CPU ms/write | etcd ops/s | etcd p50 ms | etcd p99 ms | etcd CPU ms/write | kvlab/etcd ops/s | errors kvlab/etcd |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const clients of clientCounts) {
    const k = kvlab(clients);
    const e = etcd(clients);
    const ratio = k && e && e.result.opsPerSec > 0 ? (k.result.opsPerSec / e.result.opsPerSec).toFixed(2) : '-';
    rows.push(`| ${clients} | ${[...cells(k), ...cells(e)].join(' | ')} | ${ratio} | ${errorCount(k?.result)}/${errorCount(e?.result)} |`);
  }
  return rows.join('\n');
}

export function goalLine(kvlab: LoadResult | undefined, etcd: LoadResult | undefined): string {
  if (!kvlab || !etcd) return 'goal at 64 clients: not measured (needs both systems)';
  const ratio = kvlab.opsPerSec / etcd.opsPerSec;
  const throughputMet = ratio >= ETCD_RATIO_GOAL;
  const p99Met = kvlab.latency.p99Ms <= etcd.latency.p99Ms;
  return (
    `goal at 64 clients: ops/s ratio ${ratio.toFixed(2)} (goal >= ${ETCD_RATIO_GOAL}) ${throughputMet ? 'MET' : 'MISSED'}; ` +
    `p99 ${formatMs(kvlab.latency.p99Ms)} ms vs etcd ${formatMs(etcd.latency.p99Ms)} ms ${p99Met ? 'MET' : 'MISSED'}`
  );
}
