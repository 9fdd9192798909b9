export { SimDisk, type SimDiskWorld } from './sim-disk.ts';
export type { CrashSummary } from './crash.ts';
export {
  defaultSimDiskOptions,
  resolveSimDiskOptions,
  type SimDiskOptions,
  type SimDiskOptionsInput,
  type FsyncLatencyModel,
  type CrashPolicy,
  type FileCrashPolicy,
  type DirCrashPolicy,
} from './options.ts';
export { ManualScheduler } from './manual-scheduler.ts';
