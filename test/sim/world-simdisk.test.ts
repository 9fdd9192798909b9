// The world with the real SimDisk plugged in through VolumeFactory: fsync completions run on virtual
// time as events of the node, a crash cancels them, and a restarted instance reads what was durable.
import { describe, expect, it } from 'vitest';
import type { Env } from '../../core/env/index.ts';
import { nodeId } from '../../core/types.ts';
import { SimDisk } from '../../sim/disk/sim-disk.ts';
import { TraceWriter } from '../../sim/trace/trace-writer.ts';
import type { VolumeFactory } from '../../sim/world/sim-volume.ts';
import { SimWorld } from '../../sim/world/sim-world.ts';

const simDisks: VolumeFactory = (_node, hooks) => {
  const disk = new SimDisk({ ...hooks, options: { fsyncLatency: { kind: 'constant', us: 2000 } } });
  return { disk, crash: () => disk.crash() };
};

describe('SimWorld with SimDisk', () => {
  it('durable data survives a crash; an fsync pending at the crash never completes', () => {
    const envs: Env[] = [];
    const trace = new TraceWriter({ meta: { scenario: 'world-simdisk', seed: 1, version: 1 }, kinds: ['node.crash'] });
    const world = new SimWorld({ seed: 1, nodes: [nodeId(1)], program: (env) => (envs.push(env), {}), volumes: simDisks, sink: trace });
    world.startAll();
    const disk = envs[0].disk;
    const fd = disk.open('a', 'create');
    disk.append(fd, new TextEncoder().encode('durable'));
    const completions: string[] = [];
    disk.fsync(fd, (error) => completions.push(`first ${error}`));
    disk.fsyncDir('', (error) => completions.push(`dir ${error}`));
    world.runForMs(5);
    expect(completions).toEqual(['first null', 'dir null']);
    disk.append(fd, new TextEncoder().encode('+lost?'));
    disk.fsync(fd, () => completions.push('second'));
    world.runForMs(1); // the second fsync is still in flight
    world.crash(nodeId(1));
    world.runForMs(10);
    expect(completions).toEqual(['first null', 'dir null']);
    world.restart(nodeId(1));
    const text = new TextDecoder().decode(envs[1].disk.readFile('a'));
    expect(text.startsWith('durable'), `seed 1 read ${text}`).toBe(true);
    expect(trace.events()[1]).toMatchObject({ kind: 'node.crash', node: 1, unsynced: { lost: expect.any(Number), kept: expect.any(Number), torn: expect.any(Number) } });
  });
});
