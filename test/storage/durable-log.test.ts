// RaftDurableLog over SimDisk: what a sync acknowledges survives a crash; group commit, segment
// rotation, conflict truncation, torn-tail repair, corruption refusal, limits.
import { describe, expect, it } from 'vitest';
import { RaftDurableLog } from '../../core/storage/durable-log.ts';
import { StorageCorruption } from '../../core/storage/errors.ts';
import { KvlabError, logIndex } from '../../core/types.ts';
import { policy } from './helpers/disk-rig.ts';
import { countingDisk, describeEntries, dir, entries, entry, hardState, makeLogRig, open, restart, settle, snapshot } from './helpers/log-rig.ts';

const lostAll = policy('lost', 'lost');
const keptAll = policy('kept', 'kept');

describe('RaftDurableLog: basics', () => {
  it('a new node recovers empty state', () => {
    const rig = makeLogRig(1);
    const { state } = open(rig);
    expect(state).toEqual({ hardState: hardState(0, 0, 0), snapshot: undefined, entries: [], warnings: [] });
  });

  it('synced entries and hard state survive a crash that loses everything unsynced', () => {
    const rig = makeLogRig(2, lostAll);
    const { log } = open(rig);
    log.append(entries(1, 5, 1), hardState(1, 2, 3));
    settle(rig, (done) => log.sync(done));
    log.append(entries(6, 8, 1), hardState(1, 2, 5)); // never synced
    const { state } = restart(rig);
    expect(describeEntries(state.entries)).toEqual(describeEntries(entries(1, 5, 1)));
    expect(state.hardState).toEqual(hardState(1, 2, 3));
  });

  it('unsynced records that survive the crash (kept) are recovered too', () => {
    const rig = makeLogRig(3, keptAll);
    const { log } = open(rig);
    log.append(entries(1, 3, 1), hardState(1, 1, 1));
    settle(rig, (done) => log.sync(done));
    log.append(entries(4, 6, 2), hardState(2, 1, 4));
    const { state } = restart(rig);
    expect(describeEntries(state.entries)).toEqual(describeEntries([...entries(1, 3, 1), ...entries(4, 6, 2)]));
    expect(state.hardState).toEqual(hardState(2, 1, 4));
  });

  it('nothing is acknowledged before the fsync completes', () => {
    const rig = makeLogRig(4, { fsyncLatency: { kind: 'constant', us: 1000 } });
    const { log } = open(rig);
    log.append(entries(1, 1, 1));
    let acked = false;
    log.sync(() => {
      acked = true;
    });
    rig.scheduler.runUntil(999);
    expect(acked).toBe(false);
    rig.scheduler.runAll();
    expect(acked).toBe(true);
  });

  it('conflict truncation: re-appending from an index replaces the log from there, and replay agrees', () => {
    const rig = makeLogRig(5, lostAll);
    const { log } = open(rig);
    log.append(entries(1, 10, 1), hardState(1, 1, 4));
    log.append(entries(6, 8, 2), hardState(2, 3, 4));
    expect(log.lastIndex()).toBe(8);
    settle(rig, (done) => log.sync(done));
    const { state } = restart(rig);
    expect(describeEntries(state.entries)).toEqual(describeEntries([...entries(1, 5, 1), ...entries(6, 8, 2)]));
    const reopened = restart(rig);
    reopened.log.append([entry(9, 2)]);
    expect(reopened.log.lastIndex()).toBe(9);
  });

  it('refuses (as a bug) to overwrite committed entries or to leave a gap', () => {
    const rig = makeLogRig(6);
    const { log } = open(rig);
    log.append(entries(1, 5, 1), hardState(1, 1, 3));
    expect(() => log.append([entry(3, 2)])).toThrow(/replace committed entries/);
    expect(() => log.append([entry(7, 1)])).toThrow(/gap/);
    expect(() => log.append([], hardState(1, 1, 2))).toThrow(/regresses/);
  });
});

describe('RaftDurableLog: group commit', () => {
  it('many appends and sync calls share fsyncs, and every caller is told', () => {
    const rig = makeLogRig(7, { fsyncLatency: { kind: 'constant', us: 500 } });
    const counted = countingDisk(rig.disk);
    const { log } = RaftDurableLog.open(counted.disk, dir, {});
    settle(rig, (done) => log.sync(done)); // makes the directories durable once
    counted.calls.clear();
    let acked = 0;
    for (let i = 1; i <= 50; i++) {
      log.append([entry(i, 1)]);
      log.sync((e) => {
        expect(e).toBeNull();
        acked++;
      });
    }
    rig.scheduler.runAll();
    expect(acked).toBe(50);
    // One round for the first caller, one for everyone who arrived while it was in flight.
    expect(counted.calls.get('fsync')).toBe(2);
    expect(counted.calls.get('append')).toBe(50);
  });
});

describe('RaftDurableLog: restart without power loss', () => {
  /** A graceful stop or a killed process: in-flight completions vanish, the page cache stays. */
  function processRestart(rig: ReturnType<typeof makeLogRig>, storage = {}) {
    rig.disk.killProcess();
    return RaftDurableLog.open(rig.disk, dir, storage);
  }

  it('recovery fsyncs what it read from the page cache before the first sync calls back', () => {
    const rig = makeLogRig(30, lostAll);
    const first = open(rig);
    first.log.append(entries(1, 5, 1), hardState(1, 2, 3)); // never synced by this process
    const second = processRestart(rig);
    expect(second.state.entries.map((e) => e.index)).toEqual([1, 2, 3, 4, 5]);
    settle(rig, (done) => second.log.sync(done)); // the host syncs once before sending anything
    const { state } = restart(rig); // now power fails
    expect(state.entries.map((e) => e.index)).toEqual([1, 2, 3, 4, 5]);
    expect(state.hardState).toEqual(hardState(1, 2, 3));
  });

  it('with the unsyncedWalTrusted bug the recovered tail is acknowledged but lost at the next power failure', () => {
    const rig = makeLogRig(31, lostAll);
    const first = open(rig);
    first.log.append(entries(1, 5, 1), hardState(1, 2, 3));
    const second = processRestart(rig, { bugs: { unsyncedWalTrusted: true } });
    expect(second.state.entries.map((e) => e.index)).toEqual([1, 2, 3, 4, 5]);
    let acked = false;
    second.log.sync((e) => {
      acked = e === null;
    });
    expect(acked).toBe(true); // at once: nothing new was appended, and what was read is trusted
    const { state } = restart(rig);
    expect(state.entries).toEqual([]);
  });

  it('with the unsyncedWalTrusted bug a sync acknowledges before the fsync, and a power loss erases the acknowledged entries', () => {
    const rig = makeLogRig(33, lostAll, { bugs: { unsyncedWalTrusted: true } });
    const { log } = open(rig);
    settle(rig, (done) => log.sync(done));
    log.append(entries(1, 3, 1), hardState(1, 2, 0));
    let acked = false;
    log.sync((e) => {
      acked = e === null;
    });
    expect(acked).toBe(true); // before any fsync completed
    const { state } = restart(rig);
    expect(state.entries).toEqual([]);
    expect(state.hardState).toEqual(hardState(0, 0, 0));
  });

  it('a sync with nothing new appended costs no fsync', () => {
    const rig = makeLogRig(32);
    const counted = countingDisk(rig.disk);
    const { log } = RaftDurableLog.open(counted.disk, dir, {});
    log.append(entries(1, 2, 1));
    settle(rig, (done) => log.sync(done));
    const fsyncs = counted.calls.get('fsync');
    let acked = false;
    log.sync((e) => {
      acked = e === null;
    });
    expect(acked).toBe(true);
    expect(counted.calls.get('fsync')).toBe(fsyncs);
  });
});

describe('RaftDurableLog: segments', () => {
  const small = { segmentBytesMax: 1024, recordBytesMax: 512 };

  it('rotates segments by size; all entries replay across them', () => {
    const rig = makeLogRig(8, lostAll, small);
    const { log } = open(rig);
    for (let i = 1; i <= 100; i++) {
      log.append([entry(i, 1, 'x'.repeat(40))], hardState(1, 1, i - 1));
      if (i % 10 === 0) settle(rig, (done) => log.sync(done));
    }
    const names = log.segmentNames();
    expect(names.length).toBeGreaterThan(4);
    expect(names[0]).toBe('0000000000000001-0000000000000001.wal');
    const { state } = restart(rig);
    expect(state.entries.map((e) => e.index)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(state.hardState.commit).toBe(99);
  });

  it('holds new records while a full segment is synced, then writes them to the next one', () => {
    const rig = makeLogRig(9, { fsyncLatency: { kind: 'constant', us: 1000 } }, small);
    const { log } = open(rig);
    settle(rig, (done) => log.sync(done));
    log.append([entry(1, 1, 'y'.repeat(490)), entry(2, 1, 'y'.repeat(490))]); // fills segment 1: rotation starts
    log.append([entry(3, 1)]); // waits in memory
    expect(log.segmentNames()).toHaveLength(1);
    const first = `${dir}/wal/${log.segmentNames()[0]}`;
    const sealedBytes = rig.disk.readFile(first).length;
    expect(sealedBytes).toBeGreaterThan(1024);
    settle(rig, (done) => log.sync(done));
    expect(log.segmentNames()).toEqual(['0000000000000001-0000000000000001.wal', '0000000000000002-0000000000000003.wal']);
    expect(rig.disk.readFile(first).length).toBe(sealedBytes);
    const { state } = restart(rig);
    expect(state.entries.map((e) => e.index)).toEqual([1, 2, 3]);
  });

  it('a crash mid-rotation (new segment not yet synced) recovers every acknowledged entry, for 30 seeds', () => {
    for (let seed = 1; seed <= 30; seed++) {
      const rig = makeLogRig(seed, {}, small);
      const { log } = open(rig);
      log.append(entries(1, 3, 1));
      settle(rig, (done) => log.sync(done));
      log.append([entry(4, 1, 'z'.repeat(490)), entry(5, 1, 'z'.repeat(490))]);
      log.append(entries(6, 7, 1));
      rig.scheduler.step(); // the sealed segment's fsync completes: segment 2 is created, not yet synced
      const { state } = restart(rig);
      const indexes = state.entries.map((e) => e.index);
      expect(indexes.slice(0, 3), `seed ${seed}`).toEqual([1, 2, 3]);
      expect(indexes, `seed ${seed}`).toEqual(Array.from({ length: indexes.length }, (_, i) => i + 1));
    }
  });
});

describe('RaftDurableLog: compaction waits for the next segment to be durable', () => {
  it('keeps a segment while the header of the segment after it (which repeats the hard state) is not durable', () => {
    const rig = makeLogRig(20, lostAll, { segmentBytesMax: 1024, recordBytesMax: 512 });
    const { log } = open(rig);
    log.append(entries(1, 5, 1), hardState(1, 1, 5));
    settle(rig, (done) => log.sync(done));
    settle(rig, (done) => log.saveSnapshot(snapshot(5, 1), done));
    // Hard-state records alone fill the segment: the next one starts at index 6, which the snapshot covers.
    for (let t = 2; rig.scheduler.pending === 0; t++) log.append([], hardState(t, 1, 5));
    rig.scheduler.step(); // the sealed segment's fsync: segment 2 is created, its header not yet synced
    expect(log.segmentNames()).toHaveLength(2);
    settle(rig, (done) => log.compact(logIndex(5), done));
    expect(log.segmentNames()).toHaveLength(2);
    const { state } = restart(rig);
    expect(state.snapshot?.metadata.index).toBe(5);
    // The sealed segment was fsynced before rotating, so its hard-state records survive.
    expect(state.hardState).toMatchObject({ vote: 1, commit: 5 });
    expect(state.hardState.term).toBeGreaterThan(1);
  });
});

describe('RaftDurableLog: torn tails and corruption', () => {
  it('repairs a torn tail and keeps working from it, for 30 seeds', () => {
    for (let seed = 1; seed <= 30; seed++) {
      const rig = makeLogRig(seed, { ...policy('torn', 'kept', 1), sectorBytes: 512 });
      const { log } = open(rig);
      log.append(entries(1, 5, 1), hardState(1, 1, 2));
      settle(rig, (done) => log.sync(done));
      for (let i = 6; i <= 40; i++) log.append([entry(i, 1, 'payload-'.repeat(20))]);
      const first = restart(rig);
      const recovered = first.state.entries.map((e) => e.index);
      const m = `seed ${seed}`;
      expect(recovered.slice(0, 5), m).toEqual([1, 2, 3, 4, 5]);
      expect(recovered.length, m).toBeLessThan(40);
      expect(first.state.warnings.some((w) => w.startsWith('repaired a torn tail')), m).toBe(true);
      // Append after the repaired tail, sync, and crash losing nothing synced.
      const next = recovered.length + 1;
      first.log.append([entry(next, 2)], hardState(2, 3, 5));
      settle(rig, (done) => first.log.sync(done));
      const second = restart(rig);
      expect(second.state.entries.map((e) => e.index).slice(0, next), m).toEqual(Array.from({ length: next }, (_, i) => i + 1));
      expect(second.state.hardState.term, m).toBeGreaterThanOrEqual(2);
    }
  });

  it('a read that returns damaged bytes never makes recovery cut acknowledged records (40 seeds, readCorruptProbability 0.2)', () => {
    let reReads = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const rig = makeLogRig(seed, { ...lostAll, readCorruptProbability: 0.2 }, { segmentBytesMax: 2048, recordBytesMax: 512 });
      const { log } = open(rig);
      for (let i = 1; i <= 30; i++) log.append([entry(i, 1, 'r'.repeat(i * 5))], hardState(1, 1, i));
      settle(rig, (done) => log.sync(done));
      const { state } = restart(rig);
      expect(state.entries.map((e) => e.index), `seed ${seed}`).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
      expect(state.warnings.filter((w) => !w.startsWith('re-read')), `seed ${seed}`).toEqual([]);
      reReads += state.warnings.length;
    }
    expect(reReads).toBeGreaterThan(5);
  });

  it('refuses to start on a bad record followed by valid ones, naming the segment and offset', () => {
    const rig = makeLogRig(10, keptAll);
    const { log } = open(rig);
    log.append(entries(1, 20, 1));
    settle(rig, (done) => log.sync(done));
    const segment = `${dir}/wal/${log.segmentNames()[0]}`;
    const recordOffset = findRecordOffset(rig.disk.readFile(segment), 10);
    rig.disk.corruptFile(segment, recordOffset + 20);
    const error = catchError(() => restart(rig));
    expect(error).toBeInstanceOf(StorageCorruption);
    expect((error as StorageCorruption).file).toBe(segment);
    expect((error as StorageCorruption).offset).toBe(recordOffset);
    expect((error as Error).message).toContain(`${segment} is corrupt at byte ${recordOffset}: checksum mismatch, and valid records follow it`);
  });

  it('refuses to start on damage in a segment that is not the last, even at its very end', () => {
    const rig = makeLogRig(11, keptAll, { segmentBytesMax: 1024, recordBytesMax: 512 });
    const { log } = open(rig);
    for (let i = 1; i <= 60; i++) log.append([entry(i, 1, 'q'.repeat(50))]);
    settle(rig, (done) => log.sync(done));
    expect(log.segmentNames().length).toBeGreaterThan(2);
    const segment = `${dir}/wal/${log.segmentNames()[0]}`;
    const size = rig.disk.readFile(segment).length;
    rig.disk.corruptFile(segment, size - 1);
    const error = catchError(() => restart(rig));
    expect(error).toBeInstanceOf(StorageCorruption);
    expect((error as Error).message).toMatch(/it is not in the last segment/);
    expect((error as StorageCorruption).file).toBe(segment);
  });

  it('refuses to start when a segment in the middle is missing', () => {
    const rig = makeLogRig(12, keptAll, { segmentBytesMax: 1024, recordBytesMax: 512 });
    const { log } = open(rig);
    for (let i = 1; i <= 60; i++) log.append([entry(i, 1, 'q'.repeat(50))]);
    settle(rig, (done) => log.sync(done));
    const names = log.segmentNames();
    rig.disk.remove(`${dir}/wal/${names[1]}`);
    const error = catchError(() => restart(rig));
    expect(error).toBeInstanceOf(StorageCorruption);
    expect((error as Error).message).toContain(`segment sequence jumps from 1 to 3`);
    expect((error as StorageCorruption).file).toBe(`${dir}/wal/${names[2]}`);
  });

  it('refuses a truncated non-last segment (its successor records the size it had)', () => {
    const rig = makeLogRig(13, keptAll, { segmentBytesMax: 1024, recordBytesMax: 512 });
    const { log } = open(rig);
    for (let i = 1; i <= 60; i++) log.append([entry(i, 1, 'q'.repeat(50))]);
    settle(rig, (done) => log.sync(done));
    const first = `${dir}/wal/${log.segmentNames()[0]}`;
    const bytes = rig.disk.readFile(first);
    const fd = rig.disk.open(first, 'readwrite');
    rig.disk.truncate(fd, findRecordOffset(bytes, 3)); // cut exactly at a record boundary
    const error = catchError(() => restart(rig));
    expect(error).toBeInstanceOf(StorageCorruption);
    expect((error as Error).message).toMatch(/previous segment has \d+ bytes/);
  });
});

describe('RaftDurableLog: limits and failures', () => {
  it('an entry above the record limit is refused with a clear error and nothing is written', () => {
    const rig = makeLogRig(14, {}, { recordBytesMax: 1000 });
    const { log } = open(rig);
    const error = catchError(() => log.append([entry(1, 1), entry(2, 1, 'x'.repeat(1000))]));
    expect(error).toBeInstanceOf(KvlabError);
    expect((error as KvlabError).code).toBe('entryTooLarge');
    expect((error as Error).message).toBe('entry 2 carries 1000 bytes; the WAL record limit (recordBytesMax 1000) allows 983');
    expect(log.lastIndex()).toBe(0);
    log.append([entry(1, 1, 'x'.repeat(983))]);
  });

  it('rejects invalid options naming the field', () => {
    const rig = makeLogRig(15);
    expect(() => RaftDurableLog.open(rig.disk, dir, { segmentBytesMax: 0 })).toThrow(/storage option segmentBytesMax/);
    expect(() => RaftDurableLog.open(rig.disk, dir, { recordBytesMax: 10 })).toThrow(/storage option recordBytesMax/);
  });

  it('a failed fsync is fail-stop: the caller and every later call get the error', () => {
    const rig = makeLogRig(16);
    const { log } = open(rig);
    log.append(entries(1, 2, 1));
    rig.disk.failNextFsync();
    let error: Error | null = null;
    log.sync((e) => {
      error = e;
    });
    rig.scheduler.runAll();
    expect(error).toBeInstanceOf(KvlabError);
    expect((error as unknown as KvlabError).code).toBe('storageFailed');
    expect(() => log.append([entry(3, 1)])).toThrow(/must restart/);
    expect(log.failed()).toBe(error);
  });

  it('a full disk (ENOSPC) is fail-stop, and the node recovers what was synced after a restart', () => {
    const rig = makeLogRig(17, { ...lostAll, capacityBytes: 3000 });
    const { log } = open(rig);
    log.append(entries(1, 5, 1), hardState(1, 1, 1));
    settle(rig, (done) => log.sync(done));
    let threw: unknown;
    for (let i = 6; i < 200 && threw === undefined; i++) {
      try {
        log.append([entry(i, 1, 'w'.repeat(100))]);
      } catch (e) {
        threw = e;
      }
    }
    expect((threw as KvlabError).code).toBe('storageFailed');
    expect((threw as Error).message).toMatch(/ENOSPC/);
    const { state } = restart(rig);
    expect(state.entries.map((e) => e.index)).toEqual([1, 2, 3, 4, 5]);
    expect(logIndex(state.hardState.commit)).toBe(1);
  });
});

function catchError(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('expected an error');
}

/** Byte offset of the n-th record (0 = the segment header) by walking the length fields. */
function findRecordOffset(bytes: Uint8Array, n: number): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 0;
  for (let i = 0; i < n; i++) offset += 9 + view.getUint32(offset, true);
  return offset;
}

describe('RaftDurableLog: one disk write per append', () => {
  const small = { segmentBytesMax: 1024, recordBytesMax: 512 };

  /** Appends `batches` to a fresh log, each either whole or entry by entry; returns the WAL files and write count. */
  function walAfter(batches: ReturnType<typeof entries>[], oneByOne: boolean): { files: Map<string, string>; appends: number } {
    const rig = makeLogRig(31, lostAll, small);
    const counted = countingDisk(rig.disk);
    const { log } = open(rig, counted.disk);
    settle(rig, (done) => log.sync(done));
    const before = counted.calls.get('append') ?? 0;
    let commit = 0;
    for (const batch of batches) {
      const last = batch[batch.length - 1].index;
      if (oneByOne) {
        for (const e of batch) log.append([e], e.index === last ? hardState(1, 1, commit) : undefined);
      } else {
        log.append(batch, hardState(1, 1, commit));
      }
      commit = last;
      settle(rig, (done) => log.sync(done));
    }
    const files = new Map<string, string>();
    for (const name of log.segmentNames()) files.set(name, Buffer.from(rig.disk.readFile(`${dir}/wal/${name}`)).toString('hex'));
    return { files, appends: (counted.calls.get('append') ?? 0) - before };
  }

  it('a batch of entries and its hard state leave in one write, byte-identical to record-by-record appends, across rotations', () => {
    const batches = [entries(1, 6, 1), entries(7, 30, 1), entries(31, 31, 1), entries(32, 70, 1)];
    const whole = walAfter(batches, false);
    const single = walAfter(batches, true);
    expect(whole.files.size).toBeGreaterThan(2); // the batches straddle segment boundaries
    expect([...whole.files.keys()]).toEqual([...single.files.keys()]);
    for (const [name, hex] of whole.files) expect(hex, name).toBe(single.files.get(name));
    // Batched: one write per run of records within a segment (plus each new segment's header).
    expect(whole.appends).toBeLessThanOrEqual(batches.length + 2 * whole.files.size);
    expect(single.appends).toBeGreaterThan(4 * whole.appends);
  });
});
