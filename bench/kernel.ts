// Simulator throughput: ping-pong among N simulated nodes, (1) on the bare kernel and (2) through the
// full world (Env, timers, SimNetwork with seeded latency, tracing off). Prints events/s and how much
// faster than real time the virtual clock runs. Run: npx tsx bench/kernel.ts [wallMsPerCase]
import type { Env } from '../core/env/index.ts';
import { nodeId } from '../core/types.ts';
import type { Disk } from '../core/env/disk.ts';
import { Simulator } from '../sim/kernel/simulator.ts';
import { SimWorld } from '../sim/world/sim-world.ts';

const wallMsPerCase = Number(process.argv[2] ?? 1000);
/** Messages bouncing around at once, per node. */
const tokensPerNode = 4;

interface Figures {
  readonly events: number;
  readonly frames?: number;
  readonly dropped?: number;
  readonly wallMs: number;
  readonly virtualMs: number;
}

/** Runs `slice` (advancing virtual time by sliceUs) until wallMsPerCase has passed. */
function measure(sim: Simulator, sliceUs: number): Figures {
  const startEvents = sim.eventsProcessed;
  const startVirtualUs = sim.nowUs;
  const started = performance.now();
  while (performance.now() - started < wallMsPerCase) sim.runFor(sliceUs);
  return { events: sim.eventsProcessed - startEvents, wallMs: performance.now() - started, virtualMs: (sim.nowUs - startVirtualUs) / 1000 };
}

function bareKernel(nodes: number): Figures {
  const sim = new Simulator({ eventsMax: Number.MAX_SAFE_INTEGER });
  // Each event is a message to node `arg % nodes`; it answers the next node after a varying delay.
  const deliver = (token: number): void => {
    const next = (token + 1) % (nodes * tokensPerNode);
    sim.schedule(500 + ((token * 7919) % 1000), deliver, (next % nodes) + 1, next);
  };
  for (let t = 0; t < nodes * tokensPerNode; t++) sim.schedule(t, deliver, (t % nodes) + 1, t);
  measure(sim, 10_000); // warm-up
  return measure(sim, 10_000);
}

function fullWorld(nodes: number): Figures {
  const ids = Array.from({ length: nodes }, (_, i) => nodeId(i + 1));
  const program = (env: Env) => {
    const next = ids[env.nodeId % nodes];
    env.network.onReceive((_from, frame) => env.network.send(next, frame));
    // A heartbeat-like timer, as Raft's tick would be.
    const tick = (): void => {
      env.timers.schedule(10, tick);
    };
    env.timers.schedule(10, tick);
    // After startAll: a frame sent to a node that has not started yet is dropped, as in life.
    env.timers.schedule(0, () => {
      for (let t = 0; t < tokensPerNode; t++) env.network.send(next, new Uint8Array(64));
    });
    return {};
  };
  const world = new SimWorld({
    seed: 1,
    nodes: ids,
    program,
    volumes: () => ({ disk: {} as Disk, crash: () => undefined }),
    link: { latency: { kind: 'uniform', msMin: 0.5, msMax: 1.5 } },
    eventsMax: Number.MAX_SAFE_INTEGER,
  });
  world.startAll();
  measure(world.sim, 10_000);
  const framesBefore = world.network.stats.delivered;
  const figures = measure(world.sim, 10_000);
  const dropped = Object.values(world.network.stats.dropped).reduce((a, b) => a + b, 0);
  return { ...figures, frames: world.network.stats.delivered - framesBefore, dropped };
}

function report(name: string, nodes: number, f: Figures): void {
  const eventsPerSecond = (f.events / f.wallMs) * 1000;
  const ratio = f.virtualMs / f.wallMs;
  const frames = f.frames === undefined ? '' : `, ${((f.frames / f.wallMs) * 1000 / 1e6).toFixed(2)} M frames/s delivered, ${f.dropped} dropped`;
  console.log(`${name.padEnd(12)} nodes=${String(nodes).padStart(2)}  ${(eventsPerSecond / 1e6).toFixed(2).padStart(6)} M events/s  virtual/wall ${ratio.toFixed(1).padStart(7)}x  (${f.events} events in ${f.wallMs.toFixed(0)} ms wall, ${f.virtualMs.toFixed(0)} ms virtual${frames})`);
}

for (const nodes of [3, 5, 10]) report('bare kernel', nodes, bareKernel(nodes));
for (const nodes of [3, 5, 10]) report('full world', nodes, fullWorld(nodes));
