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
  type Session,
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
  // Checked without allocating on the good path: this runs once per line of files of millions of lines.
  const fields = raw as Fields;
  const { index, process, session, type, f, key, value, swapped, ttlMs, time } = fields;
  if (!isNatural(index)) throw invalid(file, line, fields, 'index', naturalAllowed);
  if (!isNatural(process)) throw invalid(file, line, fields, 'process', naturalAllowed);
  if (type !== 'invoke' && type !== 'ok' && type !== 'fail' && type !== 'info') {
    throw invalid(file, line, fields, 'type', `allowed: ${historyEventTypes.join(' | ')}`);
  }
  if (f !== 'get' && f !== 'put' && f !== 'delete' && f !== 'cas' && f !== 'ttl') throw invalid(file, line, fields, 'f', `allowed: ${historyFs.join(' | ')}`);
  if (typeof key !== 'string') throw invalid(file, line, fields, 'key', 'allowed: a string');
  const checked = valueOf(value, f, type);
  if (checked === undefined) throw invalid(file, line, fields, 'value', allowedValue(f, type));
  if (!isNatural(time)) throw invalid(file, line, fields, 'time', naturalAllowed);
  if (session !== undefined && !isSession(session)) throw invalid(file, line, fields, 'session', sessionAllowed);
  if (swapped !== undefined && !(f === 'cas' && type === 'ok' && typeof swapped === 'boolean')) {
    throw invalid(file, line, fields, 'swapped', f === 'cas' && type === 'ok' ? 'allowed: true or false' : 'allowed only on an ok cas (true or false); leave it out here');
  }
  if (ttlMs !== undefined && !(f === 'put' && isNatural(ttlMs) && ttlMs >= 1)) {
    throw invalid(file, line, fields, 'ttlMs', f === 'put' ? 'allowed: an integer >= 1 (ms until the key expires)' : 'allowed only on a put (an integer >= 1); leave it out here');
  }
  // Optional fields appear only when given: an old history parses to exactly the events it always did.
  if (session === undefined && swapped === undefined && ttlMs === undefined) return { index, process, type, f, key, value: checked, time };
  const event: { -readonly [K in keyof HistoryEvent]: HistoryEvent[K] } = { index, process, type, f, key, value: checked, time };
  if (session !== undefined) event.session = session;
  if (swapped !== undefined) event.swapped = swapped;
  if (ttlMs !== undefined) event.ttlMs = ttlMs;
  return event;
}

function invalid(file: string, line: number, fields: Fields, field: string, allowed: string): HistoryError {
  return new HistoryError(file, line, field, describeFound(fields[field]), allowed);
}

const naturalAllowed = 'allowed: an integer >= 0';
const sessionAllowed = 'allowed: an integer >= 0 or a non-empty string (the connection the operation was sent on), or no session field';

function isSession(value: unknown): value is Session {
  return isNatural(value) || (typeof value === 'string' && value !== '');
}

function isNatural(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/**
 * The value if the line's f and type allow it, else undefined. On completions of put and cas the value
 * may be omitted (it is the invoke's); where only null makes sense, an omitted value means null.
 */
function valueOf(value: unknown, f: HistoryF, type: HistoryEventType): HistoryValue | undefined {
  if (f === 'get' && type === 'ok') return value === null || typeof value === 'string' ? value : undefined;
  if (f === 'ttl' && type === 'ok') return typeof value === 'number' && Number.isSafeInteger(value) && value >= -2 && value !== 0 ? value : undefined;
  if (f === 'get' || f === 'delete' || f === 'ttl') return value === null || value === undefined ? null : undefined;
  if (type !== 'invoke' && value === undefined) return null;
  if (f === 'put') return typeof value === 'string' ? value : undefined;
  return isCasValue(value) ? value : undefined;
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
  if (f === 'ttl' && type === 'ok') return 'allowed: -2 (absent), -1 (no expiry) or the ms left, an integer >= 1';
  if (f === 'get' || f === 'delete' || f === 'ttl') return `allowed for a ${f} ${type}: null (or no value field)`;
  const what = f === 'put' ? 'the value written, a string' : '[expected, new] where expected is a string or null and new is a string';
  return type === 'invoke' ? `allowed for a ${f} invoke: ${what}` : `allowed for a ${f} ${type}: ${what} (or no value field)`;
}
