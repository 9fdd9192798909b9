// core/env Disk over node:fs, rooted at a data directory. Data calls are synchronous page-cache
// operations (the same boundary SimDisk models); the durability calls, fsync and fsyncDir, run on the
// libuv thread pool and report through their callback. Fd values are our own handles, never OS file
// descriptors, so a use after close is EBADF even after the OS has reused the number.
import {
  closeSync,
  constants,
  existsSync,
  fstatSync,
  ftruncateSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  rmdirSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { close as closeAsync, fdatasync, fsync as fsyncAsync, open as openAsync } from 'node:fs';
import { DiskError, type Disk, type DurabilityCallback, type Fd, type OpenMode } from '../../core/env/disk.ts';
import { assert, KvlabError } from '../../core/types.ts';
import { diskCall, toDiskError } from './disk-errors.ts';
import { resolveVolumePath } from './volume-path.ts';

/** Open files at once; a leak shows up as a clear error instead of EMFILE somewhere else. */
export const OPEN_FILES_MAX = 4096;

interface OpenFile {
  readonly osFd: number;
  readonly path: string;
  readonly writable: boolean;
  /**
   * The file's size as this handle last made it, or -1 when unknown (then fstat is asked). Appends use
   * it instead of an fstat per WAL write; it assumes what the data directory lock guarantees, that no
   * one else writes the file meanwhile (and this process keeps one writable handle per file).
   */
  knownSize: number;
  /** fdatasync calls in flight: the OS descriptor is closed only after they finish. */
  syncsInFlight: number;
  closeRequested: boolean;
}

const openFlags: Readonly<Record<OpenMode, number>> = {
  read: constants.O_RDONLY,
  readwrite: constants.O_RDWR,
  create: constants.O_RDWR | constants.O_CREAT,
};

export class FsDisk implements Disk {
  private readonly files = new Map<Fd, OpenFile>();
  private fdNext = 1;

  /** `root` must be an existing directory (see lockDataDir, which creates and locks it). */
  constructor(readonly root: string) {
    let isDirectory = false;
    try {
      isDirectory = statSync(root).isDirectory();
    } catch {
      isDirectory = false;
    }
    if (!isDirectory) throw new KvlabError('dataDirMissing', `data directory ${root} does not exist or is not a directory`);
  }

  open(path: string, mode: OpenMode): Fd {
    const abs = this.resolve(path);
    if (this.files.size >= OPEN_FILES_MAX) {
      throw new KvlabError('diskOpenFilesMax', `cannot open ${path}: ${OPEN_FILES_MAX} files are already open`);
    }
    const osFd = diskCall(path, () => openSync(abs, openFlags[mode], 0o644));
    // O_RDONLY succeeds on a directory; refuse it here as SimDisk does.
    if (mode === 'read' && fstatSync(osFd).isDirectory()) {
      closeSync(osFd);
      throw new DiskError('EISDIR', path, 'is a directory');
    }
    const fd = this.fdNext++ as Fd;
    this.files.set(fd, { osFd, path, writable: mode !== 'read', knownSize: -1, syncsInFlight: 0, closeRequested: false });
    return fd;
  }

  close(fd: Fd): void {
    const file = this.file(fd);
    this.files.delete(fd);
    file.closeRequested = true;
    if (file.syncsInFlight === 0) diskCall(file.path, () => closeSync(file.osFd));
  }

  append(fd: Fd, data: Uint8Array): number {
    const file = this.file(fd, true);
    const offset = sizeOf(file);
    writeAll(file, offset, data);
    file.knownSize = offset + data.length;
    return offset;
  }

  writeAt(fd: Fd, offset: number, data: Uint8Array): void {
    assert(Number.isSafeInteger(offset) && offset >= 0, () => `writeAt offset must be an integer >= 0, got ${offset}`);
    const file = this.file(fd, true);
    const size = sizeOf(file);
    writeAll(file, offset, data);
    file.knownSize = Math.max(size, offset + data.length);
  }

  read(fd: Fd, offset: number, length: number): Uint8Array {
    assert(Number.isSafeInteger(offset) && offset >= 0, () => `read offset must be an integer >= 0, got ${offset}`);
    assert(Number.isSafeInteger(length) && length >= 0, () => `read length must be an integer >= 0, got ${length}`);
    const file = this.file(fd);
    const available = Math.max(0, sizeOf(file) - offset);
    const out = new Uint8Array(Math.min(length, available));
    let done = 0;
    while (done < out.length) {
      const n = diskCall(file.path, () => readSync(file.osFd, out, done, out.length - done, offset + done));
      if (n === 0) break; // truncated under us: shorter read, as at end of file
      done += n;
    }
    return done === out.length ? out : out.subarray(0, done);
  }

  size(fd: Fd): number {
    return sizeOf(this.file(fd));
  }

  truncate(fd: Fd, length: number): void {
    assert(Number.isSafeInteger(length) && length >= 0, () => `truncate length must be an integer >= 0, got ${length}`);
    const file = this.file(fd, true);
    file.knownSize = -1;
    diskCall(file.path, () => ftruncateSync(file.osFd, length));
    file.knownSize = length;
  }

  fsync(fd: Fd, done: DurabilityCallback): void {
    const file = this.file(fd);
    file.syncsInFlight += 1;
    fdatasync(file.osFd, (error) => {
      file.syncsInFlight -= 1;
      if (file.closeRequested && file.syncsInFlight === 0) closeAsync(file.osFd, () => {});
      done(error ? toDiskError(error, file.path) : null);
    });
  }

  readFile(path: string): Uint8Array {
    const buffer = diskCall(path, () => readFileSync(this.resolve(path)));
    return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  }

  exists(path: string): boolean {
    return existsSync(this.resolve(path));
  }

  list(dir: string): string[] {
    const abs = this.resolve(dir);
    try {
      return readdirSync(abs).sort();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw toDiskError(error, dir);
    }
  }

  mkdir(dir: string): void {
    const abs = this.resolve(dir);
    try {
      mkdirSync(abs, { recursive: true });
    } catch (error) {
      // Node reports a file in the way as EEXIST; the Disk contract (and SimDisk) says ENOTDIR.
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new DiskError('ENOTDIR', dir, 'a file is in the way');
      throw toDiskError(error, dir);
    }
  }

  /** Renames a file (directories are refused, as in SimDisk), atomically replacing a file at `to`. */
  rename(from: string, to: string): void {
    const fromAbs = this.resolve(from);
    const toAbs = this.resolve(to);
    if (diskCall(from, () => lstatSync(fromAbs).isDirectory())) throw new DiskError('EISDIR', from, 'only files can be renamed');
    if (from === to) return;
    if (isDirectoryAt(toAbs)) throw new DiskError('EISDIR', to, 'is a directory');
    diskCall(`${from} -> ${to}`, () => renameSync(fromAbs, toAbs));
  }

  /** Removes a file or an empty directory. ENOENT if missing; EISDIR for a directory that is not empty. */
  remove(path: string): void {
    const abs = this.resolve(path);
    assert(path !== '', 'refusing to remove the volume root');
    if (!diskCall(path, () => lstatSync(abs).isDirectory())) {
      diskCall(path, () => unlinkSync(abs));
      return;
    }
    try {
      rmdirSync(abs);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOTEMPTY' || code === 'EEXIST') throw new DiskError('EISDIR', path, 'directory not empty');
      throw toDiskError(error, path);
    }
  }

  /** Throws ENOENT / ENOTDIR at once; completes asynchronously once the directory entry changes are durable. */
  fsyncDir(dir: string, done: DurabilityCallback): void {
    const abs = this.resolve(dir);
    if (!diskCall(dir, () => statSync(abs).isDirectory())) throw new DiskError('ENOTDIR', dir, 'not a directory');
    openAsync(abs, constants.O_RDONLY | constants.O_DIRECTORY, (openError, osFd) => {
      if (openError) return done(toDiskError(openError, dir));
      fsyncAsync(osFd, (syncError) => {
        closeAsync(osFd, () => done(syncError ? toDiskError(syncError, dir) : null));
      });
    });
  }

  /** Closes every open file (shutdown). Durability of unsynced writes is not implied. */
  closeAll(): void {
    for (const fd of [...this.files.keys()]) this.close(fd);
  }

  openFileCount(): number {
    return this.files.size;
  }

  private file(fd: Fd, writing = false): OpenFile {
    const file = this.files.get(fd);
    if (file === undefined) throw new DiskError('EBADF', `fd ${fd}`, 'file is not open');
    if (writing && !file.writable) throw new DiskError('EBADF', file.path, 'opened read-only');
    return file;
  }

  private resolve(path: string): string {
    return resolveVolumePath(this.root, path);
  }
}

function isDirectoryAt(abs: string): boolean {
  try {
    return lstatSync(abs).isDirectory();
  } catch {
    return false;
  }
}

/** Writes every byte; a regular file never takes a partial write, but a short one must not lose data. */
/** A writable handle's tracked size (fstat once); a read-only handle asks fstat every time. */
function sizeOf(file: OpenFile): number {
  if (file.writable && file.knownSize >= 0) return file.knownSize;
  const size = diskCall(file.path, () => fstatSync(file.osFd).size);
  if (file.writable) file.knownSize = size;
  return size;
}

/** Writes all of `data`; on a failure the handle's size is unknown again (a part may have landed). */
function writeAll(file: OpenFile, offset: number, data: Uint8Array): void {
  file.knownSize = -1;
  let done = 0;
  while (done < data.length) {
    const n = diskCall(file.path, () => writeSync(file.osFd, data, done, data.length - done, offset + done));
    if (n === 0) throw new DiskError('EIO', file.path, 'write made no progress');
    done += n;
  }
}
