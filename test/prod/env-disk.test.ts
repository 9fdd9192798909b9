// FsDisk against the core/env Disk contract, in a temporary directory: the behaviours SimDisk
// promises (page-cache reads, append/writeAt/truncate, rename, list, fsync/fsyncDir callbacks) and the
// DiskError codes storage relies on.
import { mkdtempSync, rmSync, writeFileSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DiskError, type DiskErrorCode, type Fd } from '../../core/env/disk.ts';
import { FsDisk } from '../../prod/env/disk.ts';

let root: string;
let disk: FsDisk;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'kvlab-fsdisk-'));
  disk = new FsDisk(root);
});

afterEach(() => {
  disk.closeAll();
  rmSync(root, { recursive: true, force: true });
});

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
const str = (b: Uint8Array): string => new TextDecoder().decode(b);

function diskCode(call: () => unknown): DiskErrorCode | 'no error' {
  try {
    call();
    return 'no error';
  } catch (error) {
    expect(error).toBeInstanceOf(DiskError);
    return (error as DiskError).code;
  }
}

const fsyncOf = (fd: Fd) => new Promise<DiskError | null>((resolve) => disk.fsync(fd, resolve));
const fsyncDirOf = (dir: string) => new Promise<DiskError | null>((resolve) => disk.fsyncDir(dir, resolve));

describe('FsDisk', () => {
  it('appends at the end and returns the offset; reads see the page cache', () => {
    disk.mkdir('raft/1/wal');
    const fd = disk.open('raft/1/wal/00000001.wal', 'create');
    expect(disk.append(fd, bytes('hello '))).toBe(0);
    expect(disk.append(fd, bytes('world'))).toBe(6);
    expect(disk.size(fd)).toBe(11);
    expect(str(disk.read(fd, 0, 100))).toBe('hello world');
    expect(str(disk.read(fd, 6, 3))).toBe('wor');
    expect(disk.read(fd, 50, 10).length).toBe(0);
    expect(readFileSync(join(root, 'raft/1/wal/00000001.wal'), 'utf8')).toBe('hello world');
  });

  it('writes at an offset, extends the file, and truncates', () => {
    const fd = disk.open('f', 'create');
    disk.append(fd, bytes('abcdef'));
    disk.writeAt(fd, 2, bytes('XY'));
    expect(str(disk.readFile('f'))).toBe('abXYef');
    disk.writeAt(fd, 8, bytes('Z'));
    expect(disk.size(fd)).toBe(9);
    expect([...disk.read(fd, 6, 3)]).toEqual([0, 0, 90]);
    disk.truncate(fd, 3);
    expect(str(disk.readFile('f'))).toBe('abX');
    expect(disk.append(fd, bytes('!'))).toBe(3);
  });

  it('opens by mode: read and readwrite need the file, create makes it empty', () => {
    expect(diskCode(() => disk.open('missing', 'read'))).toBe('ENOENT');
    expect(diskCode(() => disk.open('missing', 'readwrite'))).toBe('ENOENT');
    expect(diskCode(() => disk.open('no/such/dir/file', 'create'))).toBe('ENOENT');
    const fd = disk.open('new', 'create');
    expect(disk.size(fd)).toBe(0);
    disk.append(fd, bytes('x'));
    disk.close(fd);
    const again = disk.open('new', 'create');
    expect(disk.size(again)).toBe(1); // create does not truncate an existing file
    const readOnly = disk.open('new', 'read');
    expect(diskCode(() => disk.append(readOnly, bytes('y')))).toBe('EBADF');
    expect(diskCode(() => disk.writeAt(readOnly, 0, bytes('y')))).toBe('EBADF');
    expect(diskCode(() => disk.truncate(readOnly, 0))).toBe('EBADF');
  });

  it('refuses a closed fd with EBADF, fsync included', () => {
    const fd = disk.open('f', 'create');
    disk.close(fd);
    expect(diskCode(() => disk.read(fd, 0, 1))).toBe('EBADF');
    expect(diskCode(() => disk.close(fd))).toBe('EBADF');
    expect(diskCode(() => disk.fsync(fd, () => {}))).toBe('EBADF');
  });

  it('maps directory misuse to EISDIR and ENOTDIR', () => {
    disk.mkdir('d');
    expect(diskCode(() => disk.open('d', 'read'))).toBe('EISDIR');
    expect(diskCode(() => disk.open('d', 'create'))).toBe('EISDIR');
    expect(diskCode(() => disk.readFile('d'))).toBe('EISDIR');
    disk.close(disk.open('file', 'create'));
    expect(diskCode(() => disk.open('file/inner', 'create'))).toBe('ENOTDIR');
    expect(diskCode(() => disk.list('file'))).toBe('ENOTDIR');
    expect(diskCode(() => disk.mkdir('file'))).toBe('ENOTDIR');
    expect(diskCode(() => disk.mkdir('file/sub'))).toBe('ENOTDIR');
  });

  it('lists names sorted, [] for a missing directory; mkdir is idempotent and makes parents', () => {
    disk.mkdir('a/b/c');
    disk.mkdir('a/b/c');
    for (const name of ['b2', 'a10', 'a9', 'Z']) disk.close(disk.open(`a/${name}`, 'create'));
    expect(disk.list('a')).toEqual(['Z', 'a10', 'a9', 'b', 'b2']);
    expect(disk.list('nothing/here')).toEqual([]);
    expect(disk.list('')).toEqual(['a']);
    expect(disk.exists('a/b/c')).toBe(true);
    expect(disk.exists('a/b/x')).toBe(false);
  });

  it('renames atomically over an existing file, and removes files and directories', () => {
    writeFileSync(join(root, 'snap.tmp'), 'new');
    writeFileSync(join(root, 'snap'), 'old');
    disk.rename('snap.tmp', 'snap');
    expect(str(disk.readFile('snap'))).toBe('new');
    expect(disk.exists('snap.tmp')).toBe(false);
    expect(diskCode(() => disk.rename('snap.tmp', 'snap'))).toBe('ENOENT');
    disk.remove('snap');
    expect(diskCode(() => disk.remove('snap'))).toBe('ENOENT');
    expect(diskCode(() => disk.readFile('snap'))).toBe('ENOENT');
  });

  it('renames files only, and removes only empty directories (as SimDisk)', () => {
    mkdirSync(join(root, 'old/deep'), { recursive: true });
    writeFileSync(join(root, 'old/deep/x'), 'x');
    expect(diskCode(() => disk.rename('old', 'new'))).toBe('EISDIR');
    expect(diskCode(() => disk.rename('old/deep/x', 'old'))).toBe('EISDIR');
    expect(diskCode(() => disk.rename('old/deep/x', 'missing/x'))).toBe('ENOENT');
    disk.rename('old/deep/x', 'old/deep/x');
    expect(diskCode(() => disk.remove('old'))).toBe('EISDIR');
    disk.remove('old/deep/x');
    disk.remove('old/deep/');
    disk.remove('old');
    expect(disk.exists('old')).toBe(false);
  });

  it('completes fsync and fsyncDir through their callbacks, asynchronously', async () => {
    disk.mkdir('wal');
    const fd = disk.open('wal/1', 'create');
    disk.append(fd, bytes('entry'));
    let called = false;
    const done = new Promise<DiskError | null>((resolve) =>
      disk.fsync(fd, (error) => {
        called = true;
        resolve(error);
      }),
    );
    expect(called).toBe(false);
    expect(await done).toBeNull();
    expect(await fsyncDirOf('wal')).toBeNull();
    expect(await fsyncDirOf('')).toBeNull();
    expect(diskCode(() => disk.fsyncDir('missing', () => {}))).toBe('ENOENT');
    disk.close(disk.open('file', 'create'));
    expect(diskCode(() => disk.fsyncDir('file', () => {}))).toBe('ENOTDIR');
  });

  it('closing a file while its fsync is in flight still completes the fsync', async () => {
    const fd = disk.open('f', 'create');
    disk.append(fd, bytes('data'));
    const pending = fsyncOf(fd);
    disk.close(fd);
    expect(await pending).toBeNull();
    expect(disk.openFileCount()).toBe(0);
  });

  it('refuses paths that could leave the data directory, with a clear error', () => {
    for (const bad of ['../etc/passwd', 'a/../../b', '/etc/passwd', 'a//b', './a', 'a\\b', 'a\0b']) {
      expect(() => disk.open(bad, 'create'), bad).toThrow(/disk path .* is invalid/);
    }
    expect(() => disk.list('..')).toThrow(/"\.\." is not allowed/);
    expect(() => disk.rename('a', '/tmp/x')).toThrow(/absolute paths are not allowed/);
  });

  it('requires an existing data directory', () => {
    expect(() => new FsDisk(join(root, 'nope'))).toThrow(/data directory .* does not exist/);
  });
});
