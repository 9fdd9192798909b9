// Snapshot files in their own directory, named <index>-<term>.snap (16 hex digits each). Saving is
// atomic: write <name>.tmp, fsync it, rename it to <name>, fsyncDir. A crash at any point leaves
// either no file under the final name or a complete, checksummed one (plus maybe a stale .tmp, which
// recovery removes).
import type { Disk } from '../env/disk.ts';
import type { Snapshot } from '../raft/types.ts';
import { KvlabError, logIndex, term } from '../types.ts';
import type { DirSyncs } from './dir-syncs.ts';
import { storageFailed } from './errors.ts';
import { hex16, joinPath } from './segment-name.ts';
import { decodeSnapshotFile, encodeSnapshotFile } from './snapshot-file.ts';
import type { SnapshotId } from './wal-records.ts';

export interface SnapshotFileName {
  readonly name: string;
  readonly path: string;
  readonly id: SnapshotId;
}

const pattern = /^([0-9a-f]{16})-([0-9a-f]{16})\.snap$/;
const tmpSuffix = '.tmp';

export function snapshotFileName(id: SnapshotId): string {
  return `${hex16(id.index)}-${hex16(id.term)}.snap`;
}

export class SnapshotStore {
  constructor(
    private readonly disk: Disk,
    readonly dir: string,
    private readonly dirSyncs: DirSyncs,
    private readonly snapshotBytesMax: number,
  ) {}

  /** The file bytes of `snapshot`; throws KvlabError('snapshotTooLarge') beyond snapshotBytesMax. */
  encode(snapshot: Snapshot): Uint8Array {
    const bytes = encodeSnapshotFile(snapshot);
    if (bytes.length > this.snapshotBytesMax) {
      throw new KvlabError('snapshotTooLarge', `snapshot at index ${snapshot.metadata.index} is ${bytes.length} bytes; snapshotBytesMax is ${this.snapshotBytesMax}`);
    }
    return bytes;
  }

  /** Writes an encoded snapshot durably; `done` gets a fail-stop error if any I/O step failed. */
  save(id: SnapshotId, bytes: Uint8Array, done: (error: KvlabError | null) => void): void {
    const path = joinPath(this.dir, snapshotFileName(id));
    const tmp = path + tmpSuffix;
    const failed = (step: string, e: unknown): void => done(storageFailed(`${step} of snapshot ${path}`, e));
    let fd;
    try {
      if (this.disk.exists(tmp)) this.disk.remove(tmp);
      fd = this.disk.open(tmp, 'create');
      this.disk.append(fd, bytes);
    } catch (e) {
      failed('writing', e);
      return;
    }
    const tmpFd = fd;
    this.disk.fsync(tmpFd, (error) => {
      if (error !== null) return failed('fsync', error);
      // Directory changes made before (the data directories, the first WAL segment) become durable
      // before the snapshot's name does: a snapshot file never exists without the WAL beside it.
      this.dirSyncs.flush((earlierError) => {
        if (earlierError !== null) return failed('fsyncDir before rename', earlierError);
        try {
          this.disk.close(tmpFd);
          this.disk.rename(tmp, path);
        } catch (e) {
          return failed('rename', e);
        }
        this.dirSyncs.add(this.dir);
        this.dirSyncs.flush((dirError) => (dirError !== null ? failed('fsyncDir', dirError) : done(null)));
      });
    });
  }

  /** Snapshot files, newest (highest index) first. */
  list(): SnapshotFileName[] {
    const files: SnapshotFileName[] = [];
    for (const name of this.disk.list(this.dir)) {
      const m = pattern.exec(name);
      if (m === null) continue;
      files.push({ name, path: joinPath(this.dir, name), id: { index: logIndex(parseInt(m[1], 16)), term: term(parseInt(m[2], 16)) } });
    }
    return files.sort((a, b) => b.id.index - a.id.index || b.id.term - a.id.term);
  }

  /** Loads and verifies one snapshot file; a string says why it is unusable. */
  load(file: SnapshotFileName): Snapshot | string {
    let bytes: Uint8Array;
    try {
      bytes = this.disk.readFile(file.path);
    } catch (e) {
      return `unreadable (${e instanceof Error ? e.message : String(e)})`;
    }
    const snapshot = decodeSnapshotFile(bytes);
    if (typeof snapshot === 'string') return snapshot;
    const m = snapshot.metadata;
    if (m.index !== file.id.index || m.term !== file.id.term) return `contents say index ${m.index} term ${m.term}, the name says otherwise`;
    return snapshot;
  }

  /**
   * Removes every snapshot file `keep` rejects and, with `tmpFiles` (only at open: a save in progress
   * owns its .tmp), leftover .tmp files. Returns the removed paths.
   */
  removeFiles(keep: (file: SnapshotFileName) => boolean, tmpFiles: boolean): string[] {
    const removed: string[] = [];
    for (const name of tmpFiles ? this.disk.list(this.dir) : []) {
      if (name.endsWith(tmpSuffix)) removed.push(joinPath(this.dir, name));
    }
    for (const file of this.list()) if (!keep(file)) removed.push(file.path);
    for (const path of removed) this.disk.remove(path);
    if (removed.length > 0) this.dirSyncs.add(this.dir);
    return removed;
  }
}
