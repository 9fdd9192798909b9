// Redis' rules for a string that holds an integer (INCR/INCRBY/DECR/DECRBY): optional '-', digits, no
// leading zeros (but "0"), no '+', no spaces, no "-0", and within the signed 64-bit range.

export const int64Min = -(1n << 63n);
export const int64Max = (1n << 63n) - 1n;

/** Longest decimal int64: "-9223372036854775808". */
const int64DigitsMax = 20;
const canonicalInteger = /^(0|-?[1-9][0-9]*)$/;

export const notIntegerMessage = 'ERR value is not an integer or out of range';
export const overflowMessage = 'ERR increment or decrement would overflow';

/** The int64 a stored value holds, or undefined if Redis would not treat it as an integer. */
export function parseInt64(s: string): bigint | undefined {
  if (s.length === 0 || s.length > int64DigitsMax || !canonicalInteger.test(s)) return undefined;
  const n = BigInt(s);
  return n < int64Min || n > int64Max ? undefined : n;
}

/** current + delta, or undefined if the sum leaves the int64 range. */
export function addInt64(current: bigint, delta: bigint): bigint | undefined {
  const sum = current + delta;
  return sum < int64Min || sum > int64Max ? undefined : sum;
}
