// The browser bundle comes from a disk cache while none of its inputs changed (viz/server/bundle-cache.ts).
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'kvlab-cache-test-'));
process.env.KVLAB_CACHE_DIR = dir;
afterAll(() => {
  delete process.env.KVLAB_CACHE_DIR;
  rmSync(dir, { recursive: true, force: true });
});

describe('the viz bundle cache', () => {
  it('stores the bundle with a hash of every input, and refuses it once any input differs', async () => {
    const { bundleVizApp, vizPackageRoot } = await import('../../viz/server/bundle.ts');
    const { readCachedBundle } = await import('../../viz/server/bundle-cache.ts');
    const built = await bundleVizApp();
    const entry = readCachedBundle(vizPackageRoot);
    expect(entry, 'a cache entry after the first build').not.toBeNull();
    expect(entry!.js).toBe(built.js);
    const inputs = Object.keys(entry!.inputs);
    expect(inputs.some((path) => path.endsWith('viz/app/main.ts'))).toBe(true);
    expect(inputs.some((path) => path.includes('/d3-'))).toBe(true);
    expect(inputs.some((path) => path.endsWith('viz/app/styles.css'))).toBe(true);
    // An input whose content no longer matches (as after an edit) makes the entry unusable.
    const [file] = readdirSync(dir).filter((name) => name.endsWith('.json'));
    const stored = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    stored.inputs[inputs[0]] = '0'.repeat(64);
    writeFileSync(join(dir, file), JSON.stringify(stored));
    expect(readCachedBundle(vizPackageRoot)).toBeNull();
    expect(readCachedBundle('/some/other/checkout')).toBeNull();
  });
});
