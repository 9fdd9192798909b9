// A scenario as a person would write it: only the fields that differ from the defaults, so a shrunk
// file shows at a glance what the failure needs. Parsing it gives back the same scenario.
import type { Scenario } from '../scenario/schema.ts';
import { validateScenario } from '../scenario/validate.ts';

export function minimalScenario(s: Scenario): Record<string, unknown> {
  const defaults = validateScenario({ name: s.name }, 'defaults') as unknown as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(s)) {
    // A relative $schema would point nowhere once the file is written elsewhere.
    if (key === '$schema' || value === undefined) continue;
    const reduced = withoutDefaults(value, defaults[key]);
    if (key === 'name' || reduced !== undefined) out[key] = reduced ?? value;
  }
  return out;
}

/**
 * `value` minus the fields that equal `fallback`'s; undefined when nothing is left. Only a section
 * (cluster, workload, ...) loses fields: a value inside one (a latency model, the operation mix) must
 * stay whole, because its fields have no defaults of their own.
 */
function withoutDefaults(value: unknown, fallback: unknown): unknown {
  if (!isPlainObject(value) || !isPlainObject(fallback)) return sameJson(value, fallback) ? undefined : value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) if (!sameJson(inner, fallback[key])) out[key] = inner;
  return Object.keys(out).length > 0 ? out : undefined;
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
