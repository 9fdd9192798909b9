// PendingRequests: answers, retries and timeouts, with deadlines on a manual clock and one timer.
import { describe, expect, it } from 'vitest';
import type { Clock } from '../../core/env/clock.ts';
import type { TimerId, Timers } from '../../core/env/timers.ts';
import type { ClientError } from '../../core/node/client-api.ts';
import { PendingRequests } from '../../core/node/pending-requests.ts';

/** A clock and timers the test advances by hand; fires due timers in deadline order. */
function manualTime() {
  let now = 1_000;
  let idNext = 1;
  const timers = new Map<TimerId, { at: number; callback: () => void }>();
  const clock: Clock = { nowMs: () => now, wallMs: () => now };
  const api: Timers = {
    schedule(delayMs, callback) {
      const id = idNext++ as TimerId;
      timers.set(id, { at: now + delayMs, callback });
      return id;
    },
    cancel(id) {
      timers.delete(id);
    },
  };
  const advance = (ms: number) => {
    const end = now + ms;
    for (;;) {
      const due = [...timers].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      timers.delete(due[0]);
      now = Math.max(now, due[1].at);
      due[1].callback();
    }
    now = end;
  };
  return { clock, timers: api, advance, armed: () => timers.size };
}

type Outcome = { key: string; error: ClientError | null; result?: unknown };

function rig(countMax = 100) {
  const time = manualTime();
  const pending = new PendingRequests(time.clock, time.timers, countMax);
  const outcomes: Outcome[] = [];
  const add = (key: string, timeoutMs: number) =>
    pending.add(key, timeoutMs, (error, result) => outcomes.push({ key, error, result }));
  return { time, pending, outcomes, add };
}

describe('PendingRequests', () => {
  it('answers a waiter once, and a late timeout finds nothing to do', () => {
    const { time, pending, outcomes, add } = rig();
    add('w/a/1', 100);
    expect(pending.resolve('w/a/1', { kind: 'ok' } as never)).toBe(true);
    expect(pending.resolve('w/a/1', { kind: 'ok' } as never)).toBe(false);
    time.advance(500);
    expect(outcomes).toEqual([{ key: 'w/a/1', error: null, result: { kind: 'ok' } }]);
    expect(pending.size).toBe(0);
  });

  it('times out each waiter at its own deadline, earliest first, whatever the add order', () => {
    const { time, outcomes, add, pending } = rig();
    add('slow', 300);
    add('fast', 100);
    add('mid', 200);
    time.advance(99);
    expect(outcomes).toEqual([]);
    time.advance(1);
    expect(outcomes.map((o) => o.key)).toEqual(['fast']);
    time.advance(150);
    expect(outcomes.map((o) => o.key)).toEqual(['fast', 'mid']);
    time.advance(50);
    expect(outcomes.map((o) => o.key)).toEqual(['fast', 'mid', 'slow']);
    expect(outcomes.every((o) => o.error?.code === 'timeout' && o.error.outcome === 'unknown')).toBe(true);
    expect(outcomes[0].error?.message).toContain('100 ms');
    expect(pending.size).toBe(0);
    expect(time.armed(), 'no timer left once nothing waits').toBe(0);
  });

  it('keeps one timer armed however many requests wait, and none once all are answered', () => {
    const { time, pending, add } = rig(10_000);
    for (let i = 0; i < 1000; i++) add(`w/c/${i}`, 5000);
    expect(time.armed()).toBe(1);
    for (let i = 0; i < 1000; i++) pending.resolve(`w/c/${i}`, { kind: 'ok' } as never);
    add('w/c/last', 5000); // answered entries at the top of the heap are dropped here
    expect(pending.deadlineCount()).toBeLessThan(10);
    pending.resolve('w/c/last', { kind: 'ok' } as never);
    time.advance(6000);
    expect(time.armed()).toBe(0);
  });

  it('a retry of the same key supersedes the first waiter, which fails at once; the retry keeps its own deadline', () => {
    const { time, outcomes, add } = rig();
    add('w/a/7', 100);
    time.advance(50);
    add('w/a/7', 100);
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0].error?.message).toContain('superseded');
    time.advance(60); // the first waiter's deadline passes: nothing happens to the retry
    expect(outcomes).toHaveLength(1);
    time.advance(40);
    expect(outcomes).toHaveLength(2);
    expect(outcomes[1].error?.code).toBe('timeout');
  });

  it('a waiter added by a timeout callback is timed out in its turn', () => {
    const { time, pending, outcomes } = rig();
    pending.add('first', 10, (error) => {
      outcomes.push({ key: 'first', error });
      pending.add('second', 10, (e) => outcomes.push({ key: 'second', error: e }));
    });
    time.advance(10);
    expect(outcomes.map((o) => o.key)).toEqual(['first']);
    time.advance(10);
    expect(outcomes.map((o) => o.key)).toEqual(['first', 'second']);
  });

  it('failAll answers every waiter and disarms the timer; isFull counts waiters', () => {
    const { time, pending, outcomes, add } = rig(2);
    add('a', 100);
    expect(pending.isFull()).toBe(false);
    add('b', 100);
    expect(pending.isFull()).toBe(true);
    pending.failAll({ code: 'stopping', message: 'stopping', retryAfterMs: 0 } as never);
    expect(outcomes.map((o) => [o.key, o.error?.code])).toEqual([['a', 'stopping'], ['b', 'stopping']]);
    expect(time.armed()).toBe(0);
    time.advance(1000);
    expect(outcomes).toHaveLength(2);
  });

  it('failEpochsBefore answers the waiters of older epochs at once, in add order, and spares the rest', () => {
    const { time, pending, outcomes } = rig();
    const addIn = (key: string, epoch: number) => pending.add(key, 1000, (error) => outcomes.push({ key, error }), epoch);
    addIn('w/a/1', 0);
    addIn('r/1', 0);
    addIn('r/2', 0);
    addIn('w/a/2', 1);
    const unknown: ClientError = { code: 'timeout', message: 'leadership changed', outcome: 'unknown' };
    const retry: ClientError = { code: 'noLeader', message: 'retry', retryAfterMs: 10 };
    const failed = pending.failEpochsBefore(1, (key) => (key === 'r/2' ? null : key.startsWith('r/') ? retry : unknown));
    expect(failed).toBe(2);
    expect(outcomes).toEqual([
      { key: 'w/a/1', error: unknown },
      { key: 'r/1', error: retry },
    ]);
    expect(pending.has('r/2') && pending.has('w/a/2')).toBe(true);
    time.advance(1000);
    expect(outcomes.map((o) => o.key), 'the spared ones still time out, once').toEqual(['w/a/1', 'r/1', 'r/2', 'w/a/2']);
    expect(pending.deadlineCount()).toBe(0);
  });
});
