// Server processes the benchmarks start themselves (etcd, redis-server): output to a log file, and a
// stop that escalates from SIGTERM to SIGKILL so a wedged server cannot outlive the benchmark.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';

export interface ServerProcess {
  readonly name: string;
  readonly child: ChildProcess;
  readonly logPath: string;
  exited(): boolean;
  stop(): Promise<void>;
}

const stopGraceMs = 5_000;
const killWaitMs = 2_000;
const logTailBytes = 2_000;

export function startServer(name: string, command: string, args: readonly string[], logPath: string): ServerProcess {
  const logFd = openSync(logPath, 'a');
  let child: ChildProcess;
  try {
    child = spawn(command, args, { stdio: ['ignore', logFd, logFd] });
  } finally {
    closeSync(logFd);
  }
  let hasExited = false;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', () => {
      hasExited = true;
      resolve();
    });
    child.once('error', () => {
      hasExited = true;
      resolve();
    });
  });
  const waitExit = (ms: number) => Promise.race([exit.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms))]);
  return {
    name,
    child,
    logPath,
    exited: () => hasExited,
    stop: async () => {
      if (hasExited) return;
      child.kill('SIGTERM');
      if (await waitExit(stopGraceMs)) return;
      child.kill('SIGKILL');
      if (!(await waitExit(killWaitMs))) throw new Error(`${name} (pid ${child.pid}) survived SIGKILL`);
    },
  };
}

export function logTail(path: string): string {
  try {
    const text = readFileSync(path, 'utf8');
    return text.slice(-logTailBytes);
  } catch {
    return '(no log)';
  }
}

export interface CommandResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to completion, killed after `timeoutMs` (code null then). */
export function runCommand(command: string, args: readonly string[], timeoutMs: number, env?: NodeJS.ProcessEnv): Promise<CommandResult> {
  return new Promise((resolve) => {
    execFile(command, args, { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 16 * 1024 * 1024, env: env ?? process.env }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}
