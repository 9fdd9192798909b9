// PersistentSimEngine at its edges: the bound on waiting flush() calls, the first flush after a
// recovery checkpointing what was replayed, the first flush of a new engine making its directory entry
// durable, and stray files beside the log generations. Found untested by mutation testing
// (test/kv/persistent-engine.test.ts holds the main cases).
import { describe, expect, it } from 'vitest';
import { silentTracer } from '../../core/env/tracer.ts';
import { PersistentSimEngine } from '../../sim/engine/persistent-sim-engine.ts';
import { KvlabError } from '../../core/types.ts';
import { ManualScheduler } from '../../sim/disk/manual-scheduler.ts';
import { SimDisk } from '../../sim/disk/sim-disk.ts';
import { createRandom } from '../../sim/random.ts';

function rig(seed: string): { disk: SimDisk; scheduler: ManualScheduler } {
  const scheduler = new ManualScheduler();
  const disk = new SimDisk({ schedule: scheduler.schedule, random: createRandom(seed).child('disk'), tracer: silentTracer });
  return { disk, scheduler };
}

const put = (key: string, value: string) => ({ kind: 'put' as const, key, record: { value } });

function flushNow(engine: PersistentSimEngine, scheduler: ManualScheduler): Error | null | undefined {
  let result: Error | null | undefined;
  engine.flush((error) => (result = error));
  scheduler.runAll();
  return result;
}

describe('PersistentSimEngine edges', () => {
  it('queues up to 1024 flush() calls behind one in flight, refuses the next, and answers every queued one', () => {
    const { disk, scheduler } = rig('pe-queue');
    const engine = new PersistentSimEngine({ disk });
    engine.write([put('a', '1')], 1);
    const outcomes: (Error | null)[] = [];
    for (let i = 0; i < 1 + 1024; i++) engine.flush((error) => outcomes.push(error));
    expect(outcomes).toEqual([]);
    let refused: Error | null | undefined;
    engine.flush((error) => (refused = error));
    expect(refused).toBeInstanceOf(KvlabError);
    expect((refused as KvlabError).code).toBe('flushQueueFull');
    expect((refused as KvlabError).message).toBe('more than 1024 flush() calls are waiting');
    scheduler.runAll();
    expect(outcomes).toHaveLength(1025);
    expect(outcomes.every((e) => e === null)).toBe(true);
    expect(engine.durableAppliedIndex()).toBe(1);
  });

  it('the first flush after replaying log records checkpoints them into a snapshot', () => {
    const { disk, scheduler } = rig('pe-recover-checkpoint');
    const engine = new PersistentSimEngine({ disk });
    engine.write([put('a', '1')], 1);
    engine.write([put('b', '2')], 2);
    expect(flushNow(engine, scheduler)).toBeNull();
    expect(disk.exists('kv/snapshot')).toBe(false); // a small log is only synced
    engine.close();
    const reopened = new PersistentSimEngine({ disk });
    expect([reopened.appliedIndex(), reopened.durableAppliedIndex()]).toEqual([2, 0]);
    expect(flushNow(reopened, scheduler)).toBeNull();
    expect(disk.exists('kv/snapshot')).toBe(true);
    expect(reopened.durableAppliedIndex()).toBe(2);
  });

  it('a new engine that flushed once keeps its data through a crash', () => {
    for (const seed of ['pe-dir-1', 'pe-dir-2', 'pe-dir-3']) {
      const { disk, scheduler } = rig(seed);
      const engine = new PersistentSimEngine({ disk });
      engine.write([put('a', '1')], 1);
      expect(flushNow(engine, scheduler)).toBeNull();
      disk.crash();
      scheduler.clear();
      const recovered = new PersistentSimEngine({ disk });
      expect(recovered.get('a'), seed).toEqual({ value: '1' });
    }
  });

  it('ignores files that only look like log generations', () => {
    const { disk, scheduler } = rig('pe-stray');
    const engine = new PersistentSimEngine({ disk });
    engine.write([put('a', '1')], 1);
    expect(flushNow(engine, scheduler)).toBeNull();
    engine.close();
    for (const name of ['kv/log-000000000009.old', 'kv/old-log-000000000009']) disk.close(disk.open(name, 'create'));
    const reopened = new PersistentSimEngine({ disk });
    expect(reopened.get('a')).toEqual({ value: '1' });
    expect(disk.exists('kv/log-000000000009.old')).toBe(true);
  });
});
