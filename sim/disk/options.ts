// SimDisk options: the crash policy, the fault knobs and the fsync latency model, with defaults and
// validation. Invalid options are user errors (a scenario file sets them), reported as KvlabError
// naming the field.
import { KvlabError } from '../../core/types.ts';

/** fsync / fsyncDir completion latency, in virtual microseconds. */
export type FsyncLatencyModel =
  | { readonly kind: 'constant'; readonly us: number }
  | { readonly kind: 'uniform'; readonly usMin: number; readonly usMax: number }
  /**
   * Mostly uniform in [baseUs, 2 * baseUs]; with `tailProbability` a slow fsync, uniform in
   * (2 * baseUs, tailUsMax]. Slow ones are traced as `disk.fault` with fault `slow`.
   */
  | { readonly kind: 'longTail'; readonly baseUs: number; readonly tailProbability: number; readonly tailUsMax: number };

/** What happens to a file's unsynced bytes at a crash; the three probabilities sum to 1. */
export interface FileCrashPolicy {
  /** Revert to the durable image (the last completed fsync). */
  readonly lostProbability: number;
  /** Keep everything written (as if it had been fsynced). */
  readonly keptProbability: number;
  /** Keep a prefix of the unsynced sectors, lose the rest, maybe garble the boundary sector. */
  readonly tornProbability: number;
}

/**
 * What happens to a directory's unsynced changes (creations, renames, removals) at a crash; the
 * probabilities sum to 1. Each change is atomic (a rename inside one directory never half-happens).
 */
export interface DirCrashPolicy {
  readonly lostProbability: number;
  readonly keptProbability: number;
  /** Keep the changes made before a random point, lose the later ones (a journal cut short). */
  readonly prefixProbability: number;
}

export interface CrashPolicy {
  readonly file: FileCrashPolicy;
  readonly dir: DirCrashPolicy;
  /** Chance that a torn file's boundary sector is partly garbage rather than cleanly cut. */
  readonly garbleProbability: number;
}

export interface SimDiskOptions {
  /** Bytes of file content the volume holds; writes beyond fail with ENOSPC. */
  readonly capacityBytes: number;
  /** Torn writes tear at this granularity. */
  readonly sectorBytes: number;
  readonly fsyncLatency: FsyncLatencyModel;
  readonly crash: CrashPolicy;
  /** Chance that a read returns data with one bit flipped (the disk's copy is intact). */
  readonly readCorruptProbability: number;
  /** Chance that append / writeAt / truncate fails with EIO, changing nothing. */
  readonly writeErrorProbability: number;
  /** Chance that fsync / fsyncDir reports EIO; nothing becomes durable. */
  readonly fsyncErrorProbability: number;
}

export interface SimDiskOptionsInput {
  readonly capacityBytes?: number;
  readonly sectorBytes?: number;
  readonly fsyncLatency?: FsyncLatencyModel;
  readonly crash?: {
    readonly file?: Partial<FileCrashPolicy>;
    readonly dir?: Partial<DirCrashPolicy>;
    readonly garbleProbability?: number;
  };
  readonly readCorruptProbability?: number;
  readonly writeErrorProbability?: number;
  readonly fsyncErrorProbability?: number;
}

export const defaultSimDiskOptions: SimDiskOptions = {
  capacityBytes: Number.MAX_SAFE_INTEGER,
  sectorBytes: 4096,
  fsyncLatency: { kind: 'uniform', usMin: 500, usMax: 2000 },
  crash: {
    file: { lostProbability: 0.4, keptProbability: 0.3, tornProbability: 0.3 },
    dir: { lostProbability: 0.4, keptProbability: 0.3, prefixProbability: 0.3 },
    garbleProbability: 0.5,
  },
  readCorruptProbability: 0,
  writeErrorProbability: 0,
  fsyncErrorProbability: 0,
};

/** Fills defaults and validates; throws KvlabError('invalidDiskOptions') naming the bad field. */
export function resolveSimDiskOptions(input: SimDiskOptionsInput = {}): SimDiskOptions {
  const d = defaultSimDiskOptions;
  const options: SimDiskOptions = {
    capacityBytes: input.capacityBytes ?? d.capacityBytes,
    sectorBytes: input.sectorBytes ?? d.sectorBytes,
    fsyncLatency: input.fsyncLatency ?? d.fsyncLatency,
    crash: {
      file: { ...d.crash.file, ...input.crash?.file },
      dir: { ...d.crash.dir, ...input.crash?.dir },
      garbleProbability: input.crash?.garbleProbability ?? d.crash.garbleProbability,
    },
    readCorruptProbability: input.readCorruptProbability ?? d.readCorruptProbability,
    writeErrorProbability: input.writeErrorProbability ?? d.writeErrorProbability,
    fsyncErrorProbability: input.fsyncErrorProbability ?? d.fsyncErrorProbability,
  };
  validate(options);
  return options;
}

function validate(o: SimDiskOptions): void {
  integer('capacityBytes', o.capacityBytes, 0);
  integer('sectorBytes', o.sectorBytes, 1);
  probability('readCorruptProbability', o.readCorruptProbability);
  probability('writeErrorProbability', o.writeErrorProbability);
  probability('fsyncErrorProbability', o.fsyncErrorProbability);
  probability('crash.garbleProbability', o.crash.garbleProbability);
  const f = o.crash.file;
  sumsToOne('crash.file', { lostProbability: f.lostProbability, keptProbability: f.keptProbability, tornProbability: f.tornProbability });
  const dir = o.crash.dir;
  sumsToOne('crash.dir', { lostProbability: dir.lostProbability, keptProbability: dir.keptProbability, prefixProbability: dir.prefixProbability });
  validateLatency(o.fsyncLatency);
}

function validateLatency(m: FsyncLatencyModel): void {
  switch (m.kind) {
    case 'constant':
      integer('fsyncLatency.us', m.us, 0);
      return;
    case 'uniform':
      integer('fsyncLatency.usMin', m.usMin, 0);
      integer('fsyncLatency.usMax', m.usMax, m.usMin);
      return;
    case 'longTail':
      integer('fsyncLatency.baseUs', m.baseUs, 0);
      probability('fsyncLatency.tailProbability', m.tailProbability);
      integer('fsyncLatency.tailUsMax', m.tailUsMax, 2 * m.baseUs);
      return;
    default:
      invalid('fsyncLatency.kind', `must be constant, uniform or longTail, got ${JSON.stringify((m as { kind: unknown }).kind)}`);
  }
}

function integer(field: string, value: number, min: number): void {
  if (!Number.isSafeInteger(value) || value < min) invalid(field, `must be an integer >= ${min}, got ${value}`);
}

function probability(field: string, value: number): void {
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) invalid(field, `must be a probability in [0, 1], got ${value}`);
}

function sumsToOne(field: string, parts: Record<string, number>): void {
  for (const [name, value] of Object.entries(parts)) probability(`${field}.${name}`, value);
  const sum = Object.values(parts).reduce((a, b) => a + b, 0);
  if (Math.abs(sum - 1) > 1e-9) invalid(field, `probabilities ${Object.keys(parts).join(' + ')} must sum to 1, got ${sum}`);
}

function invalid(field: string, reason: string): never {
  throw new KvlabError('invalidDiskOptions', `disk option ${field}: ${reason}`);
}
