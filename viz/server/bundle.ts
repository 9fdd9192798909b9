// Bundles the browser app (viz/app/main.ts with d3) with esbuild's JS API, in memory, once per
// process and then from a disk cache while no input changed (bundle-cache.ts): `kvlab viz` and
// `kvlab run` need no build step, and a run does not pay a second of esbuild each time.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hashFile, readCachedBundle, writeCachedBundle } from './bundle-cache.ts';

export interface VizBundle {
  readonly js: string;
  readonly css: string;
}

const entry = fileURLToPath(new URL('../app/main.ts', import.meta.url));
const stylesheet = fileURLToPath(new URL('../app/styles.css', import.meta.url));
/** This file: its build options are part of what a cached bundle depends on. */
const bundler = fileURLToPath(import.meta.url);
const packageRoot = fileURLToPath(new URL('../../', import.meta.url));

let cached: Promise<VizBundle> | null = null;

/** The package root (where the cache entry of this checkout is keyed). */
export const vizPackageRoot = packageRoot;

export function bundleVizApp(): Promise<VizBundle> {
  cached ??= cachedOrBuilt().catch((error: unknown) => {
    cached = null; // let a later call retry (e.g. after the source is fixed)
    throw error;
  });
  return cached;
}

async function cachedOrBuilt(): Promise<VizBundle> {
  const hit = readCachedBundle(packageRoot);
  if (hit !== null) return { js: hit.js, css: hit.css };
  const { bundle, inputs } = await buildBundle();
  const hashes: Record<string, string> = {};
  for (const path of [...inputs, stylesheet, bundler]) {
    const hash = hashFile(path);
    if (hash === null) return bundle; // an input we cannot read back: do not cache what we cannot check
    hashes[path] = hash;
  }
  writeCachedBundle(packageRoot, { inputs: hashes, js: bundle.js, css: bundle.css });
  return bundle;
}

async function buildBundle(): Promise<{ bundle: VizBundle; inputs: string[] }> {
  // esbuild loads only when there is something to build: a cache hit skips its service process too.
  const { build } = await import('esbuild');
  const result = await build({
    absWorkingDir: packageRoot,
    metafile: true,
    entryPoints: [entry],
    outfile: 'kvlab-viz.js', // named only so the output is recognisable; nothing is written
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: ['chrome109', 'firefox115', 'safari16'],
    // Names are kept so stack traces and profiles of the page stay readable; whitespace and syntax
    // minification already make the bundle small.
    minifyWhitespace: true,
    minifySyntax: true,
    keepNames: true,
    legalComments: 'none',
    logLevel: 'silent',
  });
  const js = result.outputFiles.find((file) => file.path.endsWith('.js'));
  if (js === undefined) throw new Error('esbuild produced no JavaScript for viz/app/main.ts');
  const inputs = Object.keys(result.metafile.inputs).map((path) => resolve(packageRoot, path));
  return { bundle: { js: js.text, css: await readFile(stylesheet, 'utf8') }, inputs };
}
