// Teardown for the production benchmarks: every process and directory a benchmark creates registers
// an undo step here, and the steps run (newest first) when the benchmark ends, fails, or is
// interrupted with Ctrl-C / SIGTERM, so no etcd, redis or kvlab process outlives the run.

type CleanupStep = { readonly what: string; readonly run: () => Promise<void> };

const steps: CleanupStep[] = [];
let running: Promise<void> | null = null;
/** A step that hangs must not keep the benchmark alive: each gets this long. */
const stepTimeoutMs = 30_000;

export function onCleanup(what: string, run: () => Promise<void>): void {
  steps.push({ what, run });
}

/** Runs every registered step once, newest first; failures are reported and the rest still run. */
export function cleanupAll(): Promise<void> {
  running ??= (async () => {
    while (steps.length > 0) {
      const step = steps.pop()!;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`did not finish within ${stepTimeoutMs} ms`)), stepTimeoutMs);
      });
      try {
        await Promise.race([step.run(), timeout]);
      } catch (error) {
        process.stderr.write(`cleanup: ${step.what}: ${(error as Error).message}\n`);
      } finally {
        clearTimeout(timer);
      }
    }
  })();
  return running;
}

/** Runs `main`, then the cleanup, whatever happens; a signal cleans up and exits 130/143. */
export async function runWithCleanup(main: () => Promise<void>): Promise<void> {
  const onSignal = (signal: NodeJS.Signals) => {
    process.stderr.write(`\n${signal}: stopping the processes this benchmark started\n`);
    void cleanupAll().then(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  // Output piped into `head` must not kill the run before it stopped its servers.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
  process.once('uncaughtException', (error) => {
    process.stderr.write(`benchmark failed: ${error.stack ?? error}\n`);
    void cleanupAll().then(() => process.exit(1));
  });
  try {
    await main();
  } catch (error) {
    process.exitCode = 1;
    process.stderr.write(`benchmark failed: ${(error as Error).stack ?? error}\n`);
  } finally {
    await cleanupAll();
  }
}
