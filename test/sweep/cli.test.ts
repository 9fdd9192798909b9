import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sweepCommand } from '../../cli/sweep.ts';
import { powerLossScenarioJson, tinyScenarioJson } from './tiny-scenarios.ts';

const dir = mkdtempSync(join(tmpdir(), 'kvlab-sweep-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

async function sweepCli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await sweepCommand(args, { out: (t) => void (out += t), err: { isTTY: false, write: (t: string) => void (err += t) } });
  return { code, out, err };
}

describe('kvlab sweep: invalid input exits 2 with a clear message', () => {
  const tiny = file('tiny.json', tinyScenarioJson);

  it.each([
    [[tiny, '--seeds', '9..3'], '--seeds: found "9..3"; the range is empty: 9 > 3'],
    [[tiny, '--seeds', 'lots'], '--seeds: found "lots"; not a seed range'],
    [[tiny], '--seeds A..B is required'],
    [['--seeds', '1..2'], 'expected one scenario file, got 0'],
    [[tiny, '--seeds', '1..2', '--workers', '0'], '--workers: found "0"'],
    [[tiny, '--seeds', '1..2', '--bug', 'noSuchBug'], "--bug: unknown bug 'noSuchBug'; known bugs: voteWithoutLogCheck,"],
    [[tiny, '--seeds', '1..2', '--frobnicate'], "unknown option '--frobnicate'"],
    [[join(dir, 'missing.json'), '--seeds', '1..2'], 'missing.json: cannot read the scenario file (ENOENT)'],
  ])('%j', async (args, message) => {
    const { code, out, err } = await sweepCli(args);
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toContain(message);
    expect(err.trim().split('\n'), 'one line').toHaveLength(1);
  });

  it('reports a bad scenario with the validator message (file, field, reason)', async () => {
    const bad = file('bad.json', { name: 'bad', cluster: { nodes: 0 } });
    const { code, err } = await sweepCli([bad, '--seeds', '1..2']);
    expect(code).toBe(2);
    expect(err).toContain(`${bad}: cluster.nodes: found 0`);
    const notJson = file('not-json.json', '{ "name": ');
    const second = await sweepCli([notJson, '--seeds', '1']);
    expect(second.code).toBe(2);
    expect(second.err).toContain('not JSON');
  });

  it('rejects unknown bugs named by the scenario itself', async () => {
    const path = file('bugged.json', { ...tinyScenarioJson, bugs: ['madeUp'] });
    const { code, err } = await sweepCli([path, '--seeds', '1']);
    expect(code).toBe(2);
    expect(err).toContain(`${path}: bugs[0]: found "madeUp"; allowed: voteWithoutLogCheck`);
  });
});

describe('kvlab sweep: verdicts', () => {
  it('exits 1 and prints repro commands when seeds fail', async () => {
    const path = file('power-loss.json', powerLossScenarioJson);
    const { code, out, err } = await sweepCli([path, '--seeds', '1..2', '--workers', '2', '--bug', 'ackBeforeFsync']);
    expect(code).toBe(1);
    expect(out).toContain('0 passed, 2 failed');
    expect(out).toContain('raft-invariants: 2 seeds failed');
    expect(out).toContain(`npx kvlab run ${path} --seed 1 --bug ackBeforeFsync`);
    expect(out).toContain(`npx kvlab run ${path} --seed 2 --bug ackBeforeFsync`);
    expect(err).toContain('2/2 seeds (100%)');
  });

  it('exits 0 when every seed passes', async () => {
    const path = file('tiny-pass.json', tinyScenarioJson);
    const { code, out } = await sweepCli([path, '--seeds', '3', '--stop-on-failure']);
    expect(code).toBe(0);
    expect(out).toContain('1 passed, 0 failed');
  });
});
