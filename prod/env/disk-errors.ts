// Maps Node's errno-style errors onto the small DiskError vocabulary of core/env. Codes that mean the
// same thing to storage are folded together (a full quota is a full disk); anything unexpected becomes
// EIO with the original code kept in the message, so the storage layer treats it as a failed device.
import { DiskError, type DiskErrorCode } from '../../core/env/disk.ts';

const codeMap: Readonly<Record<string, DiskErrorCode>> = {
  EIO: 'EIO',
  ENOSPC: 'ENOSPC',
  EDQUOT: 'ENOSPC',
  EFBIG: 'ENOSPC',
  ENOENT: 'ENOENT',
  EEXIST: 'EEXIST',
  ENOTEMPTY: 'EEXIST',
  EBADF: 'EBADF',
  EISDIR: 'EISDIR',
  ENOTDIR: 'ENOTDIR',
};

export function toDiskError(error: unknown, path: string): DiskError {
  if (error instanceof DiskError) return error;
  const nodeCode = (error as NodeJS.ErrnoException | null)?.code;
  const text = error instanceof Error ? error.message : String(error);
  const mapped = nodeCode === undefined ? undefined : codeMap[nodeCode];
  if (mapped !== undefined) return new DiskError(mapped, path, text);
  return new DiskError('EIO', path, `unexpected ${nodeCode ?? 'error'}: ${text}`);
}

/** Runs a synchronous fs call and rethrows any failure as a DiskError for `path`. */
export function diskCall<T>(path: string, call: () => T): T {
  try {
    return call();
  } catch (error) {
    throw toDiskError(error, path);
  }
}
