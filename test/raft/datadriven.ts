// A small datadriven test format (after etcd's raft interaction tests): a file is a sequence of
// blocks, each a command line, a `----` line and the expected output, separated by blank lines.
// Lines starting with `#` before a command are comments. With REWRITE=1 in the environment the
// runner writes the actual outputs back into the file instead of comparing.
import { readFileSync, writeFileSync } from 'node:fs';

export interface TestCase {
  readonly comments: string[];
  readonly command: string;
  readonly expected: string;
  /** 1-based line of the command, for failure messages. */
  readonly line: number;
}

export function parseCases(text: string, file: string): TestCase[] {
  const lines = text.split('\n');
  const cases: TestCase[] = [];
  let i = 0;
  while (i < lines.length) {
    const comments: string[] = [];
    while (i < lines.length && (lines[i].trim() === '' || lines[i].startsWith('#'))) {
      if (lines[i].startsWith('#')) comments.push(lines[i]);
      i++;
    }
    if (i >= lines.length) break;
    const command = lines[i];
    const line = i + 1;
    i++;
    if (lines[i] !== '----') throw new Error(`${file}:${line + 1}: expected ---- after the command '${command}'`);
    i++;
    const out: string[] = [];
    while (i < lines.length && lines[i] !== '') out.push(lines[i++]);
    cases.push({ comments, command, expected: out.join('\n'), line });
  }
  return cases;
}

export function formatCases(cases: readonly { comments: string[]; command: string; expected: string }[]): string {
  return `${cases.map((c) => [...c.comments, c.command, '----', c.expected].join('\n')).join('\n\n')}\n`;
}

/** Runs `file` through `run` (one fresh state per file); returns [actual, expected] pairs to compare. */
export function runFile(file: string, run: (command: string) => string): { case: TestCase; actual: string }[] {
  const cases = parseCases(readFileSync(file, 'utf8'), file);
  const results = cases.map((c) => ({ case: c, actual: run(c.command).replace(/\n+$/, '') || 'ok' }));
  if (process.env.REWRITE === '1') {
    writeFileSync(file, formatCases(results.map((r) => ({ comments: r.case.comments, command: r.case.command, expected: r.actual }))));
  }
  return results;
}

/** Parses `cmd a b key=value flag` into positional arguments and key/values (a bare word key is "true"). */
export function parseCommand(command: string): { name: string; args: string[]; kv: Map<string, string> } {
  const [name, ...rest] = command.trim().split(/\s+/);
  const args: string[] = [];
  const kv = new Map<string, string>();
  for (const word of rest) {
    const eq = word.indexOf('=');
    if (eq > 0) kv.set(word.slice(0, eq), word.slice(eq + 1));
    else args.push(word);
  }
  return { name, args, kv };
}
