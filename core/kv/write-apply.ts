// Redis semantics of each write, evaluated at the command's atMs on a WriteSet. Pure and deterministic:
// every replica computes the same result and the same mutations. An expired key counts as absent, and
// a write that finds one deletes it (lazy reclamation, identical on every replica).
import type { KvResult, KvWrite } from './commands.ts';
import type { StoredRecord } from './engine.ts';
import { isExpired, makeRecord } from './expiry.ts';
import { addInt64, notIntegerMessage, overflowMessage, parseInt64 } from './int64.ts';
import { valueBytesMax } from './limits.ts';
import type { WriteSet } from './write-set.ts';

export const valueTooLargeMessage = 'ERR string exceeds maximum allowed size';

const ok: KvResult = { kind: 'ok' };
const int = (n: number | bigint): KvResult => ({ kind: 'int', value: BigInt(n) });

/** The live record of `key` at `atMs`; an expired one is deleted and reported absent. */
function live(ws: WriteSet, key: string, atMs: number): StoredRecord | undefined {
  const record = ws.get(key);
  if (record === undefined || !isExpired(record, atMs)) return record;
  ws.delete(key);
  return undefined;
}

export function applyWrite(ws: WriteSet, write: KvWrite, atMs: number): KvResult {
  switch (write.op) {
    case 'set':
      return applySet(ws, write, atMs);
    case 'del': {
      let deleted = 0;
      for (const key of write.keys) {
        if (live(ws, key, atMs) === undefined) continue;
        ws.delete(key);
        deleted++;
      }
      return int(deleted);
    }
    case 'cas': {
      const current = live(ws, write.key, atMs)?.value ?? null;
      if (current !== write.expected) return { kind: 'casFailed', current };
      ws.put(write.key, { value: write.value });
      return ok;
    }
    case 'incrBy':
      return applyIncrBy(ws, write.key, write.delta, atMs);
    case 'append':
      return applyAppend(ws, write.key, write.value, atMs);
    case 'expireAt':
      return applyExpireAt(ws, write.key, write.atMs, atMs);
    case 'persist': {
      const current = live(ws, write.key, atMs);
      if (current?.expireAtMs === undefined) return int(0);
      ws.put(write.key, { value: current.value });
      return int(1);
    }
    case 'mset':
      for (const [key, value] of write.pairs) ws.put(key, { value });
      return ok;
    case 'getdel': {
      const current = live(ws, write.key, atMs);
      if (current !== undefined) ws.delete(write.key);
      return { kind: 'value', value: current?.value ?? null };
    }
    case 'purgeExpired':
      return applyPurgeExpired(ws, write.keys, atMs);
  }
}

function applySet(ws: WriteSet, write: Extract<KvWrite, { op: 'set' }>, atMs: number): KvResult {
  if (write.condition === undefined && !write.returnPrevious && !write.keepTtl) {
    // A plain SET replaces whatever is there, expired or not, so it need not read it: in production
    // that read is a synchronous LevelDB lookup on every node for every SET of a key not written lately.
    if (write.expireAtMs !== undefined && write.expireAtMs <= atMs) ws.delete(write.key);
    else ws.put(write.key, makeRecord(write.value, write.expireAtMs));
    return ok;
  }
  const current = live(ws, write.key, atMs);
  const previous = current?.value ?? null;
  const holds = write.condition === 'nx' ? current === undefined : write.condition === 'xx' ? current !== undefined : true;
  if (!holds) return write.returnPrevious ? { kind: 'notApplied', previous } : { kind: 'notApplied' };
  const expireAtMs = write.keepTtl ? current?.expireAtMs : write.expireAtMs;
  // An expiry at or before "now" means the key is gone at once (Redis deletes it rather than storing it).
  if (expireAtMs !== undefined && expireAtMs <= atMs) ws.delete(write.key);
  else ws.put(write.key, makeRecord(write.value, expireAtMs));
  return write.returnPrevious ? { kind: 'value', value: previous } : ok;
}

function applyIncrBy(ws: WriteSet, key: string, delta: bigint, atMs: number): KvResult {
  const current = live(ws, key, atMs);
  const value = current === undefined ? 0n : parseInt64(current.value);
  if (value === undefined) return { kind: 'error', message: notIntegerMessage };
  const sum = addInt64(value, delta);
  if (sum === undefined) return { kind: 'error', message: overflowMessage };
  ws.put(key, makeRecord(sum.toString(), current?.expireAtMs));
  return int(sum);
}

function applyAppend(ws: WriteSet, key: string, suffix: string, atMs: number): KvResult {
  const current = live(ws, key, atMs);
  const length = (current?.value.length ?? 0) + suffix.length;
  if (length > valueBytesMax) return { kind: 'error', message: valueTooLargeMessage };
  ws.put(key, makeRecord((current?.value ?? '') + suffix, current?.expireAtMs));
  return int(length);
}

function applyExpireAt(ws: WriteSet, key: string, expireAtMs: number, atMs: number): KvResult {
  const current = live(ws, key, atMs);
  if (current === undefined) return int(0);
  if (expireAtMs <= atMs) ws.delete(key);
  else ws.put(key, { value: current.value, expireAtMs });
  return int(1);
}

function applyPurgeExpired(ws: WriteSet, keys: readonly string[], atMs: number): KvResult {
  let purged = 0;
  for (const key of keys) {
    const record = ws.get(key);
    if (record === undefined || !isExpired(record, atMs)) continue;
    ws.delete(key);
    purged++;
  }
  return int(purged);
}
