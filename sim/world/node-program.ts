// What the world runs on each node: a program builds an instance from its Env (and, after a
// restart, from what its disk kept). The instance holds all the node's in-memory state; a crash
// simply forgets it.
import type { Env } from '../../core/env/index.ts';

export interface NodeInstance {
  /** Graceful stop (world.stop): flush, say goodbye. Never called on a crash. */
  stop?(): void;
}

export type NodeProgram = (env: Env) => NodeInstance;
