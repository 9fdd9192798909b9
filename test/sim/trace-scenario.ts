// A small chaotic run exercising every part of the world, for determinism tests: gossiping nodes
// with random timers over a lossy, duplicating, reordering network, and a nemesis that partitions,
// clogs, crashes, restarts, pauses and skews clocks.
import type { Env } from '../../core/env/index.ts';
import { nodeId, type NodeId } from '../../core/types.ts';
import type { NodeProgram } from '../../sim/world/node-program.ts';
import { SimWorld } from '../../sim/world/sim-world.ts';
import type { TraceSink } from '../../sim/trace/trace-sink.ts';
import { fakeVolumes } from './world-harness.ts';

const gossip: NodeProgram = (env: Env) => {
  const peers = [1, 2, 3, 4].map(nodeId).filter((id) => id !== env.nodeId);
  let counter = 0;
  const tick = (): void => {
    const frame = new Uint8Array([env.nodeId, counter++ % 256, env.random.int(0, 255)]);
    env.network.send(env.random.pick(peers), frame);
    env.timers.schedule(env.random.int(1, 20), tick);
  };
  env.network.onReceive((from, frame) => {
    env.tracer.emit('test.recv', { from, counter: frame[1] });
    if (frame[2] < 64) env.network.send(from, new Uint8Array([env.nodeId, frame[1], 255]));
  });
  env.timers.schedule(env.random.int(1, 20), tick);
  return {};
};

function nemesisStep(world: SimWorld): void {
  const random = world.random.child('nemesis');
  const ids = world.nodeIds();
  const act = (): void => {
    const node = random.pick(ids) as NodeId;
    const state = world.state(node);
    const choice = random.int(0, 5);
    if (choice === 0 && state === 'up') world.crash(node);
    else if (choice === 1 && state === 'crashed') world.restart(node);
    else if (choice === 2 && state === 'up') world.pause(node);
    else if (choice === 3 && state === 'paused') world.resume(node);
    else if (choice === 4) world.setClockDrift(node, random.int(-200, 200));
    else if (choice === 5) {
      const id = random.chance(0.5) ? world.network.partition([[node], ids.filter((x) => x !== node)]) : world.network.clog(node, ids);
      world.sim.schedule(random.int(10_000, 200_000), () => world.network.heal(id));
    }
    world.sim.schedule(random.int(20_000, 300_000), act);
  };
  world.sim.schedule(50_000, act);
}

/** Runs the chaotic scenario for `durationMs` with `seed`, recording into `sink`. */
export function runChaos(seed: number, sink: TraceSink, durationMs = 3000): SimWorld {
  const world = new SimWorld({
    seed,
    nodes: [1, 2, 3, 4].map(nodeId),
    program: gossip,
    volumes: fakeVolumes({ crashes: [], hooks: new Map() }),
    sink,
    link: {
      latency: { kind: 'longTail', base: { kind: 'uniform', msMin: 0.2, msMax: 3 }, tailProbability: 0.02, tailMsMin: 10, tailAlpha: 2, tailMsMax: 200 },
      dropProbability: 0.05,
      duplicateProbability: 0.02,
      reorderProbability: 0.05,
      clogFramesMax: 20,
    },
    describeFrame: (frame) => ({ type: 'gossip', counter: frame[1] }),
  });
  world.startAll();
  nemesisStep(world);
  world.runUntilMs(durationMs);
  return world;
}
