// "host:port" addresses of the config file, parsed once so the rest of the node never re-parses text.
import { assert } from '../../core/types.ts';

export interface HostPort {
  readonly host: string;
  readonly port: number;
}

/** What a bare port in `listen` binds to: loopback only, unless the operator names a host. */
export const DEFAULT_LISTEN_HOST = '127.0.0.1';

/** Parses a port number or a "host:port" / "[v6]:port" string the schema already accepted. */
export function parseListenAddress(value: number | string): HostPort {
  if (typeof value === 'number') return { host: DEFAULT_LISTEN_HOST, port: value };
  return parseHostPort(value);
}

export function parseHostPort(text: string): HostPort {
  const colon = text.lastIndexOf(':');
  assert(colon > 0, () => `address '${text}' has no ':port'`);
  const rawHost = text.slice(0, colon);
  const host = rawHost.startsWith('[') && rawHost.endsWith(']') ? rawHost.slice(1, -1) : rawHost;
  return { host, port: Number(text.slice(colon + 1)) };
}

export function formatHostPort(address: HostPort): string {
  return address.host.includes(':') ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`;
}

/** True for addresses only this machine can reach (so an empty password or token is acceptable). */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}
