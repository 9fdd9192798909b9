// Starting, finding and stopping local node processes. Before signalling a pid from a pid file we
// check (on Linux, through /proc) that it is still a kvlab node of that config: pids get reused.
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The entry a node process runs (`kvlab node` without the rest of the CLI). */
export const NODE_PROCESS_ENTRY = fileURLToPath(new URL('../node-process.mjs', import.meta.url));
const POLL_MS = 50;

/** The arguments (after the Node.js executable) that run a node of `configPath` through NODE_PROCESS_ENTRY. */
export function nodeProcessArgs(configPath: string): string[] {
  return [NODE_PROCESS_ENTRY, '--config', configPath];
}

/**
 * Starts a detached Node.js process with `args` (a node: `nodeProcessArgs`, or the kvlab command's
 * own `node --config FILE`), writing its log to `logPath`; returns its pid.
 */
export function spawnNode(args: readonly string[], logPath: string, cwd: string): number {
  const logFd = openSync(logPath, 'a');
  try {
    const child = spawn(process.execPath, [...args], {
      cwd,
      detached: true,
      stdio: ['ignore', logFd, logFd],
      env: process.env,
    });
    child.unref();
    if (child.pid === undefined) throw new Error(`could not start ${process.execPath}`);
    return child.pid;
  } finally {
    closeSync(logFd);
  }
}

/** Whether `pid` is a live (not zombie) process. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  return procState(pid) !== 'Z';
}

function procState(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  } catch {
    return null;
  }
}

/** Whether `pid` runs a node of `configPath`; true where /proc cannot tell. */
export function isNodeOf(pid: number, configPath: string): boolean {
  let cmdline: string;
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return process.platform !== 'linux';
  }
  return cmdline.split('\u0000').includes(configPath);
}

export function signal(pid: number, name: NodeJS.Signals): boolean {
  try {
    process.kill(pid, name);
    return true;
  } catch {
    return false;
  }
}

/** Resolves true once `pid` has exited, false after `timeoutMs`. */
export async function waitExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (isAlive(pid)) {
    if (performance.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  return true;
}
