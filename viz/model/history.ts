// history.jsonl (CONTRACTS.md) read into op records, for runs whose trace lacks client events and to
// resolve the history indexes a checker names. History times are microseconds; the trace's are ms.
import type { OpRecord } from './client-ops.ts';
import { describeValue } from './trace-schema.ts';
import type { TraceProblem } from './trace-types.ts';

const opTypes: ReadonlySet<string> = new Set(['invoke', 'ok', 'fail', 'info']);
const microsecondsPerMs = 1000;

export function readHistory(text: string, file = 'history.jsonl'): { records: OpRecord[]; problems: TraceProblem[] } {
  const records: OpRecord[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    const raw = lines[i].trim();
    if (raw.length === 0) continue;
    const problem = checkLine(raw);
    if (typeof problem === 'string') {
      const truncated = i === lines.length - 1;
      return { records, problems: [{ file, line: i + 1, message: truncated ? `the last line is cut off (${problem})` : problem, fatal: !truncated, excerpt: raw.slice(0, 160) }] };
    }
    records.push({ ...problem, eventIndex: -1 });
  }
  return { records, problems: [] };
}

function checkLine(raw: string): Omit<OpRecord, 'eventIndex'> | string {
  let value: Record<string, unknown>;
  try {
    value = JSON.parse(raw) as Record<string, unknown>;
  } catch (error) {
    return `not valid JSON (${error instanceof Error ? error.message : String(error)})`;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return `expected a JSON object (an operation), got ${describeValue(value)}`;
  if (!Number.isInteger(value.index)) return `expected "index" to be an integer, got ${describeValue(value.index)}`;
  if (!Number.isInteger(value.process)) return `expected "process" to be an integer, got ${describeValue(value.process)}`;
  if (typeof value.type !== 'string' || !opTypes.has(value.type)) return `expected "type" to be invoke, ok, fail or info, got ${describeValue(value.type)}`;
  if (typeof value.f !== 'string') return `expected "f" to be a string, got ${describeValue(value.f)}`;
  if (typeof value.time !== 'number' || !Number.isFinite(value.time)) return `expected "time" (microseconds) to be a number, got ${describeValue(value.time)}`;
  return {
    type: value.type as OpRecord['type'], index: value.index as number, process: value.process as number, f: value.f,
    key: value.key, value: value.value, t: value.time / microsecondsPerMs,
  };
}
