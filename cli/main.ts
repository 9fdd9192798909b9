// Dispatches `kvlab <command>`; each command lives in its own module, loaded on demand so that
// `kvlab node` does not load the simulator and `kvlab run` does not load classic-level.
import { EXIT_INVALID } from './exit-codes.ts';

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
