// Checks of the paths a user passes to a command, made before any work starts, so that a typo costs a
// one-line error (exit 2) naming the flag and the path, not a raw Node error after a long run.
import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { dataDirProblem } from '../prod/config/load.ts';
import { UsageError } from './command-args.ts';

/** `dir` is a directory this process can write, or one it can create. */
export function checkOutputDir(flag: string, dir: string): void {
  const problem = dataDirProblem(resolve(dir));
  if (problem) throw new UsageError(`${flag} ${dir}: expected a directory that exists or can be created, and can be written (${problem})`);
}

/**
 * `file` can be written: not a directory, and its directory exists (or, with `createDirectory`, can be
 * created) and can be written.
 */
export function checkOutputFile(flag: string, file: string, createDirectory: boolean): void {
  const path = resolve(file);
  if (kindOf(path) === 'dir') throw new UsageError(`${flag} ${file}: is a directory; expected a file name`);
  const parent = dirname(path);
  if (!createDirectory && kindOf(parent) === 'missing') throw new UsageError(`${flag} ${file}: the directory ${parent} does not exist`);
  const problem = dataDirProblem(parent);
  if (problem) throw new UsageError(`${flag} ${file}: cannot write there (${problem})`);
}

function kindOf(path: string): 'dir' | 'file' | 'missing' {
  try {
    return statSync(path).isDirectory() ? 'dir' : 'file';
  } catch {
    return 'missing';
  }
}

/** An operating-system error said in words: "permission denied (EACCES)". */
export function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  const words: Record<string, string> = {
    ENOENT: 'no such file or directory',
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    ENOTDIR: 'a part of the path is not a directory',
    EISDIR: 'is a directory',
    EEXIST: 'already exists',
    ENOSPC: 'no space left on the device',
    EROFS: 'read-only file system',
    EDQUOT: 'disk quota exceeded',
  };
  if (code === undefined) return error instanceof Error ? error.message : String(error);
  return words[code] ? `${words[code]} (${code})` : code;
}

/** Whether `error` is an operating-system error about a path (a user's path, as a rule). */
export function isFsError(error: unknown): error is NodeJS.ErrnoException & { path: string } {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string' && typeof (error as NodeJS.ErrnoException).path === 'string';
}
