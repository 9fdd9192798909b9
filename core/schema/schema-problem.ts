// Turns TypeBox validation errors into one precise problem: the field path ("cluster[2].raftAddr"),
// what was found and what is allowed. Shared by every JSON file format a user writes (scenarios,
// production node configs) so their error messages read the same. Pure: no I/O.
import { Kind, type TSchema } from '@sinclair/typebox';
import { Value, type ValueError } from '@sinclair/typebox/value';

export interface SchemaProblem {
  /** Dotted field path with [i] for array items; '' for the top level. */
  readonly path: string;
  readonly found: string;
  readonly allowed: string;
}

/** The first problem of `value` against `schema`, or undefined when it conforms. */
export function firstSchemaProblem(schema: TSchema, value: unknown): SchemaProblem | undefined {
  return firstProblemAt(schema, value, '');
}

/**
 * Every problem of `value` against `schema`, one per field, at most `problemsMax` (a file with many
 * mistakes is reported at once, not one edit-and-retry at a time).
 */
export function schemaProblems(schema: TSchema, value: unknown, problemsMax: number): SchemaProblem[] {
  const problems = new Map<string, SchemaProblem>();
  for (const error of Value.Errors(schema, value)) {
    if (problems.size >= problemsMax) break;
    const problem = problemOf(error, '');
    if (!problems.has(problem.path)) problems.set(problem.path, problem);
  }
  return [...problems.values()];
}

function firstProblemAt(schema: TSchema, value: unknown, prefix: string): SchemaProblem | undefined {
  const error = Value.Errors(schema, value).First();
  return error ? problemOf(error, prefix) : undefined;
}

function problemOf(error: ValueError, prefix: string): SchemaProblem {
  const path = prefix + error.path;
  const variant = matchingVariant(error.schema, error.value);
  if (variant) return firstProblemAt(variant, error.value, path) ?? { path: fieldPath(path), found: describeValue(error.value), allowed: allowedText(error.schema, error.message) };
  const tag = discriminant(error.schema);
  if (tag && typeof error.value === 'object' && error.value !== null) {
    const found = (error.value as Record<string, unknown>)[tag.key];
    return { path: fieldPath(`${path}/${tag.key}`), found: describeValue(found), allowed: `allowed: ${tag.values.join(' | ')}` };
  }
  if (error.message === 'Unexpected property' && error.schema[Kind] === 'Object') {
    const fields = Object.keys(error.schema.properties as object).join(', ');
    return { path: fieldPath(path), found: 'an unknown field', allowed: `fields allowed here: ${fields}` };
  }
  return { path: fieldPath(path), found: describeValue(error.value), allowed: allowedText(error.schema, error.message) };
}

/** For a union of objects told apart by a literal field, the variant the value names. */
function matchingVariant(schema: TSchema, value: unknown): TSchema | undefined {
  if (schema[Kind] !== 'Union' || typeof value !== 'object' || value === null) return undefined;
  for (const variant of schema.anyOf as TSchema[]) {
    if (variant[Kind] !== 'Object') continue;
    for (const [key, prop] of Object.entries(variant.properties as Record<string, TSchema>)) {
      if (prop.const !== undefined && (value as Record<string, unknown>)[key] === prop.const) return variant;
    }
  }
  return undefined;
}

/** The literal field that tells the variants of a union of objects apart, with its values. */
function discriminant(schema: TSchema): { key: string; values: string[] } | undefined {
  if (schema[Kind] !== 'Union') return undefined;
  const variants = schema.anyOf as TSchema[];
  if (!variants.every((v) => v[Kind] === 'Object')) return undefined;
  const first = Object.entries(variants[0].properties as Record<string, TSchema>).find(([, p]) => p.const !== undefined);
  if (!first) return undefined;
  const key = first[0];
  return { key, values: variants.map((v) => JSON.stringify((v.properties as Record<string, TSchema>)[key]?.const)) };
}

function allowedText(schema: TSchema, message: string): string {
  if (schema[Kind] === 'Union') {
    const options = (schema.anyOf as TSchema[]).map(optionText);
    return `allowed: ${schema.description ?? options.join(' | ')}`;
  }
  const hint = schema.description ? ` (${schema.description})` : '';
  return `${message.replace(/^Expected/, 'expected')}${hint}`;
}

function optionText(schema: TSchema): string {
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (schema[Kind] === 'Object') {
    const tag = Object.entries(schema.properties as Record<string, TSchema>).find(([, p]) => p.const !== undefined);
    if (tag) return `{"${tag[0]}": ${JSON.stringify(tag[1].const)}, ...}`;
  }
  return String(schema.type ?? schema[Kind]).toLowerCase();
}

/** "/faults/2/groups/0" -> "faults[2].groups[0]" */
export function fieldPath(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, part) => (/^\d+$/.test(part) ? `${acc}[${part}]` : acc ? `${acc}.${part}` : part), '');
}

/** A found value for an error message: JSON, cut to 60 characters; 'nothing' when absent. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** Where JSON.parse failed, as "syntax error at line L, column C" (or the parser's own message). */
export function jsonSyntaxWhere(text: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const position = /position (\d+)/.exec(message);
  // Node quotes the start of the text, line breaks and all: keep the message on one line.
  if (!position) return message.replace(/\s+/g, ' ');
  const offset = Number(position[1]);
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return `syntax error at line ${line}, column ${column}`;
}
