// Binary encoding of a KvCommand as Raft entry data. Lean and deterministic: the same command always
// gives the same bytes, and decode(encode(c)) equals c (absent optional fields stay absent).
//
//   version:u8=1  clientId:bstr  seq:uvar  atMs:uvar  op:u8  fields...
//   bstr = uvar length + latin1 bytes; uvar = LEB128 varint (canonical); int64 = zigzag varint
//
//   op  1 set       flags:u8 (1 expireAt, 2 keepTtl, 4 nx, 8 xx, 16 get) key value [expireAtMs:uvar]
//       2 del       n:uvar key*n          10 purgeExpired  n:uvar key*n
//       3 cas       key hasExpected:u8 [expected] value
//       4 incrBy    key delta:int64       5 append   key value
//       6 expireAt  key atMs:uvar         7 persist  key       9 getdel key
//       8 mset      n:uvar (key value)*n
//
// decodeCommand throws KvlabError('malformedCommand') naming the field for any input it cannot accept,
// including limit violations, so a replica never applies an out-of-bounds command.
import type { KvCommand, KvWrite } from './commands.ts';
import { ByteReader, ByteWriter, failWith, type FailFn } from './bytes.ts';
import { invalidCommand, validateCommand } from './command-validate.ts';
import { clientIdBytesMax, commandBytesMax, keyBytesMax, keysPerCommandMax, valueBytesMax } from './limits.ts';

export const commandCodecVersion = 1;

const opTags = {
  set: 1,
  del: 2,
  cas: 3,
  incrBy: 4,
  append: 5,
  expireAt: 6,
  persist: 7,
  mset: 8,
  getdel: 9,
  purgeExpired: 10,
} as const satisfies Record<KvWrite['op'], number>;

const setFlag = { expireAt: 1, keepTtl: 2, nx: 4, xx: 8, get: 16 } as const;
const setFlagsAll = 31;

const malformed: FailFn = failWith('malformedCommand', 'command');

/** One writer for every encode (finish copies, and encodes never nest): no buffer made per command. */
const commandWriter = new ByteWriter(invalidCommand, 256);

/** Validates (throwing KvlabError 'invalidCommand' naming the field) and encodes. */
export function encodeCommand(command: KvCommand): Uint8Array {
  validateCommand(command);
  const w = commandWriter;
  w.reset();
  w.byte(commandCodecVersion);
  // Stryker disable StringLiteral: validateCommand refuses first every value these writes could refuse, so no field name here is ever shown
  w.byteString(command.session.clientId, 'session.clientId');
  w.uint(command.session.seq, 'session.seq');
  w.uint(command.atMs, 'atMs');
  // Stryker restore StringLiteral
  encodeWrite(w, command.write);
  if (w.size > commandBytesMax) invalidCommand('size', `${w.size} bytes exceed the limit ${commandBytesMax}`);
  return w.finishView();
}

// Stryker disable StringLiteral: validateCommand refuses first every value these writes could refuse, so no field name here is ever shown
function encodeWrite(w: ByteWriter, write: KvWrite): void {
  w.byte(opTags[write.op]);
  switch (write.op) {
    case 'set': {
      const flags =
        (write.expireAtMs !== undefined ? setFlag.expireAt : 0) |
        (write.keepTtl ? setFlag.keepTtl : 0) |
        (write.condition === 'nx' ? setFlag.nx : write.condition === 'xx' ? setFlag.xx : 0) |
        (write.returnPrevious ? setFlag.get : 0);
      w.byte(flags);
      w.byteString(write.key, 'write.key');
      w.byteString(write.value, 'write.value');
      if (write.expireAtMs !== undefined) w.uint(write.expireAtMs, 'write.expireAtMs');
      return;
    }
    case 'del':
    case 'purgeExpired':
      w.uint(write.keys.length, 'write.keys');
      for (const key of write.keys) w.byteString(key, 'write.keys');
      return;
    case 'cas':
      w.byteString(write.key, 'write.key');
      w.byte(write.expected === null ? 0 : 1);
      if (write.expected !== null) w.byteString(write.expected, 'write.expected');
      w.byteString(write.value, 'write.value');
      return;
    case 'incrBy':
      w.byteString(write.key, 'write.key');
      w.int64(write.delta, 'write.delta');
      return;
    case 'append':
      w.byteString(write.key, 'write.key');
      w.byteString(write.value, 'write.value');
      return;
    case 'expireAt':
      w.byteString(write.key, 'write.key');
      w.uint(write.atMs, 'write.atMs');
      return;
    case 'persist':
    case 'getdel':
      w.byteString(write.key, 'write.key');
      return;
    case 'mset':
      w.uint(write.pairs.length, 'write.pairs');
      for (const [key, value] of write.pairs) {
        w.byteString(key, 'write.pairs.key');
        w.byteString(value, 'write.pairs.value');
      }
      return;
  }
}
// Stryker restore StringLiteral

export function decodeCommand(data: Uint8Array): KvCommand {
  if (data.length > commandBytesMax) malformed('size', `${data.length} bytes exceed the limit ${commandBytesMax}`);
  const r = new ByteReader(data, malformed);
  const version = r.byte('version');
  if (version !== commandCodecVersion) r.fail('version', `unsupported version ${version} (expected ${commandCodecVersion})`);
  const clientId = r.byteString('session.clientId', clientIdBytesMax);
  const seq = r.uint('session.seq');
  const atMs = r.uint('atMs');
  const write = decodeWrite(r);
  r.expectEnd('write');
  return { session: { clientId, seq }, atMs, write };
}

// No helper closures here: this runs for every command on every replica, and under tsx each named
// closure made per call also costs a __name call.
function decodeWrite(r: ByteReader): KvWrite {
  const tag = r.byte('write.op');
  switch (tag) {
    case opTags.set:
      return decodeSet(r);
    case opTags.del:
      return { op: 'del', keys: decodeKeys(r) };
    case opTags.purgeExpired:
      return { op: 'purgeExpired', keys: decodeKeys(r) };
    case opTags.cas: {
      const key = decodeKey(r);
      const hasExpected = r.byte('write.expected');
      if (hasExpected > 1) r.fail('write.expected', `presence byte ${hasExpected} is not 0 or 1`);
      const expected = hasExpected === 1 ? r.byteString('write.expected', valueBytesMax) : null;
      return { op: 'cas', key, expected, value: decodeValue(r) };
    }
    case opTags.incrBy: {
      const key = decodeKey(r);
      return { op: 'incrBy', key, delta: r.int64('write.delta') };
    }
    case opTags.append: {
      const key = decodeKey(r);
      return { op: 'append', key, value: decodeValue(r) };
    }
    case opTags.expireAt: {
      const key = decodeKey(r);
      return { op: 'expireAt', key, atMs: r.uint('write.atMs') };
    }
    case opTags.persist:
      return { op: 'persist', key: decodeKey(r) };
    case opTags.getdel:
      return { op: 'getdel', key: decodeKey(r) };
    case opTags.mset:
      return decodeMset(r);
    default:
      return r.fail('write.op', `unknown op tag ${tag}`);
  }
}

function decodeKey(r: ByteReader): string {
  return r.byteString('write.key', keyBytesMax);
}

function decodeValue(r: ByteReader): string {
  return r.byteString('write.value', valueBytesMax);
}

function decodeSet(r: ByteReader): KvWrite {
  const flags = r.byte('write.flags');
  if ((flags & ~setFlagsAll) !== 0) r.fail('write.flags', `unknown flag bits in ${flags}`);
  if (flags & setFlag.nx && flags & setFlag.xx) r.fail('write.flags', 'nx and xx are both set');
  if (flags & setFlag.expireAt && flags & setFlag.keepTtl) r.fail('write.flags', 'keepTtl cannot be combined with an expiry');
  const key = r.byteString('write.key', keyBytesMax);
  const value = r.byteString('write.value', valueBytesMax);
  if (flags === 0) return { op: 'set', key, value }; // the common case, without the spreads below
  const expireAtMs = flags & setFlag.expireAt ? r.uint('write.expireAtMs') : undefined;
  return {
    op: 'set',
    key,
    value,
    ...(expireAtMs !== undefined && { expireAtMs }),
    ...((flags & setFlag.keepTtl) !== 0 && { keepTtl: true }),
    ...((flags & setFlag.nx) !== 0 && { condition: 'nx' as const }),
    ...((flags & setFlag.xx) !== 0 && { condition: 'xx' as const }),
    ...((flags & setFlag.get) !== 0 && { returnPrevious: true }),
  };
}

/** A count prefix, checked against the limit and against the bytes left (each item takes >= 1 byte). */
function decodeCount(r: ByteReader, field: string, bytesPerItemMin: number): number {
  const n = r.uint(field);
  if (n === 0) r.fail(field, 'needs at least one item');
  if (n > keysPerCommandMax) r.fail(field, `${n} items exceed the limit ${keysPerCommandMax}`);
  if (n * bytesPerItemMin > r.remaining) r.fail(field, `${n} items cannot fit in the ${r.remaining} bytes left`);
  return n;
}

function decodeKeys(r: ByteReader): string[] {
  const n = decodeCount(r, 'write.keys', 1);
  const keys: string[] = [];
  for (let i = 0; i < n; i++) keys.push(r.byteString(`write.keys[${i}]`, keyBytesMax));
  return keys;
}

function decodeMset(r: ByteReader): KvWrite {
  const n = decodeCount(r, 'write.pairs', 2);
  const pairs: (readonly [string, string])[] = [];
  for (let i = 0; i < n; i++) {
    const key = r.byteString(`write.pairs[${i}][0]`, keyBytesMax);
    pairs.push([key, r.byteString(`write.pairs[${i}][1]`, valueBytesMax)]);
  }
  return { op: 'mset', pairs };
}
