#!/usr/bin/env node
// Prebuilds the kvlab CLI into one ES-module bundle with a chunk per command (.build/cli/), so the
// command starts without compiling TypeScript: `kvlab --help` loads only the entry chunk. Run by npm's
// `prepare` (on `npm install` / `npm ci`) and by `npm run build:cli`.
//   node cli/build.mjs [--outdir DIR] [--if-possible]
// --if-possible: a failed build is a warning, not a failed install (kvlab then runs through tsx).
// Each file is written to a temporary name and renamed, and chunks are named by content hash, so a
// kvlab already running from this directory keeps finding the chunks it was built with.
import { readdirSync, renameSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { BUNDLE_DIR_DEFAULT, ENTRY_NAME, MANIFEST_NAME, REPO_ROOT, inputRecord, manifestText } from './bundle-manifest.mjs';

/** Chunks of earlier builds are removed once this old (a running kvlab may still load them). */
const STALE_CHUNK_AGE_MS = 60 * 60 * 1000;

/** `import.meta.url` of each source, as seen from the bundle's directory: the sources find their files. */
function sourceUrlPlugin(outdir) {
  return {
    name: 'kvlab-source-url',
    setup(build) {
      build.onLoad({ filter: /\.(ts|mts)$/ }, async (args) => {
        const { readFile } = await import('node:fs/promises');
        const text = await readFile(args.path, 'utf8');
        if (!text.includes('import.meta.url')) return { contents: text, loader: 'ts' };
        const fromBundle = JSON.stringify(relative(outdir, args.path).split('\\').join('/'));
        return { contents: text.replaceAll('import.meta.url', `new URL(${fromBundle}, import.meta.url).href`), loader: 'ts' };
      });
    },
  };
}

export async function buildCli(outdir = BUNDLE_DIR_DEFAULT) {
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: { main: join(REPO_ROOT, 'cli', 'main.ts') },
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunk-[hash]',
    write: false,
    metafile: true,
    sourcemap: true,
    logLevel: 'silent',
    plugins: [sourceUrlPlugin(outdir)],
  });
  mkdirSync(outdir, { recursive: true });
  for (const file of result.outputFiles) {
    const temporary = `${file.path}.tmp-${process.pid}`;
    writeFileSync(temporary, file.contents);
    renameSync(temporary, file.path);
  }
  const inputs = [...Object.keys(result.metafile.inputs).map((path) => relative(REPO_ROOT, resolve(path))), 'cli/build.mjs', 'cli/bundle-manifest.mjs', 'package.json', 'tsconfig.json']
    .sort()
    .map((path) => inputRecord(REPO_ROOT, path));
  const manifest = join(outdir, MANIFEST_NAME);
  writeFileSync(`${manifest}.tmp-${process.pid}`, manifestText(inputs));
  renameSync(`${manifest}.tmp-${process.pid}`, manifest);
  removeStaleChunks(outdir, new Set(result.outputFiles.map((f) => basename(f.path))));
  return { outdir, inputs: inputs.length, files: result.outputFiles.length };
}

function removeStaleChunks(outdir, current) {
  const now = Date.now();
  for (const name of readdirSync(outdir)) {
    if (current.has(name) || name === MANIFEST_NAME || name === ENTRY_NAME) continue;
    const path = join(outdir, name);
    if (now - statSync(path).mtimeMs > STALE_CHUNK_AGE_MS) rmSync(path, { force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) {
  const args = process.argv.slice(2);
  const outIndex = args.indexOf('--outdir');
  const outdir = outIndex >= 0 ? resolve(args[outIndex + 1]) : BUNDLE_DIR_DEFAULT;
  try {
    const built = await buildCli(outdir);
    process.stdout.write(`kvlab: prebuilt the CLI into ${relative(process.cwd(), built.outdir) || '.'} (${built.files} files from ${built.inputs} sources)\n`);
  } catch (error) {
    process.stderr.write(`kvlab: could not prebuild the CLI (${error instanceof Error ? error.message.split('\n')[0] : String(error)}); kvlab runs from the TypeScript sources instead\n`);
    process.exitCode = args.includes('--if-possible') ? 0 : 1;
  }
}
