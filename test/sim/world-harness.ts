// Fake volumes and small node programs for world tests (SimDisk itself is tested in sim/disk).
import type { Disk } from '../../core/env/disk.ts';
import type { Env } from '../../core/env/index.ts';
import { nodeId, type NodeId } from '../../core/types.ts';
import type { NodeInstance, NodeProgram } from '../../sim/world/node-program.ts';
import { SimWorld, type SimWorldOptions } from '../../sim/world/sim-world.ts';
import type { VolumeFactory, VolumeHooks } from '../../sim/world/sim-volume.ts';
import { TraceWriter } from '../../sim/trace/trace-writer.ts';

export interface FakeVolumeLog {
  readonly crashes: NodeId[];
  readonly hooks: Map<NodeId, VolumeHooks>;
}

/** A volume whose disk is never touched by these tests; it records crashes and its hooks. */
export function fakeVolumes(log: FakeVolumeLog): VolumeFactory {
  return (node, hooks) => {
    log.hooks.set(node, hooks);
    return {
      disk: {} as Disk,
      crash: () => {
        log.crashes.push(node);
        return { torn: 0, lost: 2, kept: 1, dirOpsLost: 3 };
      },
    };
  };
}

export interface RecordingInstance extends NodeInstance {
  readonly env: Env;
  readonly serial: number;
  readonly events: string[];
}

/** Each instance records what reaches it; `serial` counts instances built by this program. */
export function recordingProgram(): { program: NodeProgram; instances: RecordingInstance[] } {
  const instances: RecordingInstance[] = [];
  const program: NodeProgram = (env) => {
    const instance: RecordingInstance = { env, serial: instances.length + 1, events: [], stop: () => instance.events.push('stop') };
    env.network.onReceive((from, frame) => instance.events.push(`recv ${from}:${frame[0]}@${env.clock.nowMs().toFixed(3)}`));
    instances.push(instance);
    return instance;
  };
  return { program, instances };
}

export function testWorld(overrides: Partial<SimWorldOptions> & { program: NodeProgram }, traced = true) {
  const log: FakeVolumeLog = { crashes: [], hooks: new Map() };
  const trace = new TraceWriter({ meta: { scenario: 'world-test', seed: String(overrides.seed ?? 1), version: 1 }, kinds: traced ? 'all' : 'none' });
  const world = new SimWorld({
    seed: 1,
    nodes: [1, 2, 3].map(nodeId),
    volumes: fakeVolumes(log),
    sink: trace,
    link: { latency: { kind: 'constant', ms: 1 } },
    clockOriginMsMax: 0,
    ...overrides,
  });
  return { world, log, trace };
}
