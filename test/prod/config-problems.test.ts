// A node config with several mistakes reports every one of them at once, each naming the file and the
// field, so that a user fixes them in one edit (validateNodeConfig and loadNodeConfig).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadNodeConfig } from '../../prod/config/load.ts';
import { CONFIG_FILE, minimalNodeConfig } from './config-fixture.ts';
import { ConfigError, configProblemsMax, validateNodeConfig } from '../../prod/config/validate.ts';

const FILE = CONFIG_FILE;
const minimal = minimalNodeConfig;

function problemsOf(action: () => unknown): ConfigError {
  try {
    action();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('node config: every problem at once', () => {
  it('schema problems of several fields, each on its own line naming file and field', () => {
    const error = problemsOf(() => validateNodeConfig({ ...minimal(), colour: 'red', logLevel: 'loud', clusterId: 'a b', limits: { pipelineDepthMax: 0 } }, FILE));
    expect(error.problems.map((p) => p.field).sort()).toEqual(['clusterId', 'colour', 'limits.pipelineDepthMax', 'logLevel']);
    const lines = error.message.split('\n');
    expect(lines).toHaveLength(4);
    for (const line of lines) expect(line).toMatch(/^conf\/node1\.json: [a-zA-Z.]+: found .+; .+/);
    // The first problem stays available field by field.
    expect(error.file).toBe(FILE);
    expect(error.field).toBe(error.problems[0].field);
  });

  it('rules across fields are checked beside schema problems of other sections', () => {
    const raw = { ...minimal(), logLevel: 'loud', raft: { heartbeatTicks: 2, electionTicks: 9 }, listen: { resp: 7001, http: 7001, raft: 7201 }, nodeId: 5 };
    const fields = problemsOf(() => validateNodeConfig(raw, FILE)).problems.map((p) => p.field);
    expect(fields).toEqual(expect.arrayContaining(['logLevel', 'raft.electionTicks', 'listen.http', 'nodeId']));
    expect(fields).toHaveLength(4);
  });

  it('a section with the wrong shape skips only the rules that read it', () => {
    const fields = problemsOf(() => validateNodeConfig({ ...minimal(), listen: { resp: 'x', http: 7101, raft: 7201 }, raft: { heartbeatTicks: 2, electionTicks: 9 } }, FILE)).problems.map((p) => p.field);
    expect(fields).toEqual(['listen.resp', 'raft.electionTicks']);
  });

  it('reports at most configProblemsMax problems', () => {
    const many = Object.fromEntries(Array.from({ length: configProblemsMax + 10 }, (_, i) => [`unknown${i}`, i]));
    expect(problemsOf(() => validateNodeConfig({ ...minimal(), ...many }, FILE)).problems).toHaveLength(configProblemsMax);
  });

  describe('from a file', () => {
    const root = mkdtempSync(join(tmpdir(), 'kvlab-config-problems-'));
    afterAll(() => rmSync(root, { recursive: true, force: true }));

    it('the data directory\'s problem is reported with the others', () => {
      writeFileSync(join(root, 'plain-file'), 'x');
      const file = join(root, 'node1.json');
      writeFileSync(file, JSON.stringify({ ...minimal(), dataDir: 'plain-file/node1', logLevel: 'loud', raft: { heartbeatTicks: 2, electionTicks: 9 } }));
      const error = problemsOf(() => loadNodeConfig(file));
      expect(error.problems.map((p) => p.field).sort()).toEqual(['dataDir', 'logLevel', 'raft.electionTicks']);
      expect(error.message).toContain(`${file}: dataDir: found "plain-file/node1"; expected a directory this process can create or write`);
    });
  });
});
