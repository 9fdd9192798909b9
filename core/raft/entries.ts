// Sizes and small helpers over log entries. A message's byte budget counts each entry's payload plus a
// fixed overhead for its header (term, index, type), close to what core/codec puts on the wire.
import type { Entry } from './types.ts';

export const ENTRY_OVERHEAD_BYTES = 16;

export const NO_ENTRIES: readonly Entry[] = Object.freeze([]) as readonly Entry[];

export function entryBytes(entry: Entry): number {
  return entry.data.byteLength + ENTRY_OVERHEAD_BYTES;
}

/** Payload bytes only: what counts towards the leader's uncommitted budget. */
export function payloadBytes(entries: readonly Entry[]): number {
  let total = 0;
  for (let i = 0; i < entries.length; i++) total += entries[i].data.byteLength;
  return total;
}

export function entriesBytes(entries: readonly Entry[]): number {
  let total = 0;
  for (let i = 0; i < entries.length; i++) total += entries[i].data.byteLength + ENTRY_OVERHEAD_BYTES;
  return total;
}

/**
 * How many of `entries[from..to)` fit in `maxBytes` (at least one when the range is not empty, so an
 * oversized entry still makes progress).
 */
export function countWithinBytes(entries: readonly Entry[], from: number, to: number, maxBytes: number): number {
  let total = 0;
  let i = from;
  for (; i < to; i++) {
    total += entries[i].data.byteLength + ENTRY_OVERHEAD_BYTES;
    if (total > maxBytes && i > from) break;
  }
  return i - from;
}
