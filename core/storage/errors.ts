// Storage errors a user (or the world) can cause. Corruption names the file and the byte offset, so
// an operator can inspect or restore exactly that file; recovery never serves data past it.
import { KvlabError } from '../types.ts';

export class StorageCorruption extends KvlabError {
  constructor(
    readonly file: string,
    readonly offset: number,
    readonly reason: string,
  ) {
    super('storageCorrupt', `${file} is corrupt at byte ${offset}: ${reason}; refusing to start (restore this node's data or rebuild it from its peers)`);
    this.name = 'StorageCorruption';
  }
}

/** The WAL or snapshot store hit an I/O error after which its state is unknown: restart the node. */
export function storageFailed(what: string, cause: unknown): KvlabError {
  const detail = cause instanceof Error ? cause.message : String(cause);
  const error = new KvlabError('storageFailed', `${what} failed (${detail}); the node must restart and recover from its disk`);
  // Kept so that whoever judges the stop can tell a disk error from a bug caught on the way.
  error.cause = cause;
  return error;
}
