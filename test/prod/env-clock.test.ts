import { describe, expect, it } from 'vitest';
import { RealClock } from '../../prod/env/clock.ts';
import { RealTimers } from '../../prod/env/timers.ts';
import { AssertionFailure } from '../../core/types.ts';

describe('RealClock', () => {
  it('monotonic time never goes backwards; wall time is epoch milliseconds', () => {
    const clock = new RealClock();
    let previous = clock.nowMs();
    for (let i = 0; i < 10_000; i++) {
      const now = clock.nowMs();
      expect(now).toBeGreaterThanOrEqual(previous);
      previous = now;
    }
    expect(clock.wallMs()).toBeGreaterThan(Date.UTC(2020, 0, 1));
  });
});

describe('RealTimers', () => {
  it('fires once, after at least the delay of monotonic time, and in delay order', async () => {
    const clock = new RealClock();
    const timers = new RealTimers();
    const fired: Array<[string, number]> = [];
    const start = clock.nowMs();
    await new Promise<void>((resolve) => {
      timers.schedule(30, () => fired.push(['b', clock.nowMs() - start]));
      timers.schedule(5, () => fired.push(['a', clock.nowMs() - start]));
      timers.schedule(40, resolve);
    });
    expect(fired.map(([name]) => name)).toEqual(['a', 'b']);
    expect(fired[1][1]).toBeGreaterThanOrEqual(29); // setTimeout may round the start down by < 1 ms
    expect(timers.pendingCount()).toBe(0);
  });

  it('cancel stops a pending timer; cancelling twice or after firing is a no-op', async () => {
    const timers = new RealTimers();
    let fired = 0;
    const id = timers.schedule(1, () => fired++);
    timers.cancel(id);
    timers.cancel(id);
    const all = [timers.schedule(1, () => fired++), timers.schedule(2, () => fired++)];
    timers.cancelAll();
    await new Promise<void>((resolve) => timers.schedule(10, resolve));
    timers.cancel(all[0]);
    expect(fired).toBe(0);
  });

  it('rejects a negative or non-finite delay as a bug', () => {
    const timers = new RealTimers();
    expect(() => timers.schedule(-1, () => {})).toThrow(AssertionFailure);
    expect(() => timers.schedule(Number.NaN, () => {})).toThrow(AssertionFailure);
  });
});
