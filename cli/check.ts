// `kvlab check HISTORY.jsonl [--json] [--steps-max N] [--key-steps-max N] [--initial absent|unknown]`:
// the linearizability verdict for a history recorded by the simulator or by a client of a real cluster.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { KvlabError } from '../core/types.ts';
import { describeOperation, plural } from '../check/describe-operation.ts';
import { HistoryError, type Operation, parseHistory } from '../check/history.ts';
import {
  checkLinearizability,
  keyStepsMaxDefault,
  type KeyViolation,
  type LinearizabilityOptions,
  type LinearizabilityResult,
  stepsMaxDefault,
} from '../check/linearizability.ts';
import { EXIT_FAILED, EXIT_INVALID, EXIT_OK, EXIT_UNKNOWN } from './exit-codes.ts';

/** Keys whose violation is printed in full; the rest are counted (all are in --json). */
export const violationsPrintedMax = 5;
/** Ops listed per violation window; the rest are counted (all are in --json). */
export const windowOpsPrintedMax = 40;

export interface CommandOutput {
  out(text: string): void;
  err(text: string): void;
}

const processOutput: CommandOutput = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

const usage = 'usage: kvlab check HISTORY.jsonl|RUN_DIR [--json] [--steps-max N] [--key-steps-max N] [--initial absent|unknown]';

interface CheckArgs {
  readonly file: string;
  readonly json: boolean;
  readonly options: LinearizabilityOptions;
}

export async function checkCommand(args: string[], output: CommandOutput = processOutput): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    output.out(`${usage}\n`);
    return EXIT_OK;
  }
  let parsed: CheckArgs;
  let text: string;
  try {
    parsed = parseArgs(args);
    text = readHistoryText(parsed.file);
  } catch (error) {
    if (!(error instanceof KvlabError)) throw error;
    output.err(`kvlab check: ${error.message} (see kvlab check --help)\n`);
    return EXIT_INVALID;
  }
  let operations: Operation[];
  try {
    operations = parseHistory(text, parsed.file).operations;
  } catch (error) {
    if (!(error instanceof HistoryError)) throw error;
    output.err(`kvlab check: invalid history: ${error.message}\n`);
    return EXIT_INVALID;
  }
  const result = checkLinearizability(operations, parsed.options);
  if (parsed.json) output.out(`${JSON.stringify({ file: parsed.file, ...result })}\n`);
  else output.out(report(parsed, result, operations));
  if (result.verdict === 'linearizable') return EXIT_OK;
  return result.verdict === 'not-linearizable' ? EXIT_FAILED : EXIT_UNKNOWN;
}

function parseArgs(args: readonly string[]): CheckArgs {
  let file: string | undefined;
  let json = false;
  const options: { stepsMax?: number; keyStepsMax?: number; initial?: 'absent' | 'unknown' } = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--json') json = true;
    else if (arg === '--steps-max') options.stepsMax = countArg(arg, args[++i]);
    else if (arg === '--key-steps-max') options.keyStepsMax = countArg(arg, args[++i]);
    else if (arg === '--initial') options.initial = initialArg(args[++i]);
    else if (arg.startsWith('-')) throw new KvlabError('invalid-args', `unknown option '${arg}'`);
    else if (file === undefined) file = arg;
    else throw new KvlabError('invalid-args', `one history file expected, found a second one: '${arg}'`);
  }
  if (file === undefined) throw new KvlabError('invalid-args', 'missing the history file');
  return { file, json, options };
}

function countArg(name: string, value: string | undefined): number {
  const count = Number(value);
  if (value === undefined || !/^\d+$/.test(value) || !Number.isSafeInteger(count)) {
    throw new KvlabError('invalid-args', `${name}: found ${value === undefined ? 'nothing' : `'${value}'`}; allowed: an integer >= 0`);
  }
  return count;
}

function initialArg(value: string | undefined): 'absent' | 'unknown' {
  if (value === 'absent' || value === 'unknown') return value;
  throw new KvlabError('invalid-args', `--initial: found ${value === undefined ? 'nothing' : `'${value}'`}; allowed: absent | unknown`);
}

/** The file's text; a run directory means its history.jsonl. */
function readHistoryText(path: string): string {
  try {
    const file = statSync(path).isDirectory() ? join(path, 'history.jsonl') : path;
    return readFileSync(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new KvlabError('invalid-args', `${path}: cannot read the history (${reason})`);
  }
}

function report(args: CheckArgs, result: LinearizabilityResult, operations: readonly Operation[]): string {
  const counts = `${plural(result.keysChecked, 'key')}, ${plural(result.operationsChecked, 'operation')} checked, ${plural(result.steps, 'search step')}`;
  if (result.verdict === 'linearizable') return `${args.file}: linearizable (${counts})\n`;
  if (result.verdict === 'unknown') {
    const keys = result.unknownKeys.slice(0, 10).map((k) => JSON.stringify(k)).join(', ');
    const more = result.unknownKeys.length > 10 ? ` and ${result.unknownKeys.length - 10} more` : '';
    const budget = `--steps-max ${args.options.stepsMax ?? stepsMaxDefault}, --key-steps-max ${args.options.keyStepsMax ?? keyStepsMaxDefault}`;
    return `${args.file}: unknown — the search budget (${budget}) ran out on ${plural(result.unknownKeys.length, 'key')}: ${keys}${more}; the other keys are linearizable (${counts})\n`;
  }
  const byIndex = new Map(operations.map((op) => [op.invokeIndex, op]));
  const lines = [`${args.file}: NOT linearizable — ${result.violations.length} of ${plural(result.keysChecked, 'key')} ${result.violations.length === 1 ? 'fails' : 'fail'} (${counts})`];
  for (const violation of result.violations.slice(0, violationsPrintedMax)) lines.push('', ...describeKey(violation, byIndex));
  const hidden = result.violations.length - violationsPrintedMax;
  if (hidden > 0) lines.push('', `... and ${hidden} more failing keys (all are in --json)`);
  if (result.unknownKeys.length > 0) lines.push('', `${plural(result.unknownKeys.length, 'other key')} ran out of search budget (unknown)`);
  return `${lines.join('\n')}\n`;
}

function describeKey(violation: KeyViolation, byIndex: ReadonlyMap<number, Operation>): string[] {
  const { window } = violation;
  const lines = [`key ${JSON.stringify(violation.key)}: ${violation.explanation}`, '  the window:'];
  const optional = new Set(window.optionalOps);
  const stuck = byIndex.get(violation.op) as Operation;
  for (const index of window.ops.slice(0, windowOpsPrintedMax)) {
    const op = byIndex.get(index) as Operation;
    const note = index === violation.op ? '<- no linearization gets past this' : optional.has(index) ? optionalNote(op, stuck) : '';
    lines.push(`    ${describeOperation(op)}${note ? `   (${note})` : ''}`);
  }
  if (window.ops.length > windowOpsPrintedMax) lines.push(`    ... and ${window.ops.length - windowOpsPrintedMax} more ops (all are in --json)`);
  return lines;
}

/** Why an op of the window may or may not have taken effect in it. */
function optionalNote(op: Operation, stuck: Operation): string {
  if (op.outcome !== 'ok') return 'outcome unknown: may or may not have taken effect';
  if ((op.completeIndex as number) > (stuck.completeIndex as number)) return 'completed after the window: may have taken effect in it or later';
  return 'began before the window: may have taken effect before it';
}
