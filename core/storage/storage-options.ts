// Limits and switches of the durable log, with defaults and validation (a bad value is a user error
// naming the field).
import { silentTracer, type Tracer } from '../env/tracer.ts';
import { KvlabError } from '../types.ts';
import { noStorageBugs, type StorageBugs } from './bugs.ts';
import { recordHeaderBytes } from './record.ts';
import { entryPayloadOverheadBytes } from './wal-records.ts';

export interface StorageOptions {
  /** A segment is sealed and a new one started once it reaches this size (a record may overshoot it). */
  readonly segmentBytesMax: number;
  /** Largest record payload; an entry's data may be up to this minus 17 bytes. */
  readonly recordBytesMax: number;
  /** Bytes of records held in memory while a segment rotates or a snapshot is being saved. */
  readonly pendingBytesMax: number;
  readonly snapshotBytesMax: number;
  /** Snapshot files kept (the newest ones), so a corrupt newest one can fall back to an older one. */
  readonly snapshotsRetained: number;
  readonly tracer: Tracer;
  /** Simulator-only deliberate bugs (bugs.ts). Never set in production. */
  readonly bugs: StorageBugs;
}

export type StorageOptionsInput = Partial<StorageOptions>;

const mib = 1024 * 1024;

export const defaultStorageOptions: StorageOptions = {
  segmentBytesMax: 8 * mib,
  recordBytesMax: 4 * mib,
  pendingBytesMax: 64 * mib,
  snapshotBytesMax: 1024 * mib,
  snapshotsRetained: 2,
  tracer: silentTracer,
  bugs: noStorageBugs,
};

export function resolveStorageOptions(input: StorageOptionsInput = {}): StorageOptions {
  const o: StorageOptions = { ...defaultStorageOptions, ...input };
  positiveInteger('segmentBytesMax', o.segmentBytesMax);
  positiveInteger('recordBytesMax', o.recordBytesMax);
  positiveInteger('pendingBytesMax', o.pendingBytesMax);
  positiveInteger('snapshotBytesMax', o.snapshotBytesMax);
  positiveInteger('snapshotsRetained', o.snapshotsRetained);
  if (o.recordBytesMax <= entryPayloadOverheadBytes) invalid('recordBytesMax', `must exceed the ${entryPayloadOverheadBytes}-byte entry overhead`);
  if (o.recordBytesMax > 0xffff_ffff) invalid('recordBytesMax', 'must fit the 32-bit record length field');
  if (o.segmentBytesMax < recordHeaderBytes * 16) invalid('segmentBytesMax', `must be at least ${recordHeaderBytes * 16}`);
  return o;
}

function positiveInteger(field: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 1) invalid(field, `must be a positive integer, got ${value}`);
}

function invalid(field: string, reason: string): never {
  throw new KvlabError('invalidStorageOptions', `storage option ${field}: ${reason}`);
}
