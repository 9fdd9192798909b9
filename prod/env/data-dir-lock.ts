// One process per data directory. Two nodes writing the same WAL would corrupt it silently, so the
// second must refuse to start with a message that says who holds the directory.
//
// The lock is a LOCK file naming its owner (pid, process start time, host, random token). It is
// created atomically with its content (write a private temp file, then link(2) it to LOCK, which fails
// with EEXIST if a lock exists), so a reader never sees a half-written lock. A lock whose pid is dead,
// or whose pid was reused by a younger process (the start time differs, e.g. a container restarted
// with the same pid), is stale and is taken over. A lock written on another host is never judged stale.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { linkSync, mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { KvlabError } from '../../core/types.ts';

export const LOCK_FILE_NAME = 'LOCK';
/** Attempts to take over a stale lock before giving up (another process may be racing us). */
const LOCK_ATTEMPTS_MAX = 3;

interface LockOwner {
  readonly pid: number;
  /** Start time of the owning process in clock ticks since boot (Linux /proc), or null elsewhere. */
  readonly startTime: number | null;
  readonly host: string;
  readonly token: string;
  readonly lockedAtMs: number;
}

export interface DataDirLock {
  readonly dir: string;
  readonly lockPath: string;
  /** Removes the lock if we still own it; idempotent. Also runs on process exit. */
  release(): void;
}

/** Creates `dir` if needed and locks it for this process, or throws KvlabError('dataDirLocked'). */
export function lockDataDir(dir: string): DataDirLock {
  mkdirSync(dir, { recursive: true });
  const lockPath = join(dir, LOCK_FILE_NAME);
  const owner: LockOwner = {
    pid: process.pid,
    startTime: processStartTime(process.pid),
    host: hostname(),
    token: randomUUID(),
    lockedAtMs: Date.now(),
  };
  for (let attempt = 1; attempt <= LOCK_ATTEMPTS_MAX; attempt++) {
    if (tryCreateLock(lockPath, owner)) return heldLock(dir, lockPath, owner);
    const existing = readOwner(lockPath);
    if (existing === 'missing') continue; // released between our attempt and our read
    if (existing === 'unreadable') {
      throw new KvlabError(
        'dataDirLocked',
        `data directory ${dir} has a lock file ${lockPath} that cannot be parsed; if no kvlab process uses this directory, delete the file`,
      );
    }
    if (ownerAlive(existing)) throw lockedError(dir, lockPath, existing);
    takeOverStaleLock(lockPath, existing);
  }
  throw new KvlabError('dataDirLocked', `data directory ${dir}: could not take the lock after ${LOCK_ATTEMPTS_MAX} attempts (another process keeps racing for it)`);
}

function tryCreateLock(lockPath: string, owner: LockOwner): boolean {
  const tempPath = `${lockPath}.${owner.pid}.${owner.token}.tmp`;
  writeFileSync(tempPath, `${JSON.stringify(owner)}\n`, { mode: 0o644 });
  try {
    linkSync(tempPath, lockPath);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new KvlabError('dataDirLockFailed', `cannot create lock file ${lockPath}: ${(error as Error).message}`);
  } finally {
    unlinkSync(tempPath);
  }
}

function readOwner(lockPath: string): LockOwner | 'missing' | 'unreadable' {
  let text: string;
  try {
    text = readFileSync(lockPath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw new KvlabError('dataDirLockFailed', `cannot read lock file ${lockPath}: ${(error as Error).message}`);
  }
  try {
    const parsed = JSON.parse(text) as Partial<LockOwner>;
    if (typeof parsed.pid !== 'number' || typeof parsed.token !== 'string' || typeof parsed.host !== 'string') return 'unreadable';
    return { pid: parsed.pid, startTime: parsed.startTime ?? null, host: parsed.host, token: parsed.token, lockedAtMs: parsed.lockedAtMs ?? 0 };
  } catch {
    return 'unreadable';
  }
}

function ownerAlive(owner: LockOwner): boolean {
  if (owner.host !== hostname()) return true; // cannot see that host's processes: assume alive
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false; // ESRCH: no such process
  }
  const startTime = processStartTime(owner.pid);
  return owner.startTime === null || startTime === null || startTime === owner.startTime;
}

/** Moves the stale lock aside, and puts it back if what we moved turned out not to be the stale one. */
function takeOverStaleLock(lockPath: string, stale: LockOwner): void {
  const asidePath = `${lockPath}.stale.${process.pid}.${randomUUID()}`;
  try {
    renameSync(lockPath, asidePath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new KvlabError('dataDirLockFailed', `cannot remove stale lock file ${lockPath}: ${(error as Error).message}`);
  }
  const moved = readOwner(asidePath);
  if (moved !== 'missing' && moved !== 'unreadable' && moved.token !== stale.token) {
    // Another process replaced the stale lock with its own between our read and our rename.
    try {
      linkSync(asidePath, lockPath);
    } catch {
      // a third process locked meanwhile; it and the one we displaced will find out on their next check
    }
  }
  unlinkSync(asidePath);
}

function heldLock(dir: string, lockPath: string, owner: LockOwner): DataDirLock {
  let held = true;
  const release = (): void => {
    if (!held) return;
    held = false;
    process.removeListener('exit', release);
    const current = readOwner(lockPath);
    if (current !== 'missing' && current !== 'unreadable' && current.token === owner.token) {
      try {
        unlinkSync(lockPath);
      } catch {
        // already gone: nothing to release
      }
    }
  };
  process.once('exit', release);
  return { dir, lockPath, release };
}

function lockedError(dir: string, lockPath: string, owner: LockOwner): KvlabError {
  const where = owner.host === hostname() ? `process ${owner.pid}` : `process ${owner.pid} on host ${owner.host}`;
  return new KvlabError(
    'dataDirLocked',
    `data directory ${dir} is in use by ${where} (lock file ${lockPath}); stop that process first, or use another directory`,
  );
}

/** Field 22 of /proc/<pid>/stat; null where /proc is unavailable. */
function processStartTime(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const startTime = Number(fields[19]);
    return Number.isFinite(startTime) ? startTime : null;
  } catch {
    return null;
  }
}
