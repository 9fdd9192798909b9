// PersistentSimEngine over SimDisk: flush/durability, checkpoints, snapshot import, crash recovery
// (a crash never loses what durableAppliedIndex promised, and recovers an exact prefix state), and the
// appliedIndexNotAtomic bug, which these same crashes expose.
import { describe, expect, it } from 'vitest';
import { silentTracer } from '../../core/env/tracer.ts';
import { PersistentSimEngine, type PersistentSimEngineOptions } from '../../sim/engine/persistent-sim-engine.ts';
import { MemoryEngine } from '../../core/kv/memory-engine.ts';
import { KvStateMachine, type CommittedEntry } from '../../core/kv/state-machine.ts';
import { encodeCommand } from '../../core/kv/command-codec.ts';
import { encodeLogRecord } from '../../core/kv/engine-log-codec.ts';
import { ManualScheduler } from '../../sim/disk/manual-scheduler.ts';
import { SimDisk } from '../../sim/disk/sim-disk.ts';
import type { SimDiskOptionsInput } from '../../sim/disk/options.ts';
import { DiskError } from '../../core/env/disk.ts';
import { createRandom } from '../../sim/random.ts';
import { intBelow, randomCommand, rng, type Rng } from './random-commands.ts';

function rig(seed: string, options: SimDiskOptionsInput = {}): { disk: SimDisk; scheduler: ManualScheduler } {
  const scheduler = new ManualScheduler();
  const disk = new SimDisk({ schedule: scheduler.schedule, random: createRandom(seed).child('disk'), tracer: silentTracer, options });
  return { disk, scheduler };
}

/** A "Raft log" of commands; some sessionless (so a re-application would show). */
function commandLog(r: Rng, length: number): CommittedEntry[] {
  return Array.from({ length }, (_, i) => {
    const command = randomCommand(r, 50_000 + i, 6);
    const sessionless = r() < 0.3 ? { ...command, session: { clientId: '', seq: 0 } } : command;
    return { index: i + 1, data: encodeCommand(sessionless) };
  });
}

/** Snapshot bytes of the reference state after each index (0..length). */
function referenceStates(log: CommittedEntry[]): Uint8Array[] {
  const sm = new KvStateMachine({ engine: new MemoryEngine(), sessionsMax: 4 });
  const states = [sm.snapshot()];
  for (const entry of log) {
    sm.apply(entry.index, entry.data);
    states.push(sm.snapshot());
  }
  return states;
}

function flushNow(engine: PersistentSimEngine, scheduler: ManualScheduler): Error | null {
  let result: Error | null | undefined;
  engine.flush((error) => (result = error));
  scheduler.runAll();
  expect(result).not.toBeUndefined();
  return result as Error | null;
}

describe('PersistentSimEngine', () => {
  it('survives a restart with identical state, and flush makes the applied index durable', () => {
    const { disk, scheduler } = rig('pe-basic');
    const log = commandLog(rng('pe-basic'), 80);
    const engine = new PersistentSimEngine({ disk });
    const sm = new KvStateMachine({ engine, sessionsMax: 4 });
    sm.applyEntries(log.slice(0, 50));
    expect(engine.durableAppliedIndex()).toBe(0);
    expect(flushNow(engine, scheduler)).toBeNull();
    expect(engine.durableAppliedIndex()).toBe(50);
    sm.applyEntries(log.slice(50));
    const before = sm.snapshot();
    engine.close();
    const reopened = new KvStateMachine({ engine: new PersistentSimEngine({ disk }), sessionsMax: 4 });
    expect(reopened.appliedIndex()).toBe(80);
    expect(reopened.snapshot()).toEqual(before);
    expect(reopened.snapshot()).toEqual(referenceStates(log)[80]);
  });

  it('checkpoints once the log is large and drops older log generations', () => {
    const { disk, scheduler } = rig('pe-checkpoint');
    const log = commandLog(rng('pe-checkpoint'), 120);
    const engine = new PersistentSimEngine({ disk, checkpointLogBytesMin: 500 });
    const sm = new KvStateMachine({ engine, sessionsMax: 4 });
    for (let i = 0; i < 120; i += 10) {
      sm.applyEntries(log.slice(i, i + 10));
      expect(flushNow(engine, scheduler)).toBeNull();
    }
    const files = disk.list('kv');
    expect(files).toContain('snapshot');
    expect(files.filter((f) => f.startsWith('log-')).length).toBe(1);
    disk.crash();
    scheduler.clear();
    const recovered = new KvStateMachine({ engine: new PersistentSimEngine({ disk, checkpointLogBytesMin: 500 }), sessionsMax: 4 });
    expect(recovered.snapshot()).toEqual(referenceStates(log)[120]);
  });

  it('an imported snapshot becomes durable with the next flush', () => {
    const { disk, scheduler } = rig('pe-import');
    const log = commandLog(rng('pe-import'), 40);
    const states = referenceStates(log);
    const engine = new PersistentSimEngine({ disk });
    const sm = new KvStateMachine({ engine, sessionsMax: 4 });
    sm.applyEntries(log.slice(0, 10));
    expect(flushNow(engine, scheduler)).toBeNull();
    sm.restore(states[30], 30);
    sm.applyEntries(log.slice(30, 35));
    expect(flushNow(engine, scheduler)).toBeNull();
    expect(engine.durableAppliedIndex()).toBe(35);
    disk.crash();
    scheduler.clear();
    const recovered = new KvStateMachine({ engine: new PersistentSimEngine({ disk }), sessionsMax: 4 });
    expect(recovered.snapshot()).toEqual(states[35]);
  });

  it('a snapshot imported while a flush is in flight is made durable by the next flush', () => {
    const { disk, scheduler } = rig('pe-import-inflight');
    const log = commandLog(rng('pe-import-inflight'), 30);
    const states = referenceStates(log);
    const engine = new PersistentSimEngine({ disk });
    const sm = new KvStateMachine({ engine, sessionsMax: 4 });
    sm.applyEntries(log.slice(0, 5));
    const outcomes: (Error | null)[] = [];
    engine.flush((error) => outcomes.push(error));
    sm.restore(states[20], 20);
    scheduler.runAll();
    expect(outcomes.length).toBe(1);
    expect(flushNow(engine, scheduler)).toBeNull();
    expect(engine.durableAppliedIndex()).toBe(20);
    disk.crash();
    scheduler.clear();
    expect(new KvStateMachine({ engine: new PersistentSimEngine({ disk }), sessionsMax: 4 }).snapshot()).toEqual(states[20]);
  });

  it('recovers the intact prefix of a log with a torn tail', () => {
    const { disk } = rig('pe-torn');
    disk.mkdir('kv');
    const fd = disk.open('kv/log-000000000001', 'create');
    disk.append(fd, encodeLogRecord({ previousIndex: 0, appliedIndex: 1, mutations: [{ kind: 'put', key: 'a', record: { value: '1' } }] }));
    const second = encodeLogRecord({ previousIndex: 1, appliedIndex: 2, mutations: [{ kind: 'put', key: 'b', record: { value: '2' } }] });
    disk.append(fd, second.subarray(0, second.length - 1));
    disk.close(fd);
    const engine = new PersistentSimEngine({ disk });
    expect(engine.appliedIndex()).toBe(1);
    expect(engine.get('a')).toEqual({ value: '1' });
    expect(engine.get('b')).toBeUndefined();
    expect(engine.durableAppliedIndex()).toBe(0); // replayed, not yet checkpointed
  });

  it('crashes at random points never lose durable state and always recover an exact prefix (15 seeds)', () => {
    for (let seed = 1; seed <= 15; seed++) {
      const outcome = crashRun(`pe-crash-${seed}`, {});
      expect(outcome.divergences, `seed pe-crash-${seed}`).toEqual([]);
      expect(outcome.crashes, `seed pe-crash-${seed}`).toBeGreaterThan(0);
    }
  });

  it('injected write and fsync errors never break durability or prefix recovery (10 seeds)', () => {
    const faults: SimDiskOptionsInput = { writeErrorProbability: 0.03, fsyncErrorProbability: 0.2 };
    for (let seed = 1; seed <= 10; seed++) {
      const outcome = crashRun(`pe-fault-${seed}`, {}, faults);
      expect(outcome.divergences, `seed pe-fault-${seed}`).toEqual([]);
    }
  });

  it('appliedIndexNotAtomic: the same crashes expose replicas that skipped or lost entries', () => {
    let divergent = 0;
    for (let seed = 1; seed <= 10; seed++) {
      if (crashRun(`pe-crash-${seed}`, { appliedIndexNotAtomic: true }).divergences.length > 0) divergent++;
    }
    expect(divergent).toBeGreaterThan(0);
  });
});

/**
 * Applies a command log in random runs, flushing and advancing disk completions at random, crashing
 * at random; after each crash reopens from disk and resumes at the recovered index + 1, as a Raft host
 * would. Reports every recovery whose state is not the reference state at its index, or that lost
 * what durableAppliedIndex had promised.
 */
function crashRun(
  seed: string,
  options: Partial<PersistentSimEngineOptions>,
  diskOptions: SimDiskOptionsInput = {},
): { divergences: string[]; crashes: number } {
  const r = rng(seed);
  const log = commandLog(r, 150);
  const states = referenceStates(log);
  const { disk, scheduler } = rig(seed, diskOptions);
  const open = (): PersistentSimEngine => new PersistentSimEngine({ disk, checkpointLogBytesMin: 2000, ...options });
  let engine = open();
  let sm = new KvStateMachine({ engine, sessionsMax: 4 });
  const divergences: string[] = [];
  let crashes = 0;
  const crashAndRecover = (step: number): void => {
    const promised = engine.durableAppliedIndex();
    disk.crash();
    scheduler.clear();
    crashes++;
    engine = open();
    sm = new KvStateMachine({ engine, sessionsMax: 4 });
    const index = sm.appliedIndex();
    if (index < promised && !options.appliedIndexNotAtomic) divergences.push(`step ${step}: recovered ${index} < promised ${promised}`);
    if (index > log.length || !equalBytes(sm.snapshot(), states[index])) divergences.push(`step ${step}: state at ${index} differs from the reference`);
  };
  for (let step = 0; step < 400 && sm.appliedIndex() < log.length; step++) {
    const roll = r();
    if (roll < 0.5) {
      const from = sm.appliedIndex();
      try {
        sm.applyEntries(log.slice(from, from + 1 + intBelow(r, 5)));
      } catch (error) {
        if (!(error instanceof DiskError)) throw error;
        crashAndRecover(step); // an injected EIO fail-stops the node: it restarts from its disk
      }
    } else if (roll < 0.7) {
      engine.flush(() => {});
    } else if (roll < 0.9) {
      for (let n = intBelow(r, 3); n >= 0; n--) scheduler.step();
    } else {
      crashAndRecover(step);
    }
  }
  return { divergences, crashes };
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
