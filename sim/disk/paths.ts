// Volume paths: POSIX-style, relative to the volume root, "" for the root itself. A malformed path
// is a bug in the caller (core code builds every path), so it fails an assertion.
import { assert } from '../../core/types.ts';

export function normalizePath(path: string): string {
  const trimmed = path.endsWith('/') ? path.slice(0, -1) : path;
  if (trimmed === '') return '';
  assert(!trimmed.startsWith('/'), () => `volume path "${path}" must be relative to the volume root`);
  for (const part of trimmed.split('/')) {
    assert(part !== '' && part !== '.' && part !== '..', () => `volume path "${path}" has an empty, "." or ".." component`);
  }
  return trimmed;
}

export function childPath(dir: string, name: string): string {
  return dir === '' ? name : `${dir}/${name}`;
}

export function nameOf(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
