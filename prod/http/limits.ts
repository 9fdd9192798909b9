// Bounds of the HTTP API server, by name. Exceeding one answers an error status and never crashes.
import { KvlabError } from '../../core/types.ts';

export interface HttpLimits {
  /** Bytes of one request body (a PUT value, a CAS or members JSON); beyond it: 413. */
  readonly bodyBytesMax: number;
  /** Bytes of one key after percent-decoding; beyond it: 414. */
  readonly keyBytesMax: number;
  /** Open connections; the next one is answered 503 and closed. */
  readonly connectionsMax: number;
  /** Time a client may take to send the request headers. */
  readonly headersTimeoutMs: number;
  /** Time a client may take to send a whole request (a slow body upload). */
  readonly requestReceiveTimeoutMs: number;
  /** How long an idle keep-alive connection stays open. */
  readonly keepAliveTimeoutMs: number;
}

const MiB = 1024 * 1024;

export const defaultHttpLimits: HttpLimits = {
  bodyBytesMax: 8 * MiB,
  keyBytesMax: 64 * 1024,
  connectionsMax: 10_000,
  headersTimeoutMs: 10_000,
  requestReceiveTimeoutMs: 60_000,
  keepAliveTimeoutMs: 5_000,
};

export function resolveHttpLimits(overrides: Partial<HttpLimits> = {}): HttpLimits {
  const limits: HttpLimits = { ...defaultHttpLimits, ...overrides };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new KvlabError('invalidConfig', `http limit ${name} must be an integer >= 1, got ${value}`);
    }
  }
  if (limits.headersTimeoutMs > limits.requestReceiveTimeoutMs) {
    const { headersTimeoutMs: headers, requestReceiveTimeoutMs: request } = limits;
    throw new KvlabError('invalidConfig', `http limit headersTimeoutMs (${headers}) exceeds requestReceiveTimeoutMs (${request})`);
  }
  return limits;
}
