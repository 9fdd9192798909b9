// `kvlab cluster init|up|down|status`: a local cluster of production nodes on 127.0.0.1 (CONTRACTS.md).
//   init --nodes N --dir DIR [--base-port P] [--cluster-id ID] [--force]   writes DIR/node<i>.json
//   up --dir DIR [--timeout-ms MS]     starts every node in the background; returns once all listen and a leader is elected (or 10 s pass)
//   down --dir DIR [--timeout-ms MS]   SIGTERM each node, SIGKILL after the timeout; removes pid files
//   status --dir DIR                   the cluster status JSON; nodes that do not answer are down
// Exit codes: 0 done, 1 could not start (or nothing answered / would not stop), 2 invalid input.
import { KvlabError } from '../core/types.ts';
import { BASE_PORT_DEFAULT } from '../prod/config/cluster-files.ts';
import { scanClusterDir } from '../prod/node/local/cluster-dir.ts';
import { initCluster } from './cluster-init.ts';
import type { ClusterArgs, ClusterOutput } from './cluster-output.ts';
import { clusterStatus } from './cluster-status.ts';
import { downCluster } from './cluster-down.ts';
import { upCluster } from './cluster-up.ts';
import { reportUserError } from './command-error.ts';
import { EXIT_INVALID, EXIT_OK } from './exit-codes.ts';
import { clusterUsage } from './usage.ts';

export { mergeStatus } from './cluster-status.ts';
export type { ClusterOutput } from './cluster-output.ts';

const processOutput: ClusterOutput = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

const UP_TIMEOUT_MS_DEFAULT = 30_000;
const DOWN_TIMEOUT_MS_DEFAULT = 15_000;
/** --timeout-ms at most: a day. */
const TIMEOUT_MS_MAX = 86_400_000;
const actions = ['init', 'up', 'down', 'status'] as const;
type Action = (typeof actions)[number];

export async function clusterCommand(args: string[], output: ClusterOutput = processOutput): Promise<number> {
  const [action, ...rest] = args;
  if (args.includes('--help') || args.includes('-h')) {
    output.out(`${clusterUsage}\n`);
    return EXIT_OK;
  }
  const name = `cluster${action !== undefined && isAction(action) ? ` ${action}` : ''}`;
  try {
    if (action === undefined) throw new KvlabError('invalid-args', `missing the action: one of ${actions.join(', ')}`);
    if (!isAction(action)) throw new KvlabError('invalid-args', `unknown action '${action}'; expected one of ${actions.join(', ')}`);
    const parsed = parseArgs(rest, action);
    if (action === 'init') return initCluster(parsed, output);
    const dir = scanClusterDir(parsed.dir);
    if (action === 'up') return await upCluster(dir, parsed.timeoutMs ?? UP_TIMEOUT_MS_DEFAULT, output);
    if (action === 'down') return await downCluster(dir, parsed.timeoutMs ?? DOWN_TIMEOUT_MS_DEFAULT, output);
    return await clusterStatus(dir, output);
  } catch (error) {
    return reportUserError(name, error, output.err);
  }
}

function isAction(text: string): text is Action {
  return (actions as readonly string[]).includes(text);
}

function parseArgs(args: readonly string[], action: Action): ClusterArgs {
  const values = new Map<string, string>();
  let force = false;
  const valued = action === 'init' ? ['--nodes', '--dir', '--base-port', '--cluster-id'] : action === 'status' ? ['--dir'] : ['--dir', '--timeout-ms'];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--force' && action === 'init') force = true;
    else if (valued.includes(arg)) {
      const value = args[++i];
      if (value === undefined || value.startsWith('--')) throw new KvlabError('invalid-args', `${arg} needs a value`);
      values.set(arg, value);
    } else if (arg.startsWith('-')) throw new KvlabError('invalid-args', `unknown option '${arg}' for ${action}`);
    else throw new KvlabError('invalid-args', `unexpected argument '${arg}'`);
  }
  const dir = values.get('--dir');
  if (dir === undefined) throw new KvlabError('invalid-args', 'missing --dir DIR');
  if (action === 'init' && !values.has('--nodes')) throw new KvlabError('invalid-args', 'missing --nodes N');
  const clusterId = values.get('--cluster-id');
  if (clusterId !== undefined && !/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(clusterId)) {
    throw new KvlabError('invalid-args', `--cluster-id: found '${clusterId}'; allowed: 1 to 64 letters, digits, '.', '_' or '-'`);
  }
  const integer = (name: string) => (values.has(name) ? integerArg(name, values.get(name)!) : undefined);
  const timeoutMs = integer('--timeout-ms');
  if (timeoutMs !== undefined && (timeoutMs < 1 || timeoutMs > TIMEOUT_MS_MAX)) throw new KvlabError('invalid-args', `--timeout-ms: found ${timeoutMs}; allowed: 1 to ${TIMEOUT_MS_MAX}`);
  return { dir, nodes: integer('--nodes'), basePort: integer('--base-port') ?? BASE_PORT_DEFAULT, clusterId, force, timeoutMs };
}

function integerArg(name: string, text: string): number {
  if (!/^[0-9]{1,9}$/.test(text)) throw new KvlabError('invalid-args', `${name}: found '${text}'; allowed: an integer`);
  return Number(text);
}
