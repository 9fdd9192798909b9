// The seam between the world and a node's simulated disk (SimDisk in sim/disk implements it).
// The world creates one volume per node, once, and it outlives crashes: only what the volume keeps
// across crash() survives a restart.
import type { Disk } from '../../core/env/disk.ts';
import type { Random } from '../../core/env/random.ts';
import type { Tracer } from '../../core/env/tracer.ts';
import type { NodeId } from '../../core/types.ts';

/**
 * What happened to unsynced data at a crash, counted by file (traced as `node.crash` `unsynced`).
 * Extra counts (SimDisk adds dirOpsLost, dirOpsKept) are traced after these three.
 */
export interface CrashOutcome {
  readonly lost: number;
  readonly kept: number;
  readonly torn: number;
}

export interface SimVolume {
  readonly disk: Disk;
  /**
   * The machine lost power: drop the page cache per the volume's seeded policy and invalidate open
   * fds. Pending durability callbacks need no handling: the world already cancelled the node's events.
   */
  crash(): CrashOutcome | void;
  /**
   * The process was killed (kill -9) but the machine kept running: the operating system's page cache,
   * unsynced writes included, survives; open fds die. Without it a kill is treated as a crash.
   */
  kill?(): void;
}

/** What the world hands a volume so that it runs on virtual time. */
export interface VolumeHooks {
  /** Runs `callback` after `delayUs` (rounded up to whole microseconds) as an event owned by the node. */
  schedule(delayUs: number, callback: () => void): void;
  /** The node's `node/<id>/disk` stream. */
  readonly random: Random;
  /** Stamps events with the node's id. */
  readonly tracer: Tracer;
}

export type VolumeFactory = (node: NodeId, hooks: VolumeHooks) => SimVolume;
