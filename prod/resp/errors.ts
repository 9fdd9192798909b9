// Error replies worded as Redis words them (checked against redis-server 7.0), so clients and scripts
// that match on them keep working, plus the replies for kvlab's own failure modes:
//   no leader / node stopping -> -CLUSTERDOWN  (the cluster cannot serve now; retry later)
//   overloaded                -> -TRYAGAIN     (this node is busy; retry later)
//   timeout                   -> -TIMEOUT      (the write may or may not have happened)
import type { ClientError } from '../../core/node/client-api.ts';
import { errorReply, type RespReply } from './reply.ts';

/** Redis quotes at most this many bytes of the offending command and of its arguments. */
const QUOTED_BYTES_MAX = 128;

export function unknownCommandError(args: readonly string[]): RespReply {
  let quotedArgs = '';
  for (let i = 1; i < args.length && quotedArgs.length < QUOTED_BYTES_MAX; i++) {
    quotedArgs += `'${args[i].slice(0, QUOTED_BYTES_MAX - quotedArgs.length)}' `;
  }
  const name = args[0].slice(0, QUOTED_BYTES_MAX);
  return errorReply(`ERR unknown command '${name}', with args beginning with: ${quotedArgs}`);
}

/** `fullName` is lowercase, with `container|sub` for subcommands (`client|setname`). */
export const wrongArityError = (fullName: string): RespReply =>
  errorReply(`ERR wrong number of arguments for '${fullName}' command`);

export const unknownSubcommandError = (sub: string, container: string): RespReply =>
  errorReply(`ERR unknown subcommand '${sub.slice(0, QUOTED_BYTES_MAX)}'. Try ${container.toUpperCase()} HELP.`);

export const syntaxError = errorReply('ERR syntax error');
export const notIntegerError = errorReply('ERR value is not an integer or out of range');
export const noAuthError = errorReply('NOAUTH Authentication required.');
export const wrongPassError = errorReply('WRONGPASS invalid username-password pair or user is disabled.');
export const noPasswordSetError = errorReply(
  'ERR AUTH <password> called without any password configured for the default user. ' +
    'Are you sure your configuration is correct?',
);
export const invalidExpireError = (command: string): RespReply =>
  errorReply(`ERR invalid expire time in '${command}' command`);

export function keyTooLargeError(keyBytes: number, keyBytesMax: number): RespReply {
  return errorReply(`ERR key of ${keyBytes} bytes exceeds keyBytesMax ${keyBytesMax}`);
}

/** A request the node could not serve. */
export function clientErrorReply(error: ClientError): RespReply {
  switch (error.code) {
    case 'noLeader':
      return errorReply(`CLUSTERDOWN ${error.message} (retry in ${error.retryAfterMs} ms)`);
    case 'stopping':
      return errorReply(`CLUSTERDOWN ${error.message}`);
    case 'overloaded':
      return errorReply(`TRYAGAIN ${error.message} (retry in ${error.retryAfterMs} ms)`);
    case 'timeout':
      return errorReply(`TIMEOUT ${error.message} (outcome unknown: the write may or may not have been applied)`);
    case 'tooLarge':
    case 'invalid':
    case 'sessionBroken':
      return errorReply(`ERR ${error.message}`);
  }
}

/** An error the state machine answered (INCR of a non-integer); Redis-style codes pass through. */
export function resultErrorReply(message: string): RespReply {
  return errorReply(/^[A-Z]+ /.test(message) ? message : `ERR ${message}`);
}
