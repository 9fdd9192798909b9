// Snapshots: atomic save, WAL marker, compaction, installing a leader's snapshot, crash at every step
// of a save, corrupt snapshot fallback and refusal, retention, limits.
import { describe, expect, it } from 'vitest';
import { KvlabError, logIndex } from '../../core/types.ts';
import { policy } from './helpers/disk-rig.ts';
import { describeEntries, dir, entries, entry, hardState, makeLogRig, open, restart, settle, snapshot } from './helpers/log-rig.ts';

const small = { segmentBytesMax: 1024, recordBytesMax: 512 };
const text = (b: Uint8Array): string => new TextDecoder().decode(b);

describe('snapshots and compaction', () => {
  it('a saved snapshot comes back with the entries after it; compaction frees covered segments', () => {
    const rig = makeLogRig(1, policy('lost', 'lost'), small);
    const { log } = open(rig);
    for (let i = 1; i <= 80; i++) log.append([entry(i, 1, 'p'.repeat(40))], hardState(1, 1, i - 1));
    settle(rig, (done) => log.sync(done));
    const before = log.segmentNames();
    expect(before.length).toBeGreaterThan(4);
    settle(rig, (done) => log.saveSnapshot(snapshot(60, 1), done));
    settle(rig, (done) => log.compact(logIndex(60), done));
    const after = log.segmentNames();
    expect(after.length).toBeLessThan(before.length);
    expect(after[after.length - 1]).toBe(before[before.length - 1]);
    expect(rig.disk.list(`${dir}/wal`)).toEqual(after);
    const { state } = restart(rig);
    expect(state.snapshot?.metadata.index).toBe(60);
    expect(text(state.snapshot!.data)).toBe('state@60');
    expect(state.entries.map((e) => e.index)).toEqual(Array.from({ length: 20 }, (_, i) => 61 + i));
    expect(state.hardState).toEqual(hardState(1, 1, 79));
    expect(rig.disk.list(`${dir}/wal`)).toEqual(after);
  });

  it('a snapshot from the leader replaces a conflicting log; entries after it replay on top', () => {
    const rig = makeLogRig(2, policy('lost', 'lost'));
    const { log } = open(rig);
    log.append(entries(1, 10, 1), hardState(1, 1, 3));
    settle(rig, (done) => log.sync(done));
    log.saveSnapshot(snapshot(8, 2), () => {});
    log.append([], hardState(2, 0, 8)); // queued behind the snapshot marker
    log.append(entries(9, 10, 2), hardState(2, 0, 9));
    expect(log.lastIndex()).toBe(10);
    settle(rig, (done) => log.sync(done));
    const { state } = restart(rig);
    expect(state.snapshot?.metadata).toMatchObject({ index: 8, term: 2 });
    expect(describeEntries(state.entries)).toEqual(describeEntries(entries(9, 10, 2)));
    expect(state.hardState).toEqual(hardState(2, 0, 9));
  });

  it('commit is raised to the snapshot index when the hard state record did not make it', () => {
    const rig = makeLogRig(3, policy('lost', 'lost'));
    const { log } = open(rig);
    log.append(entries(1, 3, 1), hardState(1, 1, 1));
    settle(rig, (done) => log.sync(done));
    settle(rig, (done) => log.saveSnapshot(snapshot(20, 3), done));
    const { state } = restart(rig);
    expect(state.hardState).toEqual(hardState(1, 1, 20));
    expect(state.entries).toEqual([]);
  });

  it('keeps the newest snapshotsRetained files', () => {
    const rig = makeLogRig(4, policy('lost', 'lost'), { ...small, snapshotsRetained: 2 });
    const { log } = open(rig);
    for (let round = 1; round <= 4; round++) {
      log.append(entries(round * 10 - 9, round * 10, 1), hardState(1, 1, round * 10));
      settle(rig, (done) => log.sync(done));
      settle(rig, (done) => log.saveSnapshot(snapshot(round * 10, 1), done));
      settle(rig, (done) => log.compact(logIndex(round * 10), done));
    }
    expect(rig.disk.list(`${dir}/snap`)).toEqual(['000000000000001e-0000000000000001.snap', '0000000000000028-0000000000000001.snap']);
  });

  it('a snapshot above snapshotBytesMax is refused before anything changes', () => {
    const rig = makeLogRig(5, {}, { snapshotBytesMax: 100 });
    const { log } = open(rig);
    log.append(entries(1, 2, 1), hardState(1, 1, 2));
    expect(() => log.saveSnapshot(snapshot(2, 1, 'x'.repeat(200)), () => {})).toThrow(KvlabError);
    expect(() => log.saveSnapshot(snapshot(2, 1, 'x'.repeat(200)), () => {})).toThrow(/snapshotBytesMax is 100/);
    log.append([entry(3, 1)]);
    settle(rig, (done) => log.sync(done));
  });
});

describe('snapshots: crash at every step of a save', () => {
  // Steps (constant latency, one event each): tmp fsync; rename + snapshot dir fsync; WAL fsync with the marker.
  for (let stepsBeforeCrash = 0; stepsBeforeCrash <= 4; stepsBeforeCrash++) {
    it(`crash after ${stepsBeforeCrash} events of the save: old or new snapshot, never a lost acknowledged entry (20 seeds)`, () => {
      for (let seed = 1; seed <= 20; seed++) {
        const rig = makeLogRig(seed, { fsyncLatency: { kind: 'constant', us: 100 } });
        const { log } = open(rig);
        log.append(entries(1, 10, 1), hardState(1, 1, 10));
        settle(rig, (done) => log.sync(done));
        settle(rig, (done) => log.saveSnapshot(snapshot(5, 1), done));
        let saved = false;
        log.saveSnapshot(snapshot(10, 1), (e) => {
          expect(e).toBeNull();
          saved = true;
        });
        for (let i = 0; i < stepsBeforeCrash; i++) rig.scheduler.step();
        const m = `seed ${seed}, ${stepsBeforeCrash} steps`;
        expect(saved, m).toBe(stepsBeforeCrash >= 3);
        const { state } = restart(rig);
        const index = state.snapshot?.metadata.index;
        expect(index === 5 || index === 10, `${m}: snapshot ${index}`).toBe(true);
        if (saved) expect(index, m).toBe(10);
        expect(text(state.snapshot!.data), m).toBe(`state@${index}`);
        expect(state.entries.map((e) => e.index), m).toEqual(Array.from({ length: 10 - index! }, (_, i) => index! + 1 + i));
        expect(state.hardState, m).toEqual(hardState(1, 1, 10));
        expect(rig.disk.list(`${dir}/snap`).some((n) => n.endsWith('.tmp')), `${m}: leftover tmp`).toBe(false);
      }
    });
  }
});

describe('snapshots: corruption', () => {
  it('a corrupt newest snapshot is reported and the older one used while the WAL still covers the gap', () => {
    const rig = makeLogRig(6, policy('kept', 'kept'));
    const { log } = open(rig);
    log.append(entries(1, 12, 1), hardState(1, 1, 12));
    settle(rig, (done) => log.sync(done));
    settle(rig, (done) => log.saveSnapshot(snapshot(5, 1), done));
    settle(rig, (done) => log.saveSnapshot(snapshot(10, 1), done));
    const newest = `${dir}/snap/000000000000000a-0000000000000001.snap`;
    rig.disk.corruptFile(newest, 30);
    const { state } = restart(rig);
    expect(state.snapshot?.metadata.index).toBe(5);
    expect(state.entries.map((e) => e.index)).toEqual([6, 7, 8, 9, 10, 11, 12]);
    expect(state.warnings).toContain(`snapshot ${newest} rejected: checksum mismatch`);
  });

  it('refuses to start when the newest snapshot is corrupt and compaction removed the entries it covered', () => {
    const rig = makeLogRig(7, policy('kept', 'kept'), small);
    const { log } = open(rig);
    for (let i = 1; i <= 60; i++) log.append([entry(i, 1, 'c'.repeat(40))], hardState(1, 1, i));
    settle(rig, (done) => log.sync(done));
    settle(rig, (done) => log.saveSnapshot(snapshot(5, 1), done));
    settle(rig, (done) => log.saveSnapshot(snapshot(50, 1), done));
    settle(rig, (done) => log.compact(logIndex(50), done));
    rig.disk.corruptFile(`${dir}/snap/0000000000000032-0000000000000001.snap`, 40);
    let error: unknown;
    try {
      restart(rig);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(KvlabError);
    expect((error as KvlabError).code).toBe('storageGap');
    expect((error as Error).message).toMatch(/the WAL starts at index \d+ but the newest usable snapshot ends at index 5/);
    expect((error as Error).message).toContain('0000000000000032-0000000000000001.snap rejected: checksum mismatch');
  });
});
