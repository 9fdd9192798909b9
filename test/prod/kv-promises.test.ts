// settleOnce and its CallbackGuard: every call settles exactly once, a lost callback is answered with
// a timeout about guardMs later, and no interval keeps running once nothing is in flight.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CallbackGuard, settleOnce } from '../../prod/http/kv-promises.ts';

describe('settleOnce with a CallbackGuard', () => {
  let now = 0;
  beforeEach(() => {
    vi.useFakeTimers();
    now = 0;
  });
  afterEach(() => vi.useRealTimers());
  const advance = (ms: number) => {
    now += ms;
    vi.advanceTimersByTime(ms);
  };

  it('settles with the first callback and ignores a second one; the guard is released', async () => {
    const guard = new CallbackGuard(() => now);
    let callback: ((error: null, result: { kind: 'ok' }) => void) | undefined;
    const promise = settleOnce(1000, (done) => (callback = done as never), guard);
    expect(guard.size()).toBe(1);
    callback!(null, { kind: 'ok' });
    callback!(null, { kind: 'ok' });
    await expect(promise).resolves.toEqual({ ok: true, result: { kind: 'ok' } });
    expect(guard.size()).toBe(0);
    expect(vi.getTimerCount(), 'the interval stops when nothing is in flight').toBe(0);
  });

  it('answers a lost callback with a timeout (outcome unknown) within a quarter guard after the deadline', async () => {
    const guard = new CallbackGuard(() => now);
    let outcome: unknown;
    void settleOnce(1000, () => {}, guard).then((o) => (outcome = o));
    advance(999);
    await Promise.resolve();
    expect(outcome).toBeUndefined();
    advance(250);
    await Promise.resolve();
    expect(outcome).toEqual({ ok: false, error: { code: 'timeout', message: 'no answer from the node within 1000 ms', outcome: 'unknown' } });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('one interval serves many calls; each times out at its own deadline', async () => {
    const guard = new CallbackGuard(() => now);
    const settled: string[] = [];
    void settleOnce(400, () => {}, guard).then(() => settled.push('a'));
    advance(200);
    void settleOnce(400, () => {}, guard).then(() => settled.push('b'));
    expect(vi.getTimerCount()).toBe(1);
    advance(300); // a's deadline (400) passed, b's (600) not yet
    await Promise.resolve();
    expect(settled).toEqual(['a']);
    advance(200);
    await Promise.resolve();
    expect(settled).toEqual(['a', 'b']);
  });

  it('a start that throws rejects and releases the guard', async () => {
    const guard = new CallbackGuard(() => now);
    await expect(
      settleOnce(
        1000,
        () => {
          throw new Error('node bug');
        },
        guard,
      ),
    ).rejects.toThrow('node bug');
    expect(guard.size()).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });
});
