// Bundles the browser app (viz/app/main.ts with d3) with esbuild's JS API, in memory, once per
// process: `kvlab viz` and `kvlab run` need no build step.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export interface VizBundle {
  readonly js: string;
  readonly css: string;
}

const entry = fileURLToPath(new URL('../app/main.ts', import.meta.url));
const stylesheet = fileURLToPath(new URL('../app/styles.css', import.meta.url));

let cached: Promise<VizBundle> | null = null;

export function bundleVizApp(): Promise<VizBundle> {
  cached ??= buildBundle().catch((error: unknown) => {
    cached = null; // let a later call retry (e.g. after the source is fixed)
    throw error;
  });
  return cached;
}

async function buildBundle(): Promise<VizBundle> {
  const result = await build({
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
  return { js: js.text, css: await readFile(stylesheet, 'utf8') };
}
