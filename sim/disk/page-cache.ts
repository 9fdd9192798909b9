// What a SimDisk volume's reads see: the current bytes of each file, by inode, and the current names
// in each directory. It replaced a memfs Volume, which cost a Date, an event object and a path
// lookup per write; a WAL append here is one copy into a buffer that grows by doubling. Names map to
// inodes in SimDisk; content belongs to the inode, so a rename moves no bytes and an unlinked file
// stays readable through the fds still open on it, as on a real filesystem.
import { parentDir } from '../../core/env/disk.ts';
import { copyBytes } from '../../core/codec/slab.ts';
import { assert } from '../../core/types.ts';
import { GrowableBytes, type InodeId } from './inodes.ts';
import { nameOf } from './paths.ts';

export class PageCache {
  private readonly contents = new Map<InodeId, GrowableBytes>();
  private readonly children = new Map<string, Set<string>>([['', new Set()]]);

  // ---- file content ----

  /** A new, empty file (or content a crash left). */
  createFile(id: InodeId, content?: Uint8Array): void {
    const bytes = new GrowableBytes();
    if (content !== undefined) bytes.replace(content);
    this.contents.set(id, bytes);
  }

  /** Forgets a file's content (no name and no fd refers to it any more). */
  dropFile(id: InodeId): void {
    this.contents.delete(id);
  }

  /** Writes `data` at `offset`, zero-filling any gap past the end. */
  write(id: InodeId, offset: number, data: Uint8Array): void {
    const bytes = this.content(id);
    if (offset + data.length > bytes.length) bytes.setLength(offset + data.length);
    bytes.write(offset, data);
  }

  /** A copy of `length` bytes from `offset` (fewer at the end of the file). */
  read(id: InodeId, offset: number, length: number): Uint8Array {
    const bytes = this.content(id);
    const end = Math.min(bytes.length, offset + length);
    return end <= offset ? new Uint8Array(0) : copyBytes(bytes.view().subarray(offset, end));
  }

  /** A copy of the whole file. */
  readAll(id: InodeId): Uint8Array {
    return this.content(id).view().slice();
  }

  truncate(id: InodeId, length: number): void {
    this.content(id).setLength(length);
  }

  /** Flips bits in place (a latent sector error). */
  xor(id: InodeId, offset: number, mask: number): void {
    const view = this.content(id).view();
    view[offset] ^= mask;
  }

  // ---- directory names ----

  addName(path: string): void {
    this.childrenOf(parentDir(path)).add(nameOf(path));
  }

  removeName(path: string): void {
    this.children.get(parentDir(path))?.delete(nameOf(path));
  }

  addDir(path: string): void {
    this.addName(path);
    if (!this.children.has(path)) this.children.set(path, new Set());
  }

  removeDir(path: string): void {
    this.removeName(path);
    this.children.delete(path);
  }

  /** Names in `dir`, sorted. */
  list(dir: string): string[] {
    return [...(this.children.get(dir) ?? [])].sort();
  }

  private childrenOf(dir: string): Set<string> {
    let names = this.children.get(dir);
    if (names === undefined) this.children.set(dir, (names = new Set()));
    return names;
  }

  private content(id: InodeId): GrowableBytes {
    const bytes = this.contents.get(id);
    assert(bytes !== undefined, () => `page cache: no content for inode ${id}`);
    return bytes;
  }
}
