// SCAN cursors. "0" starts a scan and, when returned, ends it (what redis-cli and ioredis expect).
// Any other cursor is "1" followed by the lowercase hex of the last key examined: the next call resumes
// strictly after that key in byte order, so every key present for the whole scan is returned exactly
// once, whatever is added or removed meanwhile, and cursors survive snapshots and leader changes.
import { byteStringToHex, hexToByteString } from './bytes.ts';
import { invalidRead } from './command-validate.ts';
import { keyBytesMax } from './limits.ts';

export const scanCursorStart = '0';

export function encodeScanCursor(lastKey: string): string {
  return '1' + byteStringToHex(lastKey);
}

/** The key to resume after (null = from the first key); throws KvlabError('invalidRead') for a foreign cursor. */
export function decodeScanCursor(cursor: string): string | null {
  if (cursor === scanCursorStart) return null;
  const key = cursor.length <= 1 + 2 * keyBytesMax && cursor[0] === '1' ? hexToByteString(cursor.slice(1)) : undefined;
  if (key === undefined) invalidRead('cursor', `${JSON.stringify(cursor.slice(0, 40))} is not a cursor this store returned (invalid cursor)`);
  return key as string;
}
