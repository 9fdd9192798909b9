// The key → slot function must agree with Redis Cluster's byte for byte, or cluster-aware clients would
// send commands to the wrong group. Known answers were read from redis-server's CLUSTER KEYSLOT; the
// differential test asks a real redis-server (cluster mode) about seeded random keys, hash tags included.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import seedrandom from 'seedrandom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SLOT_COUNT, crc16, hashTagRange, keySlot } from '../../core/shard/slot.ts';
import { evenSlotRanges, rangesOf, slotCountOf } from '../../core/shard/slot-ranges.ts';

describe('keySlot', () => {
  it.each([
    ['somekey', 11058],
    ['foo', 12182],
    ['{user1000}.following', 3443],
    ['{user1000}.followers', 3443],
    ['foo{}{bar}', 8363],
    ['foo{{bar}}zap', 4015],
    ['foo{bar}{zap}', 5061],
    ['{}x', 10595],
    ['x{', 3596],
    ['', 0],
    ['a', 15495],
    ['\xff\xfe{\x80}', 4488],
  ])('%j is in slot %i, as redis-server says', (key, slot) => {
    expect(keySlot(key)).toBe(slot);
  });

  it('CRC16 is the XMODEM variant (check value of "123456789" is 0x31C3)', () => {
    expect(crc16('123456789')).toBe(0x31c3);
  });

  it('hashes only a non-empty tag between the first { and the first } after it', () => {
    expect(hashTagRange('{a}b')).toEqual([1, 2]);
    expect(hashTagRange('x{}y{z}')).toEqual([0, 7]);
    expect(hashTagRange('{a')).toEqual([0, 2]);
    expect(keySlot('{tag}one')).toBe(keySlot('{tag}two'));
    expect(keySlot('{tag}one')).toBe(keySlot('tag'));
  });
});

describe('slot ranges', () => {
  it('cuts the slots into near-equal contiguous ranges that cover each slot once', () => {
    for (const parts of [1, 3, 4, 7, 64, 256]) {
      const ranges = evenSlotRanges(parts);
      expect(ranges).toHaveLength(parts);
      expect(ranges[0][0]).toBe(0);
      expect(ranges[parts - 1][1]).toBe(SLOT_COUNT - 1);
      for (let i = 1; i < parts; i++) expect(ranges[i][0]).toBe(ranges[i - 1][1] + 1);
      const sizes = ranges.map(([a, b]) => b - a + 1);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      expect(slotCountOf(ranges)).toBe(SLOT_COUNT);
    }
    expect(evenSlotRanges(3)).toEqual([[0, 5461], [5462, 10922], [10923, 16383]]);
  });

  it('merges slots into the fewest ranges', () => {
    expect(rangesOf([5, 3, 4, 9, 10, 0])).toEqual([[0, 0], [3, 5], [9, 10]]);
    expect(rangesOf([])).toEqual([]);
  });
});

// CI installs redis-server (.ci/run); elsewhere the comparison runs when it is on the PATH.
const hasRedis = spawnSync('redis-server', ['--version']).status === 0;
if (process.env.CI && !hasRedis) throw new Error('CI must have redis-server: .ci/run installs it');

describe.skipIf(!hasRedis)('keySlot against a real redis-server in cluster mode', () => {
  let dir: string;
  let server: ReturnType<typeof spawn>;
  let port: number;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kvlab-slot-'));
    port = 20000 + Math.floor(Math.random() * 12000);
    server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--cluster-enabled', 'yes', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' });
    for (let i = 0; i < 100; i++) {
      if (await canConnect(port)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`redis-server did not listen on ${port}`);
  });

  afterAll(() => {
    server?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('agrees on 2000 seeded random byte keys, with and without hash tags', async () => {
    const random = seedrandom('slot-differential');
    const alphabet = ['{', '}', 'a', 'b', 'x', '\x00', '\x80', '\xff', ':', '.'];
    const keys = Array.from({ length: 2000 }, () => {
      const length = Math.floor(random() * 12);
      let key = '';
      for (let i = 0; i < length; i++) key += random() < 0.7 ? alphabet[Math.floor(random() * alphabet.length)] : String.fromCharCode(Math.floor(random() * 256));
      return key;
    });
    const slots = await keyslots(port, keys);
    const mismatches = keys.filter((key, i) => keySlot(key) !== slots[i]).map((key) => JSON.stringify(key));
    expect(mismatches).toEqual([]);
  });
});

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

/** CLUSTER KEYSLOT for every key in one pipeline of RESP arrays (keys as raw bytes). */
function keyslots(port: number, keys: readonly string[]): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    const request = keys.map((k) => `*3\r\n$7\r\nCLUSTER\r\n$7\r\nKEYSLOT\r\n$${k.length}\r\n${k}\r\n`).join('');
    let buffered = '';
    socket.on('data', (chunk) => {
      buffered += chunk.toString('latin1');
      const lines = buffered.split('\r\n').filter((l) => l.length > 0);
      if (lines.length < keys.length) return;
      socket.destroy();
      const bad = lines.find((l) => !l.startsWith(':'));
      if (bad) return reject(new Error(`redis answered ${bad}`));
      resolve(lines.map((l) => Number(l.slice(1))));
    });
    socket.on('error', reject);
    socket.write(Buffer.from(request, 'latin1'));
  });
}
