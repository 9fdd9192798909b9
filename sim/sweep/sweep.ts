// Runs many seeds of one scenario on worker threads. Each worker holds one seed at a time and asks for
// the next when it reports, so a slow seed never holds up the rest and cancelling is prompt: stop
// handing out seeds and terminate the workers, which abandons the runs in flight.
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { KvlabError } from '../../core/types.ts';
import type { Scenario } from '../scenario/schema.ts';
import { type SeedRange, seedCount } from './seed-range.ts';
import type { WorkerInit, WorkerReply } from './sweep-worker.ts';
import { exceptionCheck, type SeedOutcome, type SweepOptions, type SweepProgress, type SweepResult } from './sweep-types.ts';

/** More threads than this only thrash, whatever the machine says. */
export const sweepWorkersMax = 64;

const workerEntry = new URL('./worker-entry.mjs', import.meta.url);

export function defaultWorkers(seeds: number): number {
  return Math.max(1, Math.min(availableParallelism(), seeds, sweepWorkersMax));
}

export async function sweep(
  scenario: Scenario,
  seeds: SeedRange | readonly number[],
  options: SweepOptions = {},
  onProgress?: (progress: SweepProgress) => void,
): Promise<SweepResult> {
  const list = Array.isArray(seeds) ? seeds : undefined;
  const range = list ? undefined : (seeds as SeedRange);
  const total = list ? list.length : seedCount(range as SeedRange);
  const workers = workerCount(options.workers, total);
  const started = performance.now();
  const pool = new SweepPool(
    { scenario, bugs: [...(options.bugs ?? [])], runnerModule: options.runnerModule, runOptions: { stopOnViolation: options.stopOnViolation ?? false } },
    total,
    (i) => (list ? list[i] : (range as SeedRange).first + i),
    options.stopOnFailure ?? false,
    (outcome, done, failed) => onProgress?.({ done, total, failed, elapsedMs: performance.now() - started, latest: outcome }),
  );
  const outcomes = await pool.run(total === 0 ? 0 : workers, options.signal);
  return {
    scenario: scenario.name,
    outcomes: outcomes.sort((a, b) => a.seed - b.seed),
    seedsTotal: total,
    failed: outcomes.filter((o) => o.verdict === 'fail').length,
    stopped: pool.stopped,
    workers,
    wallMs: Math.round(performance.now() - started),
    bugs: [...(options.bugs ?? [])],
    scenarioPath: options.scenarioPath,
  };
}

function workerCount(requested: number | undefined, total: number): number {
  if (requested === undefined) return defaultWorkers(total);
  if (!Number.isSafeInteger(requested) || requested < 1 || requested > sweepWorkersMax) {
    throw new KvlabError('invalid-workers', `workers: found ${requested}; expected an integer from 1 to ${sweepWorkersMax}`);
  }
  return Math.max(1, Math.min(requested, total));
}

interface Slot {
  readonly worker: Worker;
  seed: number | undefined;
}

class SweepPool {
  private readonly outcomes: SeedOutcome[] = [];
  private readonly slots = new Set<Slot>();
  private next = 0;
  private failed = 0;
  private finish: (() => void) | undefined;
  stopped = false;

  constructor(
    private readonly init: WorkerInit,
    private readonly total: number,
    private readonly seedAt: (i: number) => number,
    private readonly stopOnFailure: boolean,
    private readonly report: (outcome: SeedOutcome, done: number, failed: number) => void,
  ) {}

  async run(workers: number, signal: AbortSignal | undefined): Promise<SeedOutcome[]> {
    if (workers === 0) return this.outcomes;
    const finished = new Promise<void>((resolve) => (this.finish = resolve));
    const abort = () => void this.stop();
    signal?.addEventListener('abort', abort, { once: true });
    for (let i = 0; i < workers; i++) this.spawn();
    if (signal?.aborted) await this.stop();
    await finished;
    signal?.removeEventListener('abort', abort);
    return this.outcomes;
  }

  private spawn(): void {
    const slot: Slot = { worker: new Worker(workerEntry, { workerData: this.init }), seed: undefined };
    this.slots.add(slot);
    slot.worker.on('message', (reply: WorkerReply) => {
      if (reply.type === 'outcome') this.record(slot, reply.outcome);
      if (!this.stopped) this.dispatch(slot);
    });
    slot.worker.on('error', (error) => this.lost(slot, `the worker thread died: ${error.message}`));
    slot.worker.on('exit', (code) => this.lost(slot, `the worker thread exited with code ${code}`));
  }

  private dispatch(slot: Slot): void {
    if (this.next >= this.total) {
      this.retire(slot);
      return;
    }
    slot.seed = this.seedAt(this.next++);
    slot.worker.postMessage({ seed: slot.seed });
  }

  private record(slot: Slot, outcome: SeedOutcome): void {
    slot.seed = undefined;
    if (this.stopped) return;
    this.outcomes.push(outcome);
    if (outcome.verdict === 'fail') this.failed++;
    this.report(outcome, this.outcomes.length, this.failed);
    if (outcome.verdict === 'fail' && this.stopOnFailure) void this.stop();
  }

  /** A worker that died mid-seed: that seed fails (it may be what killed it); a fresh worker goes on. */
  private lost(slot: Slot, why: string): void {
    if (!this.slots.has(slot)) return;
    this.slots.delete(slot);
    if (slot.seed !== undefined) {
      this.record(slot, { seed: slot.seed, verdict: 'fail', failedChecks: [{ name: exceptionCheck, detail: why }], unknownChecks: [] });
    }
    if (!this.stopped && this.next < this.total) this.spawn();
    this.maybeFinish();
  }

  private retire(slot: Slot): void {
    this.slots.delete(slot);
    void slot.worker.terminate();
    this.maybeFinish();
  }

  private async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = this.next < this.total || [...this.slots].some((s) => s.seed !== undefined);
    if (!this.stopped) return;
    const slots = [...this.slots];
    this.slots.clear();
    await Promise.all(slots.map((s) => s.worker.terminate()));
    this.finish?.();
  }

  private maybeFinish(): void {
    if (this.slots.size === 0) this.finish?.();
  }
}
