import { describe, expect, it } from 'vitest';
import { AssertionFailure, KvlabError } from '../../core/types.ts';
import { Simulator } from '../../sim/kernel/simulator.ts';
import { createRandom } from '../../sim/random.ts';

describe('Simulator ordering', () => {
  it('runs events by (time, seq): same-time events in scheduling order', () => {
    const sim = new Simulator();
    const ran: string[] = [];
    sim.schedule(20, () => ran.push('c@20'));
    sim.schedule(10, () => ran.push('a@10'));
    sim.schedule(10, () => ran.push('b@10'));
    sim.schedule(0, () => ran.push('z@0'));
    sim.runUntil(100);
    expect(ran).toEqual(['z@0', 'a@10', 'b@10', 'c@20']);
    expect(sim.nowUs).toBe(100);
    expect(sim.eventsProcessed).toBe(4);
  });

  it('an event scheduled with delay 0 from a callback runs after events already due at that time', () => {
    const sim = new Simulator();
    const ran: string[] = [];
    sim.schedule(5, () => {
      ran.push('first');
      sim.schedule(0, () => ran.push('nested'));
    });
    sim.schedule(5, () => ran.push('second'));
    sim.runUntil(5);
    expect(ran).toEqual(['first', 'second', 'nested']);
  });

  it('matches a sorted reference on 20,000 random events (seed 7)', () => {
    const random = createRandom(7);
    const sim = new Simulator();
    const expected: Array<[number, number]> = [];
    const ran: number[] = [];
    for (let i = 0; i < 20_000; i++) {
      const delay = random.int(0, 500);
      expected.push([delay, i]);
      sim.schedule(delay, (n: number) => ran.push(n), 0, i);
    }
    sim.runUntil(1000);
    expected.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    expect(ran, 'seed 7').toEqual(expected.map(([, i]) => i));
  });

  it('runUntil runs events at exactly the bound and none after', () => {
    const sim = new Simulator();
    const ran: number[] = [];
    sim.schedule(10, () => ran.push(10));
    sim.schedule(11, () => ran.push(11));
    sim.runUntil(10);
    expect(ran).toEqual([10]);
    expect(sim.nowUs).toBe(10);
    sim.runFor(1);
    expect(ran).toEqual([10, 11]);
  });

  it('runWhile stops as soon as the predicate fails, and step() reports an empty queue', () => {
    const sim = new Simulator();
    let count = 0;
    for (let i = 1; i <= 10; i++) sim.schedule(i, () => count++);
    sim.runWhile(() => count < 4);
    expect(count).toBe(4);
    expect(sim.nowUs).toBe(4);
    sim.runWhile(() => true);
    expect(count).toBe(10);
    expect(sim.step()).toBe(false);
  });

  it('rejects negative and fractional delays and runUntil into the past', () => {
    const sim = new Simulator();
    expect(() => sim.schedule(-1, () => {})).toThrow(AssertionFailure);
    expect(() => sim.schedule(1.5, () => {})).toThrow(AssertionFailure);
    sim.runUntil(10);
    expect(() => sim.runUntil(5)).toThrow(AssertionFailure);
  });
});

describe('Simulator cancellation', () => {
  it('a cancelled event does not run; cancelling twice or after it ran is a no-op', () => {
    const sim = new Simulator();
    const ran: string[] = [];
    const a = sim.schedule(1, () => ran.push('a'));
    const b = sim.schedule(2, () => ran.push('b'));
    sim.cancel(a);
    sim.cancel(a);
    sim.runUntil(5);
    sim.cancel(b);
    expect(ran).toEqual(['b']);
    expect(sim.eventsProcessed).toBe(1);
  });

  it('a stale id does not cancel the event that reuses its slot', () => {
    const sim = new Simulator();
    const ran: string[] = [];
    const old = sim.schedule(1, () => ran.push('old'));
    sim.runUntil(1);
    sim.schedule(1, () => ran.push('new')); // reuses the freed slot
    sim.cancel(old);
    sim.runUntil(5);
    expect(ran).toEqual(['old', 'new']);
  });

  it('cancelOwner drops every pending event of that owner only; its later events run', () => {
    const sim = new Simulator();
    const ran: string[] = [];
    sim.schedule(1, () => ran.push('n1-a'), 1);
    sim.schedule(2, () => ran.push('n2'), 2);
    sim.schedule(3, () => ran.push('n1-b'), 1);
    sim.schedule(4, () => ran.push('world'));
    sim.cancelOwner(1);
    sim.schedule(5, () => ran.push('n1-after'), 1);
    sim.runUntil(10);
    expect(ran).toEqual(['n2', 'world', 'n1-after']);
  });
});

describe('Simulator pause', () => {
  it('parks events of a paused owner and runs them at resume, in due order', () => {
    const sim = new Simulator();
    const ran: string[] = [];
    sim.schedule(10, () => ran.push(`a@${sim.nowUs}`), 3);
    sim.schedule(20, () => ran.push(`w@${sim.nowUs}`));
    sim.schedule(30, () => ran.push(`b@${sim.nowUs}`), 3);
    sim.pauseOwner(3);
    sim.runUntil(50);
    expect(ran).toEqual(['w@20']);
    sim.resumeOwner(3);
    sim.runUntil(50);
    expect(ran).toEqual(['w@20', 'a@50', 'b@50']);
  });

  it('cancelOwner discards parked events and ends the pause', () => {
    const sim = new Simulator();
    const ran: string[] = [];
    sim.pauseOwner(3);
    sim.schedule(10, () => ran.push('parked'), 3);
    sim.runUntil(20);
    sim.cancelOwner(3);
    expect(sim.isOwnerPaused(3)).toBe(false);
    sim.schedule(1, () => ran.push('fresh'), 3);
    sim.runUntil(30);
    expect(ran).toEqual(['fresh']);
  });
});

describe('Simulator eventsMax', () => {
  it('stops a runaway run with a clear error', () => {
    const sim = new Simulator({ eventsMax: 1000 });
    const loop = (): void => {
      sim.schedule(1, loop);
    };
    sim.schedule(0, loop);
    let error: unknown;
    try {
      sim.runUntil(1_000_000);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(KvlabError);
    expect((error as KvlabError).code).toBe('eventsMax');
    expect((error as KvlabError).message).toMatch(/eventsMax \(1000\)/);
    expect(sim.eventsProcessed).toBe(1001);
  });
});

describe('Simulator pause and time bounds', () => {
  it('parking never runs past the runUntil bound or moves time backwards', () => {
    const sim = new Simulator();
    const ran: string[] = [];
    sim.schedule(5, () => ran.push('t5'), 2);
    sim.schedule(15, () => ran.push('t15'), 2);
    sim.pauseOwner(2);
    sim.runUntil(9);
    expect(sim.nowUs).toBe(9);
    sim.schedule(1, () => sim.park(2, () => ran.push('frame@10')));
    sim.runUntil(30);
    sim.resumeOwner(2);
    sim.runUntil(30);
    expect(ran).toEqual(['t5', 'frame@10', 't15']);
  });
});
