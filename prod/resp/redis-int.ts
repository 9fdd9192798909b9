// Integers as Redis reads them (string2ll): optional '-', decimal digits, no '+', no spaces, no leading
// zeros, within signed 64 bits. "01", " 1", "+1" and "-0" are not integers, exactly as in Redis.

export const INT64_MIN = -(2n ** 63n);
export const INT64_MAX = 2n ** 63n - 1n;
/** 20 characters hold "-9223372036854775808"; longer strings cannot be int64. */
const INT64_CHARS_MAX = 20;

const STRICT_INTEGER = /^(0|-?[1-9][0-9]*)$/;

export function parseInt64(text: string): bigint | null {
  if (text.length === 0 || text.length > INT64_CHARS_MAX || !STRICT_INTEGER.test(text)) return null;
  const value = BigInt(text);
  return value < INT64_MIN || value > INT64_MAX ? null : value;
}

/** parseInt64 narrowed to a JS safe integer; null when not an integer or beyond 2^53. */
export function parseSafeInt(text: string): number | null {
  const value = parseInt64(text);
  if (value === null) return null;
  const asNumber = Number(value);
  return Number.isSafeInteger(asNumber) ? asNumber : null;
}
