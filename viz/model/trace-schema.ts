// Field checks per event kind, from docs/trace.md. Unknown kinds pass (the catalogue grows), but a
// known kind with a missing or mistyped field is reported with the field and what was expected.
import type { TraceEvent } from './trace-types.ts';

type FieldType = 'int' | 'number' | 'string' | 'id' | 'object' | 'intArray' | 'array' | 'nodeOrNone' | 'boolean';

interface KindSchema {
  /** The event must happen on a node (`node` is an integer). */
  readonly onNode?: boolean;
  readonly fields: Readonly<Record<string, FieldType>>;
}

const messageEnds: Record<string, FieldType> = { id: 'id', from: 'int', to: 'int' };
const raftGroup: Record<string, FieldType> = { group: 'int' };
const clientOp: Record<string, FieldType> = { op: 'int', process: 'int', f: 'string' };

export const kindSchemas: Readonly<Record<string, KindSchema>> = {
  'net.send': { fields: { ...messageEnds, msg: 'object' } },
  'net.deliver': { fields: messageEnds },
  'net.drop': { fields: { ...messageEnds, reason: 'string' } },
  'net.duplicate': { fields: { id: 'id', copy: 'id', from: 'int', to: 'int' } },
  'fault.start': { fields: { fault: 'string', id: 'id' } },
  'fault.stop': { fields: { fault: 'string', id: 'id' } },
  'node.lifecycle': { onNode: true, fields: { from: 'string', to: 'string', event: 'string' } },
  'node.crash': { onNode: true, fields: {} },
  'node.restart': { onNode: true, fields: {} },
  'raft.role': { onNode: true, fields: { ...raftGroup, from: 'string', to: 'string', term: 'int', leader: 'nodeOrNone' } },
  'raft.term': { onNode: true, fields: { ...raftGroup, term: 'int' } },
  'raft.vote': { onNode: true, fields: { ...raftGroup, term: 'int', for: 'nodeOrNone' } },
  'raft.append': { onNode: true, fields: { ...raftGroup, index: 'int', terms: 'intArray' } },
  'raft.truncate': { onNode: true, fields: { ...raftGroup, index: 'int' } },
  'raft.recover': { onNode: true, fields: { ...raftGroup, snapshotIndex: 'int', lastIndex: 'int', commit: 'int' } },
  'raft.commit': { onNode: true, fields: { ...raftGroup, index: 'int' } },
  'raft.apply': { onNode: true, fields: { ...raftGroup, index: 'int' } },
  'raft.progress': { onNode: true, fields: { ...raftGroup, peer: 'int', match: 'int', next: 'int', state: 'string' } },
  'raft.snapshot': { onNode: true, fields: { ...raftGroup, index: 'int', term: 'int' } },
  'raft.conf': { onNode: true, fields: { ...raftGroup, voters: 'intArray', learners: 'intArray' } },
  'kv.size': { onNode: true, fields: { ...raftGroup, keys: 'int' } },
  'client.invoke': { fields: clientOp },
  'client.ok': { fields: clientOp },
  'client.fail': { fields: clientOp },
  'client.info': { fields: clientOp },
  'check.violation': { fields: { check: 'string' } },
};

const expectedText: Record<FieldType, string> = {
  int: 'an integer',
  number: 'a number',
  string: 'a string',
  id: 'an integer or string id',
  object: 'an object',
  intArray: 'an array of integers',
  array: 'an array',
  nodeOrNone: 'a node id (integer) or null',
  boolean: 'true or false',
};

function matches(type: FieldType, value: unknown): boolean {
  switch (type) {
    case 'int':
      return Number.isInteger(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'string':
      return typeof value === 'string';
    case 'id':
      return Number.isInteger(value) || typeof value === 'string';
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    case 'intArray':
      return Array.isArray(value) && value.every((v) => Number.isInteger(v));
    case 'array':
      return Array.isArray(value);
    case 'nodeOrNone':
      return value === null || Number.isInteger(value);
    case 'boolean':
      return typeof value === 'boolean';
  }
}

export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing (the field is missing)';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

// The checks run once per event of a 500,000-event trace: each kind's fields are flattened once, up
// front, into parallel arrays of names and type codes.
const typeOrder: readonly FieldType[] = ['int', 'number', 'string', 'id', 'object', 'intArray', 'array', 'nodeOrNone', 'boolean'];

interface CompiledSchema {
  readonly onNode: boolean;
  readonly names: readonly string[];
  readonly types: readonly number[];
}

const compiled = new Map<string, CompiledSchema>(
  Object.entries(kindSchemas).map(([kind, schema]) => [
    kind,
    { onNode: schema.onNode === true, names: Object.keys(schema.fields), types: Object.values(schema.fields).map((t) => typeOrder.indexOf(t)) },
  ]),
);

function matchesCode(code: number, value: unknown): boolean {
  switch (code) {
    case 0:
      return Number.isInteger(value);
    case 2:
      return typeof value === 'string';
    case 3:
      return typeof value === 'string' || Number.isInteger(value);
    default:
      return matches(typeOrder[code], value);
  }
}

/** Why `event` does not fit its kind's schema, or null when it does (or the kind is unknown). */
export function checkKindFields(event: TraceEvent): string | null {
  const schema = compiled.get(event.kind);
  if (schema === undefined) return null;
  if (schema.onNode && !Number.isInteger(event.node)) {
    return `${event.kind} must happen on a node: expected "node" to be an integer, got ${describeValue(event.node)}`;
  }
  const { names, types } = schema;
  for (let i = 0; i < names.length; i += 1) {
    const value = event[names[i]];
    if (!matchesCode(types[i], value)) return `${event.kind} expects "${names[i]}" to be ${expectedText[typeOrder[types[i]]]}, got ${describeValue(value)}`;
  }
  if (event.kind === 'net.send') {
    const msg = event.msg as Record<string, unknown>;
    if (typeof msg.type !== 'string') return `net.send expects "msg.type" to be a string, got ${describeValue(msg.type)}`;
  }
  return null;
}
