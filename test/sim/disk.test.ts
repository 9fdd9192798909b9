// SimDisk: the Disk contract (page-cache semantics, errors) and crash semantics (only what was
// fsynced / fsyncDir'd survives for sure; the rest follows the seeded policy).
import { describe, expect, it } from 'vitest';
import { DiskError, parentDir, type Fd } from '../../core/env/disk.ts';
import { dirtySectors } from '../../sim/disk/tear.ts';
import { bytes, complete, filled, makeDisk, policy, sameBytes, str, text, type DiskRig } from '../storage/helpers/disk-rig.ts';

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    if (e instanceof DiskError) return e.code;
    throw e;
  }
  return undefined;
}

/** Creates `path` with `content`, fsyncs it, its directory and every ancestor (mkdir is a directory change too). */
function writeDurable(rig: DiskRig, path: string, content: Uint8Array): Fd {
  const { disk } = rig;
  const dir = parentDir(path);
  disk.mkdir(dir);
  const fd = disk.open(path, 'create');
  disk.append(fd, content);
  expect(complete(rig, (done) => disk.fsync(fd, done))).toBeNull();
  for (let d = dir; ; d = parentDir(d)) {
    expect(complete(rig, (done) => disk.fsyncDir(d, done))).toBeNull();
    if (d === '') break;
  }
  return fd;
}

describe('SimDisk: the Disk contract', () => {
  it('appends, reads, writes in place, truncates and reports sizes', () => {
    const { disk } = makeDisk(1);
    disk.mkdir('a/b');
    const fd = disk.open('a/b/f', 'create');
    expect(disk.append(fd, text('hello'))).toBe(0);
    expect(disk.append(fd, text(' world'))).toBe(5);
    expect(str(disk.read(fd, 0, 100))).toBe('hello world');
    disk.writeAt(fd, 0, text('J'));
    expect(str(disk.read(fd, 0, 5))).toBe('Jello');
    disk.writeAt(fd, 13, text('!'));
    expect(disk.size(fd)).toBe(14);
    expect(disk.read(fd, 11, 3)).toEqual(bytes(0, 0, 33));
    disk.truncate(fd, 4);
    expect(str(disk.readFile('a/b/f'))).toBe('Jell');
    expect(disk.read(fd, 10, 5)).toEqual(new Uint8Array(0));
    expect(disk.usedBytes()).toBe(4);
  });

  it('lists, renames and removes entries; reports errors with codes', () => {
    const { disk } = makeDisk(2);
    disk.mkdir('d');
    disk.close(disk.open('d/b', 'create'));
    disk.close(disk.open('d/a', 'create'));
    expect(disk.list('d')).toEqual(['a', 'b']);
    expect(disk.list('nope')).toEqual([]);
    disk.rename('d/a', 'd/c');
    expect(disk.list('d')).toEqual(['b', 'c']);
    disk.remove('d/b');
    expect(disk.exists('d/b')).toBe(false);
    expect(codeOf(() => disk.open('d/x', 'read'))).toBe('ENOENT');
    expect(codeOf(() => disk.open('zz/x', 'create'))).toBe('ENOENT');
    expect(codeOf(() => disk.open('d', 'read'))).toBe('EISDIR');
    expect(codeOf(() => disk.list('d/c'))).toBe('ENOTDIR');
    expect(codeOf(() => disk.mkdir('d/c/e'))).toBe('ENOTDIR');
    expect(codeOf(() => disk.remove('d'))).toBe('EISDIR');
    const ro = disk.open('d/c', 'read');
    expect(codeOf(() => disk.append(ro, text('x')))).toBe('EBADF');
    disk.close(ro);
    expect(codeOf(() => disk.size(ro))).toBe('EBADF');
  });

  it('delivers fsync completion only through the scheduler, after the latency', () => {
    const rig = makeDisk(3, { fsyncLatency: { kind: 'constant', us: 700 } });
    const fd = rig.disk.open('f', 'create');
    let called = false;
    rig.disk.fsync(fd, () => {
      called = true;
    });
    expect(called).toBe(false);
    rig.scheduler.runUntil(699);
    expect(called).toBe(false);
    rig.scheduler.runUntil(700);
    expect(called).toBe(true);
  });
});

describe('SimDisk: crash keeps what was made durable', () => {
  const fates = [
    ['lost', 'lost'],
    ['kept', 'kept'],
    ['torn', 'prefix'],
  ] as const;
  it.each(fates)('fsynced data and fsyncDir-ed entries survive (file %s, dir %s), for 20 seeds', (file, dir) => {
    for (let seed = 1; seed <= 20; seed++) {
      const rig = makeDisk(seed, policy(file, dir, 1));
      const durable = filled(10_000, 7);
      const fd = writeDurable(rig, 'wal/seg1', durable);
      rig.disk.append(fd, filled(9000, 9)); // unsynced tail
      rig.disk.close(rig.disk.open('wal/unsynced-entry', 'create'));
      rig.disk.crash();
      const after = rig.disk.readFile('wal/seg1');
      expect(sameBytes(after.subarray(0, durable.length), durable), `seed ${seed}`).toBe(true);
      expect(after.length, `seed ${seed}`).toBeLessThanOrEqual(19_000);
    }
  });

  it('an fsync still in flight at the crash never completes', () => {
    const rig = makeDisk(4, policy('lost', 'kept'));
    const fd = writeDurable(rig, 'f', text('old'));
    rig.disk.append(fd, text('new'));
    let called = false;
    rig.disk.fsync(fd, () => {
      called = true;
    });
    rig.disk.crash();
    rig.scheduler.runAll();
    expect(called).toBe(false);
    expect(str(rig.disk.readFile('f'))).toBe('old');
  });

  it('invalidates every open fd', () => {
    const rig = makeDisk(5);
    const fd = writeDurable(rig, 'f', text('x'));
    rig.disk.crash();
    expect(codeOf(() => rig.disk.read(fd, 0, 1))).toBe('EBADF');
    expect(rig.disk.openFdCount()).toBe(0);
  });

  it('is deterministic: the same seed gives the same surviving bytes', () => {
    const run = (seed: number): Uint8Array => {
      const rig = makeDisk(seed, policy('torn', 'kept', 0.5));
      const fd = writeDurable(rig, 'f', filled(5000, 1));
      for (let i = 0; i < 20; i++) rig.disk.append(fd, filled(1000, i + 2));
      rig.disk.crash();
      return rig.disk.readFile('f');
    };
    expect(sameBytes(run(11), run(11))).toBe(true);
  });
});

describe('SimDisk: a process kill is not a power loss', () => {
  it('keeps the page cache readable, invalidates fds, drops in-flight fsyncs; a later crash still loses unsynced data', () => {
    const rig = makeDisk(14, policy('lost', 'lost'));
    const fd = writeDurable(rig, 'd/f', text('synced'));
    rig.disk.append(fd, text('+unsynced'));
    let completed = false;
    rig.disk.fsync(fd, () => {
      completed = true;
    });
    rig.disk.killProcess();
    rig.scheduler.runAll();
    expect(completed).toBe(false);
    expect(codeOf(() => rig.disk.size(fd))).toBe('EBADF');
    expect(str(rig.disk.readFile('d/f'))).toBe('synced+unsynced');
    rig.disk.crash();
    expect(str(rig.disk.readFile('d/f'))).toBe('synced');
  });
});

describe('SimDisk: unsynced file data follows the policy', () => {
  it('lost: reverts to the last fsync, including unsynced truncation', () => {
    const rig = makeDisk(6, policy('lost', 'kept'));
    const fd = writeDurable(rig, 'f', text('durable'));
    rig.disk.truncate(fd, 2);
    rig.disk.append(fd, text('XYZ'));
    expect(rig.disk.crash()).toMatchObject({ lost: 1, kept: 0, torn: 0 });
    expect(str(rig.disk.readFile('f'))).toBe('durable');
  });

  it('kept: keeps everything written', () => {
    const rig = makeDisk(7, policy('kept', 'kept'));
    const fd = writeDurable(rig, 'f', text('durable'));
    rig.disk.append(fd, text('+more'));
    expect(rig.disk.crash()).toMatchObject({ lost: 0, kept: 1, torn: 0 });
    expect(str(rig.disk.readFile('f'))).toBe('durable+more');
  });

  it('a file with nothing unsynced counts in no fate', () => {
    const rig = makeDisk(8, policy('kept', 'kept'));
    writeDurable(rig, 'f', text('durable'));
    expect(rig.disk.crash()).toMatchObject({ lost: 0, kept: 0, torn: 0 });
  });

  it('torn: a prefix of the unsynced sectors survives, cut exactly at a sector boundary (30 seeds)', () => {
    const sector = 512;
    for (let seed = 1; seed <= 30; seed++) {
      const rig = makeDisk(seed, { ...policy('torn', 'kept', 0), sectorBytes: sector });
      const durable = filled(1000, 0xaa); // not sector aligned: sector 1 is shared
      const fd = writeDurable(rig, 'f', durable);
      const unsynced = new Uint8Array(4000).map((_, i) => (i % 251) + 1);
      rig.disk.append(fd, unsynced);
      const current = rig.disk.readFile('f');
      expect(rig.disk.crash()).toMatchObject({ torn: 1 });
      const after = rig.disk.readFile('f');
      const m = `seed ${seed}`;
      expect(sameBytes(after.subarray(0, 1000), durable), m).toBe(true);
      expect(sameBytes(current.subarray(0, after.length), after), m).toBe(true);
      expect(after.length === 1000 || after.length % sector === 0, `${m}: length ${after.length}`).toBe(true);
      expect(after.length, m).toBeLessThan(current.length);
      expect(rig.tracer.faults('torn'), m).toHaveLength(1);
    }
  });

  it('torn with garbling: the boundary sector may hold garbage, durable bytes are never damaged (30 seeds)', () => {
    const sector = 256;
    let garbledSeen = 0;
    for (let seed = 1; seed <= 30; seed++) {
      const rig = makeDisk(seed, { ...policy('torn', 'kept', 1), sectorBytes: sector });
      const durable = filled(700, 0x11);
      const fd = writeDurable(rig, 'f', durable);
      rig.disk.append(fd, filled(2000, 0x22));
      rig.disk.crash();
      const after = rig.disk.readFile('f');
      expect(sameBytes(after.subarray(0, 700), durable), `seed ${seed}`).toBe(true);
      const foreign = after.subarray(700).some((b) => b !== 0x22);
      if (foreign) garbledSeen++;
    }
    expect(garbledSeen).toBeGreaterThan(10);
  });

  it('dirtySectors finds changed sectors and length changes', () => {
    const d = filled(10, 1);
    const c = filled(10, 1);
    c[5] = 9;
    expect(dirtySectors(d, c, 0, 4)).toEqual([1]);
    expect(dirtySectors(d, filled(13, 1), 10, 4)).toEqual([2, 3]);
    expect(dirtySectors(d, d, Infinity, 4)).toEqual([]);
  });
});

describe('SimDisk: unsynced directory changes', () => {
  it('creations and renames not fsyncDir-ed vanish under the lost policy', () => {
    const rig = makeDisk(9, policy('kept', 'lost'));
    writeDurable(rig, 'snap/old', text('o'));
    const fd = rig.disk.open('snap/tmp', 'create');
    rig.disk.append(fd, text('snapshot'));
    expect(complete(rig, (done) => rig.disk.fsync(fd, done))).toBeNull();
    rig.disk.rename('snap/tmp', 'snap/new');
    rig.disk.close(rig.disk.open('snap/other', 'create'));
    const summary = rig.disk.crash();
    expect(rig.disk.list('snap')).toEqual(['old']);
    expect(summary.dirOpsLost).toBe(3);
  });

  it('a rename whose creation was durable reverts to the old name', () => {
    const rig = makeDisk(10, policy('kept', 'lost'));
    writeDurable(rig, 'd/tmp', text('data'));
    rig.disk.rename('d/tmp', 'd/final');
    rig.disk.crash();
    expect(rig.disk.list('d')).toEqual(['tmp']);
    expect(str(rig.disk.readFile('d/tmp'))).toBe('data');
  });

  it('a removal not fsyncDir-ed is undone, with the file content intact', () => {
    const rig = makeDisk(11, policy('lost', 'lost'));
    const fd = writeDurable(rig, 'd/f', text('keep me'));
    rig.disk.close(fd);
    rig.disk.remove('d/f');
    rig.disk.crash();
    expect(str(rig.disk.readFile('d/f'))).toBe('keep me');
  });

  it('fsyncDir makes creation, rename and removal durable', () => {
    const rig = makeDisk(12, policy('lost', 'lost'));
    writeDurable(rig, 'd/a', text('a'));
    rig.disk.rename('d/a', 'd/b');
    rig.disk.close(rig.disk.open('d/c', 'create'));
    expect(complete(rig, (done) => rig.disk.fsyncDir('d', done))).toBeNull();
    rig.disk.crash();
    expect(rig.disk.list('d')).toEqual(['b', 'c']);
    expect(str(rig.disk.readFile('d/b'))).toBe('a');
    expect(rig.disk.readFile('d/c')).toEqual(new Uint8Array(0)); // content never fsynced
  });

  it('a directory that was never made durable vanishes with its files', () => {
    const rig = makeDisk(13, policy('kept', 'lost'));
    rig.disk.mkdir('x/y');
    const fd = rig.disk.open('x/y/f', 'create');
    rig.disk.append(fd, text('z'));
    expect(complete(rig, (done) => rig.disk.fsync(fd, done))).toBeNull();
    expect(complete(rig, (done) => rig.disk.fsyncDir('x/y', done))).toBeNull();
    rig.disk.crash();
    expect(rig.disk.exists('x')).toBe(false);
  });

  it('prefix policy keeps changes in the order they were made (40 seeds)', () => {
    const names = ['a', 'b', 'c', 'd', 'e'];
    const seen = new Set<number>();
    for (let seed = 1; seed <= 40; seed++) {
      const rig = makeDisk(seed, policy('kept', 'prefix'));
      rig.disk.mkdir('d');
      expect(complete(rig, (done) => rig.disk.fsyncDir('', done))).toBeNull();
      for (const n of names) rig.disk.close(rig.disk.open(`d/${n}`, 'create'));
      rig.disk.crash();
      const left = rig.disk.list('d');
      expect(left, `seed ${seed}`).toEqual(names.slice(0, left.length));
      seen.add(left.length);
    }
    expect(seen.size).toBeGreaterThan(3);
  });
});
