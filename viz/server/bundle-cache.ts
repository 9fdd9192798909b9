// A disk cache for the browser bundle: esbuild took about a second per `kvlab run` (d3 and the app,
// rebuilt in every process), while the inputs rarely change. An entry records the content hash of every
// file esbuild read (from its metafile) plus the stylesheet and the bundler's own source; it is used
// only when every one still hashes the same, so an edit anywhere in the app rebuilds. The cache lives in
// a per-user directory under the OS temp dir (KVLAB_CACHE_DIR overrides), created private (0700) and
// used only when it belongs to this user; any failure to read or write it just means building again.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

export interface CachedBundle {
  /** Absolute path -> sha256 of its content, for every input. */
  readonly inputs: Readonly<Record<string, string>>;
  readonly js: string;
  readonly css: string;
}

/** One entry per checkout (several may share the directory): named after the package root. */
function entryName(packageRoot: string): string {
  return `viz-bundle-${createHash('sha256').update(packageRoot).digest('hex').slice(0, 16)}.json`;
}

function cacheDir(): string | null {
  const override = process.env.KVLAB_CACHE_DIR;
  if (override !== undefined && override.length > 0) return override;
  try {
    const dir = join(tmpdir(), `kvlab-cache-${userInfo().uid}`);
    if (!existsSync(dir)) mkdirSync(dir, { mode: 0o700 });
    const stat = statSync(dir);
    // Someone else's directory under a shared /tmp could hand us a script to inline: not ours, not used.
    const mine = typeof process.getuid !== 'function' || (stat.uid === process.getuid() && (stat.mode & 0o022) === 0);
    return mine && stat.isDirectory() ? dir : null;
  } catch {
    return null;
  }
}

export function hashFile(path: string): string | null {
  try {
    return createHash('sha256').update(readFileSync(path)).digest('hex');
  } catch {
    return null;
  }
}

/** The cached bundle when every input still hashes as recorded; null otherwise. */
export function readCachedBundle(packageRoot: string): CachedBundle | null {
  const dir = cacheDir();
  if (dir === null) return null;
  try {
    const entry = JSON.parse(readFileSync(join(dir, entryName(packageRoot)), 'utf8')) as CachedBundle;
    const paths = Object.keys(entry.inputs ?? {});
    if (paths.length === 0 || typeof entry.js !== 'string' || typeof entry.css !== 'string') return null;
    return paths.every((path) => hashFile(path) === entry.inputs[path]) ? entry : null;
  } catch {
    return null;
  }
}

/** Stores a bundle (written aside and renamed, so a concurrent run never reads half an entry). */
export function writeCachedBundle(packageRoot: string, entry: CachedBundle): void {
  const dir = cacheDir();
  if (dir === null) return;
  try {
    const name = entryName(packageRoot);
    const aside = join(dir, `${name}.${process.pid}.tmp`);
    writeFileSync(aside, JSON.stringify(entry), { mode: 0o600 });
    renameSync(aside, join(dir, name));
  } catch {
    // A cache that cannot be written only costs the next run a build.
  }
}
