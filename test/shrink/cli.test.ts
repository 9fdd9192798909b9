import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { shrinkCommand } from '../../cli/shrink.ts';
import { parseScenario } from '../../sim/scenario/validate.ts';
import { powerLossScenarioJson, tinyScenarioJson } from '../sweep/tiny-scenarios.ts';

const dir = mkdtempSync(join(tmpdir(), 'kvlab-shrink-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(content));
  return path;
}

async function shrinkCli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await shrinkCommand(args, { out: (t) => void (out += t), err: (t) => void (err += t) });
  return { code, out, err };
}

describe('kvlab shrink', () => {
  const tiny = file('tiny.json', tinyScenarioJson);

  it.each([
    [[tiny], '--seed N is required'],
    [[tiny, '--seed', 'x1'], '--seed: expected a non-negative integer, got "x1"'],
    [[tiny, '--seed', '1', '--runs-max', '0'], '--runs-max: found "0"'],
    [[tiny, '--seed', '1', '--check', 'vibes'], '--check: found "vibes"; allowed: linearizability | raft-invariants'],
    [[tiny, '--seed', '1', '--bug', 'nope'], "--bug: unknown bug 'nope'; known bugs:"],
    [[tiny, tiny, '--seed', '1'], 'expected one scenario file, got 2'],
    [[join(dir, 'absent.json'), '--seed', '1'], 'absent.json: cannot read the scenario file'],
  ])('exits 2 for %j', async (args, message) => {
    const { code, err } = await shrinkCli(args);
    expect(code).toBe(2);
    expect(err).toContain(message);
    expect(err.trim().split('\n'), 'one line').toHaveLength(1);
  });

  it('exits 1 when the run does not fail', async () => {
    const { code, out } = await shrinkCli([tiny, '--seed', '3']);
    expect(code).toBe(1);
    expect(out).toContain('scenario tiny with seed 3 did not fail (every check passed)');
  });

  it('exits 0 and writes a smaller scenario that reproduces on its own', async () => {
    const path = file('power-loss.json', powerLossScenarioJson);
    const outPath = join(dir, 'out', 'shrunk.json');
    const { code, out, err } = await shrinkCli([path, '--seed', '1', '--bug', 'ackBeforeFsync', '--runs-max', '4', '--out', outPath]);
    expect(code).toBe(0);
    expect(existsSync(outPath)).toBe(true);
    const shrunk = parseScenario(readFileSync(outPath, 'utf8'), outPath);
    expect(shrunk.name).toBe('power-loss-shrunk-1');
    expect(shrunk.seed).toBe(1);
    expect(shrunk.bugs).toEqual(['ackBeforeFsync']);
    expect(out).toContain(`wrote      ${outPath}`);
    expect(out).toContain('the budget of 4 runs ran out');
    expect(out).toMatch(/ops {8}\d+/);
    expect(out).toContain('kept\n    workload.opsMax set to the');
    expect(out.trimEnd().split('\n').at(-1)).toBe(`npx kvlab run ${outPath} --seed 1`);
    expect(err).toContain('shrink: workload.opsMax set to the');
  });
});
