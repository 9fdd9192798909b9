// Argument parsing shared by the kvlab commands: node:util's parseArgs, with every command taking
// --help/-h, and its errors turned into one short line that names the offending argument.
import { parseArgs } from 'node:util';
import { KvlabError } from '../core/types.ts';

type OptionSpec = { readonly type: 'string' | 'boolean'; readonly multiple?: boolean; readonly short?: string };
type OptionValue<S extends OptionSpec> = S['type'] extends 'string' ? (S['multiple'] extends true ? string[] : string) : S['multiple'] extends true ? boolean[] : boolean;

export interface CommandArgs<O extends Record<string, OptionSpec>> {
  readonly values: { [K in keyof O]?: OptionValue<O[K]> };
  readonly positionals: string[];
  /** --help or -h was given: print the usage, exit 0. */
  readonly help: boolean;
}

/** A mistake in how a command was called (exit 2); `kvlab CMD --help` shows the usage. */
export class UsageError extends KvlabError {
  constructor(message: string) {
    super('usage', message);
  }
}

/**
 * Parses `argv` against `options` (plus --help). Throws a UsageError for an unknown option, an option
 * without its value, a value given to a flag, or more than `positionalsMax` positional arguments.
 */
export function parseCommandArgs<O extends Record<string, OptionSpec>>(argv: readonly string[], options: O, positionalsMax: number): CommandArgs<O> {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(parseArgsProblem(error));
  }
  const { help, ...values } = parsed.values as Record<string, unknown>;
  if (help === true) return { values: {}, positionals: [], help: true };
  if (parsed.positionals.length > positionalsMax) {
    const extra = parsed.positionals[positionalsMax];
    throw new UsageError(positionalsMax === 0 ? `unexpected argument '${extra}'` : `unexpected argument '${extra}' (at most ${positionalsMax} ${positionalsMax === 1 ? 'path' : 'paths'} expected)`);
  }
  return { values: values as CommandArgs<O>['values'], positionals: parsed.positionals, help: false };
}

/** node:util's parse errors, said in one short line naming the argument. */
function parseArgsProblem(error: unknown): string {
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  const quoted = /'([^']*)'/.exec(message)?.[1] ?? '';
  const words = quoted.split(/[ ,]+/);
  const option = words.find((w) => w.startsWith('--')) ?? words[0];
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `unknown option '${option}'`;
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    if (message.includes('does not take an argument')) return `${option} takes no value`;
    return `${option} needs a value`;
  }
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') return `unexpected argument '${quoted}'`;
  throw error;
}

/** A non-negative integer from a flag's text, at most `max`; else a UsageError naming the flag. */
export function integerOption(flag: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value < min || value > max) {
    const allowed = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`;
    throw new UsageError(`${flag}: found ${JSON.stringify(text)}; expected an integer ${allowed}`);
  }
  return value;
}
