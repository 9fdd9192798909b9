// Turns scenario text into a typed Scenario, or a ScenarioError that names the file, the field path,
// what was found and what is allowed. Schema checks come from TypeBox; the cross-field rules that a
// schema cannot say (ranges ordered, node ids that exist) follow.
import { Kind, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { KvlabError } from '../../core/types.ts';
import { bugNames } from '../bugs/registry.ts';
import { type Scenario, ScenarioSpec } from './schema.ts';

export class ScenarioError extends KvlabError {
  constructor(readonly file: string, readonly field: string, readonly found: string, readonly allowed: string) {
    super('invalid-scenario', `${file}: ${field || '(top level)'}: found ${found}; ${allowed}`);
  }
}

/** Parses and validates; applies defaults for every omitted field. */
export function parseScenario(text: string, file: string): Scenario {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ScenarioError(file, '', 'text that is not JSON', `expected a JSON object (${jsonErrorWhere(text, error)})`);
  }
  return validateScenario(raw, file);
}

export function validateScenario(raw: unknown, file: string): Scenario {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ScenarioError(file, '', describe(raw), 'expected a JSON object');
  }
  const withDefaults = Value.Default(ScenarioSpec, Value.Clone(raw));
  const problem = firstProblem(ScenarioSpec, withDefaults, '');
  if (problem) throw new ScenarioError(file, problem.path, problem.found, problem.allowed);
  const scenario = withDefaults as Scenario;
  checkCrossFields(scenario, file);
  return scenario;
}

interface Problem {
  path: string;
  found: string;
  allowed: string;
}

function firstProblem(schema: TSchema, value: unknown, prefix: string): Problem | undefined {
  const error = Value.Errors(schema, value).First();
  if (!error) return undefined;
  const path = prefix + error.path;
  const variant = matchingVariant(error.schema, error.value);
  if (variant) return firstProblem(variant, error.value, path);
  const tag = discriminant(error.schema);
  if (tag && typeof error.value === 'object' && error.value !== null) {
    const found = (error.value as Record<string, unknown>)[tag.key];
    return { path: fieldPath(`${path}/${tag.key}`), found: describe(found), allowed: `allowed: ${tag.values.join(' | ')}` };
  }
  if (error.message === 'Unexpected property' && error.schema[Kind] === 'Object') {
    const fields = Object.keys(error.schema.properties as object).join(', ');
    return { path: fieldPath(path), found: 'an unknown field', allowed: `fields allowed here: ${fields}` };
  }
  return { path: fieldPath(path), found: describe(error.value), allowed: allowedText(error.schema, error.message) };
}

/** For a union of objects told apart by a literal field (fault, model), the variant the value names. */
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

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function jsonErrorWhere(text: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const position = /position (\d+)/.exec(message);
  if (!position) return message;
  const offset = Number(position[1]);
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return `syntax error at line ${line}, column ${column}`;
}

function checkCrossFields(s: Scenario, file: string): void {
  const fail = (path: string, found: unknown, allowed: string) => {
    throw new ScenarioError(file, path, describe(found), allowed);
  };
  const ranges: Array<[string, readonly number[] | undefined]> = [
    ['nemesis.intervalMs', s.nemesis?.intervalMs],
    ['nemesis.durationMs', s.nemesis?.durationMs],
  ];
  for (const [path, range] of ranges) if (range && range[0] > range[1]) fail(path, range, 'expected [min, max] with min <= max');
  const net = s.network.latency;
  if (net?.kind === 'uniform' && net.msMin > net.msMax) fail('network.latency', net, 'expected msMin <= msMax');
  const fsync = s.disk.fsyncLatency;
  if (fsync?.kind === 'uniform' && fsync.usMin > fsync.usMax) fail('disk.fsyncLatency', fsync, 'expected usMin <= usMax');
  const mix = s.workload.mix;
  if (s.workload.clients > 0 && mix.get + mix.put + mix.delete + mix.cas <= 0) fail('workload.mix', mix, 'expected at least one positive weight');
  if (s.cluster.heartbeatTicks >= s.cluster.electionTicks) {
    fail('cluster.heartbeatTicks', s.cluster.heartbeatTicks, `expected fewer than cluster.electionTicks (${s.cluster.electionTicks})`);
  }
  const livenessMsMin = 2 * s.cluster.requestTimeoutMs + s.cluster.tickMs * s.cluster.electionTicks * 2;
  if (s.checks.includes('liveness') && s.phases.livenessMs < livenessMsMin) {
    fail('phases.livenessMs', s.phases.livenessMs, `expected at least ${livenessMsMin} (two request timeouts plus two election timeouts), so requests stuck in a fault can time out and clients can show recovery`);
  }
  const unknownBug = s.bugs.findIndex((b) => !bugNames().includes(b));
  if (unknownBug >= 0) fail(`bugs[${unknownBug}]`, s.bugs[unknownBug], `allowed: ${bugNames().join(' | ')} (see kvlab bugs)`);
  const nodesMax = s.cluster.nodes + s.faults.filter((f) => f.fault === 'add-node').length + (s.nemesis?.kinds.includes('membership') ? 2 : 0);
  s.faults.forEach((fault, i) => {
    for (const [field, sel] of selectorsOf(fault)) {
      if (typeof sel === 'number' && sel > nodesMax) fail(`faults[${i}].${field}`, sel, `expected a node id from 1 to ${nodesMax}`);
    }
  });
}

function selectorsOf(fault: Scenario['faults'][number]): Array<[string, unknown]> {
  const out: Array<[string, unknown]> = [];
  for (const [key, value] of Object.entries(fault)) {
    if (key === 'node' || key === 'bridge' || (key === 'to' && !Array.isArray(value)) || (key === 'from' && !Array.isArray(value))) out.push([key, value]);
    if ((key === 'from' || key === 'to') && Array.isArray(value)) value.forEach((v, j) => out.push([`${key}[${j}]`, v]));
    if (key === 'groups') (value as unknown[][]).forEach((g, j) => g.forEach((v, k) => out.push([`groups[${j}][${k}]`, v])));
  }
  return out;
}
