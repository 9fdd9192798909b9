#!/usr/bin/env node
// The `kvlab` command. It runs the prebuilt bundle (.build/cli/, made by `npm install` or
// `npm run build:cli`) when that was built from the sources as they are now; otherwise (no bundle, a
// source edited since, KVLAB_TSX=1) it runs the TypeScript sources through tsx, as a developer expects.
// KVLAB_EXPLAIN_START=1 says on stderr which of the two it took and why.
import { BUNDLE_DIR_DEFAULT, REPO_ROOT, bundleStatus } from './bundle-manifest.mjs';

const status = process.env.KVLAB_TSX === '1' ? { entry: null, reason: 'KVLAB_TSX=1' } : bundleStatus(REPO_ROOT, process.env.KVLAB_BUNDLE_DIR || BUNDLE_DIR_DEFAULT);
let main;
if (status.entry !== null) {
  if (process.env.KVLAB_EXPLAIN_START === '1') process.stderr.write(`kvlab: running the prebuilt bundle (${status.reason})\n`);
  ({ main } = await import(status.entry));
} else {
  if (process.env.KVLAB_EXPLAIN_START === '1') process.stderr.write(`kvlab: running the sources through tsx (${status.reason})\n`);
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('./main.ts'));
}
process.exitCode = await main(process.argv.slice(2));
