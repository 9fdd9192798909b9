// The range the kernel hands out to outgoing connections. A node listening on a port in it can find the
// port taken by some unrelated outgoing connection when it starts (EADDRINUSE), so `cluster init`
// keeps a local cluster's ports below it.
import { readFileSync } from 'node:fs';

export interface PortRange {
  readonly low: number;
  readonly high: number;
  /** Where the range came from: the /proc file, or Linux's default. */
  readonly source: string;
}

export const EPHEMERAL_RANGE_FILE = '/proc/sys/net/ipv4/ip_local_port_range';
/** Linux's default ip_local_port_range. */
export const EPHEMERAL_RANGE_LINUX_DEFAULT: PortRange = { low: 32768, high: 60999, source: "Linux's default" };

/** The ephemeral port range of this machine, read from `file` when present, else Linux's default. */
export function ephemeralPortRange(file = EPHEMERAL_RANGE_FILE): PortRange {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return EPHEMERAL_RANGE_LINUX_DEFAULT;
  }
  const match = /^\s*(\d+)\s+(\d+)\s*$/.exec(text);
  if (!match) return EPHEMERAL_RANGE_LINUX_DEFAULT;
  const low = Number(match[1]);
  const high = Number(match[2]);
  return low <= high && high <= 65535 ? { low, high, source: file } : EPHEMERAL_RANGE_LINUX_DEFAULT;
}

/** The ports of `ports` inside `range`, in order. */
export function portsInRange(ports: readonly number[], range: PortRange): number[] {
  return ports.filter((port) => port >= range.low && port <= range.high);
}
