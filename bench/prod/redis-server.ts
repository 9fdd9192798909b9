// A single redis-server, durable like kvlab acknowledges writes: append-only file fsynced before every
// reply (appendfsync always), no RDB snapshots, on 127.0.0.1 with its files under `dir`.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { logTail, runCommand, startServer } from './child-processes.ts';
import { onCleanup } from './cleanup.ts';
import { sleep } from './http-json.ts';

export const REDIS_SERVER_BINARY = process.env.REDIS_SERVER_BINARY ?? 'redis-server';
export const REDIS_CLI_BINARY = process.env.REDIS_CLI_BINARY ?? 'redis-cli';
const readyTimeoutMs = 15_000;
const pollMs = 100;

export async function startRedisServer(dir: string, port: number): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const args = [
    '--port', String(port),
    '--bind', '127.0.0.1',
    '--dir', dir,
    '--save', '',
    '--appendonly', 'yes',
    '--appendfsync', 'always',
    '--daemonize', 'no',
  ];
  const server = startServer('redis-server', REDIS_SERVER_BINARY, args, join(dir, 'redis.log'));
  onCleanup('stop redis-server', () => server.stop());
  const deadline = performance.now() + readyTimeoutMs;
  while (performance.now() < deadline) {
    if (server.exited()) throw new Error(`redis-server exited during start-up; last lines of ${server.logPath}:\n${logTail(server.logPath)}`);
    const ping = await runCommand(REDIS_CLI_BINARY, ['-h', '127.0.0.1', '-p', String(port), 'PING'], 2_000);
    if (ping.code === 0 && ping.stdout.trim() === 'PONG') return;
    await sleep(pollMs);
  }
  throw new Error(`redis-server did not answer PING within ${readyTimeoutMs} ms; last lines of ${server.logPath}:\n${logTail(server.logPath)}`);
}
