// Writes scenarios/scenario.schema.json from the TypeBox definition (npm run schema). A test checks
// the committed file is current, so editors and outside tools always see the real format.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ScenarioSpec } from './schema.ts';

export const schemaPath = fileURLToPath(new URL('../../scenarios/scenario.schema.json', import.meta.url));

export function scenarioJsonSchema(): string {
  const schema = { $schema: 'http://json-schema.org/draft-07/schema#', title: 'kvlab scenario', ...JSON.parse(JSON.stringify(ScenarioSpec)) };
  return `${JSON.stringify(optionalDefaults(schema), null, 2)}\n`;
}

/** A field with a default may be omitted, so it is not "required" for editors. */
function optionalDefaults(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(optionalDefaults);
  if (typeof node !== 'object' || node === null) return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) out[key] = optionalDefaults(value);
  const props = out.properties as Record<string, { default?: unknown }> | undefined;
  if (Array.isArray(out.required) && props) {
    out.required = (out.required as string[]).filter((k) => props[k]?.default === undefined);
    if ((out.required as string[]).length === 0) delete out.required;
  }
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(schemaPath, scenarioJsonSchema());
  process.stdout.write(`wrote ${schemaPath}\n`);
}
