// Dispatches `kvlab <command>`; each command lives in its own module, loaded on demand so that
// `kvlab node` does not load the simulator and `kvlab run` does not load classic-level.
import { EXIT_INVALID } from './exit-codes.ts';

type Command = (args: string[]) => Promise<number>;

const commands: Record<string, { summary: string; load: () => Promise<Command> }> = {
  run: { summary: 'one simulated run of a scenario', load: async () => (await import('./run.ts')).runCommand },
  check: { summary: 'linearizability verdict for a history file', load: async () => (await import('./check.ts')).checkCommand },
};

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    printUsage();
    return name === undefined ? EXIT_INVALID : 0;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`kvlab: unknown command '${name}'. Commands: ${Object.keys(commands).join(', ')}\n`);
    return EXIT_INVALID;
  }
  return (await command.load())(rest);
}

function printUsage(): void {
  const lines = Object.entries(commands).map(([n, c]) => `  kvlab ${n.padEnd(8)} ${c.summary}`);
  process.stdout.write(`usage: kvlab <command> [options]\n\n${lines.join('\n')}\n`);
}
