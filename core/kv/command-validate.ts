// Shape checks for commands and reads: byte strings, limits, required fields. The host validates before
// proposing (encodeCommand does it), and decodeCommand repeats it so a replica never applies a command
// that breaks a limit. Failures name the field: "command write.keys[3]: length 70000 exceeds ...".
import type { KvCommand, KvRead, KvWrite } from './commands.ts';
import { failWith, firstNonByteChar, type FailFn } from './bytes.ts';
import { clientIdBytesMax, keyBytesMax, keysPerCommandMax, matchPatternCharsMax, valueBytesMax } from './limits.ts';

export const invalidCommand: FailFn = failWith('invalidCommand', 'command');
export const invalidRead: FailFn = failWith('invalidRead', 'read');

export function checkByteString(s: unknown, field: string, lengthMax: number, fail: FailFn): void {
  if (typeof s !== 'string') fail(field, `expected a string, got ${typeof s}`);
  const text = s as string;
  if (text.length > lengthMax) fail(field, `length ${text.length} exceeds the limit ${lengthMax}`);
  const at = firstNonByteChar(text);
  if (at >= 0) fail(field, `char ${text.charCodeAt(at)} at position ${at} is above 255 (keys and values are byte strings)`);
}

/** A wall-clock time or counter: a non-negative safe integer (hosts clamp negative times to 0). */
export function checkUint(n: unknown, field: string, fail: FailFn): void {
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) fail(field, `${String(n)} is not a non-negative safe integer`);
}

function checkKeyList(keys: readonly string[], field: string, fail: FailFn): void {
  if (!Array.isArray(keys)) fail(field, 'expected an array of keys');
  if (keys.length === 0) fail(field, 'needs at least one key');
  if (keys.length > keysPerCommandMax) fail(field, `${keys.length} keys exceed the limit ${keysPerCommandMax}`);
  for (let i = 0; i < keys.length; i++) checkByteString(keys[i], `${field}[${i}]`, keyBytesMax, fail);
}

function checkSet(write: Extract<KvWrite, { op: 'set' }>, fail: FailFn): void {
  checkByteString(write.key, 'write.key', keyBytesMax, fail);
  checkByteString(write.value, 'write.value', valueBytesMax, fail);
  if (write.expireAtMs !== undefined) checkUint(write.expireAtMs, 'write.expireAtMs', fail);
  if (write.expireAtMs !== undefined && write.keepTtl) fail('write.keepTtl', 'cannot be combined with an expiry');
  if (write.condition !== undefined && write.condition !== 'nx' && write.condition !== 'xx') {
    fail('write.condition', `expected 'nx' or 'xx', got ${String(write.condition)}`);
  }
}

export function validateWrite(write: KvWrite, fail: FailFn = invalidCommand): void {
  switch (write.op) {
    case 'set':
      return checkSet(write, fail);
    case 'del':
    case 'purgeExpired':
      return checkKeyList(write.keys, 'write.keys', fail);
    case 'cas':
      checkByteString(write.key, 'write.key', keyBytesMax, fail);
      if (write.expected !== null) checkByteString(write.expected, 'write.expected', valueBytesMax, fail);
      return checkByteString(write.value, 'write.value', valueBytesMax, fail);
    case 'incrBy':
      checkByteString(write.key, 'write.key', keyBytesMax, fail);
      if (typeof write.delta !== 'bigint') fail('write.delta', 'expected a bigint');
      if (BigInt.asIntN(64, write.delta) !== write.delta) fail('write.delta', `${write.delta} is outside the int64 range`);
      return;
    case 'append':
      checkByteString(write.key, 'write.key', keyBytesMax, fail);
      return checkByteString(write.value, 'write.value', valueBytesMax, fail);
    case 'expireAt':
      checkByteString(write.key, 'write.key', keyBytesMax, fail);
      return checkUint(write.atMs, 'write.atMs', fail);
    case 'persist':
    case 'getdel':
      return checkByteString(write.key, 'write.key', keyBytesMax, fail);
    case 'mset':
      return checkPairs(write.pairs, fail);
    default:
      return fail('write.op', `unknown op ${String((write as { op: unknown }).op)}`);
  }
}

function checkPairs(pairs: readonly (readonly [string, string])[], fail: FailFn): void {
  if (!Array.isArray(pairs) || pairs.length === 0) fail('write.pairs', 'needs at least one pair');
  if (pairs.length > keysPerCommandMax) fail('write.pairs', `${pairs.length} pairs exceed the limit ${keysPerCommandMax}`);
  for (let i = 0; i < pairs.length; i++) {
    if (!Array.isArray(pairs[i]) || pairs[i].length !== 2) fail(`write.pairs[${i}]`, 'expected [key, value]');
    checkByteString(pairs[i][0], `write.pairs[${i}][0]`, keyBytesMax, fail);
    checkByteString(pairs[i][1], `write.pairs[${i}][1]`, valueBytesMax, fail);
  }
}

export function validateCommand(command: KvCommand, fail: FailFn = invalidCommand): void {
  checkByteString(command.session?.clientId, 'session.clientId', clientIdBytesMax, fail);
  checkUint(command.session.seq, 'session.seq', fail);
  checkUint(command.atMs, 'atMs', fail);
  validateWrite(command.write, fail);
}

export function validateRead(read: KvRead, fail: FailFn = invalidRead): void {
  switch (read.op) {
    case 'get':
    case 'strlen':
    case 'pttl':
      return checkByteString(read.key, 'key', keyBytesMax, fail);
    case 'mget':
    case 'exists':
      return checkKeyList(read.keys, 'keys', fail);
    case 'scan':
      if (typeof read.cursor !== 'string') fail('cursor', 'expected a string');
      if (!Number.isSafeInteger(read.count) || read.count < 1) fail('count', `${read.count} is not a positive integer`);
      if (read.match !== undefined) checkByteString(read.match, 'match', matchPatternCharsMax, fail);
      return;
    case 'dbsize':
      return;
    default:
      return fail('op', `unknown op ${String((read as { op: unknown }).op)}`);
  }
}
