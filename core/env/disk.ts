/**
 * A node's private volume. Paths are POSIX-style and relative to the volume root ("raft/1/wal/00000001.wal").
 *
 * Durability boundary (the same in the simulator and in production):
 * - `append`, `writeAt`, `truncate` change the page cache only; they survive a crash only after
 *   `fsync` of that file has completed (its callback ran without error).
 * - Creating, renaming and removing a file change the directory only; they survive a crash only after
 *   `fsyncDir` of the parent directory has completed.
 * - Reads see the page cache (what was written), not only what is durable.
 *
 * Synchronous operations throw DiskError. The durability calls complete through a callback because
 * that is where the latency is; the simulator delivers it at a virtual time, production from libuv.
 */
export type Fd = number & { readonly __brand: 'Fd' };

export type DiskErrorCode = 'EIO' | 'ENOSPC' | 'ENOENT' | 'EEXIST' | 'EBADF' | 'EISDIR' | 'ENOTDIR';

export class DiskError extends Error {
  constructor(readonly code: DiskErrorCode, readonly path: string, message?: string) {
    super(`${code}: ${message ?? code} (${path})`);
    this.name = 'DiskError';
  }
}

export type OpenMode =
  /** read only; ENOENT if missing */
  | 'read'
  /** read and write; ENOENT if missing */
  | 'readwrite'
  /** read and write; created empty if missing (creation is a directory change: fsyncDir to keep it) */
  | 'create';

export type DurabilityCallback = (error: DiskError | null) => void;

export interface Disk {
  open(path: string, mode: OpenMode): Fd;
  close(fd: Fd): void;
  /** Appends at the end of the file; returns the offset it was written at. */
  append(fd: Fd, data: Uint8Array): number;
  writeAt(fd: Fd, offset: number, data: Uint8Array): void;
  /** Reads up to `length` bytes at `offset`; shorter at end of file. */
  read(fd: Fd, offset: number, length: number): Uint8Array;
  size(fd: Fd): number;
  truncate(fd: Fd, length: number): void;
  fsync(fd: Fd, done: DurabilityCallback): void;

  /** Whole-file helpers (open/read/close). */
  readFile(path: string): Uint8Array;
  exists(path: string): boolean;
  /** Names (not paths) of the entries of a directory, sorted; [] if it does not exist. */
  list(dir: string): string[];
  /** Creates a directory and its parents; a no-op if it exists. */
  mkdir(dir: string): void;
  /** Atomically replaces `to` with `from` (a directory change). */
  rename(from: string, to: string): void;
  remove(path: string): void;
  fsyncDir(dir: string, done: DurabilityCallback): void;
}

/** Parent directory of a volume path ("" for the root). */
export function parentDir(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}
