// Connection commands: PING ECHO AUTH CLIENT (ID GETNAME SETNAME SETINFO HELP) SELECT QUIT.
import { createHash, timingSafeEqual } from 'node:crypto';
import { spec, type CommandCall, type CommandSpec } from './command-spec.ts';
import { noPasswordSetError, notIntegerError, syntaxError, wrongArityError, wrongPassError } from './errors.ts';
import { REDIS_COMPAT_VERSION } from './info.ts';
import { parseInt64 } from './redis-int.ts';
import { array, bulk, errorReply, integer, NIL, OK, simple, type RespReply } from './reply.ts';

const NO_KEYS = [0, 0, 0] as const;
const doc = (group: string, summary: string, since: string) => ({ group, summary, since, complexity: 'O(1)' });
/** Client names and library tags are printable ASCII without spaces, as in Redis. */
const CLIENT_NAME = /^[!-~]*$/;

/** Compares digests, so neither the content nor the length of the password leaks through timing. */
export function passwordMatches(given: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text, 'latin1').digest();
  return timingSafeEqual(digest(given), digest(expected));
}

function ping(call: CommandCall): RespReply {
  if (call.args.length > 2) return wrongArityError('ping');
  return call.args.length === 2 ? bulk(call.args[1]) : simple('PONG');
}

function auth(call: CommandCall): RespReply {
  if (call.args.length > 3) return syntaxError;
  const password = call.server.requirepass;
  if (password === null) return noPasswordSetError;
  // AUTH <password> or AUTH <username> <password>; kvlab has only the 'default' user.
  const user = call.args.length === 3 ? call.args[1] : 'default';
  const given = call.args[call.args.length - 1];
  if (user !== 'default' || !passwordMatches(given, password)) return wrongPassError;
  call.connection.authenticated = true;
  return OK;
}

/**
 * HELLO [protover [AUTH user pass] [SETNAME name]]: kvlab speaks RESP2 only, so HELLO 3 answers NOPROTO
 * (clients such as ioredis then fall back to RESP2) and HELLO / HELLO 2 answer the server map.
 */
function hello(call: CommandCall): RespReply {
  const { args, connection } = call;
  if (args.length >= 2) {
    const version = parseInt64(args[1]);
    if (version === null) return errorReply('ERR Protocol version is not an integer or out of range');
    if (version !== 2n) return errorReply('NOPROTO unsupported protocol version');
  }
  let name: string | undefined;
  for (let at = 2; at < args.length; at++) {
    const option = args[at].toLowerCase();
    if (option === 'auth' && at + 2 < args.length) {
      const authReply = auth({ ...call, args: ['AUTH', args[at + 1], args[at + 2]] });
      if (authReply.type === 'error') return authReply;
      at += 2;
    } else if (option === 'setname' && at + 1 < args.length) {
      name = args[at + 1];
      if (!CLIENT_NAME.test(name)) return errorReply('ERR Client names cannot contain spaces, newlines or special characters.');
      at += 1;
    } else {
      return errorReply(`ERR Syntax error in HELLO option '${args[at]}'`);
    }
  }
  if (!connection.authenticated) {
    return errorReply(
      'NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> ' +
        'option can be used to authenticate the client and select the RESP protocol version at the same time',
    );
  }
  if (name !== undefined) connection.name = name === '' ? null : name;
  return array([
    bulk('server'), bulk('redis'),
    bulk('version'), bulk(REDIS_COMPAT_VERSION),
    bulk('proto'), integer(2),
    bulk('id'), integer(connection.id),
    bulk('mode'), bulk('standalone'),
    bulk('role'), bulk('master'),
    bulk('modules'), array([]),
  ]);
}

function select(call: CommandCall): RespReply {
  const index = parseInt64(call.args[1]);
  if (index === null) return notIntegerError;
  return index === 0n ? OK : errorReply('ERR DB index is out of range');
}

function clientSetName(call: CommandCall): RespReply {
  const name = call.args[2];
  if (!CLIENT_NAME.test(name)) return errorReply('ERR Client names cannot contain spaces, newlines or special characters.');
  call.connection.name = name === '' ? null : name;
  return OK;
}

function clientSetInfo(call: CommandCall): RespReply {
  const attribute = call.args[2].toLowerCase();
  const value = call.args[3];
  if (attribute !== 'lib-name' && attribute !== 'lib-ver') return errorReply(`ERR Unrecognized option '${call.args[2]}'`);
  if (!CLIENT_NAME.test(value)) return errorReply(`ERR ${attribute} cannot contain spaces, newlines or special characters.`);
  if (attribute === 'lib-name') call.connection.libName = value;
  else call.connection.libVersion = value;
  return OK;
}

const CLIENT_HELP = [
  'CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'GETNAME',
  '    Return the name of the current connection.',
  'ID',
  '    Return the ID of the current connection.',
  'SETINFO <option> <value>',
  '    Set client meta attr. Options are: LIB-NAME, LIB-VER.',
  'SETNAME <name>',
  '    Assign the name <name> to the current connection.',
  'HELP',
  '    Print this help.',
];

const clientDoc = (summary: string, since: string) => doc('connection', summary, since);

const clientSubcommands: readonly CommandSpec[] = [
  spec('client|id', 2, 'noscript loading stale', NO_KEYS, clientDoc('Returns the unique client ID of the connection.', '5.0.0'), (call) =>
    integer(call.connection.id),
  ),
  spec('client|getname', 2, 'noscript loading stale', NO_KEYS, clientDoc('Returns the name of the connection.', '2.6.9'), (call) =>
    call.connection.name === null ? NIL : bulk(call.connection.name),
  ),
  spec('client|setname', 3, 'noscript loading stale', NO_KEYS, clientDoc('Sets the connection name.', '2.6.9'), clientSetName),
  spec('client|setinfo', 4, 'noscript loading stale', NO_KEYS, clientDoc('Sets information specific to the client or connection.', '7.2.0'), clientSetInfo),
  spec('client|help', 2, 'loading stale', NO_KEYS, clientDoc('Returns helpful text about the different subcommands.', '5.0.0'), () =>
    array(CLIENT_HELP.map(simple)),
  ),
];

export const connectionCommands: readonly CommandSpec[] = [
  spec('ping', -1, 'fast', NO_KEYS, doc('connection', 'Returns the server\'s liveliness response.', '1.0.0'), ping),
  spec('echo', 2, 'fast', NO_KEYS, doc('connection', 'Returns the given string.', '1.0.0'), (call) => bulk(call.args[1])),
  spec('auth', -2, 'noscript loading stale fast no_auth', NO_KEYS, doc('connection', 'Authenticates the connection.', '1.0.0'), auth, {
    noAuth: true,
  }),
  spec('hello', -1, 'noscript loading stale fast no_auth', NO_KEYS, doc('connection', 'Handshakes with the Redis server.', '6.0.0'), hello, {
    noAuth: true,
  }),
  spec('select', 2, 'loading stale fast', NO_KEYS, doc('connection', 'Changes the selected database.', '1.0.0'), select),
  spec('quit', -1, 'noscript loading stale fast no_auth', NO_KEYS, doc('connection', 'Closes the connection.', '1.0.0'), (call) => {
    call.connection.closeAfterReply = true;
    return OK;
  }, { noAuth: true }),
  spec('client', -2, '', NO_KEYS, doc('connection', 'A container for client connection commands.', '2.4.0'), undefined, {
    subcommands: clientSubcommands,
  }),
];
