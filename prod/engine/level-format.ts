// How the KV state is laid out in LevelDB. One key space, split by a one-byte prefix so each part is a
// contiguous range under LevelDB's bytewise order:
//   'd' + key      -> record: flags:u8 [expireAtMs:f64be if flags & 1] value bytes
//   's' + clientId -> session (snapshot-codec's session encoding)
//   'm' + name     -> meta: 'mapplied' (f64be applied index), 'mversion' (u8 format version)
// Keys and values are byte strings (chars 0..255) and are stored as latin1 bytes, one byte per char.
import { ByteReader, ByteWriter, failWith } from '../../core/kv/bytes.ts';
import type { SessionRecord, StoredRecord } from '../../core/kv/engine.ts';
import { readSession, writeSession } from '../../core/kv/snapshot-codec.ts';
import { KvlabError } from '../../core/types.ts';

export const LEVEL_FORMAT_VERSION = 1;

export const DATA_PREFIX = 'd';
export const SESSION_PREFIX = 's';
export const dataRange = { gte: Buffer.from('d', 'latin1'), lt: Buffer.from('e', 'latin1') };
export const sessionRange = { gte: Buffer.from('s', 'latin1'), lt: Buffer.from('t', 'latin1') };
export const appliedKey = Buffer.from('mapplied', 'latin1');
export const versionKey = Buffer.from('mversion', 'latin1');

const flagExpiry = 1;
const corruptEngine = failWith('corruptEngine', 'engine record');

export const dataKey = (key: string): Buffer => Buffer.from(DATA_PREFIX + key, 'latin1');
export const sessionKey = (clientId: string): Buffer => Buffer.from(SESSION_PREFIX + clientId, 'latin1');
/** The user key of a 'd' key. */
export const userKeyOf = (stored: Buffer): string => stored.toString('latin1', 1);

export function encodeRecord(record: StoredRecord): Buffer {
  const hasExpiry = record.expireAtMs !== undefined;
  const headerBytes = hasExpiry ? 9 : 1;
  const out = Buffer.allocUnsafe(headerBytes + record.value.length);
  out[0] = hasExpiry ? flagExpiry : 0;
  if (hasExpiry) out.writeDoubleBE(record.expireAtMs!, 1);
  out.write(record.value, headerBytes, 'latin1');
  return out;
}

export function decodeRecord(bytes: Uint8Array, key: string): StoredRecord {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buffer.length < 1) corruptEngine(`of key ${JSON.stringify(key)}`, 'empty');
  const flags = buffer[0];
  if ((flags & ~flagExpiry) !== 0) corruptEngine(`of key ${JSON.stringify(key)}`, `bad flags byte ${flags}`);
  if (flags === 0) return { value: buffer.toString('latin1', 1) };
  if (buffer.length < 9) corruptEngine(`of key ${JSON.stringify(key)}`, 'truncated expiry');
  return { value: buffer.toString('latin1', 9), expireAtMs: buffer.readDoubleBE(1) };
}

export function encodeSession(session: SessionRecord): Buffer {
  const w = new ByteWriter(failWith('invalidSession', 'session'));
  writeSession(w, session);
  const bytes = w.finish();
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function decodeSession(bytes: Uint8Array): SessionRecord {
  const r = new ByteReader(bytes, corruptEngine);
  const session = readSession(r);
  r.expectEnd('session');
  return session;
}

export function encodeIndex(index: number): Buffer {
  const out = Buffer.allocUnsafe(8);
  out.writeDoubleBE(index, 0);
  return out;
}

export function decodeIndex(bytes: Uint8Array | undefined): number {
  if (bytes === undefined) return 0;
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const index = buffer.length === 8 ? buffer.readDoubleBE(0) : Number.NaN;
  if (!Number.isSafeInteger(index) || index < 0) throw new KvlabError('corruptEngine', 'engine applied index is not a non-negative integer');
  return index;
}
