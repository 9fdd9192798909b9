// SimDisk fault knobs: each injected fault happens at its configured rate (within a stated tolerance
// under a fixed seed), is visible to the caller, and is traced as `disk.fault`.
import { describe, expect, it } from 'vitest';
import { DiskError } from '../../core/env/disk.ts';
import { KvlabError } from '../../core/types.ts';
import { complete, filled, makeDisk, str, text } from '../storage/helpers/disk-rig.ts';

const seed = 2024;
const trials = 4000;
// Binomial standard deviation at p = 0.1 over 4000 trials is about 0.005; allow about 4 sigma.
const tolerance = 0.02;

function errorCode(f: () => unknown): string | null {
  try {
    f();
    return null;
  } catch (e) {
    if (e instanceof DiskError) return e.code;
    throw e;
  }
}

describe('SimDisk fault rates (seed 2024)', () => {
  it('read corruption flips one bit at readCorruptProbability, and the disk copy stays intact', () => {
    const { disk, tracer } = makeDisk(seed, { readCorruptProbability: 0.1 });
    const fd = disk.open('f', 'create');
    const content = filled(64, 0x5a);
    disk.append(fd, content);
    let corrupted = 0;
    for (let i = 0; i < trials; i++) {
      const data = disk.read(fd, 0, 64);
      const flippedBits = data.reduce((n, b, j) => n + popcount(b ^ content[j]), 0);
      expect(flippedBits === 0 || flippedBits === 1, `seed ${seed} read ${i}`).toBe(true);
      corrupted += flippedBits;
    }
    expect(Math.abs(corrupted / trials - 0.1), `seed ${seed}: rate ${corrupted / trials}`).toBeLessThan(tolerance);
    expect(tracer.faults('corrupt')).toHaveLength(corrupted);
    expect(tracer.faults('corrupt')[0].fields).toMatchObject({ op: 'read', path: 'f' });
  });

  it('write errors happen at writeErrorProbability and write nothing', () => {
    const { disk, tracer } = makeDisk(seed, { writeErrorProbability: 0.05 });
    const fd = disk.open('f', 'create');
    let failed = 0;
    for (let i = 0; i < trials; i++) {
      if (errorCode(() => disk.append(fd, text('x'))) === 'EIO') failed++;
    }
    expect(Math.abs(failed / trials - 0.05), `seed ${seed}: rate ${failed / trials}`).toBeLessThan(tolerance);
    expect(disk.size(fd)).toBe(trials - failed);
    expect(tracer.faults('eio')).toHaveLength(failed);
  });

  it('fsync errors happen at fsyncErrorProbability and make nothing durable', () => {
    const rig = makeDisk(seed, { fsyncErrorProbability: 0.2 });
    const fd = rig.disk.open('f', 'create');
    let failed = 0;
    for (let i = 0; i < trials; i++) {
      const error = complete(rig, (done) => rig.disk.fsync(fd, done));
      if (error !== null) {
        expect((error as DiskError).code).toBe('EIO');
        failed++;
      }
    }
    expect(Math.abs(failed / trials - 0.2), `seed ${seed}: rate ${failed / trials}`).toBeLessThan(tolerance);
    expect(rig.tracer.faults('eio').every((e) => e.fields.op === 'fsync')).toBe(true);
  });

  it('an fsync that fails makes nothing durable; a later successful fsync still covers the data', () => {
    const rig = makeDisk(seed, { crash: { file: { lostProbability: 1, keptProbability: 0, tornProbability: 0 } } });
    const { disk } = rig;
    const fd = disk.open('f', 'create');
    expect(complete(rig, (done) => disk.fsyncDir('', done))).toBeNull();
    disk.append(fd, text('abc'));
    disk.failNextFsync();
    expect((complete(rig, (done) => disk.fsync(fd, done)) as DiskError).code).toBe('EIO');
    disk.crash();
    expect(disk.readFile('f')).toEqual(new Uint8Array(0));
    const fd2 = disk.open('f', 'readwrite');
    disk.append(fd2, text('abc'));
    disk.failNextFsync();
    expect(complete(rig, (done) => disk.fsync(fd2, done))).not.toBeNull();
    expect(complete(rig, (done) => disk.fsync(fd2, done))).toBeNull();
    disk.crash();
    expect(str(disk.readFile('f'))).toBe('abc');
  });

  it('long-tail fsync latency: slow ones at tailProbability, traced as slow', () => {
    const rig = makeDisk(seed, { fsyncLatency: { kind: 'longTail', baseUs: 100, tailProbability: 0.1, tailUsMax: 50_000 } });
    const fd = rig.disk.open('f', 'create');
    let slow = 0;
    for (let i = 0; i < trials; i++) {
      const before = rig.scheduler.nowUs;
      complete(rig, (done) => rig.disk.fsync(fd, done));
      const latency = rig.scheduler.nowUs - before;
      expect(latency, `seed ${seed}`).toBeGreaterThanOrEqual(100);
      expect(latency, `seed ${seed}`).toBeLessThanOrEqual(50_000);
      if (latency > 200) slow++;
    }
    expect(Math.abs(slow / trials - 0.1), `seed ${seed}: rate ${slow / trials}`).toBeLessThan(tolerance);
    expect(rig.tracer.faults('slow')).toHaveLength(slow);
  });

  it('uniform fsync latency stays within its bounds and spreads over them', () => {
    const rig = makeDisk(seed, { fsyncLatency: { kind: 'uniform', usMin: 1000, usMax: 3000 } });
    const fd = rig.disk.open('f', 'create');
    let sum = 0;
    for (let i = 0; i < 1000; i++) {
      const before = rig.scheduler.nowUs;
      complete(rig, (done) => rig.disk.fsync(fd, done));
      const latency = rig.scheduler.nowUs - before;
      expect(latency >= 1000 && latency <= 3000, `seed ${seed}: ${latency}`).toBe(true);
      sum += latency;
    }
    expect(Math.abs(sum / 1000 - 2000)).toBeLessThan(100);
  });

  it('fault streams are independent: enabling write errors does not change read corruption', () => {
    const corruptedReads = (writeErrorProbability: number): number[] => {
      const { disk } = makeDisk(seed, { readCorruptProbability: 0.1, writeErrorProbability });
      const fd = disk.open('f', 'create');
      for (let attempt = 0; attempt < 100 && disk.size(fd) === 0; attempt++) {
        if (errorCode(() => disk.truncate(fd, 8)) !== null) continue;
      }
      expect(disk.size(fd)).toBe(8);
      const hits: number[] = [];
      for (let i = 0; i < 200; i++) {
        try {
          disk.append(fd, filled(1, 0));
        } catch {
          // injected
        }
        if (disk.read(fd, 0, 1).some((b) => b !== 0)) hits.push(i);
      }
      return hits;
    };
    expect(corruptedReads(0.5)).toEqual(corruptedReads(0));
  });
});

describe('SimDisk faults on demand', () => {
  it('failNextWrite fails exactly the next write with EIO', () => {
    const { disk, tracer } = makeDisk(seed);
    const fd = disk.open('f', 'create');
    disk.failNextWrite();
    expect(errorCode(() => disk.append(fd, text('lost')))).toBe('EIO');
    expect(errorCode(() => disk.append(fd, text('ok')))).toBeNull();
    expect(str(disk.readFile('f'))).toBe('ok');
    expect(tracer.faults('eio')[0].fields).toEqual({ op: 'append', path: 'f', fault: 'eio' });
  });

  it('ENOSPC at capacity: writes that would exceed it fail and change nothing; freeing space helps', () => {
    const { disk, tracer } = makeDisk(seed, { capacityBytes: 10_000 });
    const a = disk.open('a', 'create');
    for (let i = 0; i < 9; i++) disk.append(a, filled(1000, i));
    const b = disk.open('b', 'create');
    expect(errorCode(() => disk.append(b, filled(1001, 1)))).toBe('ENOSPC');
    expect(errorCode(() => disk.truncate(b, 1001))).toBe('ENOSPC');
    expect(disk.size(b)).toBe(0);
    disk.append(b, filled(1000, 1));
    expect(disk.usedBytes()).toBe(10_000);
    expect(errorCode(() => disk.append(a, filled(1, 1)))).toBe('ENOSPC');
    disk.writeAt(a, 0, filled(1000, 3)); // overwriting in place needs no space
    disk.close(a);
    disk.remove('a');
    expect(disk.usedBytes()).toBe(1000);
    disk.append(b, filled(5000, 2));
    expect(tracer.faults('enospc')).toHaveLength(3);
  });

  it('corruptFile flips one bit in the page cache and the durable image: readers see it, and it survives a crash', () => {
    const rig = makeDisk(seed, { crash: { file: { lostProbability: 1, keptProbability: 0, tornProbability: 0 } } });
    const { disk } = rig;
    disk.mkdir('d');
    const fd = disk.open('d/f', 'create');
    const content = filled(100, 0);
    disk.append(fd, content);
    expect(complete(rig, (done) => disk.fsync(fd, done))).toBeNull();
    expect(complete(rig, (done) => disk.fsyncDir('d', done))).toBeNull();
    expect(complete(rig, (done) => disk.fsyncDir('', done))).toBeNull();
    disk.corruptFile('d/f', 42);
    const seen = disk.read(fd, 0, 100);
    expect(seen.reduce((n, b) => n + popcount(b), 0)).toBe(1);
    expect(seen[42]).not.toBe(0);
    disk.crash();
    const after = disk.readFile('d/f');
    expect(after[42]).toBe(seen[42]);
    expect(rig.tracer.faults('corrupt')[0].fields).toMatchObject({ op: 'corrupt', path: 'd/f', offset: 42 });
  });

  it('rejects invalid options with a message naming the field', () => {
    const bad = () => makeDisk(seed, { crash: { file: { lostProbability: 0.5, keptProbability: 0.6, tornProbability: 0 } } });
    expect(bad).toThrow(KvlabError);
    expect(bad).toThrow(/crash\.file/);
    expect(() => makeDisk(seed, { readCorruptProbability: 2 })).toThrow(/readCorruptProbability/);
    expect(() => makeDisk(seed, { fsyncLatency: { kind: 'uniform', usMin: 5, usMax: 1 } })).toThrow(/fsyncLatency\.usMax/);
  });
});

function popcount(b: number): number {
  let n = 0;
  for (let x = b; x !== 0; x &= x - 1) n++;
  return n;
}
