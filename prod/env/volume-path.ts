// Volume paths (core/env Disk) are POSIX-style and relative to the data directory. Resolving one must
// never escape that directory, so anything that could (absolute paths, "..", NUL) is refused with an
// error naming the path: a caller bug or a hostile input, never something to "fix up" silently.
import { join } from 'node:path';
import { KvlabError } from '../../core/types.ts';

/** Longest accepted volume path; far above what storage uses, far below PATH_MAX. */
export const VOLUME_PATH_CHARS_MAX = 1024;

/**
 * Checks a volume path and returns its absolute location under `root`. "" is the root itself; one
 * trailing "/" is accepted, as SimDisk accepts it.
 */
export function resolveVolumePath(root: string, path: string): string {
  if (typeof path === 'string' && path.endsWith('/')) path = path.slice(0, -1);
  const problem = volumePathProblem(path);
  if (problem !== null) throw new KvlabError('diskPathInvalid', `disk path ${JSON.stringify(path)} is invalid: ${problem}`);
  return path === '' ? root : join(root, path);
}

function volumePathProblem(path: string): string | null {
  if (typeof path !== 'string') return 'not a string';
  if (path.length > VOLUME_PATH_CHARS_MAX) return `longer than ${VOLUME_PATH_CHARS_MAX} characters`;
  if (path === '') return null;
  if (path.startsWith('/')) return 'absolute paths are not allowed (paths are relative to the data directory)';
  if (path.includes('\\')) return 'backslashes are not allowed (use "/")';
  if (path.includes('\0')) return 'NUL characters are not allowed';
  for (const part of path.split('/')) {
    if (part === '..') return '".." is not allowed (paths must stay inside the data directory)';
    if (part === '' || part === '.') return 'empty or "." path components are not allowed';
  }
  return null;
}
