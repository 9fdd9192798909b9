// Inside a worker thread: run each seed the main thread sends, post its outcome back.
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';
import { assert } from '../../core/types.ts';
import type { SeedRunner, SeedRunOptions } from './sweep-types.ts';

export interface WorkerInit {
  readonly scenario: unknown;
  readonly bugs: readonly string[];
  readonly runOptions?: SeedRunOptions;
  readonly runnerModule?: string;
}

export type WorkerReply = { readonly type: 'ready' } | { readonly type: 'outcome'; readonly outcome: ReturnType<SeedRunner> };

const port = parentPort;
assert(port !== null, 'sweep-worker.ts runs only inside a worker thread');
const init = workerData as WorkerInit;
// The simulator loads only when it is the runner: a test's stand-in starts without it.
const runner = init.runnerModule ? await loadRunner(init.runnerModule) : (await import('./run-seed.ts')).runSeed;

port.on('message', (message: { seed: number }) => {
  port.postMessage({ type: 'outcome', outcome: runner(init.scenario, message.seed, init.bugs, init.runOptions) } satisfies WorkerReply);
});
port.postMessage({ type: 'ready' } satisfies WorkerReply);

async function loadRunner(module: string): Promise<SeedRunner> {
  const url = isAbsolute(module) ? pathToFileURL(module).href : module;
  const loaded = (await import(url)) as { runSeed?: SeedRunner };
  assert(typeof loaded.runSeed === 'function', `${module} exports no runSeed function`);
  return loaded.runSeed;
}
