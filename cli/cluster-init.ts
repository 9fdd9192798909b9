// `kvlab cluster init`: writes DIR/node<i>.json for a local cluster, refusing (without --force) to
// overwrite configs or to put a node's port where the kernel picks ports for outgoing connections.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { KvlabError } from '../core/types.ts';
import { type ClusterNodeFile, clusterNodeConfigs, clusterPorts } from '../prod/config/cluster-files.ts';
import { ephemeralPortRange, portsInRange } from '../prod/node/local/ephemeral-ports.ts';
import type { ClusterArgs, ClusterOutput } from './cluster-output.ts';
import { EXIT_OK } from './exit-codes.ts';
import { checkOutputDir, describeFsError } from './paths.ts';

export function initCluster(args: ClusterArgs, output: ClusterOutput, ephemeralRangeFile?: string): number {
  const clusterId = args.clusterId ?? `local-${randomBytes(4).toString('hex')}`;
  const files = clusterNodeConfigs({ nodes: args.nodes!, basePort: args.basePort, clusterId });
  if (!args.force) refuseEphemeralPorts(args.basePort, files.length, ephemeralRangeFile);
  checkOutputDir('--dir', args.dir);
  const dir = resolve(args.dir);
  const existing = files.map((f) => join(dir, f.fileName)).filter((path) => existsSync(path));
  if (existing.length > 0 && !args.force) {
    throw new KvlabError('invalid-args', `${existing[0]} exists; pass --force to overwrite the configs (data directories are kept)`);
  }
  writeConfigs(args.dir, dir, files);
  const lines = files.map((f) => `  ${join(dir, f.fileName)}  resp ${f.config.listen.resp}  http ${f.config.listen.http}  raft ${f.config.listen.raft}`);
  output.out(`wrote ${files.length} node configs for cluster ${clusterId}:\n${lines.join('\n')}\nstart them with: kvlab cluster up --dir ${args.dir}\n`);
  return EXIT_OK;
}

/**
 * A node listening on an ephemeral port can find it taken by some outgoing connection when it starts
 * (EADDRINUSE), at random: docs/deploy.md tells users to stay below the range, and init holds them to it.
 */
function refuseEphemeralPorts(basePort: number, nodes: number, rangeFile: string | undefined): void {
  const range = ephemeralPortRange(rangeFile);
  const ports = Array.from({ length: nodes }, (_, k) => clusterPorts(basePort, k + 1)).flatMap((p) => [p.resp, p.http, p.raft]);
  const inside = portsInRange(ports, range);
  if (inside.length === 0) return;
  const span = 200 + nodes;
  const below = range.low - 1 - span;
  const advice = below >= 1 ? `a base port of at most ${below}` : `a base port above ${range.high}`;
  throw new KvlabError(
    'invalid-args',
    `--base-port ${basePort}: ${inside.length} of the cluster's ports (${inside[0]}..${inside[inside.length - 1]}) are in the ephemeral port range ${range.low}-${range.high} (${range.source}), where an outgoing connection can take a node's port; use ${advice}, or pass --force`,
  );
}

function writeConfigs(shown: string, dir: string, files: readonly ClusterNodeFile[]): void {
  try {
    mkdirSync(dir, { recursive: true });
    for (const file of files) writeFileSync(join(dir, file.fileName), `${JSON.stringify(file.config, null, 2)}\n`);
  } catch (error) {
    throw new KvlabError('invalid-args', `--dir ${shown}: cannot write the configs there: ${describeFsError(error)}`);
  }
}
