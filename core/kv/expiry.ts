// Expiry is judged against a "now" that every replica agrees on: the command's atMs for writes, the
// caller's clock for reads. A key is expired from its expireAtMs on (nowMs >= expireAtMs), so a live
// key always has at least 1 ms to live, and EXPIREAT at exactly "now" deletes (as in Redis).
import type { StoredRecord } from './engine.ts';

export function isExpired(record: StoredRecord, nowMs: number): boolean {
  return record.expireAtMs !== undefined && nowMs >= record.expireAtMs;
}

/** A record without an `expireAtMs` field when there is no expiry, so equal states compare equal. */
export function makeRecord(value: string, expireAtMs: number | undefined): StoredRecord {
  return expireAtMs === undefined ? { value } : { value, expireAtMs };
}
