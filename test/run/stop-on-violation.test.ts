// Stopping a simulated run at its first online violation: the verdict and the first violation are the
// ones the full run finds, the checks that need the whole run are skipped, a run with no violation is
// unchanged, and the option reaches the runs through a sweep and the CLI.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCommand } from '../../cli/run.ts';
import { sweepCommand } from '../../cli/sweep.ts';
import { Simulator } from '../../sim/kernel/simulator.ts';
import { runScenario } from '../../sim/run/run-scenario.ts';
import type { Report } from '../../sim/run/run-types.ts';
import { runUntilViolation } from '../../sim/run/stop-on-violation.ts';
import { loadScenario } from '../../sim/scenario/load.ts';
import { sweep } from '../../sim/sweep/sweep.ts';

const root = join(import.meta.dirname, '..', '..');
const scenarioPath = 'scenarios/bug-ack-before-fsync.json';
const scenario = loadScenario(join(root, scenarioPath));
/** ackBeforeFsync is caught online at seed 1 (durable-before-ack, about 0.2 s into a 7 s run). */
const bug = 'ackBeforeFsync';
const seed = 1;
const repro = `npx kvlab run ${scenarioPath} --seed ${seed} --bug ${bug}`;

/** A raft-invariants detail up to its list of further violations, which a stopped run may not reach. */
function firstViolation(report: Report): string {
  const detail = report.checks.find((c) => c.name === 'raft-invariants')?.detail ?? '';
  return detail.split(' (and ')[0];
}

function withoutWallTime(report: Report): unknown {
  return { ...report, stats: { ...report.stats, wallMs: 0 } };
}

describe('runUntilViolation', () => {
  it('stops at the end of the slice in which the violation appeared, running nothing later', () => {
    const sim = new Simulator();
    const ran: number[] = [];
    let violated = false;
    for (const t of [50, 150, 250, 350, 450]) sim.scheduleAt(t, () => void ran.push(t));
    sim.scheduleAt(260, () => void (violated = true));
    expect(runUntilViolation(sim, 1000, 100, () => violated)).toBe(300);
    expect(ran).toEqual([50, 150, 250]);
    expect(sim.nowUs).toBe(300);
  });

  it('runs to the end when nothing is violated, or only in the last slice', () => {
    const quiet = new Simulator();
    quiet.scheduleAt(990, () => {});
    expect(runUntilViolation(quiet, 1000, 100, () => false)).toBeUndefined();
    expect(quiet.nowUs).toBe(1000);
    const late = new Simulator();
    let violated = false;
    late.scheduleAt(950, () => void (violated = true));
    expect(runUntilViolation(late, 1000, 100, () => violated)).toBeUndefined();
    expect(late.nowUs).toBe(1000);
  });
});

describe('a simulated run with stopOnViolation', () => {
  it('stops early with the full run\'s verdict and first violation, skipping the whole-run checks', () => {
    const full = runScenario(scenario, { seed, bugs: [bug] }).report;
    const stopped = runScenario(scenario, { seed, bugs: [bug], stopOnViolation: true }).report;
    expect(full.verdict, repro).toBe('fail');
    expect(stopped.verdict, repro).toBe(full.verdict);
    expect(firstViolation(stopped), repro).toMatch(/^durable-before-ack at /);
    expect(firstViolation(stopped), repro).toBe(firstViolation(full));
    expect(stopped.stoppedAtMs, repro).toBeDefined();
    expect(stopped.stoppedAtMs!, repro).toBeLessThan(full.stats.virtualMs);
    expect(stopped.stats.virtualMs, repro).toBe(stopped.stoppedAtMs);
    expect(stopped.stats.events, repro).toBeLessThan(full.stats.events);
    expect(full.stoppedAtMs, repro).toBeUndefined();
    const verdicts = Object.fromEntries(stopped.checks.map((c) => [c.name, c.verdict]));
    expect(verdicts, repro).toEqual({ linearizability: 'pass', 'raft-invariants': 'fail', durability: 'skipped', liveness: 'skipped' });
  });

  it('changes nothing in a run with no violation', () => {
    const plain = runScenario(scenario, { seed });
    const option = runScenario(scenario, { seed, stopOnViolation: true });
    expect(plain.report.verdict, `npx kvlab run ${scenarioPath} --seed ${seed}`).toBe('pass');
    expect(withoutWallTime(option.report)).toEqual(withoutWallTime(plain.report));
    expect(option.historyText).toBe(plain.historyText);
  });

  it('does not stop when the scenario does not check the Raft invariants', () => {
    const unchecked = { ...scenario, checks: scenario.checks.filter((c) => c !== 'raft-invariants') };
    const { report } = runScenario(unchecked, { seed, bugs: [bug], stopOnViolation: true });
    expect(report.stoppedAtMs, repro).toBeUndefined();
    expect(report.stats.virtualMs, repro).toBe(scenario.phases.faultsMs + scenario.phases.healMs + scenario.phases.livenessMs);
    expect(report.checks.some((c) => c.verdict === 'skipped'), repro).toBe(false);
  });
});

describe('stop on violation through a sweep and the CLI', () => {
  it('sweep({ stopOnViolation }) stops each worker run early', async () => {
    const [stopped, full] = await Promise.all([
      sweep(scenario, [seed], { bugs: [bug], workers: 1, stopOnViolation: true }),
      sweep(scenario, [seed], { bugs: [bug], workers: 1 }),
    ]);
    expect(stopped.outcomes[0].verdict, repro).toBe('fail');
    expect(stopped.outcomes[0].stats!.virtualMs, repro).toBeLessThan(full.outcomes[0].stats!.virtualMs);
  });

  it('kvlab run --stop-on-violation writes a report that says where it stopped', async () => {
    const out = mkdtempSync(join(tmpdir(), 'kvlab-stop-'));
    // The run's summary goes to stdout: captured, so it does not land in the test output.
    const write = process.stdout.write;
    let printed = '';
    process.stdout.write = ((chunk: string | Uint8Array) => ((printed += String(chunk)), true)) as typeof process.stdout.write;
    let code: number;
    let report: Report;
    try {
      code = await runCommand([join(root, scenarioPath), '--seed', String(seed), '--bug', bug, '--stop-on-violation', '--out', out]);
      report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as Report;
    } finally {
      process.stdout.write = write;
      rmSync(out, { recursive: true, force: true });
    }
    expect(code).toBe(1);
    expect(printed).toContain('verdict');
    expect(report.stoppedAtMs, repro).toBeGreaterThan(0);
    expect(report.checks.find((c) => c.name === 'liveness')?.verdict).toBe('skipped');
  });

  it('kvlab sweep accepts --stop-on-violation', async () => {
    let out = '';
    const code = await sweepCommand([join(root, scenarioPath), '--seeds', '1', '--bug', bug, '--workers', '1', '--stop-on-violation'], {
      out: (t) => void (out += t),
      err: { isTTY: false, write: () => true },
    });
    expect(code).toBe(1);
    expect(out).toContain('raft-invariants: 1 seed failed');
  });
});
