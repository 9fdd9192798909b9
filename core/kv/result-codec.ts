// Binary encoding of a KvResult: the session table keeps each client's last result, and it travels in
// snapshots and engine records. Deterministic, like the command codec.
//
//   kind:u8  1 ok | 2 value opt | 3 values n:uvar opt*n | 4 int int64 | 5 notApplied prev:u8 (0 absent,
//   1 null, 2 value) [bstr] | 6 casFailed opt | 7 scan cursor:bstr n:uvar key*n | 8 error message:utf8
//   opt = presence:u8 (0 null, 1 value) [bstr]
import type { KvResult } from './commands.ts';
import type { ByteReader, ByteWriter } from './bytes.ts';
import { keyBytesMax, keysPerCommandMax, scanCountMax, valueBytesMax } from './limits.ts';

const kindTags = {
  ok: 1,
  value: 2,
  values: 3,
  int: 4,
  notApplied: 5,
  casFailed: 6,
  scan: 7,
  error: 8,
} as const satisfies Record<KvResult['kind'], number>;

const errorMessageBytesMax = 64 * 1024;
/** A scan cursor is "0" or "1" followed by the hex of a key. */
const cursorBytesMax = 1 + 2 * keyBytesMax;

function writeOptional(w: ByteWriter, value: string | null, field: string): void {
  w.byte(value === null ? 0 : 1);
  if (value !== null) w.byteString(value, field);
}

function readOptional(r: ByteReader, field: string): string | null {
  const presence = r.byte(field);
  if (presence > 1) r.fail(field, `presence byte ${presence} is not 0 or 1`);
  return presence === 1 ? r.byteString(field, valueBytesMax) : null;
}

export function writeResult(w: ByteWriter, result: KvResult): void {
  w.byte(kindTags[result.kind]);
  switch (result.kind) {
    case 'ok':
      return;
    case 'value':
      return writeOptional(w, result.value, 'result.value');
    case 'values':
      w.uint(result.values.length, 'result.values');
      for (const v of result.values) writeOptional(w, v, 'result.values');
      return;
    case 'int':
      return w.int64(result.value, 'result.value');
    case 'notApplied':
      w.byte(result.previous === undefined ? 0 : result.previous === null ? 1 : 2);
      if (typeof result.previous === 'string') w.byteString(result.previous, 'result.previous');
      return;
    case 'casFailed':
      return writeOptional(w, result.current, 'result.current');
    case 'scan':
      w.byteString(result.cursor, 'result.cursor');
      w.uint(result.keys.length, 'result.keys');
      for (const key of result.keys) w.byteString(key, 'result.keys');
      return;
    case 'error':
      return w.text(result.message, 'result.message');
  }
}

function readCount(r: ByteReader, field: string, countMax: number): number {
  const n = r.uint(field);
  if (n > countMax) r.fail(field, `${n} items exceed the limit ${countMax}`);
  if (n > r.remaining) r.fail(field, `${n} items cannot fit in the ${r.remaining} bytes left`);
  return n;
}

export function readResult(r: ByteReader): KvResult {
  const tag = r.byte('result.kind');
  switch (tag) {
    case kindTags.ok:
      return { kind: 'ok' };
    case kindTags.value:
      return { kind: 'value', value: readOptional(r, 'result.value') };
    case kindTags.values: {
      const n = readCount(r, 'result.values', keysPerCommandMax);
      const values: (string | null)[] = [];
      for (let i = 0; i < n; i++) values.push(readOptional(r, 'result.values'));
      return { kind: 'values', values };
    }
    case kindTags.int:
      return { kind: 'int', value: r.int64('result.value') };
    case kindTags.notApplied: {
      const previous = r.byte('result.previous');
      if (previous > 2) r.fail('result.previous', `presence byte ${previous} is not 0, 1 or 2`);
      if (previous === 0) return { kind: 'notApplied' };
      return { kind: 'notApplied', previous: previous === 1 ? null : r.byteString('result.previous', valueBytesMax) };
    }
    case kindTags.casFailed:
      return { kind: 'casFailed', current: readOptional(r, 'result.current') };
    case kindTags.scan: {
      const cursor = r.byteString('result.cursor', cursorBytesMax);
      const n = readCount(r, 'result.keys', scanCountMax);
      const keys: string[] = [];
      for (let i = 0; i < n; i++) keys.push(r.byteString('result.keys', keyBytesMax));
      return { kind: 'scan', cursor, keys };
    }
    case kindTags.error:
      return { kind: 'error', message: r.text('result.message', errorMessageBytesMax) };
    default:
      return r.fail('result.kind', `unknown kind tag ${tag}`);
  }
}
