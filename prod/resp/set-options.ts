// SET key value [NX | XX] [GET] [EX s | PX ms | EXAT unix-s | PXAT unix-ms | KEEPTTL], parsed with the
// same acceptance rules as Redis 7: options in any order and any case, NX with XX or two different
// expiry kinds is a syntax error, repeating the same option is allowed (the last value wins).
import type { KvWrite } from '../../core/kv/commands.ts';
import { invalidExpireError, notIntegerError, syntaxError } from './errors.ts';
import { absoluteExpiryMs, type ExpiryUnit } from './expiry.ts';
import { parseInt64 } from './redis-int.ts';
import type { RespReply } from './reply.ts';

type SetWrite = Extract<KvWrite, { op: 'set' }>;

const EXPIRY_OPTIONS: Record<string, ExpiryUnit> = { ex: 'seconds', px: 'ms', exat: 'unixSeconds', pxat: 'unixMs' };

interface SetFlags {
  condition?: 'nx' | 'xx';
  returnPrevious: boolean;
  keepTtl: boolean;
  expiry?: { unit: ExpiryUnit; amount: string };
}

/** args = [SET, key, value, ...options]. A KvWrite, or the error reply Redis would give. */
export function parseSet(args: readonly string[], nowMs: number): SetWrite | RespReply {
  const flags = parseSetFlags(args);
  if ('type' in flags) return flags;
  let expireAtMs: number | undefined;
  if (flags.expiry) {
    const amount = parseInt64(flags.expiry.amount);
    if (amount === null) return notIntegerError;
    if (amount <= 0n) return invalidExpireError('set');
    const atMs = absoluteExpiryMs(amount, flags.expiry.unit, nowMs);
    if (atMs === null) return invalidExpireError('set');
    expireAtMs = atMs;
  }
  return {
    op: 'set',
    key: args[1],
    value: args[2],
    ...(expireAtMs !== undefined ? { expireAtMs } : {}),
    ...(flags.keepTtl ? { keepTtl: true } : {}),
    ...(flags.condition ? { condition: flags.condition } : {}),
    ...(flags.returnPrevious ? { returnPrevious: true } : {}),
  };
}

function parseSetFlags(args: readonly string[]): SetFlags | RespReply {
  const flags: SetFlags = { returnPrevious: false, keepTtl: false };
  for (let at = 3; at < args.length; at++) {
    const option = args[at].toLowerCase();
    const unit = EXPIRY_OPTIONS[option];
    if ((option === 'nx' || option === 'xx') && flags.condition !== undefined && flags.condition !== option) {
      return syntaxError;
    } else if (option === 'nx' || option === 'xx') {
      flags.condition = option;
    } else if (option === 'get') {
      flags.returnPrevious = true;
    } else if (option === 'keepttl') {
      if (flags.expiry) return syntaxError;
      flags.keepTtl = true;
    } else if (unit !== undefined && at + 1 < args.length) {
      if (flags.keepTtl || (flags.expiry && flags.expiry.unit !== unit)) return syntaxError;
      flags.expiry = { unit, amount: args[at + 1] };
      at += 1;
    } else {
      return syntaxError;
    }
  }
  return flags;
}
