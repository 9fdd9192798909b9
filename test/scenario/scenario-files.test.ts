// The scenario library and its schema: every file validates, names match file names, the JSON
// Schema on disk is the one the TypeBox definition generates, and bad files get precise errors.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../sim/scenario/load.ts';
import { parseScenario } from '../../sim/scenario/validate.ts';
import { schemaPath, scenarioJsonSchema } from '../../sim/scenario/write-schema.ts';

const dir = join(import.meta.dirname, '..', '..', 'scenarios');
const files = readdirSync(dir).filter((f) => f.endsWith('.json') && f !== 'scenario.schema.json');

describe('the scenario library', () => {
  it('has at least 20 non-bug scenarios', () => {
    expect(files.filter((f) => !f.startsWith('bug-')).length).toBeGreaterThanOrEqual(20);
  });

  it.each(files)('%s validates and its name matches the file', (file) => {
    const scenario = loadScenario(join(dir, file));
    expect(`${scenario.name}.json`).toBe(file);
  });

  it('scenario.schema.json is generated from the TypeBox definition (npm run schema)', () => {
    expect(readFileSync(schemaPath, 'utf8')).toBe(scenarioJsonSchema());
  });
});

describe('scenario validation errors name file, field, what was found and what is allowed', () => {
  const cases: Array<[string, string]> = [
    ['{"name":"x","cluster":{"nodes":0}}', 'x.json: cluster.nodes: found 0; expected integer to be greater or equal to 1'],
    ['{"name":"x","faults":[{"at":1,"fault":"explode"}]}', 'x.json: faults[0].fault: found "explode"; allowed: "partition" | "one-way"'],
    ['{"name":"x","faults":[{"at":1,"fault":"partition","groups":[["lead"],[2]]}]}', 'x.json: faults[0].groups[0][0]: found "lead"; allowed: a node id, or leader'],
    ['{"name":"x","faults":[{"at":1,"fault":"crash","node":7}]}', 'x.json: faults[0].node: found 7; expected a node id from 1 to 3'],
    ['{"name":"x","workload":{"clientz":3}}', 'x.json: workload.clientz: found an unknown field; fields allowed here: clients'],
    ['{"name":"x","network":{"latency":{"kind":"uniform","msMin":5,"msMax":1}}}', 'x.json: network.latency: found {"kind":"uniform","msMin":5,"msMax":1}; expected msMin <= msMax'],
    ['{"name":"x",\n "cluster": {"nodes": 3,}}', 'x.json: (top level): found text that is not JSON; expected a JSON object (syntax error at line 2'],
    ['{"name":"x","phases":{"livenessMs":10}}', 'x.json: phases.livenessMs: found 10; expected at least'],
    ['{"name":"Bad Name"}', 'x.json: name: found "Bad Name"'],
  ];
  it.each(cases)('%s', (text, message) => {
    expect(() => parseScenario(text, 'x.json')).toThrow(message);
  });

  it('fills every omitted field with its default', () => {
    const s = parseScenario('{"name":"x"}', 'x.json');
    expect(s.cluster.nodes).toBe(3);
    expect(s.workload.clients).toBe(5);
    expect(s.checks).toEqual(['linearizability', 'raft-invariants', 'durability', 'liveness']);
    expect(s.expect).toBe('pass');
  });
});
