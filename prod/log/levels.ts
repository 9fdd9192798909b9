// Log levels, and the level each trace kind is logged at. Core code emits kinds without a level
// (the simulator records every event); a production log keeps the per-entry chatter (appends,
// commits, applies, progress) at debug so that `info` stays readable under load.
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export const logLevelRank: Readonly<Record<LogLevel, number>> = { debug: 10, info: 20, warn: 30, error: 40 };

const kindLevels: ReadonlyMap<string, LogLevel> = new Map<string, LogLevel>([
  ['raft.append', 'debug'],
  ['raft.commit', 'debug'],
  ['raft.apply', 'debug'],
  ['raft.progress', 'debug'],
  ['raft.truncate', 'debug'],
  ['tcp.connectFailed', 'warn'],
  ['tcp.handshakeReject', 'warn'],
  ['tcp.frameTooLarge', 'warn'],
  ['node.badFrame', 'warn'],
  ['node.fatal', 'error'],
]);

/** The level a trace kind is logged at: the table above, `debug` for net.*, `info` otherwise. */
export function levelOfKind(kind: string): LogLevel {
  const level = kindLevels.get(kind);
  if (level !== undefined) return level;
  return kind.startsWith('net.') ? 'debug' : 'info';
}
