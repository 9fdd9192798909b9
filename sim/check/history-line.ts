// One line of history.jsonl to a HistoryEvent, checking each field's shape. Rules that span lines
// (time order, pairing of invokes and completions) live in history-validator.ts.
import {
  type CasValue,
  describeFound,
  type HistoryEvent,
  type HistoryEventType,
  type HistoryF,
  type HistoryValue,
  HistoryError,
  historyEventTypes,
  historyFs,
} from './history-types.ts';

type Fields = Record<string, unknown>;

export function parseHistoryLine(text: string, line: number, file: string): HistoryEvent {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    const shown = text.length > 80 ? `${text.slice(0, 77)}...` : text;
    throw new HistoryError(file, line, '', `text that is not JSON: ${shown}`, 'allowed: one JSON object per line');
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new HistoryError(file, line, '', describeFound(raw), 'allowed: one JSON object per line');
  }
  const fields = raw as Fields;
  const fail = (field: string, allowed: string): never => {
    throw new HistoryError(file, line, field, describeFound(fields[field]), allowed);
  };
  const index = naturalField(fields, 'index', fail);
  const process = naturalField(fields, 'process', fail);
  const type = fields.type;
  if (!historyEventTypes.includes(type as HistoryEventType)) fail('type', `allowed: ${historyEventTypes.join(' | ')}`);
  const f = fields.f;
  if (!historyFs.includes(f as HistoryF)) fail('f', `allowed: ${historyFs.join(' | ')}`);
  if (typeof fields.key !== 'string') fail('key', 'allowed: a string');
  const value = valueField(fields.value, f as HistoryF, type as HistoryEventType, () =>
    fail('value', allowedValue(f as HistoryF, type as HistoryEventType)),
  );
  const time = naturalField(fields, 'time', fail);
  return { index, process, type: type as HistoryEventType, f: f as HistoryF, key: fields.key as string, value, time };
}

function naturalField(fields: Fields, name: string, fail: (field: string, allowed: string) => never): number {
  const value = fields[name];
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    fail(name, 'allowed: an integer >= 0');
  }
  return value as number;
}

/**
 * A value the line's f and type allow. On completions of put and cas the value may be omitted (it is
 * the invoke's); where only null makes sense, an omitted value means null.
 */
function valueField(value: unknown, f: HistoryF, type: HistoryEventType, fail: () => never): HistoryValue {
  const isCompletion = type !== 'invoke';
  if (f === 'get' && type === 'ok') {
    if (value === null || typeof value === 'string') return value;
    return fail();
  }
  if (f === 'get' || f === 'delete') {
    if (value === null || value === undefined) return null;
    return fail();
  }
  if (isCompletion && value === undefined) return null;
  if (f === 'put') {
    if (typeof value === 'string') return value;
    return fail();
  }
  if (isCasValue(value)) return value;
  return fail();
}

function isCasValue(value: unknown): value is CasValue {
  return (
    Array.isArray(value) &&
    value.length === 2 &&
    (value[0] === null || typeof value[0] === 'string') &&
    typeof value[1] === 'string'
  );
}

function allowedValue(f: HistoryF, type: HistoryEventType): string {
  if (f === 'get' && type === 'ok') return 'allowed: the value read, a string, or null when the key was absent';
  if (f === 'get' || f === 'delete') return `allowed for a ${f} ${type}: null (or no value field)`;
  const what = f === 'put' ? 'the value written, a string' : '[expected, new] where expected is a string or null and new is a string';
  return type === 'invoke' ? `allowed for a ${f} invoke: ${what}` : `allowed for a ${f} ${type}: ${what} (or no value field)`;
}
