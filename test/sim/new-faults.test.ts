// The faults added for issue 17 §6: kill -9 beside power loss, a graceful restart, one node's disk
// misbehaving for a window, links that degrade during a run, and the nemesis's membership floor and
// clock-skew ranges. Each is deterministic from the seed.
import { describe, expect, it } from 'vitest';
import type { Env } from '../../core/env/index.ts';
import { DiskError } from '../../core/env/disk.ts';
import { nodeId } from '../../core/types.ts';
import { SimDisk } from '../../sim/disk/sim-disk.ts';
import { createRandom } from '../../sim/random.ts';
import { runScenario } from '../../sim/run/run-scenario.ts';
import type { Fault } from '../../sim/scenario/schema.ts';
import { validateScenario } from '../../sim/scenario/validate.ts';
import { TraceWriter } from '../../sim/trace/trace-writer.ts';
import type { VolumeFactory } from '../../sim/world/sim-volume.ts';
import { SimWorld } from '../../sim/world/sim-world.ts';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

/** Every unsynced byte is lost at a power loss. */
const losingDisks: VolumeFactory = (_node, hooks) => {
  const disk = new SimDisk({ ...hooks, options: { crash: { file: { lostProbability: 1, keptProbability: 0, tornProbability: 0 }, dir: { lostProbability: 1, keptProbability: 0, prefixProbability: 0 } } } });
  return { disk, crash: () => disk.crash(), kill: () => disk.killProcess() };
};

function unsyncedAfter(how: 'crash' | 'kill'): string | undefined {
  const envs: Env[] = [];
  const trace = new TraceWriter({ meta: { scenario: 'kill', seed: 1, version: 1 }, kinds: ['node.crash', 'node.kill'] });
  const world = new SimWorld({ seed: 1, nodes: [nodeId(1)], program: (env) => (envs.push(env), {}), volumes: losingDisks, sink: trace });
  world.startAll();
  const disk = envs[0].disk;
  disk.mkdir('d');
  const fd = disk.open('d/a', 'create');
  disk.append(fd, enc('synced'));
  disk.fsync(fd, () => {});
  disk.fsyncDir('d', () => {});
  disk.fsyncDir('', () => {});
  world.runForMs(10);
  disk.append(fd, enc('+unsynced'));
  if (how === 'kill') world.kill(nodeId(1));
  else world.crash(nodeId(1));
  expect(trace.events().map((e) => e.kind).filter((k) => k !== 'meta')).toEqual([how === 'kill' ? 'node.kill' : 'node.crash']);
  world.restart(nodeId(1));
  return envs[1].disk.exists('d/a') ? dec(envs[1].disk.readFile('d/a')) : undefined;
}

function scenario(fields: Record<string, unknown>) {
  return validateScenario({ name: 'new-faults', workload: { clients: 3, ratePerClient: 30 }, phases: { faultsMs: 4000, healMs: 1000, livenessMs: 5000 }, ...fields }, 'test');
}

describe('kill -9 and graceful restart', () => {
  it('kill keeps the unsynced writes in the page cache; power loss (same policy) loses them', () => {
    expect(unsyncedAfter('kill')).toBe('synced+unsynced');
    expect(unsyncedAfter('crash')).toBe('synced');
  });

  it('scenario kill and stop faults: the node goes down and comes back; the run passes', () => {
    const faults = [
      { at: 1000, fault: 'kill', node: 'leader', durationMs: 500 },
      { at: 2500, fault: 'stop', node: 'leader', durationMs: 500 },
    ];
    const { report, traceText } = runScenario(scenario({ faults }), { seed: 3, trace: true });
    expect(report.verdict, JSON.stringify(report.checks)).toBe('pass');
    const lines = traceText!.split('\n');
    expect(lines.filter((l) => l.includes('"kind":"node.kill"'))).toHaveLength(1);
    const lifecycle = lines.filter((l) => l.includes('"kind":"node.lifecycle"') && /"event":"(stop|start)"/.test(l) && !l.startsWith('{"t":0,'));
    expect(lifecycle.map((l) => JSON.parse(l).event)).toEqual(['stop', 'start']);
  });
});

describe('disk faults on one node for a window', () => {
  function disk(): SimDisk {
    return new SimDisk({ schedule: () => {}, random: createRandom(5), tracer: { enabled: () => false, emit: () => {} } });
  }
  const code = (f: () => unknown) => {
    try {
      f();
      return 'ok';
    } catch (error) {
      return error instanceof DiskError ? error.code : String(error);
    }
  };

  it('full volume, write EIO and read EIO while the window is open; nothing once it closes', () => {
    const d = disk();
    const fd = d.open('f', 'create');
    d.append(fd, enc('x'));
    d.setWindowFaults({ full: true });
    expect(code(() => d.append(fd, enc('y')))).toBe('ENOSPC');
    d.setWindowFaults({ writeErrorProbability: 1 });
    expect(code(() => d.writeAt(fd, 0, enc('z')))).toBe('EIO');
    d.setWindowFaults({ readErrorProbability: 1 });
    expect(code(() => d.read(fd, 0, 1))).toBe('EIO');
    expect(code(() => d.readFile('f'))).toBe('EIO');
    d.setWindowFaults(undefined);
    expect(code(() => d.append(fd, enc('y')))).toBe('ok');
    expect(dec(d.readFile('f'))).toBe('xy');
  });

  it('slow fsync: the window adds its delay to every fsync; fsync EIO reports an error', () => {
    const delays: number[] = [];
    const d = new SimDisk({ schedule: (us, cb) => (delays.push(us), cb()), random: createRandom(5), tracer: { enabled: () => false, emit: () => {} }, options: { fsyncLatency: { kind: 'constant', us: 100 } } });
    const fd = d.open('f', 'create');
    const errors: string[] = [];
    d.fsync(fd, (e) => errors.push(String(e?.code ?? null)));
    d.setWindowFaults({ fsyncDelayUs: 50_000, fsyncErrorProbability: 1 });
    d.fsync(fd, (e) => errors.push(String(e?.code ?? null)));
    expect(delays).toEqual([100, 50_100]);
    expect(errors).toEqual(['null', 'EIO']);
  });

  it('scenario disk fault: a node that gave up on a full disk is restarted when the window closes; the run passes', () => {
    const faults = [{ at: 1000, fault: 'disk', node: 2, full: true, durationMs: 1500 }];
    const { report, traceText } = runScenario(scenario({ faults }), { seed: 1, trace: true });
    expect(report.verdict, JSON.stringify(report.checks)).toBe('pass');
    const lines = traceText!.split('\n').filter((l) => l.includes('"node":2'));
    const fatal = lines.findIndex((l) => l.includes('"kind":"node.fatal"') && l.includes('ENOSPC'));
    expect(fatal).toBeGreaterThan(0);
    expect(lines.slice(fatal).some((l) => l.includes('"kind":"node.restart"'))).toBe(true);
  });
});

describe('links that degrade during a run', () => {
  it('loss ramps up on the chosen links only, and ends with the fault', () => {
    const faults = [{ at: 1000, fault: 'link-degrade', from: [1], to: ['rest'], dropProbability: 1, latencyMs: 20, rampMs: 1000, durationMs: 2000 }];
    const { report, traceText } = runScenario(scenario({ faults }), { seed: 2, trace: true });
    expect(report.verdict, JSON.stringify(report.checks)).toBe('pass');
    const losses = traceText!
      .split('\n')
      .filter((l) => l.includes('"kind":"net.drop"') && l.includes('"reason":"loss"'))
      .map((l) => JSON.parse(l) as { t: number; from: number });
    expect(losses.every((d) => d.from === 1 && d.t > 1000 && d.t < 3000)).toBe(true);
    const early = losses.filter((d) => d.t < 1500).length;
    const late = losses.filter((d) => d.t >= 2000).length;
    expect(late).toBeGreaterThan(early);
  });
});

describe('determinism', () => {
  it('the new nemesis kinds give a byte-identical trace for the same seed', () => {
    const s = scenario({ cluster: { nodes: 5 }, nemesis: { kinds: ['kill', 'graceful-restart', 'disk', 'link-degrade'], intervalMs: [200, 500], durationMs: [200, 800], concurrentMax: 2 } });
    const a = runScenario(s, { seed: 9, trace: true });
    const b = runScenario(s, { seed: 9, trace: true });
    expect(a.report.stats.faults).toBeGreaterThan(4);
    expect(b.traceText).toBe(a.traceText);
    expect(b.historyText).toBe(a.historyText);
  });
});

describe('nemesis ranges', () => {
  function applied(nemesis: Record<string, unknown>, nodes = 3): Fault[] {
    const faults: Fault[] = [];
    runScenario(scenario({ cluster: { nodes }, nemesis }), { seed: 4, onFaultApplied: (f, source) => source === 'nemesis' && faults.push(f) });
    return faults;
  }

  it('membership never removes a voter below votersMin', () => {
    const base = { kinds: ['membership'], intervalMs: [200, 300], durationMs: [100, 100] };
    expect(applied(base).some((f) => f.fault === 'remove-node'), 'the premise: without the floor it removes').toBe(true);
    // 3 voters and 4 spares never reach more than 7 voters: a floor of 9 forbids every removal, and additions go on.
    const floored = applied({ ...base, votersMin: 9 });
    expect(floored.filter((f) => f.fault === 'remove-node')).toEqual([]);
    expect(floored.some((f) => f.fault === 'add-node')).toBe(true);
  });

  it('clock skew stays in the configured ranges', () => {
    const skews = applied({ kinds: ['clock-skew'], intervalMs: [200, 300], durationMs: [100, 150], concurrentMax: 3, clockSkew: { driftPpm: [10, 20], stepMs: [-3, 3] } });
    expect(skews.length).toBeGreaterThan(5);
    for (const f of skews) {
      if (f.fault !== 'clock-skew') throw new Error(f.fault);
      expect(Math.abs(f.driftPpm!)).toBeGreaterThanOrEqual(10);
      expect(Math.abs(f.driftPpm!)).toBeLessThanOrEqual(20);
      expect(Math.abs(f.stepMs!)).toBeLessThanOrEqual(3);
    }
  });
});
