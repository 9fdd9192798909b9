// Redis semantics of each read, evaluated at the caller's nowMs against the engine. Reads never change
// the state: an expired key simply counts as absent (it is reclaimed by a later write or purgeExpired).
import type { KvRead, KvResult } from './commands.ts';
import { validateRead } from './command-validate.ts';
import type { KvEngine, StoredRecord } from './engine.ts';
import { isExpired } from './expiry.ts';
import { compileGlob, globMatches } from './glob.ts';
import { scanCountMax } from './limits.ts';
import { decodeScanCursor, encodeScanCursor, scanCursorStart } from './scan-cursor.ts';

function live(engine: KvEngine, key: string, nowMs: number): StoredRecord | undefined {
  const record = engine.get(key);
  return record === undefined || isExpired(record, nowMs) ? undefined : record;
}

const int = (n: number): KvResult => ({ kind: 'int', value: BigInt(n) });

/** Throws KvlabError('invalidRead') naming the field for a malformed read. */
export function queryRead(engine: KvEngine, read: KvRead, nowMs: number): KvResult {
  validateRead(read);
  switch (read.op) {
    case 'get':
      return { kind: 'value', value: live(engine, read.key, nowMs)?.value ?? null };
    case 'mget':
      return { kind: 'values', values: read.keys.map((key) => live(engine, key, nowMs)?.value ?? null) };
    case 'exists':
      return int(read.keys.filter((key) => live(engine, key, nowMs) !== undefined).length);
    case 'strlen':
      return int(live(engine, read.key, nowMs)?.value.length ?? 0);
    case 'pttl': {
      const record = live(engine, read.key, nowMs);
      if (record === undefined) return int(-2);
      return int(record.expireAtMs === undefined ? -1 : record.expireAtMs - nowMs);
    }
    case 'scan':
      return scan(engine, read, nowMs);
    case 'dbsize':
      return int(engine.size());
  }
}

/** Examines up to `count` keys after the cursor; returns the live ones that match. */
function scan(engine: KvEngine, read: Extract<KvRead, { op: 'scan' }>, nowMs: number): KvResult {
  const count = Math.min(read.count, scanCountMax);
  const pattern = read.match === undefined ? undefined : compileGlob(read.match);
  // One extra entry tells whether anything follows, so the last page already answers cursor "0".
  const entries = engine.entriesAfter(decodeScanCursor(read.cursor), count + 1);
  const examined = entries.slice(0, count);
  const keys: string[] = [];
  for (const [key, record] of examined) {
    if (isExpired(record, nowMs)) continue;
    if (pattern === undefined || globMatches(pattern, key)) keys.push(key);
  }
  const cursor = entries.length > count ? encodeScanCursor(examined[examined.length - 1][0]) : scanCursorStart;
  return { kind: 'scan', cursor, keys };
}

/**
 * For the leader's reaper: examines up to `count` keys after `cursor` and answers those expired at
 * `nowMs`, to be proposed as a purgeExpired write (which re-checks expiry at its own atMs).
 */
export function scanExpired(engine: KvEngine, cursor: string, count: number, nowMs: number): { cursor: string; keys: string[] } {
  const bounded = Math.max(1, Math.min(count, scanCountMax));
  const entries = engine.entriesAfter(decodeScanCursor(cursor), bounded + 1);
  const examined = entries.slice(0, bounded);
  const keys = examined.filter(([, record]) => isExpired(record, nowMs)).map(([key]) => key);
  const next = entries.length > bounded ? encodeScanCursor(examined[examined.length - 1][0]) : scanCursorStart;
  return { cursor: next, keys };
}
