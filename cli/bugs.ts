// `kvlab bugs [--json]`: the bug zoo, as a table or as the JSON array CONTRACTS.md promises.
import { BUG_REGISTRY, bugsJson } from '../sim/bugs/registry.ts';
import { parseCommandArgs } from './command-args.ts';
import { reportUserError } from './command-error.ts';
import { EXIT_OK } from './exit-codes.ts';
import { bugsUsage } from './usage.ts';

export async function bugsCommand(argv: string[], out: (text: string) => void = (t) => process.stdout.write(t)): Promise<number> {
  let parsed;
  try {
    parsed = parseCommandArgs(argv, { json: { type: 'boolean' } } as const, 0);
  } catch (error) {
    return reportUserError('bugs', error, (text) => process.stderr.write(text));
  }
  if (parsed.help) out(`${bugsUsage}\n`);
  else out(parsed.values.json ? `${JSON.stringify(bugsJson(), null, 2)}\n` : bugsTable());
  return EXIT_OK;
}

/** One block per bug: name, layer and scenario on the first line, then what it breaks and its source. */
export function bugsTable(): string {
  const nameWidth = Math.max(...BUG_REGISTRY.map((b) => b.name.length));
  const lines = [`${BUG_REGISTRY.length} bugs in the zoo; switch one on with --bug NAME (kvlab run, sweep, shrink)`, ''];
  for (const bug of BUG_REGISTRY) {
    lines.push(`${bug.name.padEnd(nameWidth)}  ${bug.layer.padEnd(7)}  ${bug.scenario}`);
    lines.push(...wrap(bug.description, 96).map((l) => `    ${l}`));
    lines.push(...wrap(`source: ${bug.source}`, 96).map((l) => `    ${l}`));
    lines.push('');
  }
  return lines.join('\n');
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}
