// Dispatches `kvlab <command>`; each command lives in its own module, loaded on demand so that
// `kvlab node` does not load the simulator, `kvlab run` does not load classic-level, and
// `kvlab CMD --help` loads nothing but the usage text.
import { EXIT_BUG, EXIT_INVALID, EXIT_OK } from './exit-codes.ts';
import { usages } from './usage.ts';

type Command = (args: string[]) => Promise<number>;

const commands: Record<string, { summary: string; load: () => Promise<Command> }> = {
  run: { summary: 'one simulated run of a scenario', load: async () => (await import('./run.ts')).runCommand },
  sweep: { summary: 'many seeds of a scenario in parallel', load: async () => (await import('./sweep.ts')).sweepCommand },
  shrink: { summary: 'a smaller scenario that fails the same check', load: async () => (await import('./shrink.ts')).shrinkCommand },
  check: { summary: 'linearizability verdict for a history file', load: async () => (await import('./check.ts')).checkCommand },
  bugs: { summary: 'the bug zoo: deliberate bugs the simulator can switch on', load: async () => (await import('./bugs.ts')).bugsCommand },
  viz: { summary: 'the browser timeline of a simulated run', load: async () => (await import('./viz.ts')).vizCommand },
  node: { summary: 'one production node in the foreground', load: async () => (await import('./node.ts')).nodeCommand },
  cluster: { summary: 'a local production cluster: init, up, down, status', load: async () => (await import('./cluster.ts')).clusterCommand },
};

export interface MainIo {
  out(text: string): void;
  err(text: string): void;
}

const processIo: MainIo = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };

export async function main(argv: string[], io: MainIo = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    printUsage(name === undefined ? io.err : io.out);
    return name === undefined ? EXIT_INVALID : EXIT_OK;
  }
  const command = commands[name];
  if (!command) {
    io.err(`kvlab: unknown command '${name}'; commands: ${Object.keys(commands).join(', ')} (see kvlab --help)\n`);
    return EXIT_INVALID;
  }
  if (usages[name] !== undefined && rest.some((arg) => arg === '--help' || arg === '-h')) {
    io.out(`${usages[name]}\n`);
    return EXIT_OK;
  }
  try {
    return await (await command.load())(rest);
  } catch (error) {
    // Loaded only now: the error reporter reads paths and configs, which --help never needs.
    const { reportUserError } = await import('./command-error.ts');
    try {
      return reportUserError(name, error, io.err);
    } catch {
      return reportBug(name, error, io);
    }
  }
}

/** A throw no command expected is a bug in kvlab: one line, the stack only on request. */
function reportBug(name: string, error: unknown, io: MainIo): number {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  io.err(`kvlab ${name}: internal error (a bug in kvlab, please report it): ${message.split('\n')[0]}; KVLAB_DEBUG=1 prints the stack\n`);
  if (process.env.KVLAB_DEBUG === '1' && error instanceof Error) io.err(`${error.stack}\n`);
  return EXIT_BUG;
}

function printUsage(write: (text: string) => void): void {
  const lines = Object.entries(commands).map(([n, c]) => `  kvlab ${n.padEnd(8)} ${c.summary}`);
  write(`usage: kvlab <command> [options]\n\n${lines.join('\n')}\n\nkvlab <command> --help shows the options of one command.\n`);
}
