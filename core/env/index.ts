import type { NodeId } from '../types.ts';
import type { Clock } from './clock.ts';
import type { Disk } from './disk.ts';
import type { Network } from './network.ts';
import type { Random } from './random.ts';
import type { Timers } from './timers.ts';
import type { Tracer } from './tracer.ts';

export type { Clock } from './clock.ts';
export type { Timers, TimerId } from './timers.ts';
export type { Random } from './random.ts';
export type { Network } from './network.ts';
export type { Disk, Fd, OpenMode, DurabilityCallback, DiskErrorCode } from './disk.ts';
export { DiskError, parentDir } from './disk.ts';
export type { Tracer } from './tracer.ts';
export { silentTracer } from './tracer.ts';

/**
 * Everything a node may touch in the world. The simulator and production each build one per node;
 * core/ code receives it and never reaches around it.
 */
export interface Env {
  readonly nodeId: NodeId;
  readonly clock: Clock;
  readonly timers: Timers;
  readonly random: Random;
  readonly network: Network;
  readonly disk: Disk;
  readonly tracer: Tracer;
}
