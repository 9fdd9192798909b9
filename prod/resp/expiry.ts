// Relative expiry (EX, PX, EXPIRE, PEXPIRE) becomes an absolute wall-clock time here, at proposal, so
// every replica applies the same instant from the log whatever its own clock says.
import { INT64_MAX } from './redis-int.ts';

export type ExpiryUnit = 'seconds' | 'ms' | 'unixSeconds' | 'unixMs';

const MAX_MS = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * The absolute expiry in ms for `amount` of `unit`, or null when it does not fit: Redis rejects
 * amounts whose ms overflow int64; we also need the result to be an exact JS number (< 2^53).
 */
export function absoluteExpiryMs(amount: bigint, unit: ExpiryUnit, nowMs: number): number | null {
  const perUnit = unit === 'seconds' || unit === 'unixSeconds' ? 1000n : 1n;
  if (amount > INT64_MAX / perUnit || amount < -INT64_MAX / perUnit) return null;
  const relative = unit === 'seconds' || unit === 'ms';
  const atMs = amount * perUnit + (relative ? BigInt(Math.floor(nowMs)) : 0n);
  if (atMs > MAX_MS || atMs < -MAX_MS) return null;
  // The log carries non-negative times; any time in the past has the same effect (the key expires).
  return Math.max(0, Number(atMs));
}
