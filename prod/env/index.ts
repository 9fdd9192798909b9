// The production Env pieces: real clock and timers, node:fs disk with a data-directory lock, and the
// TCP peer transport. prod/node assembles them (with a Random and a log Tracer) into a core/env Env.
export { RealClock } from './clock.ts';
export { RealTimers, type RealTimersOptions } from './timers.ts';
export { FsDisk, OPEN_FILES_MAX } from './disk.ts';
export { lockDataDir, LOCK_FILE_NAME, type DataDirLock } from './data-dir-lock.ts';
export { TcpNetwork } from './tcp-network.ts';
export {
  defaultTcpNetworkLimits,
  type PeerAddress,
  type PeerStats,
  type TcpNetworkConfig,
  type TcpNetworkLimits,
  type TcpNetworkStats,
} from './tcp-config.ts';
