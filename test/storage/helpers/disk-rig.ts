// Shared set-up for the SimDisk tests: a disk over a manual scheduler with a recording tracer.
import type { Tracer } from '../../../core/env/tracer.ts';
import { ManualScheduler } from '../../../sim/disk/manual-scheduler.ts';
import type { SimDiskOptionsInput } from '../../../sim/disk/options.ts';
import { SimDisk } from '../../../sim/disk/sim-disk.ts';
import { createRandom } from '../../../sim/random.ts';

export interface TraceEvent {
  readonly kind: string;
  readonly fields: Record<string, unknown>;
}

export class RecordingTracer implements Tracer {
  readonly events: TraceEvent[] = [];
  emit(kind: string, fields: Record<string, unknown> = {}): void {
    this.events.push({ kind, fields });
  }
  enabled(): boolean {
    return true;
  }
  faults(fault?: string): TraceEvent[] {
    return this.events.filter((e) => e.kind === 'disk.fault' && (fault === undefined || e.fields.fault === fault));
  }
}

export interface DiskRig {
  readonly disk: SimDisk;
  readonly scheduler: ManualScheduler;
  readonly tracer: RecordingTracer;
}

export function makeDisk(seed: number | string, options: SimDiskOptionsInput = {}): DiskRig {
  const scheduler = new ManualScheduler();
  const tracer = new RecordingTracer();
  const disk = new SimDisk({ schedule: scheduler.schedule, random: createRandom(seed).child('disk'), tracer, options });
  return { disk, scheduler, tracer };
}

export const bytes = (...values: number[]): Uint8Array => new Uint8Array(values);

export function filled(length: number, value: number): Uint8Array {
  return new Uint8Array(length).fill(value);
}

export const text = (s: string): Uint8Array => new TextEncoder().encode(s);
export const str = (b: Uint8Array): string => new TextDecoder().decode(b);

/** Only one fate for unsynced file data and for unsynced directory changes. */
export function policy(file: 'lost' | 'kept' | 'torn', dir: 'lost' | 'kept' | 'prefix', garbleProbability = 0): SimDiskOptionsInput {
  return {
    crash: {
      file: { lostProbability: file === 'lost' ? 1 : 0, keptProbability: file === 'kept' ? 1 : 0, tornProbability: file === 'torn' ? 1 : 0 },
      dir: { lostProbability: dir === 'lost' ? 1 : 0, keptProbability: dir === 'kept' ? 1 : 0, prefixProbability: dir === 'prefix' ? 1 : 0 },
      garbleProbability,
    },
  };
}

/** Calls `op(done)` and runs the scheduler until done; returns the error passed to done. */
export function complete(rig: DiskRig, op: (done: (e: Error | null) => void) => void): Error | null {
  let result: Error | null | undefined;
  op((e) => {
    result = e;
  });
  rig.scheduler.runAll();
  if (result === undefined) throw new Error('the durability callback never ran');
  return result;
}

/** Byte equality without vitest's slow element-wise deep equality on large arrays. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.compare(a, b) === 0;
}
