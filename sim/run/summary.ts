// The summary `kvlab run` prints: what a person needs to take in at a glance.
import { formatBytes, type ArtifactSize } from './artifacts.ts';
import type { RunResult } from './run-types.ts';

const mark = { pass: 'PASS', fail: 'FAIL', unknown: '????', skipped: 'skip' } as const;

/** `written`: the artifacts on disk and their sizes (without it, the default names are listed). */
export function formatSummary(result: RunResult, outDir: string, written?: readonly ArtifactSize[]): string {
  const { report } = result;
  const s = report.stats;
  const ops = s.operations;
  const lines = [
    `kvlab run  scenario ${report.scenario}  seed ${report.seed}${report.bugs.length ? `  bugs ${report.bugs.join(',')}` : ''}`,
    `  time       ${s.virtualMs / 1000} s virtual in ${(s.wallMs / 1000).toFixed(2)} s wall (${s.wallMs > 0 ? Math.round(s.virtualMs / s.wallMs) : '∞'}x), ${s.events} kernel events`,
    `  operations ${ops.ok + ops.fail + ops.info} total: ${ops.ok} ok, ${ops.fail} fail, ${ops.info} info; ${s.acknowledgedWrites} writes acknowledged`,
    `  latency    p50 ${s.latencyMs.p50} ms  p90 ${s.latencyMs.p90} ms  p99 ${s.latencyMs.p99} ms  max ${s.latencyMs.max} ms (virtual)`,
    `  cluster    ${s.leaderChanges} leader elections, ${s.faults} faults injected, ${s.messages.sent} messages (${s.messages.dropped} dropped)`,
    '  checks',
    ...report.checks.map((c) => `    ${mark[c.verdict]}  ${c.name.padEnd(16)} ${c.detail}`),
    `  verdict    ${report.verdict.toUpperCase()}${report.expect === 'violation' ? ' (this scenario expects a violation)' : ''}`,
    written === undefined ? `  artifacts  ${outDir}/{trace.jsonl,history.jsonl,report.json,timeline.html}` : artifactsLine(outDir, written),
  ];
  return `${lines.join('\n')}\n`;
}

function artifactsLine(outDir: string, written: readonly ArtifactSize[]): string {
  const total = written.reduce((sum, file) => sum + file.bytes, 0);
  const each = written.map((file) => `${file.name} ${formatBytes(file.bytes)}`).join(', ');
  return `  artifacts  ${outDir}/  ${formatBytes(total)} written: ${each}`;
}
