// Server commands: INFO, COMMAND (COUNT DOCS INFO LIST HELP). COMMAND answers from the same table the
// dispatcher uses, so what redis-cli and client libraries learn is what the server does.
import { spec, type CommandCall, type CommandSpec } from './command-spec.ts';
import { array, bulk, integer, NIL, simple, type RespReply } from './reply.ts';
import { infoText } from './info.ts';

const NO_KEYS = [0, 0, 0] as const;
const doc = (summary: string, since: string, complexity = 'O(N) where N is the number of commands') => ({
  group: 'server',
  summary,
  since,
  complexity,
});

function commandInfo(command: CommandSpec): RespReply {
  return array([
    bulk(command.name),
    integer(command.arity),
    array(command.flags.map(simple)),
    integer(command.firstKey),
    integer(command.lastKey),
    integer(command.keyStep),
    array([simple(`@${command.group}`)]),
    array([]),
    array([]),
    array((command.subcommands ?? []).map(commandInfo)),
  ]);
}

function commandDocs(command: CommandSpec): RespReply {
  const fields: RespReply[] = [
    bulk('summary'), bulk(command.summary),
    bulk('since'), bulk(command.since),
    bulk('group'), bulk(command.group),
    bulk('complexity'), bulk(command.complexity),
  ];
  if (command.subcommands) {
    fields.push(bulk('subcommands'), array(command.subcommands.flatMap((sub) => [bulk(sub.name), commandDocs(sub)])));
  }
  return array(fields);
}

const COMMAND_HELP = [
  'COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  '(no subcommand)',
  '    Return details about all commands.',
  'COUNT',
  '    Return the total number of commands in this server.',
  'LIST',
  '    Return a list of all commands in this server.',
  'INFO [<command-name> ...]',
  '    Return details about multiple commands.',
  'DOCS [<command-name> ...]',
  '    Return documentation details about multiple commands.',
  'HELP',
  '    Print this help.',
];

export function serverCommands(table: () => readonly CommandSpec[]): readonly CommandSpec[] {
  const find = (name: string) => table().find((command) => command.name === name.toLowerCase());
  const subcommands: readonly CommandSpec[] = [
    spec('command|count', 2, 'loading stale', NO_KEYS, doc('Returns a count of commands.', '2.8.13', 'O(1)'), () =>
      integer(table().length),
    ),
    spec('command|list', -2, 'loading stale', NO_KEYS, doc('Returns a list of command names.', '7.0.0'), () =>
      array(table().map((command) => bulk(command.name))),
    ),
    spec('command|info', -2, 'loading stale', NO_KEYS, doc('Returns information about one, multiple or all commands.', '2.8.13'), (call) => {
      if (call.args.length === 2) return array(table().map(commandInfo));
      return array(call.args.slice(2).map((name) => {
        const command = find(name);
        return command ? commandInfo(command) : NIL;
      }));
    }),
    spec('command|docs', -2, 'loading stale', NO_KEYS, doc('Returns documentary information about one, multiple or all commands.', '7.0.0'), (call) => {
      const names = call.args.length === 2 ? table().map((command) => command.name) : call.args.slice(2);
      const found = names.map(find).filter((command): command is CommandSpec => command !== undefined);
      return array(found.flatMap((command) => [bulk(command.name), commandDocs(command)]));
    }),
    spec('command|help', 2, 'loading stale', NO_KEYS, doc('Returns helpful text about the different subcommands.', '5.0.0', 'O(1)'), () =>
      array(COMMAND_HELP.map(simple)),
    ),
  ];
  return [
    spec('command', -1, 'loading stale', NO_KEYS, doc('Returns detailed information about all commands.', '2.8.13'), () =>
      array(table().map(commandInfo)),
      { subcommands },
    ),
    spec('info', -1, 'loading stale', NO_KEYS, doc('Returns information and statistics about the server.', '1.0.0', 'O(1)'), (call: CommandCall) =>
      infoText(call).then(bulk),
    ),
  ];
}
