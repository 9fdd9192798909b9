// The prebuilt CLI runs only when it was built from the sources as they are now: a manifest of every
// input's mtime and size decides, and any difference (an edited, touched or deleted source, no
// manifest) sends kvlab to the TypeScript sources through tsx. Plus one real build, run both ways.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { bundleStatus, ENTRY_NAME, inputRecord, MANIFEST_NAME, manifestText } from '../../cli/bundle-manifest.mjs';

const root = mkdtempSync(join(tmpdir(), 'kvlab-bundle-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const REPO = fileURLToPath(new URL('../..', import.meta.url));

describe('bundleStatus: the bundle, or why not', () => {
  const tree = join(root, 'tree');
  const bundle = join(root, 'bundle');
  mkdirSync(join(tree, 'cli'), { recursive: true });
  mkdirSync(bundle);
  const sources = ['cli/main.ts', 'cli/run.ts'];
  const build = () => {
    for (const source of sources) writeFileSync(join(tree, source), `// ${source}\n`);
    writeFileSync(join(bundle, MANIFEST_NAME), manifestText(sources.map((s) => inputRecord(tree, s))));
  };

  it('takes the bundle when every input matches', () => {
    build();
    expect(bundleStatus(tree, bundle)).toEqual({ entry: expect.stringMatching(new RegExp(`/bundle/${ENTRY_NAME}$`)), reason: 'the bundle matches the sources' });
  });

  it('not after a source was edited (even to the same size)', () => {
    build();
    writeFileSync(join(tree, 'cli/run.ts'), '// cli/RUN.ts\n');
    // An edit within the same millisecond as the build keeps mtime; set it apart as any real edit is.
    utimesSync(join(tree, 'cli/run.ts'), new Date(), new Date(Date.now() + 5_000));
    expect(bundleStatus(tree, bundle)).toEqual({ entry: null, reason: 'cli/run.ts changed since the bundle was built' });
  });

  it('not after a source changed size with its old mtime restored', () => {
    build();
    const [, mtimeMs] = inputRecord(tree, 'cli/main.ts');
    writeFileSync(join(tree, 'cli/main.ts'), '// cli/main.ts, longer now\n');
    utimesSync(join(tree, 'cli/main.ts'), new Date(), new Date(mtimeMs));
    expect(bundleStatus(tree, bundle).reason).toBe('cli/main.ts changed since the bundle was built');
  });

  it('not after a source was only touched, or deleted', () => {
    build();
    utimesSync(join(tree, 'cli/main.ts'), new Date(), new Date(Date.now() - 60_000));
    expect(bundleStatus(tree, bundle).entry).toBeNull();
    build();
    rmSync(join(tree, 'cli/run.ts'));
    expect(bundleStatus(tree, bundle)).toEqual({ entry: null, reason: 'cli/run.ts is gone since the bundle was built' });
  });

  it('not without a manifest, or with one it cannot read', () => {
    build();
    rmSync(join(bundle, MANIFEST_NAME));
    expect(bundleStatus(tree, bundle).reason).toMatch(/^no prebuilt bundle in /);
    writeFileSync(join(bundle, MANIFEST_NAME), '{"version": 99, "inputs": []}');
    expect(bundleStatus(tree, bundle).reason).toMatch(/is not a manifest this kvlab reads/);
  });
});

describe('a real build of the CLI', () => {
  // Inside the repository, as the real one: the bundle imports its packages from node_modules.
  const outdir = join(REPO, '.build', `test-bundle-${process.pid}`);
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));
  const kvlab = (argv: string[], env: Record<string, string>) =>
    spawnSync(process.execPath, [join(REPO, 'cli', 'kvlab.mjs'), ...argv], { encoding: 'utf8', env: { ...process.env, KVLAB_EXPLAIN_START: '1', KVLAB_BUNDLE_DIR: outdir, ...env }, timeout: 120_000 });

  it('builds, runs from the bundle when fresh, and from the sources once the manifest disagrees', () => {
    const built = spawnSync(process.execPath, [join(REPO, 'cli', 'build.mjs'), '--outdir', outdir], { encoding: 'utf8', cwd: REPO, timeout: 120_000 });
    expect(built.status, built.stderr).toBe(0);
    const fresh = kvlab(['bugs', '--json'], {});
    expect(fresh.status, fresh.stderr).toBe(0);
    expect(fresh.stderr).toContain('kvlab: running the prebuilt bundle');
    expect(JSON.parse(fresh.stdout).length).toBeGreaterThan(3);
    // As if cli/usage.ts had been edited after the build: the launcher must not run the bundle.
    const manifest = JSON.parse(readFileSync(join(outdir, MANIFEST_NAME), 'utf8')) as { inputs: Array<[string, number, number]> };
    const usage = manifest.inputs.find(([path]) => path === 'cli/usage.ts')!;
    usage[1] -= 1_000;
    writeFileSync(join(outdir, MANIFEST_NAME), JSON.stringify(manifest));
    const stale = kvlab(['run', '--help'], {});
    expect(stale.status, stale.stderr).toBe(0);
    expect(stale.stderr).toContain('kvlab: running the sources through tsx (cli/usage.ts changed since the bundle was built)');
    expect(stale.stdout).toMatch(/^usage: kvlab run/);
  });

  it('KVLAB_TSX=1 always runs the sources', () => {
    const forced = kvlab(['--help'], { KVLAB_TSX: '1' });
    expect(forced.status).toBe(0);
    expect(forced.stderr).toContain('kvlab: running the sources through tsx (KVLAB_TSX=1)');
  });
});
