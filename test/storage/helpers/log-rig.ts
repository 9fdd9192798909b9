// Set-up for the durable-log tests: a RaftDurableLog over a SimDisk and a manual scheduler, with
// restart (crash the disk, drop in-flight completions, reopen).
import { expect } from 'vitest';
import type { Disk } from '../../../core/env/disk.ts';
import type { Entry, HardState, Snapshot } from '../../../core/raft/types.ts';
import { RaftDurableLog, type OpenedLog } from '../../../core/storage/durable-log.ts';
import type { StorageOptionsInput } from '../../../core/storage/storage-options.ts';
import { logIndex, nodeId, term } from '../../../core/types.ts';
import type { SimDiskOptionsInput } from '../../../sim/disk/options.ts';
import { makeDisk, type DiskRig } from './disk-rig.ts';

export const dir = 'raft/1';

export function entry(index: number, entryTerm: number, data = `e${index}t${entryTerm}`): Entry {
  return { index: logIndex(index), term: term(entryTerm), type: 'normal', data: new TextEncoder().encode(data) };
}

export function entries(from: number, to: number, entryTerm: number): Entry[] {
  const out: Entry[] = [];
  for (let i = from; i <= to; i++) out.push(entry(i, entryTerm));
  return out;
}

export function hardState(t: number, vote: number, commit: number): HardState {
  return { term: term(t), vote: nodeId(vote), commit: logIndex(commit) };
}

export function snapshot(index: number, snapTerm: number, data = `state@${index}`): Snapshot {
  return {
    metadata: { index: logIndex(index), term: term(snapTerm), confState: { voters: [nodeId(1), nodeId(2), nodeId(3)], learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false } },
    data: new TextEncoder().encode(data),
  };
}

/** Index/term/data triples, for readable comparisons. */
export function describeEntries(list: readonly Entry[]): string[] {
  return list.map((e) => `${e.index}/${e.term}/${new TextDecoder().decode(e.data)}`);
}

export interface LogRig extends DiskRig {
  storageOptions: StorageOptionsInput;
  disk: DiskRig['disk'];
}

export function makeLogRig(seed: number | string, diskOptions: SimDiskOptionsInput = {}, storageOptions: StorageOptionsInput = {}): LogRig {
  return { ...makeDisk(seed, diskOptions), storageOptions };
}

export function open(rig: LogRig, disk: Disk = rig.disk): OpenedLog {
  return RaftDurableLog.open(disk, dir, rig.storageOptions);
}

/** Power loss, then the node starts again from its disk. */
export function restart(rig: LogRig): OpenedLog {
  rig.disk.crash();
  rig.scheduler.clear();
  return open(rig);
}

/** Runs `op(done)` to completion on the manual scheduler and expects success. */
export function settle(rig: LogRig, op: (done: (e: Error | null) => void) => void): void {
  let result: Error | null | undefined;
  op((e) => {
    result = e;
  });
  rig.scheduler.runAll();
  expect(result, 'the callback never ran').not.toBeUndefined();
  expect(result).toBeNull();
}

/** Wraps a disk, counting calls per method. */
export function countingDisk(disk: Disk): { disk: Disk; calls: Map<string, number> } {
  const calls = new Map<string, number>();
  const proxy = new Proxy(disk, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.set(String(property), (calls.get(String(property)) ?? 0) + 1);
        return value.apply(target, args);
      };
    },
  });
  return { disk: proxy, calls };
}
