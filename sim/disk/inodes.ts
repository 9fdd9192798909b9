// The durable image of a SimDisk volume, per inode. Files and directories are tracked by inode id
// (not by path) so that a rename moves a name but not the data, exactly as on a real filesystem.
//
// File: `durable` holds the bytes as of the newest completed fsync. Writes since then are tracked
// by the lowest offset they touched, per fsync "capture", so an fsync copies only the changed tail
// (a WAL append-and-fsync costs O(bytes appended), not O(file size)).
//
// Directory: `durableEntries` as of the newest completed fsyncDir, plus the journal of changes made
// since (creations, renames, removals), so a crash can keep all, none, or a prefix of them.
import { assert } from '../../core/types.ts';

export type InodeId = number;

/** The root directory's inode. */
export const rootInode: InodeId = 0;

/** A byte buffer that grows by doubling, so repeated appends cost amortised O(bytes appended). */
export class GrowableBytes {
  private buffer = new Uint8Array(0);
  length = 0;

  view(): Uint8Array {
    return this.buffer.subarray(0, this.length);
  }

  /** Truncates or zero-extends to `length`. */
  setLength(length: number): void {
    if (length > this.buffer.length) {
      const grown = new Uint8Array(Math.max(length, this.buffer.length * 2, 64));
      grown.set(this.buffer.subarray(0, this.length));
      this.buffer = grown;
    } else if (length > this.length) {
      this.buffer.fill(0, this.length, length);
    }
    this.length = length;
  }

  write(offset: number, data: Uint8Array): void {
    assert(offset + data.length <= this.length, 'GrowableBytes.write beyond length');
    this.buffer.set(data, offset);
  }

  replace(content: Uint8Array): void {
    this.buffer = content.slice();
    this.length = content.length;
  }
}

/** What one fsync covers: everything written before generation `gen`, from offset `low` on. */
export interface FileCapture {
  readonly gen: number;
  readonly low: number;
}

export class FileInode {
  readonly kind = 'file';
  readonly durable = new GrowableBytes();
  private captureGen = 0;
  private durableGen = 0;
  /** Lowest offset changed since the last capture (Infinity: none). */
  private dirtyLow = Infinity;
  /** Captures taken but not yet durable (in flight, or failed), oldest first. */
  private pendingLows: FileCapture[] = [];
  /** The content at the moment the last name of this file was removed (a crash may bring it back). */
  detachedContent: Uint8Array | undefined;
  /** Size in the page cache (kept here so that appends need no look-up of the content). */
  size = 0;

  constructor(readonly id: InodeId) {}

  markChanged(offset: number): void {
    if (offset < this.dirtyLow) this.dirtyLow = offset;
  }

  /** Lowest offset whose bytes may differ from the durable image; Infinity when the file is clean. */
  unsyncedFrom(): number {
    let low = this.dirtyLow;
    for (const p of this.pendingLows) if (p.low < low) low = p.low;
    return low;
  }

  /** Starts an fsync: the returned capture covers every change made so far. */
  capture(): FileCapture {
    const gen = ++this.captureGen;
    this.pendingLows.push({ gen, low: this.dirtyLow });
    this.dirtyLow = Infinity;
    return { gen, low: this.unsyncedFrom() };
  }

  /**
   * Completes an fsync: `patch` is the current content from `capture.low` on, `length` the file
   * size at capture time. An older capture finishing after a newer one changes nothing.
   */
  completeCapture(capture: FileCapture, patch: Uint8Array, length: number): void {
    if (capture.gen <= this.durableGen) return;
    this.durable.setLength(length);
    if (patch.length > 0) this.durable.write(capture.low, patch);
    this.durableGen = capture.gen;
    this.pendingLows = this.pendingLows.filter((p) => p.gen > capture.gen);
  }

  /** After a crash: what survived is, by definition, durable. */
  resetDurable(content: Uint8Array): void {
    this.durable.replace(content);
    this.size = content.length;
    this.durableGen = this.captureGen;
    this.dirtyLow = Infinity;
    this.pendingLows = [];
    this.detachedContent = undefined;
  }
}

export interface DirChange {
  readonly name: string;
  /** The inode now under `name`, or null when `name` was removed. */
  readonly target: InodeId | null;
}

/** One atomic directory operation (a rename inside one directory is a single op of two changes). */
export interface DirOp {
  readonly seq: number;
  readonly changes: readonly DirChange[];
}

export class DirInode {
  readonly kind = 'dir';
  durableEntries = new Map<string, InodeId>();
  private ops: DirOp[] = [];
  private opSeqLast = 0;

  constructor(readonly id: InodeId) {}

  record(changes: readonly DirChange[]): void {
    this.ops.push({ seq: ++this.opSeqLast, changes });
  }

  pendingOpCount(): number {
    return this.ops.length;
  }

  /** Starts an fsyncDir: returns the last op it covers. */
  capture(): number {
    return this.opSeqLast;
  }

  /** Completes an fsyncDir: every op up to `seq` becomes durable. */
  completeCapture(seq: number): void {
    let applied = 0;
    for (const op of this.ops) {
      if (op.seq > seq) break;
      applyOp(this.durableEntries, op);
      applied++;
    }
    this.ops = this.ops.slice(applied);
  }

  /** The entries a crash leaves when it keeps the first `keptOps` pending ops. */
  entriesAfterCrash(keptOps: number): Map<string, InodeId> {
    const entries = new Map(this.durableEntries);
    for (const op of this.ops.slice(0, keptOps)) applyOp(entries, op);
    return entries;
  }

  resetDurable(entries: Map<string, InodeId>): void {
    this.durableEntries = entries;
    this.ops = [];
  }

  /** Adds every inode this directory names, durably or in its journal, to `into`. */
  collectReferences(into: Set<InodeId>): void {
    for (const id of this.durableEntries.values()) into.add(id);
    for (const op of this.ops) for (const change of op.changes) if (change.target !== null) into.add(change.target);
  }
}

function applyOp(entries: Map<string, InodeId>, op: DirOp): void {
  for (const change of op.changes) {
    if (change.target === null) entries.delete(change.name);
    else entries.set(change.name, change.target);
  }
}

export type Inode = FileInode | DirInode;
