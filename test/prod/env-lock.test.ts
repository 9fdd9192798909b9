// The data-directory lock across real processes: a second process refuses a locked directory with a
// clear message, the lock goes away on a normal exit, and a lock left by a killed process is stale.
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lockDataDir } from '../../prod/env/data-dir-lock.ts';

const holderScript = join(import.meta.dirname, 'env-fixtures', 'lock-holder.ts');
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kvlab-lock-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function tryLockInChild(mode: 'try' | 'crash'): { stdout: string; status: number | null } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', holderScript, mode, dir], { encoding: 'utf8', timeout: 30_000 });
  return { stdout: result.stdout.trim(), status: result.status };
}

function holdInChild(): Promise<ChildProcessWithoutNullStreams> {
  const child = spawn(process.execPath, ['--import', 'tsx', holderScript, 'hold', dir]);
  return new Promise((resolve, reject) => {
    child.stdout.once('data', (chunk: Buffer) => (chunk.toString().startsWith('locked') ? resolve(child) : reject(new Error(chunk.toString()))));
    child.once('error', reject);
  });
}

describe('lockDataDir', () => {
  it('a second process refuses a directory another process holds, and may lock it after release', async () => {
    const holder = await holdInChild();
    const refused = tryLockInChild('try');
    expect(refused.status).toBe(3);
    expect(refused.stdout).toContain(`refused: data directory ${dir} is in use by process ${holder.pid}`);
    expect(() => lockDataDir(dir)).toThrow(/is in use by process/);

    const exited = new Promise((resolve) => holder.once('exit', resolve));
    holder.stdin.end();
    await exited;
    expect(existsSync(join(dir, 'LOCK'))).toBe(false);
    expect(tryLockInChild('try')).toEqual({ stdout: 'locked', status: 0 });
  });

  it('takes over a lock left by a process that died', () => {
    const crashed = tryLockInChild('crash');
    expect(crashed.stdout).toBe('locked');
    expect(existsSync(join(dir, 'LOCK'))).toBe(true);
    const lock = lockDataDir(dir);
    expect(JSON.parse(readFileSync(lock.lockPath, 'utf8')).pid).toBe(process.pid);
    lock.release();
    expect(existsSync(lock.lockPath)).toBe(false);
  });

  it('refuses a second lock in the same process, and release is idempotent', () => {
    const lock = lockDataDir(dir);
    expect(() => lockDataDir(dir)).toThrow(new RegExp(`in use by process ${process.pid}`));
    lock.release();
    lock.release();
    lockDataDir(dir).release();
  });

  it('treats a live pid whose process start time differs as a reused pid (stale)', () => {
    writeFileSync(join(dir, 'LOCK'), JSON.stringify({ pid: process.pid, startTime: 1, host: hostname(), token: 'old' }));
    const lock = lockDataDir(dir);
    expect(JSON.parse(readFileSync(lock.lockPath, 'utf8')).token).not.toBe('old');
    lock.release();
  });

  it('refuses an unparseable lock file with a message saying what to do', () => {
    writeFileSync(join(dir, 'LOCK'), 'garbage');
    expect(() => lockDataDir(dir)).toThrow(/cannot be parsed; if no kvlab process uses this directory, delete the file/);
  });

  it('never judges a lock from another host stale', () => {
    writeFileSync(join(dir, 'LOCK'), JSON.stringify({ pid: 999999, startTime: null, host: 'elsewhere.example', token: 't' }));
    expect(() => lockDataDir(dir)).toThrow(/in use by process 999999 on host elsewhere\.example/);
  });
});
