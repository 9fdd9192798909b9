// Issue 17 §2 in production: the LevelDB engine retries a failed load of its state at start-up (a read
// can fail on the way while the files are intact), a bounded number of times, then refuses to start
// with a clear error naming the directory.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LevelEngine, loadWithRetries } from '../../prod/engine/level-engine.ts';
import { openLevel } from '../../prod/engine/level-load.ts';
import { KvlabError } from '../../core/types.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kvlab-level-start-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** The database with its `get` failing the first `failures` times. */
function failingGets<T extends object>(db: T, failures: number): T & { gets: number } {
  let gets = 0;
  return new Proxy(db, {
    get(target, prop) {
      if (prop === 'gets') return gets;
      const value = Reflect.get(target, prop, target);
      if (prop !== 'get') return typeof value === 'function' ? value.bind(target) : value;
      return (...args: unknown[]) => {
        gets++;
        if (failures-- > 0) return Promise.reject(new Error('IO error: simulated transient read failure'));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  }) as T & { gets: number };
}

describe('LevelDB engine start-up', () => {
  it('a transient read failure while loading is retried', async () => {
    const engine = await LevelEngine.open(dir);
    engine.write([{ kind: 'put', key: 'k', record: { value: 'v' } }], 7);
    await new Promise<void>((resolve, reject) => engine.flush((e) => (e ? reject(e) : resolve())));
    await engine.close();
    const db = await openLevel(dir);
    try {
      const state = await loadWithRetries(failingGets(db, 1), dir);
      expect(state.appliedIndex).toBe(7);
      expect(state.keys).toEqual(['k']);
    } finally {
      await db.close();
    }
  });

  it('a failure that repeats refuses to start, naming the directory and the cause', async () => {
    await (await LevelEngine.open(dir)).close();
    const db = await openLevel(dir);
    try {
      const flaky = failingGets(db, 100);
      const error = await loadWithRetries(flaky, dir).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(KvlabError);
      expect((error as KvlabError).code).toBe('engineLoadFailed');
      expect((error as Error).message).toContain(dir);
      expect((error as Error).message).toContain('simulated transient read failure');
      expect(flaky.gets).toBe(3);
    } finally {
      await db.close();
    }
  });
});
