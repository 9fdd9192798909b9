// The prebuilt CLI bundle (.build/cli/) and the manifest that says which sources it was built from:
// each input file with its modification time and size. The `kvlab` launcher runs the bundle only
// when every input still matches, so a developer who edits a TypeScript file never runs stale code
// (kvlab then runs the sources through tsx, as before). Plain JavaScript: it runs before any loader.
import { readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The repository root (this file lives in cli/). */
export const REPO_ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
/**
 * Where `npm install` (prepare) and `npm run build:cli` put the bundle; KVLAB_BUNDLE_DIR overrides it
 * (a directory inside the repository: the bundle imports its packages from node_modules).
 */
export const BUNDLE_DIR_DEFAULT = join(REPO_ROOT, '.build', 'cli');
export const MANIFEST_NAME = 'manifest.json';
export const ENTRY_NAME = 'main.mjs';
const MANIFEST_VERSION = 1;

/** The manifest entry of one input: [path relative to root, mtimeMs, size]. */
export function inputRecord(root, relativePath) {
  const stat = statSync(join(root, relativePath));
  return [relativePath, stat.mtimeMs, stat.size];
}

export function manifestText(inputs) {
  return `${JSON.stringify({ version: MANIFEST_VERSION, entry: ENTRY_NAME, inputs }, null, 1)}\n`;
}

/**
 * The bundle's entry URL when the bundle in `bundleDir` was built from the sources now under `root`;
 * otherwise null and why (no bundle, an input changed or is gone).
 */
export function bundleStatus(root = REPO_ROOT, bundleDir = BUNDLE_DIR_DEFAULT) {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(join(bundleDir, MANIFEST_NAME), 'utf8'));
  } catch {
    return { entry: null, reason: `no prebuilt bundle in ${bundleDir} (npm run build:cli makes one)` };
  }
  if (manifest?.version !== MANIFEST_VERSION || !Array.isArray(manifest.inputs) || manifest.inputs.length === 0) {
    return { entry: null, reason: `${join(bundleDir, MANIFEST_NAME)} is not a manifest this kvlab reads` };
  }
  for (const [path, mtimeMs, size] of manifest.inputs) {
    let stat;
    try {
      stat = statSync(join(root, path));
    } catch {
      return { entry: null, reason: `${path} is gone since the bundle was built` };
    }
    if (stat.mtimeMs !== mtimeMs || stat.size !== size) return { entry: null, reason: `${path} changed since the bundle was built` };
  }
  return { entry: pathToFileURL(join(bundleDir, manifest.entry)).href, reason: 'the bundle matches the sources' };
}
