// WAL segment file names: <seq>-<firstIndex>.wal, both as 16 lowercase hex digits, so that names sort
// in sequence order and a directory listing alone shows which indexes each segment starts at.
import { logIndex, type LogIndex } from '../types.ts';

export interface SegmentName {
  readonly name: string;
  readonly seq: number;
  readonly firstIndex: LogIndex;
}

const pattern = /^([0-9a-f]{16})-([0-9a-f]{16})\.wal$/;

export function segmentName(seq: number, firstIndex: number): string {
  return `${hex16(seq)}-${hex16(firstIndex)}.wal`;
}

/** Parses a segment file name; undefined if `name` is not one. */
export function parseSegmentName(name: string): SegmentName | undefined {
  const m = pattern.exec(name);
  if (m === null) return undefined;
  const seq = parseInt(m[1], 16);
  const firstIndex = parseInt(m[2], 16);
  if (!Number.isSafeInteger(seq) || !Number.isSafeInteger(firstIndex) || seq < 1 || firstIndex < 1) return undefined;
  return { name, seq, firstIndex: logIndex(firstIndex) };
}

export function hex16(n: number): string {
  return n.toString(16).padStart(16, '0');
}

export function joinPath(dir: string, name: string): string {
  return dir === '' ? name : `${dir}/${name}`;
}
