// Contiguous slot ranges: how a cluster's layout gives each group its share of the 16384 slots, and how
// CLUSTER SLOTS / SHARDS and /v1/cluster print ownership. A range is inclusive at both ends, as Redis
// Cluster prints them ([0, 5460]).
import { assert } from '../types.ts';
import { SLOT_COUNT } from './slot.ts';

export type SlotRange = readonly [start: number, end: number];

/**
 * Cuts the slots into `parts` contiguous ranges whose sizes differ by at most one, the larger ones
 * first (3 parts: 0-5461, 5462-10922, 10923-16383).
 */
export function evenSlotRanges(parts: number, slotCount = SLOT_COUNT): SlotRange[] {
  assert(Number.isInteger(parts) && parts >= 1 && parts <= slotCount, `cannot cut ${slotCount} slots into ${parts} ranges`);
  const base = Math.floor(slotCount / parts);
  const extra = slotCount % parts;
  const ranges: SlotRange[] = [];
  let start = 0;
  for (let i = 0; i < parts; i++) {
    const size = base + (i < extra ? 1 : 0);
    ranges.push([start, start + size - 1]);
    start += size;
  }
  return ranges;
}

/** Merges a sorted or unsorted list of slots into the fewest inclusive ranges. */
export function rangesOf(slots: Iterable<number>): SlotRange[] {
  const sorted = [...new Set(slots)].sort((a, b) => a - b);
  const ranges: Array<[number, number]> = [];
  for (const slot of sorted) {
    const last = ranges[ranges.length - 1];
    if (last && last[1] === slot - 1) last[1] = slot;
    else ranges.push([slot, slot]);
  }
  return ranges;
}

export function rangeContains(range: SlotRange, slot: number): boolean {
  return slot >= range[0] && slot <= range[1];
}

export function slotCountOf(ranges: readonly SlotRange[]): number {
  return ranges.reduce((n, [start, end]) => n + end - start + 1, 0);
}
