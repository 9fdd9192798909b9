// Keyspace commands: DEL EXISTS EXPIRE PEXPIRE TTL PTTL PERSIST SCAN DBSIZE.
import type { KvResult } from '../../core/kv/commands.ts';
import { spec, type CommandCall, type CommandSpec } from './command-spec.ts';
import { invalidExpireError, notIntegerError, syntaxError } from './errors.ts';
import { absoluteExpiryMs } from './expiry.ts';
import { asInteger, runRead, runWrite, unexpected } from './kv-replies.ts';
import { parseInt64 } from './redis-int.ts';
import { array, bulk, bulkArray, errorReply, integer, type RespReply } from './reply.ts';

const ONE_KEY = [1, 1, 1] as const;
const ALL_KEYS = [1, -1, 1] as const;
const NO_KEYS = [0, 0, 0] as const;
const doc = (summary: string, since: string, complexity = 'O(1)') => ({ group: 'generic', summary, since, complexity });

/** SCAN's COUNT when the client names none (as in Redis). */
const SCAN_COUNT_DEFAULT = 10;
/** Cursors are unsigned 64-bit decimals, as redis-cli and client libraries parse them. */
const CURSOR = /^(0|[1-9][0-9]{0,19})$/;
const UINT64_MAX = 2n ** 64n - 1n;
const invalidCursor = errorReply('ERR invalid cursor');

function expire(call: CommandCall, unit: 'seconds' | 'ms'): RespReply | Promise<RespReply> {
  const name = unit === 'seconds' ? 'expire' : 'pexpire';
  if (call.args.length > 3) {
    const option = call.args[3].toLowerCase();
    if (['nx', 'xx', 'gt', 'lt'].includes(option)) {
      return errorReply(`ERR ${name.toUpperCase()} options NX, XX, GT and LT are not supported by kvlab`);
    }
    return errorReply(`ERR Unsupported option ${call.args[3]}`);
  }
  const amount = parseInt64(call.args[2]);
  if (amount === null) return notIntegerError;
  const atMs = absoluteExpiryMs(amount, unit, call.server.wallClockMs());
  if (atMs === null) return invalidExpireError(name);
  return runWrite(call, { op: 'expireAt', key: call.args[1], atMs }, asInteger(name));
}

function ttl(call: CommandCall, unit: 'seconds' | 'ms'): Promise<RespReply> {
  return runRead(call, { op: 'pttl', key: call.args[1] }, (result: KvResult) => {
    if (result.kind !== 'int') return unexpected('pttl', result);
    // -2 (absent) and -1 (no expiry) pass through; Redis rounds TTL to the nearest second.
    if (unit === 'ms' || result.value < 0n) return integer(result.value);
    return integer((result.value + 500n) / 1000n);
  });
}

interface ScanOptions {
  count: number;
  match?: string;
  type?: string;
}

function parseScanOptions(call: CommandCall): ScanOptions | RespReply {
  const options: ScanOptions = { count: SCAN_COUNT_DEFAULT };
  for (let at = 2; at < call.args.length; at += 2) {
    const option = call.args[at].toLowerCase();
    const value = call.args[at + 1];
    if (value === undefined) return syntaxError;
    if (option === 'count') {
      const count = parseInt64(value);
      if (count === null) return notIntegerError;
      if (count < 1n) return syntaxError;
      options.count = Math.min(Number(count), call.server.limits.scanCountMax);
    } else if (option === 'match') {
      options.match = value;
    } else if (option === 'type') {
      options.type = value.toLowerCase();
    } else {
      return syntaxError;
    }
  }
  return options;
}

function scan(call: CommandCall): RespReply | Promise<RespReply> {
  const clientCursor = call.args[1];
  if (!CURSOR.test(clientCursor) || BigInt(clientCursor) > UINT64_MAX) return invalidCursor;
  const options = parseScanOptions(call);
  if (!('count' in options)) return options;
  const cursor = call.server.scanCursors.fromClient(clientCursor);
  if (cursor === undefined) return invalidCursor;
  const match = options.match !== undefined ? { match: options.match } : {};
  const read = { op: 'scan', cursor, count: options.count, ...match } as const;
  // Every kvlab value is a string: TYPE string filters nothing, any other TYPE matches no key.
  const keepKeys = options.type === undefined || options.type === 'string';
  return runRead(call, read, (result) => {
    if (result.kind !== 'scan') return unexpected('scan', result);
    const next = call.server.scanCursors.toClient(result.cursor);
    return array([bulk(next), bulkArray(keepKeys ? result.keys : [])]);
  });
}

export const keyspaceCommands: readonly CommandSpec[] = [
  spec('del', -2, 'write', ALL_KEYS, doc('Deletes one or more keys.', '1.0.0', 'O(N)'), (call) =>
    runWrite(call, { op: 'del', keys: call.args.slice(1) }, asInteger('del')),
  ),
  spec('exists', -2, 'readonly fast', ALL_KEYS, doc('Determines whether one or more keys exist.', '1.0.0', 'O(N)'), (call) =>
    runRead(call, { op: 'exists', keys: call.args.slice(1) }, asInteger('exists')),
  ),
  spec('expire', -3, 'write fast', ONE_KEY, doc("Sets the expiration time of a key in seconds.", '1.0.0'), (call) => expire(call, 'seconds')),
  spec('pexpire', -3, 'write fast', ONE_KEY, doc('Sets the expiration time of a key in milliseconds.', '2.6.0'), (call) => expire(call, 'ms')),
  spec('ttl', 2, 'readonly random fast', ONE_KEY, doc('Returns the expiration time in seconds of a key.', '1.0.0'), (call) => ttl(call, 'seconds')),
  spec('pttl', 2, 'readonly random fast', ONE_KEY, doc('Returns the expiration time in milliseconds of a key.', '2.6.0'), (call) => ttl(call, 'ms')),
  spec('persist', 2, 'write fast', ONE_KEY, doc('Removes the expiration time of a key.', '2.2.0'), (call) =>
    runWrite(call, { op: 'persist', key: call.args[1] }, asInteger('persist')),
  ),
  spec('scan', -2, 'readonly', NO_KEYS, doc('Iterates over the key names in the database.', '2.8.0', 'O(1) for every call.'), scan),
  spec('dbsize', 1, 'readonly fast', NO_KEYS, doc('Returns the number of keys in the database.', '1.0.0'), (call) =>
    runRead(call, { op: 'dbsize' }, asInteger('dbsize')),
  ),
];
