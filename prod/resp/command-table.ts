// The command table and the dispatcher: the checks Redis makes before running a command, in Redis's
// order (unknown command, unknown subcommand, arity, authentication), then key sizes, then the handler.
import { arityAccepts, type CommandCall, type CommandSpec } from './command-spec.ts';
import { connectionCommands } from './commands-connection.ts';
import { keyspaceCommands } from './commands-keyspace.ts';
import { serverCommands } from './commands-server.ts';
import { stringCommands } from './commands-string.ts';
import { keyTooLargeError, noAuthError, unknownCommandError, unknownSubcommandError, wrongArityError } from './errors.ts';
import type { RespReply } from './reply.ts';

export interface Dispatched {
  /** For metrics: the command's full name (`client|setname`), or `unknown`. */
  readonly command: string;
  readonly reply: RespReply | Promise<RespReply>;
}

export class CommandTable {
  private readonly byName = new Map<string, CommandSpec>();
  private readonly ordered: CommandSpec[];

  constructor(specs: readonly CommandSpec[]) {
    this.ordered = [...specs];
    for (const command of specs) this.byName.set(command.name, command);
  }

  get commands(): readonly CommandSpec[] {
    return this.ordered;
  }

  dispatch(call: CommandCall): Dispatched {
    const container = this.byName.get(call.args[0].toLowerCase());
    if (!container) return { command: 'unknown', reply: unknownCommandError(call.args) };
    const resolved = resolveSubcommand(container, call.args);
    if ('type' in resolved) return { command: container.name, reply: resolved };
    const command = resolved;
    if (!arityAccepts(command.arity, call.args.length)) return { command: command.name, reply: wrongArityError(command.name) };
    if (!call.connection.authenticated && !command.noAuth) return { command: command.name, reply: noAuthError };
    const keyProblem = checkKeySizes(command, call);
    if (keyProblem) return { command: command.name, reply: keyProblem };
    if (!command.handler) return { command: command.name, reply: wrongArityError(command.name) };
    return { command: command.name, reply: command.handler(call) };
  }
}

/** A container's subcommand named by args[1]; the container itself when it runs bare (COMMAND). */
function resolveSubcommand(container: CommandSpec, args: readonly string[]): CommandSpec | RespReply {
  if (!container.subcommands) return container;
  if (args.length < 2) return container.handler ? container : wrongArityError(container.name);
  const fullName = `${container.name}|${args[1].toLowerCase()}`;
  const sub = container.subcommands.find((candidate) => candidate.name === fullName);
  return sub ?? unknownSubcommandError(args[1], container.name);
}

function checkKeySizes(command: CommandSpec, call: CommandCall): RespReply | null {
  if (command.firstKey === 0) return null;
  const keyBytesMax = call.server.limits.keyBytesMax;
  const last = command.lastKey < 0 ? call.args.length + command.lastKey : command.lastKey;
  for (let at = command.firstKey; at <= last && at < call.args.length; at += command.keyStep) {
    if (call.args[at].length > keyBytesMax) return keyTooLargeError(call.args[at].length, keyBytesMax);
  }
  return null;
}

export function defaultCommandTable(): CommandTable {
  let table: CommandTable | null = null;
  const all = (): readonly CommandSpec[] => table?.commands ?? [];
  table = new CommandTable([...connectionCommands, ...stringCommands, ...keyspaceCommands, ...serverCommands(all)]);
  return table;
}
