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
  [/from\s+['"]\.\.\/(\.\.\/)*(sim|prod|viz)\//, 'an import from sim/, prod/ or viz/'],
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
    expect(violations("import x from '../../sim/kernel.ts';")).toEqual(['an import from sim/, prod/ or viz/']);
    expect(violations('// Date.now is mentioned in a comment only')).toEqual([]);
  });

  it('no file under core/ uses a forbidden API', () => {
    const files = tsFiles(join(root, 'core'));
    expect(files.length).toBeGreaterThan(3);
    const found = files.flatMap((f) => violations(readFileSync(f, 'utf8')).map((v) => `${relative(root, f)}: ${v}`));
    expect(found).toEqual([]);
  });
});
