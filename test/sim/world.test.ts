import { describe, expect, it } from 'vitest';
import { AssertionFailure, KvlabError, nodeId } from '../../core/types.ts';
import { recordingProgram, testWorld } from './world-harness.ts';

const n = nodeId;

describe('SimWorld lifecycle', () => {
  it('startAll builds one instance per node with its own Env, and traces starting -> up', () => {
    const { program, instances } = recordingProgram();
    const { world, trace } = testWorld({ program });
    world.startAll();
    expect(instances.map((i) => i.env.nodeId)).toEqual([1, 2, 3]);
    expect(world.state(n(2))).toBe('up');
    expect(instances[0].env.random.next()).not.toBe(instances[1].env.random.next());
    const lifecycle = trace.events().filter((e) => e.kind === 'node.lifecycle' && e.node === 1);
    expect(lifecycle.map((e) => `${e.from}>${e.to}:${e.event}`)).toEqual(['stopped>starting:start', 'starting>up:ready']);
  });

  it('crash drops the node timers, in-flight frames and instance, and crashes its volume', () => {
    const { program, instances } = recordingProgram();
    const { world, log, trace } = testWorld({ program });
    world.startAll();
    const [a, b] = instances;
    let fired = false;
    b.env.timers.schedule(10, () => (fired = true));
    a.env.network.send(n(2), new Uint8Array([1]));
    world.runUntilMs(0.5);
    world.crash(n(2));
    world.runUntilMs(50);
    expect(fired).toBe(false);
    expect(b.events).toEqual([]);
    expect(world.instance(n(2))).toBeUndefined();
    expect(world.state(n(2))).toBe('crashed');
    expect(log.crashes).toEqual([2]);
    const events = trace.events();
    expect(events.find((e) => e.kind === 'net.drop')).toMatchObject({ from: 1, to: 2, reason: 'crashed' });
    expect(events.find((e) => e.kind === 'node.crash')).toEqual({ t: 0.5, seq: expect.any(Number), node: 2, kind: 'node.crash', unsynced: { lost: 2, kept: 1, torn: 0, dirOpsLost: 3 } });
    expect(trace.text()).toContain('"unsynced":{"lost":2,"kept":1,"torn":0,"dirOpsLost":3}');
  });

  it('restart builds a fresh instance that receives again; the old env is dead', () => {
    const { program, instances } = recordingProgram();
    const { world, trace } = testWorld({ program });
    world.startAll();
    const old = instances[1];
    world.crash(n(2));
    world.restart(n(2));
    const fresh = world.instance(n(2)) as typeof old;
    expect(fresh).not.toBe(old);
    expect(fresh.serial).toBe(4);
    expect(world.incarnation(n(2))).toBe(2);
    let staleFired = false;
    old.env.timers.schedule(1, () => (staleFired = true));
    old.env.network.send(n(1), new Uint8Array([3]));
    instances[0].env.network.send(n(2), new Uint8Array([4]));
    world.runUntilMs(10);
    expect(staleFired).toBe(false);
    expect(fresh.events).toEqual(['recv 1:4@1.000']);
    expect(instances[0].events).toEqual([]);
    expect(trace.events().filter((e) => e.node === 2 && (e.kind === 'node.restart' || e.kind === 'node.lifecycle')).map((e) => e.event ?? e.kind)).toEqual([
      'start', 'ready', 'crash', 'restart', 'node.restart', 'ready',
    ]);
  });

  it('pause delays timers and frames to resume, then delivers them in the order they came due', () => {
    const { program, instances } = recordingProgram();
    const { world } = testWorld({ program });
    world.startAll();
    const [a, b] = instances;
    b.env.timers.schedule(5, () => b.events.push(`timer5@${b.env.clock.nowMs()}`));
    b.env.timers.schedule(15, () => b.events.push(`timer15@${b.env.clock.nowMs()}`));
    world.pause(n(2));
    world.runUntilMs(9);
    a.env.network.send(n(2), new Uint8Array([7])); // arrives at 10, parked
    world.runUntilMs(30);
    expect(b.events).toEqual([]);
    expect(world.state(n(2))).toBe('paused');
    world.resume(n(2));
    world.runUntilMs(30);
    expect(b.events).toEqual(['timer5@30', 'recv 1:7@30.000', 'timer15@30']);
  });

  it('stop runs the instance stop hook, keeps the disk, and lets its last frames arrive', () => {
    const { program, instances } = recordingProgram();
    const { world, log } = testWorld({ program });
    world.startAll();
    instances[0].env.network.send(n(2), new Uint8Array([8]));
    world.stop(n(1));
    world.runUntilMs(5);
    expect(instances[0].events).toEqual(['stop']);
    expect(instances[1].events).toEqual(['recv 1:8@1.000']);
    expect(log.crashes).toEqual([]);
    world.start(n(1));
    expect(world.state(n(1))).toBe('up');
  });

  it('illegal lifecycle operations are assertion failures; unknown nodes are user errors', () => {
    const { program } = recordingProgram();
    const { world } = testWorld({ program });
    expect(() => world.crash(n(1))).toThrow(AssertionFailure); // stopped
    world.startAll();
    expect(() => world.restart(n(1))).toThrow(/illegal node lifecycle transition: 'restart' in state 'up'/);
    expect(() => world.resume(n(1))).toThrow(AssertionFailure);
    world.pause(n(1));
    expect(() => world.stop(n(1))).toThrow(AssertionFailure);
    expect(() => world.crash(n(9))).toThrow(KvlabError);
  });

  it('a volume hook schedules events owned by its node, which a crash cancels', () => {
    const { program } = recordingProgram();
    const { world, log } = testWorld({ program });
    world.startAll();
    const done: number[] = [];
    log.hooks.get(n(3))!.schedule(100.4, () => done.push(3));
    log.hooks.get(n(1))!.schedule(100, () => done.push(1));
    world.crash(n(3));
    world.runUntilMs(1);
    expect(done).toEqual([1]);
  });
});

describe('SimWorld clocks', () => {
  it('drift makes both clocks run fast or slow, and timers wait for local time', () => {
    const { program, instances } = recordingProgram();
    const { world } = testWorld({ program, wallEpochMs: 1_000_000 });
    world.startAll();
    world.setClockDrift(n(1), 1000); // +0.1%
    world.setClockDrift(n(2), -1000);
    world.runUntilMs(10_000);
    expect(world.clock(n(1)).nowMs()).toBeCloseTo(10_010, 6);
    expect(world.clock(n(2)).nowMs()).toBeCloseTo(9_990, 6);
    expect(world.clock(n(3)).nowMs()).toBe(10_000);
    expect(world.clock(n(1)).wallMs()).toBeCloseTo(1_010_010, 6);
    let firedAtUs = 0;
    instances[0].env.timers.schedule(1000, () => (firedAtUs = world.sim.nowUs));
    world.runForMs(2000);
    expect(firedAtUs - 10_000_000).toBe(Math.ceil(1_000_000 / 1.001));
  });

  it('a timer pending across a drift change still waits for its full local delay', () => {
    const { program, instances } = recordingProgram();
    const { world } = testWorld({ program });
    world.startAll();
    const clock = world.clock(n(1));
    const start = clock.nowMs();
    let firedLocalMs = -1;
    let firedAtMs = -1;
    instances[0].env.timers.schedule(1000, () => ((firedLocalMs = clock.nowMs() - start), (firedAtMs = world.sim.nowMs)));
    world.runUntilMs(500);
    world.setClockDrift(n(1), -500_000); // half speed from now on
    world.runUntilMs(3000);
    expect(firedLocalMs).toBeGreaterThanOrEqual(1000);
    expect(firedAtMs).toBeCloseTo(1500, 2);
  });

  it('a step moves the wall clock either way while the monotonic clock never goes back', () => {
    const { program } = recordingProgram();
    const { world, trace } = testWorld({ program, wallEpochMs: 0 });
    world.startAll();
    world.runUntilMs(100);
    const clock = world.clock(n(2));
    const monoBefore = clock.nowMs();
    world.stepClock(n(2), -5000);
    expect(clock.wallMs()).toBe(100 - 5000);
    expect(clock.nowMs()).toBe(monoBefore);
    world.stepClock(n(2), 7000);
    expect(clock.wallMs()).toBe(100 + 2000);
    const skews = trace.events().filter((e) => e.kind === 'clock.skew');
    expect(skews).toEqual([
      { t: 100, seq: expect.any(Number), node: 2, kind: 'clock.skew', driftPpm: 0, stepMs: -5000, offsetMs: -5000 },
      { t: 100, seq: expect.any(Number), node: 2, kind: 'clock.skew', driftPpm: 0, stepMs: 7000, offsetMs: 2000 },
    ]);
    expect(() => world.setClockDrift(n(2), -2_000_000)).toThrow(KvlabError);
  });

  it('monotonic clock origins are seeded per node', () => {
    const { program } = recordingProgram();
    const { world } = testWorld({ program, clockOriginMsMax: 1_000_000 });
    const origins = [1, 2, 3].map((id) => world.clock(n(id)).nowMs());
    expect(new Set(origins).size).toBe(3);
    expect(origins.every((ms) => ms >= 0 && ms <= 1_000_000)).toBe(true);
  });
});
