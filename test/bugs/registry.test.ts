import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { KV_BUGS } from '../../core/kv/bugs.ts';
import { RAFT_BUGS } from '../../core/raft/bugs.ts';
import { STORAGE_BUGS } from '../../core/storage/bugs.ts';
import { KvlabError } from '../../core/types.ts';
import { bugsCommand } from '../../cli/bugs.ts';
import { BUG_REGISTRY, bugScenarioPath, findBug, validateBugNames } from '../../sim/bugs/registry.ts';
import { parseScenario } from '../../sim/scenario/validate.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('bug registry', () => {
  it('lists every bug of every layer once, the node host ackBeforeFsync and sessionOrderIgnored included', () => {
    const expected = [...RAFT_BUGS, ...STORAGE_BUGS, ...KV_BUGS].map((b): string => b.name).concat('ackBeforeFsync', 'sessionOrderIgnored');
    expect(BUG_REGISTRY.map((b) => b.name).sort()).toEqual([...expected].sort());
    expect(new Set(BUG_REGISTRY.map((b) => b.name)).size).toBe(BUG_REGISTRY.length);
    expect(findBug('ackBeforeFsync')?.layer).toBe('node');
    expect(findBug('sessionOrderIgnored')?.layer).toBe('node');
    expect(findBug('unsyncedWalTrusted')?.layer).toBe('storage');
  });

  it.each(BUG_REGISTRY.map((b) => [b.name, b.scenario]))('%s names a library scenario that exists and is valid: %s', (_name, scenario) => {
    const path = `${root}${scenario}`;
    expect(existsSync(path), `${scenario} is missing`).toBe(true);
    expect(() => parseScenario(readFileSync(path, 'utf8'), scenario)).not.toThrow();
  });

  it('names scenario files in kebab case', () => {
    expect(bugScenarioPath('readIndexBeforeTermCommit')).toBe('scenarios/bug-read-index-before-term-commit.json');
  });

  it('accepts known names and rejects unknown ones with the list of known names', () => {
    expect(() => validateBugNames(['ackBeforeFsync', 'voteWithoutLogCheck'])).not.toThrow();
    let error: unknown;
    try {
      validateBugNames(['ackBeforeFsync', 'nope', 'nada']);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(KvlabError);
    const message = (error as Error).message;
    expect(message).toContain("--bug: unknown bugs 'nope', 'nada'");
    for (const bug of BUG_REGISTRY) expect(message).toContain(bug.name);
  });
});

describe('kvlab bugs', () => {
  it('--json prints an array of {name, description, source, scenario}', async () => {
    let out = '';
    expect(await bugsCommand(['--json'], (t) => void (out += t))).toBe(0);
    const list = JSON.parse(out) as Array<Record<string, unknown>>;
    expect(list).toHaveLength(BUG_REGISTRY.length);
    for (const item of list) {
      for (const key of ['name', 'description', 'source', 'scenario']) expect(typeof item[key], `${item.name}.${key}`).toBe('string');
      expect(Object.keys(item).filter((k) => !['name', 'description', 'source', 'scenario', 'layer'].includes(k))).toEqual([]);
      expect((item.description as string).length).toBeGreaterThan(20);
      expect((item.source as string).length).toBeGreaterThan(10);
    }
  });

  it('prints a readable table of every bug', async () => {
    let out = '';
    expect(await bugsCommand([], (t) => void (out += t))).toBe(0);
    for (const bug of BUG_REGISTRY) {
      expect(out).toContain(bug.name);
      expect(out).toContain(bug.scenario);
    }
    expect(out.split('\n').every((line) => line.length <= 120)).toBe(true);
  });
});
