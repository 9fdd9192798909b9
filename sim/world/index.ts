export { SimWorld } from './sim-world.ts';
export type { SimWorldOptions } from './sim-world.ts';
export { NodeClock, clockDriftPpmMax } from './node-clock.ts';
export { NodeTimers } from './node-timers.ts';
export type { NodeInstance, NodeProgram } from './node-program.ts';
export type { SimVolume, VolumeHooks, VolumeFactory, CrashOutcome } from './sim-volume.ts';
