// A torn write: power failed while the disk was writing a file's unsynced sectors back. The sectors
// that differ between the durable image and the page cache are written in offset order; a random
// prefix of them made it, the rest did not, and the sector being written at that moment may hold a
// mix of new bytes and garbage. Bytes that were durable and never changed are never damaged.
import type { Random } from '../../core/env/random.ts';

export interface TearResult {
  readonly content: Uint8Array;
  /** Sectors that differed between the durable image and the page cache. */
  readonly dirtySectors: number;
  /** How many of them (a prefix, in offset order) survived whole. */
  readonly keptSectors: number;
  readonly garbled: boolean;
}

/**
 * Tears `current` against `durable`. `unsyncedFrom` is the lowest offset that may differ (bytes
 * before it are equal). At least one dirty sector is always lost; a file with one dirty sector
 * either loses it or, when garbled, keeps part of it followed by garbage.
 */
export function tear(
  durable: Uint8Array,
  current: Uint8Array,
  unsyncedFrom: number,
  sectorBytes: number,
  garbleProbability: number,
  random: Random,
): TearResult {
  const dirty = dirtySectors(durable, current, unsyncedFrom, sectorBytes);
  if (dirty.length === 0) return { content: current.slice(), dirtySectors: 0, keptSectors: 0, garbled: false };
  const kept = random.int(0, dirty.length - 1);
  const garbled = random.chance(garbleProbability);
  const boundary = dirty[kept];
  const boundaryStart = boundary * sectorBytes;
  const boundaryEnd = Math.min(boundaryStart + sectorBytes, Math.max(durable.length, current.length));
  const cut = random.int(boundaryStart, boundaryEnd - 1);

  const keptEnd = kept > 0 ? Math.min(current.length, (dirty[kept - 1] + 1) * sectorBytes) : 0;
  let length = Math.max(durable.length, keptEnd);
  if (garbled) length = Math.max(length, Math.min(current.length, boundaryEnd));

  const content = new Uint8Array(length);
  content.set(durable.subarray(0, Math.min(durable.length, length)));
  for (let i = 0; i < kept; i++) copySector(content, current, dirty[i] * sectorBytes, sectorBytes);
  if (garbled) {
    copyRange(content, current, boundaryStart, cut);
    const end = Math.min(length, boundaryEnd);
    for (let p = cut; p < end; p++) {
      const changed = p >= durable.length || p >= current.length || current[p] !== durable[p];
      if (changed) content[p] = random.int(0, 255);
    }
  }
  return { content, dirtySectors: dirty.length, keptSectors: kept, garbled };
}

/** Indexes of the sectors whose bytes or extent differ, in offset order. */
export function dirtySectors(durable: Uint8Array, current: Uint8Array, unsyncedFrom: number, sectorBytes: number): number[] {
  const lengthMax = Math.max(durable.length, current.length);
  const lengthMin = Math.min(durable.length, current.length);
  const sectors: number[] = [];
  for (let s = Math.floor(Math.min(unsyncedFrom, lengthMax) / sectorBytes); s * sectorBytes < lengthMax; s++) {
    const start = s * sectorBytes;
    const end = Math.min(lengthMax, start + sectorBytes);
    if (end > lengthMin || !equalRange(durable, current, start, end)) sectors.push(s);
  }
  return sectors;
}

function equalRange(a: Uint8Array, b: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (a[i] !== b[i]) return false;
  return true;
}

function copySector(target: Uint8Array, source: Uint8Array, start: number, sectorBytes: number): void {
  copyRange(target, source, start, start + sectorBytes);
}

function copyRange(target: Uint8Array, source: Uint8Array, start: number, end: number): void {
  const stop = Math.min(end, source.length, target.length);
  if (stop > start) target.set(source.subarray(start, stop), start);
}
