// String commands: GET SET MGET MSET GETDEL APPEND STRLEN INCR INCRBY DECR DECRBY.
import type { KvResult } from '../../core/kv/commands.ts';
import { spec, type CommandCall, type CommandSpec } from './command-spec.ts';
import { notIntegerError, wrongArityError } from './errors.ts';
import { asInteger, asOk, asValue, asValues, runRead, runWrite, unexpected } from './kv-replies.ts';
import { INT64_MIN, parseInt64 } from './redis-int.ts';
import { bulk, errorReply, NIL, OK, type RespReply } from './reply.ts';
import { parseSet } from './set-options.ts';

const ONE_KEY = [1, 1, 1] as const;
const ALL_KEYS = [1, -1, 1] as const;
const doc = (summary: string, since: string, complexity = 'O(1)') => ({ group: 'string', summary, since, complexity });

function set(call: CommandCall): RespReply | Promise<RespReply> {
  const write = parseSet(call.args, call.server.wallClockMs());
  if ('type' in write) return write;
  return runWrite(call, write, (result: KvResult) => {
    if (write.returnPrevious) {
      if (result.kind === 'value') return bulk(result.value);
      if (result.kind === 'notApplied') return bulk(result.previous ?? null);
    } else {
      if (result.kind === 'ok') return OK;
      if (result.kind === 'notApplied') return NIL;
    }
    return unexpected('set', result);
  });
}

function mset(call: CommandCall): RespReply | Promise<RespReply> {
  if (call.args.length % 2 === 0) return wrongArityError('mset');
  const pairs: [string, string][] = [];
  for (let at = 1; at < call.args.length; at += 2) pairs.push([call.args[at], call.args[at + 1]]);
  return runWrite(call, { op: 'mset', pairs }, asOk('mset'));
}

function incrBy(call: CommandCall, delta: bigint): Promise<RespReply> {
  return runWrite(call, { op: 'incrBy', key: call.args[1], delta }, asInteger('incrby'));
}

function incrByArgument(call: CommandCall, sign: 1n | -1n): RespReply | Promise<RespReply> {
  const amount = parseInt64(call.args[2]);
  if (amount === null) return notIntegerError;
  // -INT64_MIN does not fit in int64; Redis words this one specially.
  if (sign < 0n && amount === INT64_MIN) return errorReply('ERR decrement would overflow');
  return incrBy(call, amount * sign);
}

export const stringCommands: readonly CommandSpec[] = [
  spec('get', 2, 'readonly fast', ONE_KEY, doc('Returns the string value of a key.', '1.0.0'), (call) =>
    runRead(call, { op: 'get', key: call.args[1] }, asValue('get')),
  ),
  spec('set', -3, 'write denyoom', ONE_KEY, doc('Sets the string value of a key, ignoring its type.', '1.0.0'), set),
  spec('mget', -2, 'readonly fast', ALL_KEYS, doc('Atomically returns the string values of one or more keys.', '1.0.0', 'O(N)'), (call) =>
    runRead(call, { op: 'mget', keys: call.args.slice(1) }, asValues('mget')),
  ),
  spec('mset', -3, 'write denyoom', [1, -1, 2], doc('Atomically creates or modifies the string values of one or more keys.', '1.0.1', 'O(N)'), mset),
  spec('getdel', 2, 'write fast', ONE_KEY, doc('Returns the string value of a key after deleting the key.', '6.2.0'), (call) =>
    runWrite(call, { op: 'getdel', key: call.args[1] }, asValue('getdel')),
  ),
  spec('append', 3, 'write denyoom fast', ONE_KEY, doc('Appends a string to the value of a key. Creates the key if it does not exist.', '2.0.0'), (call) =>
    runWrite(call, { op: 'append', key: call.args[1], value: call.args[2] }, asInteger('append')),
  ),
  spec('strlen', 2, 'readonly fast', ONE_KEY, doc('Returns the length of a string value.', '2.2.0'), (call) =>
    runRead(call, { op: 'strlen', key: call.args[1] }, asInteger('strlen')),
  ),
  spec('incr', 2, 'write denyoom fast', ONE_KEY, doc('Increments the integer value of a key by one.', '1.0.0'), (call) => incrBy(call, 1n)),
  spec('decr', 2, 'write denyoom fast', ONE_KEY, doc('Decrements the integer value of a key by one.', '1.0.0'), (call) => incrBy(call, -1n)),
  spec('incrby', 3, 'write denyoom fast', ONE_KEY, doc('Increments the integer value of a key by a number.', '1.0.0'), (call) =>
    incrByArgument(call, 1n),
  ),
  spec('decrby', 3, 'write denyoom fast', ONE_KEY, doc('Decrements a number from the integer value of a key.', '1.0.0'), (call) =>
    incrByArgument(call, -1n),
  ),
];
