// Rebuilds a volume after a crash from its durable image: walks the directory tree from the root
// through the entries that survive (durable ones, plus unsynced changes the directory policy keeps)
// and gives each file the content its fate decides (durable, current, or torn between the two).
import type { Random } from '../../core/env/random.ts';
import type { Tracer } from '../../core/env/tracer.ts';
import { assert } from '../../core/types.ts';
import { DirInode, FileInode, rootInode, type Inode, type InodeId } from './inodes.ts';
import type { CrashPolicy } from './options.ts';
import { PageCache } from './page-cache.ts';
import { tear } from './tear.ts';

/** What a crash did to unsynced state; `lost`/`kept`/`torn` count files (the `node.crash` `unsynced` field). */
export interface CrashSummary {
  readonly lost: number;
  readonly kept: number;
  readonly torn: number;
  /** Unsynced directory changes (creations, renames, removals) that vanished or survived. */
  readonly dirOpsLost: number;
  readonly dirOpsKept: number;
}

export interface CrashInput {
  readonly inodes: ReadonlyMap<InodeId, Inode>;
  /** The page-cache content of a file (wherever it is linked now, or its last content if unlinked). */
  readonly currentContent: (file: FileInode) => Uint8Array;
  readonly policy: CrashPolicy;
  readonly sectorBytes: number;
  readonly random: Random;
  readonly tracer: Tracer;
}

export interface CrashOutcome {
  /** The page cache after the crash: exactly what survived. */
  readonly pages: PageCache;
  /** Surviving inodes, each with its durable image reset to what survived. */
  readonly inodes: Map<InodeId, Inode>;
  readonly inodeAtPath: Map<string, InodeId>;
  readonly usedBytes: number;
  readonly summary: CrashSummary;
}

type FileFate = 'lost' | 'kept' | 'torn';

class Rebuild {
  readonly pages = new PageCache();
  readonly inodes = new Map<InodeId, Inode>();
  readonly inodeAtPath = new Map<string, InodeId>([['', rootInode]]);
  readonly counts = { lost: 0, kept: 0, torn: 0, dirOpsLost: 0, dirOpsKept: 0 };
  usedBytes = 0;
  /** Content decided per inode, so a file reachable under two names gets one fate. */
  private readonly contentOf = new Map<InodeId, Uint8Array>();

  constructor(private readonly input: CrashInput) {}

  dir(dir: DirInode, path: string): void {
    const entries = dir.entriesAfterCrash(this.keptDirOps(dir));
    dir.resetDurable(entries);
    this.inodes.set(dir.id, dir);
    for (const name of [...entries.keys()].sort()) {
      const child = this.input.inodes.get(entries.get(name)!);
      assert(child !== undefined, () => `crash: entry ${path}/${name} names an unknown inode`);
      const childPath = path === '' ? name : `${path}/${name}`;
      this.inodeAtPath.set(childPath, child.id);
      if (child.kind === 'dir') {
        this.pages.addDir(childPath);
        this.dir(child, childPath);
      } else {
        const content = this.file(child, childPath);
        this.pages.addName(childPath);
        this.usedBytes += content.length;
      }
    }
  }

  private keptDirOps(dir: DirInode): number {
    const pending = dir.pendingOpCount();
    if (pending === 0) return 0;
    const p = this.input.policy.dir;
    const roll = this.input.random.next();
    const prefix = this.input.random.int(0, pending);
    const kept = roll < p.lostProbability ? 0 : roll < p.lostProbability + p.keptProbability ? pending : prefix;
    this.counts.dirOpsKept += kept;
    this.counts.dirOpsLost += pending - kept;
    return kept;
  }

  private file(file: FileInode, path: string): Uint8Array {
    const decided = this.contentOf.get(file.id);
    if (decided !== undefined) return decided;
    const content = this.fileContent(file, path);
    file.resetDurable(content);
    this.pages.createFile(file.id, content);
    this.inodes.set(file.id, file);
    this.contentOf.set(file.id, content);
    return content;
  }

  private fileContent(file: FileInode, path: string): Uint8Array {
    const unsyncedFrom = file.unsyncedFrom();
    const durable = file.durable.view().slice();
    if (unsyncedFrom === Infinity) return durable;
    const fate = this.fileFate();
    this.counts[fate]++;
    const current = this.input.currentContent(file);
    if (fate === 'lost') return durable;
    if (fate === 'kept') return current.slice();
    const { sectorBytes, policy, random, tracer } = this.input;
    const torn = tear(durable, current, unsyncedFrom, sectorBytes, policy.garbleProbability, random);
    if (tracer.enabled('disk.fault')) {
      tracer.emit('disk.fault', { op: 'crash', path, fault: 'torn', dirtySectors: torn.dirtySectors, keptSectors: torn.keptSectors, garbled: torn.garbled });
    }
    return torn.content;
  }

  private fileFate(): FileFate {
    const p = this.input.policy.file;
    const roll = this.input.random.next();
    if (roll < p.lostProbability) return 'lost';
    if (roll < p.lostProbability + p.keptProbability) return 'kept';
    return 'torn';
  }
}

/** Decides every unsynced change's fate and returns the volume as it is after the crash. */
export function rebuildAfterCrash(input: CrashInput): CrashOutcome {
  const root = input.inodes.get(rootInode);
  assert(root !== undefined && root.kind === 'dir', 'crash: the root directory inode is missing');
  const rebuild = new Rebuild(input);
  rebuild.dir(root, '');
  return {
    pages: rebuild.pages,
    inodes: rebuild.inodes,
    inodeAtPath: rebuild.inodeAtPath,
    usedBytes: rebuild.usedBytes,
    summary: { ...rebuild.counts },
  };
}
