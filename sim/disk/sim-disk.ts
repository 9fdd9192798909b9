// SimDisk: one node's volume for the simulator, implementing core/env/disk.ts in memory with real
// crash semantics. The PageCache holds what reads see (page-cache.ts); the durable image lives in
// the inode table (inodes.ts): per file the bytes of the newest completed fsync, per directory the
// entries of the newest completed fsyncDir plus a journal of later changes. `crash()` keeps only what
// the durable image and the seeded crash policy allow (crash.ts) and starts a fresh page cache from it.
//
// Faults: read corruption, write EIO, ENOSPC at a capacity, fsync EIO and fsync latency, each drawing
// from its own named child stream of the world's Random, each traced as `disk.fault`; and windows of
// faults on one node (read/write/fsync EIO, a full volume, slow fsyncs) opened and closed by the nemesis.
import { DiskError, parentDir, type Disk, type DurabilityCallback, type Fd, type OpenMode } from '../../core/env/disk.ts';
import type { Random } from '../../core/env/random.ts';
import type { Tracer } from '../../core/env/tracer.ts';
import { assert } from '../../core/types.ts';
import { rebuildAfterCrash, type CrashSummary } from './crash.ts';
import { drawFsyncLatency } from './fsync-latency.ts';
import { DirInode, FileInode, rootInode, type Inode, type InodeId } from './inodes.ts';
import { resolveSimDiskOptions, type SimDiskOptions, type SimDiskOptionsInput } from './options.ts';
import { PageCache } from './page-cache.ts';
import { childPath, nameOf, normalizePath } from './paths.ts';

/** The world a SimDisk lives in: a scheduler for completions, randomness, and the trace. */
export interface SimDiskWorld {
  /** Runs `callback` after `delayUs` virtual microseconds (the kernel, or a manual queue in tests). */
  schedule(delayUs: number, callback: () => void): void;
  readonly random: Random;
  readonly tracer: Tracer;
  readonly options?: SimDiskOptionsInput;
}

interface OpenFile {
  readonly inode: FileInode;
  /** The path at open time (for messages and the trace). */
  readonly path: string;
  readonly writable: boolean;
}

/**
 * Faults of one node's disk for a window of time (the scenario's `disk` fault), on top of the volume's
 * own probabilities. They draw from their own stream (`window`), and only while a window is open, so a
 * scenario without such faults draws exactly as before.
 */
export interface DiskWindowFaults {
  /** Chance a read (read, readFile) fails with EIO. */
  readonly readErrorProbability?: number;
  /** Chance a write (append, writeAt, truncate) fails with EIO. */
  readonly writeErrorProbability?: number;
  /** Chance an fsync or fsyncDir reports EIO (nothing becomes durable). */
  readonly fsyncErrorProbability?: number;
  /** The volume is full: every write that grows a file fails with ENOSPC. */
  readonly full?: boolean;
  /** Added to every fsync's latency (a slow or overloaded device). */
  readonly fsyncDelayUs?: number;
}

interface FaultStreams {
  readonly readCorrupt: Random;
  readonly writeError: Random;
  readonly fsyncError: Random;
  readonly fsyncLatency: Random;
  readonly crash: Random;
  readonly corruptFile: Random;
  readonly window: Random;
}

export class SimDisk implements Disk {
  readonly options: SimDiskOptions;
  private readonly streams: FaultStreams;
  private pages = new PageCache();
  private inodes = new Map<InodeId, Inode>([[rootInode, new DirInode(rootInode)]]);
  private inodeAtPath = new Map<string, InodeId>([['', rootInode]]);
  private pathOfInode = new Map<InodeId, string>([[rootInode, '']]);
  /** Inodes with no name in the page cache that a crash might still bring back. */
  private detached = new Set<InodeId>();
  private fds = new Map<number, OpenFile>();
  // Never reused, across crashes too: a stale fd can never alias a new file.
  private fdNext = 3;
  private inodeNext = rootInode + 1;
  /** Bumped by crash(): completions scheduled before it are dropped. */
  private epoch = 0;
  private used = 0;
  private failNextWriteArmed = false;
  private failNextFsyncArmed = false;
  private window: DiskWindowFaults | undefined;

  constructor(private readonly world: SimDiskWorld) {
    this.options = resolveSimDiskOptions(world.options);
    const r = world.random;
    this.streams = {
      readCorrupt: r.child('readCorrupt'),
      writeError: r.child('writeError'),
      fsyncError: r.child('fsyncError'),
      fsyncLatency: r.child('fsyncLatency'),
      crash: r.child('crash'),
      corruptFile: r.child('corruptFile'),
      window: r.child('window'),
    };
  }

  // ---- files ----

  open(path: string, mode: OpenMode): Fd {
    const p = normalizePath(path);
    let inode = this.lookup(p);
    if (inode === undefined) {
      if (mode !== 'create') throw new DiskError('ENOENT', p, 'no such file');
      inode = this.createFile(p);
    }
    if (inode.kind === 'dir') throw new DiskError('EISDIR', p, 'is a directory');
    const writable = mode !== 'read';
    const fd = this.fdNext++;
    this.fds.set(fd, { inode, path: p, writable });
    return fd as Fd;
  }

  close(fd: Fd): void {
    this.file(fd);
    this.fds.delete(fd);
    this.sweepDetached();
  }

  append(fd: Fd, data: Uint8Array): number {
    const file = this.file(fd, true);
    const offset = this.sizeOf(file);
    this.beforeWrite('append', file.path, data.length);
    this.pages.write(file.inode.id, offset, data);
    file.inode.markChanged(offset);
    file.inode.size += data.length;
    this.used += data.length;
    return offset;
  }

  writeAt(fd: Fd, offset: number, data: Uint8Array): void {
    assert(Number.isSafeInteger(offset) && offset >= 0, () => `writeAt: offset ${offset} must be an integer >= 0`);
    const file = this.file(fd, true);
    const size = this.sizeOf(file);
    const growth = Math.max(0, offset + data.length - size);
    this.beforeWrite('writeAt', file.path, growth);
    this.pages.write(file.inode.id, offset, data);
    file.inode.markChanged(Math.min(offset, size));
    file.inode.size += growth;
    this.used += growth;
  }

  read(fd: Fd, offset: number, length: number): Uint8Array {
    assert(Number.isSafeInteger(offset) && offset >= 0, () => `read: offset ${offset} must be an integer >= 0`);
    assert(Number.isSafeInteger(length) && length >= 0, () => `read: length ${length} must be an integer >= 0`);
    const file = this.file(fd);
    this.beforeRead('read', file.path);
    const data = this.pages.read(file.inode.id, offset, Math.min(length, Math.max(0, this.sizeOf(file) - offset)));
    return this.maybeCorruptRead('read', file.path, offset, data);
  }

  size(fd: Fd): number {
    return this.sizeOf(this.file(fd));
  }

  truncate(fd: Fd, length: number): void {
    assert(Number.isSafeInteger(length) && length >= 0, () => `truncate: length ${length} must be an integer >= 0`);
    const file = this.file(fd, true);
    const size = this.sizeOf(file);
    this.beforeWrite('truncate', file.path, Math.max(0, length - size));
    this.pages.truncate(file.inode.id, length);
    file.inode.markChanged(Math.min(size, length));
    file.inode.size = length;
    this.used += length - size;
  }

  fsync(fd: Fd, done: DurabilityCallback): void {
    const file = this.file(fd);
    const inode = file.inode;
    const capture = inode.capture();
    const length = this.sizeOf(file);
    const patch = capture.low < length ? this.pages.read(inode.id, capture.low, length - capture.low) : new Uint8Array(0);
    this.completeLater('fsync', file.path, done, () => inode.completeCapture(capture, patch, length));
  }

  // ---- whole files and directories ----

  readFile(path: string): Uint8Array {
    const p = normalizePath(path);
    const inode = this.lookup(p);
    if (inode === undefined) throw new DiskError('ENOENT', p, 'no such file');
    if (inode.kind === 'dir') throw new DiskError('EISDIR', p, 'is a directory');
    this.beforeRead('readFile', p);
    return this.maybeCorruptRead('readFile', p, 0, this.pages.readAll(inode.id));
  }

  exists(path: string): boolean {
    return this.inodeAtPath.has(normalizePath(path));
  }

  list(dir: string): string[] {
    const p = normalizePath(dir);
    const inode = this.lookup(p);
    if (inode === undefined) return [];
    if (inode.kind !== 'dir') throw new DiskError('ENOTDIR', p, 'not a directory');
    return this.pages.list(p);
  }

  mkdir(dir: string): void {
    const p = normalizePath(dir);
    if (p === '') return;
    let path = '';
    for (const name of p.split('/')) {
      path = childPath(path, name);
      const inode = this.lookup(path);
      if (inode === undefined) this.createDir(path);
      else if (inode.kind !== 'dir') throw new DiskError('ENOTDIR', path, 'not a directory');
    }
  }

  rename(from: string, to: string): void {
    const source = normalizePath(from);
    const target = normalizePath(to);
    const inode = this.lookup(source);
    if (inode === undefined) throw new DiskError('ENOENT', source, 'no such file');
    if (inode.kind === 'dir') throw new DiskError('EISDIR', source, 'SimDisk renames files only');
    const targetParent = this.parentDirOf(target);
    if (source === target) return;
    const replaced = this.lookup(target);
    if (replaced?.kind === 'dir') throw new DiskError('EISDIR', target, 'is a directory');
    if (replaced !== undefined) this.detach(replaced, target);
    this.unlinkName(source);
    this.linkName(target, inode.id);
    const sourceParent = this.parentDirOf(source);
    if (sourceParent === targetParent) {
      sourceParent.record([{ name: nameOf(source), target: null }, { name: nameOf(target), target: inode.id }]);
    } else {
      sourceParent.record([{ name: nameOf(source), target: null }]);
      targetParent.record([{ name: nameOf(target), target: inode.id }]);
    }
    this.sweepDetached();
  }

  remove(path: string): void {
    const p = normalizePath(path);
    assert(p !== '', 'remove: the root directory cannot be removed');
    const inode = this.lookup(p);
    if (inode === undefined) throw new DiskError('ENOENT', p, 'no such file or directory');
    const parent = this.parentDirOf(p);
    if (inode.kind === 'dir') {
      if (this.list(p).length > 0) throw new DiskError('EISDIR', p, 'directory not empty');
      this.pages.removeDir(p);
      this.detached.add(inode.id);
    } else {
      this.detach(inode, p);
    }
    this.unlinkName(p);
    parent.record([{ name: nameOf(p), target: null }]);
    this.sweepDetached();
  }

  fsyncDir(dir: string, done: DurabilityCallback): void {
    const p = normalizePath(dir);
    const inode = this.lookup(p);
    if (inode === undefined) throw new DiskError('ENOENT', p, 'no such directory');
    if (inode.kind !== 'dir') throw new DiskError('ENOTDIR', p, 'not a directory');
    const seq = inode.capture();
    this.completeLater('fsyncDir', p, done, () => {
      inode.completeCapture(seq);
      this.sweepDetached();
    });
  }

  // ---- the world's controls ----

  /**
   * The node's process died (or the machine lost power). Unsynced file data and directory changes
   * meet their seeded fate; every open fd becomes invalid; pending fsync completions never arrive.
   */
  crash(): CrashSummary {
    this.epoch++;
    const outcome = rebuildAfterCrash({
      inodes: this.inodes,
      currentContent: (file) => this.currentContent(file),
      policy: this.options.crash,
      sectorBytes: this.options.sectorBytes,
      random: this.streams.crash,
      tracer: this.world.tracer,
    });
    this.pages = outcome.pages;
    this.inodes = outcome.inodes;
    this.inodeAtPath = outcome.inodeAtPath;
    this.pathOfInode = new Map([...outcome.inodeAtPath].map(([path, id]) => [id, path]));
    this.detached = new Set();
    this.fds = new Map();
    this.used = outcome.usedBytes;
    return outcome.summary;
  }

  /**
   * The node's process died but the machine did not (kill -9, or a graceful exit): the page cache,
   * unsynced writes included, stays readable; open fds become invalid; completions of fsyncs still in
   * flight never arrive (and make nothing durable). A later crash() can still lose what was not synced.
   */
  killProcess(): void {
    this.epoch++;
    this.fds = new Map();
    this.sweepDetached();
  }

  /**
   * A latent sector error: flips one bit at `offset` (random if omitted) in both the page cache and
   * the durable image, so it survives crashes. A no-op on an empty file.
   */
  corruptFile(path: string, offset?: number): void {
    const p = normalizePath(path);
    const inode = this.lookup(p);
    if (inode === undefined) throw new DiskError('ENOENT', p, 'no such file');
    if (inode.kind === 'dir') throw new DiskError('EISDIR', p, 'is a directory');
    const size = inode.size;
    if (size === 0) return;
    const at = offset ?? this.streams.corruptFile.int(0, size - 1);
    assert(Number.isSafeInteger(at) && at >= 0 && at < size, () => `corruptFile: offset ${at} is outside ${p} (${size} bytes)`);
    const mask = 1 << this.streams.corruptFile.int(0, 7);
    this.pages.xor(inode.id, at, mask);
    const durable = inode.durable.view();
    if (at < durable.length) durable[at] ^= mask;
    this.traceFault('corrupt', p, 'corrupt', { offset: at });
  }

  /** Opens (or, with undefined, closes) a window of disk faults; traced as `disk.window`. */
  setWindowFaults(faults: DiskWindowFaults | undefined): void {
    this.window = faults;
    if (this.world.tracer.enabled('disk.window')) this.world.tracer.emit('disk.window', { ...(faults ?? {}), open: faults !== undefined });
  }

  /** The next append / writeAt / truncate fails with EIO. */
  failNextWrite(): void {
    this.failNextWriteArmed = true;
  }

  /** The next fsync or fsyncDir reports EIO (and makes nothing durable). */
  failNextFsync(): void {
    this.failNextFsyncArmed = true;
  }

  /** Bytes of file content in the page cache (what the capacity limits). */
  usedBytes(): number {
    return this.used;
  }

  openFdCount(): number {
    return this.fds.size;
  }

  // ---- internals ----

  private lookup(path: string): Inode | undefined {
    const id = this.inodeAtPath.get(path);
    return id === undefined ? undefined : this.inodes.get(id);
  }

  private parentDirOf(path: string): DirInode {
    const parentPath = parentDir(path);
    const parent = this.lookup(parentPath);
    if (parent === undefined) throw new DiskError('ENOENT', path, `parent directory "${parentPath}" does not exist`);
    if (parent.kind !== 'dir') throw new DiskError('ENOTDIR', path, `parent "${parentPath}" is not a directory`);
    return parent;
  }

  private createFile(path: string): FileInode {
    const parent = this.parentDirOf(path);
    const inode = new FileInode(this.inodeNext++);
    this.pages.createFile(inode.id);
    this.inodes.set(inode.id, inode);
    this.linkName(path, inode.id);
    parent.record([{ name: nameOf(path), target: inode.id }]);
    return inode;
  }

  private createDir(path: string): void {
    const parent = this.parentDirOf(path);
    const inode = new DirInode(this.inodeNext++);
    this.pages.addDir(path);
    this.inodes.set(inode.id, inode);
    this.linkName(path, inode.id);
    parent.record([{ name: nameOf(path), target: inode.id }]);
  }

  private linkName(path: string, id: InodeId): void {
    this.inodeAtPath.set(path, id);
    this.pathOfInode.set(id, path);
    this.pages.addName(path);
  }

  private unlinkName(path: string): void {
    const id = this.inodeAtPath.get(path);
    this.inodeAtPath.delete(path);
    this.pages.removeName(path);
    if (id !== undefined && this.pathOfInode.get(id) === path) this.pathOfInode.delete(id);
  }

  /** `file` loses its name `path`: keep its unsynced content, since a crash may resurrect the name. */
  private detach(inode: Inode, path: string): void {
    if (inode.kind === 'file') {
      const content = this.pages.readAll(inode.id);
      if (inode.unsyncedFrom() !== Infinity) inode.detachedContent = content;
      this.used -= content.length;
    }
    this.detached.add(inode.id);
  }

  /** Forgets detached inodes that no open fd and no directory (durable or journaled) refers to. */
  private sweepDetached(): void {
    if (this.detached.size === 0) return;
    const referenced = new Set<InodeId>();
    for (const file of this.fds.values()) referenced.add(file.inode.id);
    for (const inode of this.inodes.values()) if (inode.kind === 'dir') inode.collectReferences(referenced);
    for (const id of [...this.detached]) {
      if (referenced.has(id) || this.pathOfInode.has(id)) continue;
      this.detached.delete(id);
      if (this.inodes.get(id)?.kind === 'file') this.pages.dropFile(id);
      this.inodes.delete(id);
    }
  }

  private currentContent(file: FileInode): Uint8Array {
    if (this.pathOfInode.has(file.id)) return this.pages.readAll(file.id);
    for (const open of this.fds.values()) {
      if (open.inode === file) return this.pages.read(file.id, 0, this.sizeOf(open));
    }
    return file.detachedContent ?? file.durable.view();
  }

  private file(fd: Fd, writing = false): OpenFile {
    const file = this.fds.get(fd);
    if (file === undefined) throw new DiskError('EBADF', `fd ${fd}`, 'not an open file descriptor (closed, or opened before a crash)');
    if (writing && !file.writable) throw new DiskError('EBADF', file.path, 'opened read-only');
    return file;
  }

  private sizeOf(file: OpenFile): number {
    return file.inode.size;
  }

  private beforeWrite(op: string, path: string, growthBytes: number): void {
    // Always draw, so that the stream's position does not depend on the armed flag.
    const injected = this.streams.writeError.chance(this.options.writeErrorProbability);
    if (this.failNextWriteArmed || injected) {
      this.failNextWriteArmed = false;
      this.traceFault(op, path, 'eio');
      throw new DiskError('EIO', path, `injected write error (${op})`);
    }
    const window = this.window;
    if (window !== undefined && this.streams.window.chance(window.writeErrorProbability ?? 0)) {
      this.traceFault(op, path, 'eio');
      throw new DiskError('EIO', path, `injected write error (${op}, disk fault window)`);
    }
    if (growthBytes > 0 && window?.full) {
      this.traceFault(op, path, 'enospc');
      throw new DiskError('ENOSPC', path, `volume full (disk fault window): ${op} needs ${growthBytes} more bytes`);
    }
    if (growthBytes > 0 && this.used + growthBytes > this.options.capacityBytes) {
      this.traceFault(op, path, 'enospc');
      throw new DiskError('ENOSPC', path, `volume full: ${this.used} of ${this.options.capacityBytes} bytes used, ${op} needs ${growthBytes} more`);
    }
  }

  private beforeRead(op: string, path: string): void {
    const window = this.window;
    if (window === undefined || !this.streams.window.chance(window.readErrorProbability ?? 0)) return;
    this.traceFault(op, path, 'eio');
    throw new DiskError('EIO', path, `injected read error (${op}, disk fault window)`);
  }

  private maybeCorruptRead(op: string, path: string, fileOffset: number, data: Uint8Array): Uint8Array {
    const stream = this.streams.readCorrupt;
    if (!stream.chance(this.options.readCorruptProbability) || data.length === 0) return data;
    const at = stream.int(0, data.length - 1);
    data[at] ^= 1 << stream.int(0, 7);
    this.traceFault(op, path, 'corrupt', { offset: fileOffset + at });
    return data;
  }

  /** Delivers a durability completion after a drawn latency, unless a crash intervenes. */
  private completeLater(op: 'fsync' | 'fsyncDir', path: string, done: DurabilityCallback, makeDurable: () => void): void {
    const epoch = this.epoch;
    const latency = drawFsyncLatency(this.options.fsyncLatency, this.streams.fsyncLatency);
    const window = this.window;
    const windowFailed = window !== undefined && this.streams.window.chance(window.fsyncErrorProbability ?? 0);
    const failed = this.streams.fsyncError.chance(this.options.fsyncErrorProbability) || this.failNextFsyncArmed || windowFailed;
    this.failNextFsyncArmed = false;
    const delayUs = window?.fsyncDelayUs ?? 0;
    if (latency.slow || delayUs > 0) this.traceFault(op, path, 'slow', { latencyUs: latency.us + delayUs });
    this.world.schedule(latency.us + delayUs, () => {
      if (epoch !== this.epoch) return;
      if (failed) {
        this.traceFault(op, path, 'eio');
        done(new DiskError('EIO', path, `injected ${op} error`));
        return;
      }
      makeDurable();
      done(null);
    });
  }

  private traceFault(op: string, path: string, fault: string, extra: Record<string, unknown> = {}): void {
    if (this.world.tracer.enabled('disk.fault')) this.world.tracer.emit('disk.fault', { op, path, fault, ...extra });
  }
}
