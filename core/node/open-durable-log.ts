// Opens a group's durable log (core/storage's RaftDurableLog) as the host's DurableLog port.
import type { Disk } from '../env/disk.ts';
import type { Tracer } from '../env/tracer.ts';
import type { HardState } from '../raft/types.ts';
import { RaftDurableLog } from '../storage/durable-log.ts';
import type { StorageOptionsInput } from '../storage/storage-options.ts';
import type { DurableLog } from './durable-log.ts';

export interface OpenDurableLogOptions {
  readonly bugs?: ReadonlySet<string>;
  readonly tracer?: Tracer;
  readonly storage?: StorageOptionsInput;
}

export function openDurableLog(disk: Disk, dir: string, options: OpenDurableLogOptions = {}): DurableLog {
  const { log, state } = RaftDurableLog.open(disk, dir, {
    ...options.storage,
    ...(options.tracer ? { tracer: options.tracer } : {}),
    bugs: { unsyncedWalTrusted: options.bugs?.has('unsyncedWalTrusted') ?? false },
  });
  return {
    recovered: { hardState: isEmpty(state.hardState) ? undefined : state.hardState, snapshot: state.snapshot, entries: state.entries },
    append: (entries, hardState) => log.append(entries, hardState),
    sync: (done) => log.sync(done),
    saveSnapshot: (snapshot, done) => log.saveSnapshot(snapshot, done),
    compact: (index, done) => log.compact(index, done),
  };
}

function isEmpty(hs: HardState): boolean {
  return hs.term === 0 && hs.vote === 0 && hs.commit === 0;
}
