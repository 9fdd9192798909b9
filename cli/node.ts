// `kvlab node --config FILE.json`: one production node in the foreground. JSON-lines log on stdout;
// SIGTERM or SIGINT stops it gracefully (exit 0); a second signal exits at once (1). Exit 2 on an
// invalid config, 1 when the node cannot start (data directory in use, port taken, corrupt WAL) or
// gives up while running (its log says why).
import type { Writable } from 'node:stream';
import { KvlabError } from '../core/types.ts';
import { isLoopbackHost } from '../prod/config/address.ts';
import { loadNodeConfig } from '../prod/config/load.ts';
import { ConfigError, type ProdNodeConfig } from '../prod/config/validate.ts';
import { JsonLog } from '../prod/log/json-log.ts';
import { streamSink } from '../prod/log/stdout-sink.ts';
import type { RunningNode, StartNodeOptions } from '../prod/node/start-node.ts';
import { StopSignals, type SignalSource } from '../prod/node/stop-signals.ts';
import { EXIT_FAILED, EXIT_INVALID, EXIT_OK } from './exit-codes.ts';
import { nodeUsage } from './usage.ts';

/** After the node closed everything, a handle left open must not keep the process alive. */
const EXIT_GUARD_MS = 3_000;

export interface NodeCommandIo {
  readonly stdout: Writable;
  readonly stderr: (text: string) => void;
  /** Where SIGTERM/SIGINT come from (the process; tests pass an emitter). */
  readonly signals: SignalSource;
  /** Force the exit this long after the node stopped if the event loop is still busy (0: never). */
  readonly exitGuardMs: number;
  /** Log an uncaught exception (a bug) as one JSON line and exit 1 at once (the process's own io only). */
  readonly exitOnUncaught?: boolean;
  readonly startOptions?: StartNodeOptions;
}

const processIo: NodeCommandIo = {
  stdout: process.stdout,
  stderr: (text) => process.stderr.write(text),
  signals: process,
  exitGuardMs: EXIT_GUARD_MS,
  exitOnUncaught: true,
};

export async function nodeCommand(args: string[], io: NodeCommandIo = processIo): Promise<number> {
  const sink = streamSink(io.stdout).sink;
  const logs = { current: new JsonLog({ node: null, level: 'info', sink, wallMs: Date.now }) };
  // Watched from the start, so a signal during the start stops the node once it is up.
  const signals = new StopSignals(io.signals, () => logs.current);
  const session: Session = { io, sink, logs, signals };
  if (io.exitOnUncaught) exitOnUncaught(() => logs.current);
  try {
    const code = await runNode(args, session);
    if (io.exitGuardMs > 0) setTimeout(() => process.exit(code), io.exitGuardMs).unref();
    return code;
  } finally {
    signals.dispose();
  }
}

interface Session {
  readonly io: NodeCommandIo;
  readonly sink: (line: string) => void;
  /** The boot log (node null) until the config names the node. */
  readonly logs: { current: JsonLog };
  readonly signals: StopSignals;
}

async function runNode(args: string[], session: Session): Promise<number> {
  const { io } = session;
  let config: ProdNodeConfig;
  try {
    const parsed = parseArgs(args);
    if (parsed.help) {
      io.stdout.write(`${nodeUsage}\n`);
      return EXIT_OK;
    }
    config = loadNodeConfig(parsed.file);
  } catch (error) {
    if (!(error instanceof KvlabError)) throw error;
    session.logs.current.error(error instanceof ConfigError ? 'node.configInvalid' : 'node.badArgs', { error: error.message });
    io.stderr(`kvlab node: ${error.message}${error instanceof ConfigError ? '' : ' (see kvlab node --help)'}\n`);
    return EXIT_INVALID;
  }
  const log = new JsonLog({ node: config.nodeId, level: config.logLevel, sink: session.sink, wallMs: Date.now });
  session.logs.current = log;
  warnAboutExposure(config, log);
  let node: RunningNode;
  try {
    // Loaded once the config is known to be good: a bad config is refused without loading the node.
    const { startNode } = await import('../prod/node/start-node.ts');
    node = await startNode(config, log, io.startOptions);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    log.error('node.startFailed', { error: message, code: error instanceof KvlabError ? error.code : null });
    io.stderr(`kvlab node: node ${config.nodeId} could not start: ${message}\n`);
    return EXIT_FAILED;
  }
  return runUntilStopped(node, session.signals, log);
}

/** The config file named by the arguments, or a request for the usage. */
function parseArgs(args: readonly string[]): { help: true } | { help: false; file: string } {
  let file: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--help' || arg === '-h') return { help: true };
    if (arg === '--config' || arg === '-c') {
      file = args[++i];
      if (file === undefined || file.startsWith('-')) throw new KvlabError('invalid-args', `${arg} needs a value (the node's config file)`);
    } else if (arg.startsWith('--config=')) file = arg.slice('--config='.length);
    else throw new KvlabError('invalid-args', arg.startsWith('-') ? `unknown option '${arg}'` : `unexpected argument '${arg}'`);
  }
  if (!file) throw new KvlabError('invalid-args', 'missing --config FILE.json');
  return { help: false, file };
}

/** Resolves with the exit code: 0 after a graceful stop, 1 when the node gave up or was forced. */
function runUntilStopped(node: RunningNode, signals: StopSignals, log: JsonLog): Promise<number> {
  return new Promise((resolve) => {
    let stopping = false;
    const stopThen = (code: number) => {
      if (stopping) return;
      stopping = true;
      node.stop().then(
        () => resolve(code),
        (error: Error) => {
          log.error('node.stopFailed', { error: error.message });
          resolve(EXIT_FAILED);
        },
      );
    };
    signals.handle(
      () => stopThen(EXIT_OK),
      () => resolve(EXIT_FAILED),
    );
    void node.fatal.then(() => stopThen(EXIT_FAILED));
  });
}

/**
 * A throw nobody caught is a bug (often a failed assertion): the in-memory state can no longer be
 * trusted, so the process says so in its log and exits 1 without a graceful stop. The WAL holds
 * everything that was acknowledged; the next start recovers from it.
 */
function exitOnUncaught(log: () => JsonLog): void {
  process.on('uncaughtException', (error) => {
    log().error('node.crashed', { error: error.message, name: error.name, stack: error.stack ?? null });
    process.exit(EXIT_FAILED);
  });
}

/** Like Redis's protected mode, but a warning: a node reachable from the network with no password. */
function warnAboutExposure(config: ProdNodeConfig, log: JsonLog): void {
  if (config.requirepass === '' && !isLoopbackHost(config.listen.resp.host)) {
    log.warn('node.noPassword', { resp: config.listen.resp.host, hint: 'set requirepass: RESP clients from the network need no password' });
  }
  if (config.adminToken === '' && !isLoopbackHost(config.listen.http.host)) {
    log.warn('node.noAdminToken', { http: config.listen.http.host, hint: 'set adminToken: anyone who reaches the HTTP port can change membership' });
  }
}
