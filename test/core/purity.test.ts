// ARCHITECTURE.md rule 2: core/ is sans-IO. Every effect enters through core/env, so the same code
// is deterministic in the simulator. This test fails on any forbidden API or import under core/.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const forbidden: Array<[RegExp, string]> = [
  [/\bDate\.now\b/, 'Date.now'],
  [/\bnew Date\(/, 'new Date('],
  [/\bMath\.random\b/, 'Math.random'],
  [/\bsetTimeout\b/, 'setTimeout'],
  [/\bsetInterval\b/, 'setInterval'],
  [/\bsetImmediate\b/, 'setImmediate'],
  [/\bperformance\.now\b/, 'performance.now'],
  [/\bprocess\.hrtime\b/, 'process.hrtime'],
  [/from\s+['"](node:)?(fs|net|timers|fs\/promises|timers\/promises|child_process|worker_threads|http|dgram)['"]/, 'an I/O module import'],
  [/require\(\s*['"](node:)?(fs|net|timers)['"]\s*\)/, 'an I/O module require'],
  [/from\s+['"]\.\.\/(\.\.\/)*(sim|prod|viz|cli|check)\//, 'an import from sim/, prod/, viz/, cli/ or check/'],
];

/**
 * ARCHITECTURE.md's layering: cli/ composes every world and nothing imports it; prod/ and sim/ share
 * only core/ (and the history checker, check/, which serves both); check/ reads histories and imports
 * no world; viz/ reads trace files and may import statechart definitions from core/, nothing from prod/.
 */
const layering: Array<[string, RegExp, string]> = [
  ['prod', /from\s+['"](\.\.\/)+(sim|viz|cli)\//, 'prod/ imports sim/, viz/ or cli/'],
  ['sim', /from\s+['"](\.\.\/)+(prod|viz|cli)\//, 'sim/ imports prod/, viz/ or cli/'],
  ['check', /from\s+['"](\.\.\/)+(sim|prod|viz|cli)\//, 'check/ imports sim/, prod/, viz/ or cli/'],
  ['viz', /from\s+['"](\.\.\/)+(prod|cli)\//, 'viz/ imports prod/ or cli/'],
  ['core', /from\s+['"](\.\.\/)+(bench|test)\//, 'core/ imports bench/ or test/'],
];

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return tsFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

function violations(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
  return forbidden.filter(([pattern]) => pattern.test(code)).map(([, what]) => what);
}

describe('core/ purity', () => {
  it('the scanner itself flags each forbidden use', () => {
    expect(violations('const t = Date.now();')).toEqual(['Date.now']);
    expect(violations("import { readFileSync } from 'node:fs';")).toEqual(['an I/O module import']);
    expect(violations("import x from '../../sim/kernel.ts';")).toEqual(['an import from sim/, prod/, viz/, cli/ or check/']);
    expect(violations('// Date.now is mentioned in a comment only')).toEqual([]);
  });

  it('no file under core/ uses a forbidden API', () => {
    const files = tsFiles(join(root, 'core'));
    expect(files.length).toBeGreaterThan(3);
    const found = files.flatMap((f) => violations(readFileSync(f, 'utf8')).map((v) => `${relative(root, f)}: ${v}`));
    expect(found).toEqual([]);
  });
});

describe('layering between the top-level folders', () => {
  it('each rule flags what it forbids', () => {
    expect(layering.find(([d]) => d === 'prod')![1].test("import { x } from '../../sim/run/x.ts';")).toBe(true);
    expect(layering.find(([d]) => d === 'sim')![1].test("import { x } from '../prod/x.ts';")).toBe(true);
    expect(layering.find(([d]) => d === 'prod')![1].test("import { x } from '../../core/x.ts';")).toBe(false);
  });

  it('no folder imports a layer it must not', () => {
    const found = layering.flatMap(([dir, pattern, what]) =>
      tsFiles(join(root, dir))
        .filter((f) => pattern.test(readFileSync(f, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1')))
        .map((f) => `${relative(root, f)}: ${what}`),
    );
    expect(found).toEqual([]);
  });

  it('nothing imports cli/', () => {
    const dirs = ['core', 'sim', 'prod', 'viz', 'check', 'bench'];
    const found = dirs.flatMap((dir) => tsFiles(join(root, dir)).filter((f) => /from\s+['"](\.\.\/)+cli\//.test(readFileSync(f, 'utf8'))).map((f) => relative(root, f)));
    expect(found).toEqual([]);
  });
});
