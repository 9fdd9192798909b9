// Reading a file whose bytes may be damaged on the way (a transient read error) while the disk copy is
// intact. A read that looks intact is trusted (its checksums passed); a damaged read is believed only
// when the next read returns the very same bytes, since the damage is then on the disk. Recovery acts
// on what it reads (cuts a "torn tail", refuses a "corrupt" snapshot), so one bad read must not decide.
import { KvlabError } from '../types.ts';

/** Reads of one file before a loader gives up on getting the same bytes twice. */
export const stableReadsMax = 4;

export interface StableRead {
  readonly bytes: Uint8Array;
  /** Reads beyond the first (0 when the first read looked intact). */
  readonly rereads: number;
}

/**
 * Reads with `read()` until a read passes `intact`, or two reads in a row agree (real damage, which the
 * caller then reports as it would have). Throws KvlabError('unstableRead') naming `path` when
 * `readsMax` reads all differ.
 */
export function readStable(path: string, read: () => Uint8Array, intact: (bytes: Uint8Array) => boolean, readsMax = stableReadsMax): StableRead {
  let bytes = read();
  for (let reads = 1; reads < readsMax; reads++) {
    if (intact(bytes)) return { bytes, rereads: reads - 1 };
    const again = read();
    if (sameBytes(again, bytes)) return { bytes, rereads: reads };
    bytes = again;
  }
  if (intact(bytes)) return { bytes, rereads: readsMax - 1 };
  throw new KvlabError('unstableRead', `${path}: ${readsMax} reads returned different damaged bytes each time`);
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
