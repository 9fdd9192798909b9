// A local cluster directory (`kvlab cluster init`): node<i>.json configs, and for each running node a
// node<i>.pid and a node<i>.log next to it; the data lives in node<i>/ (named by the config). A node
// removed from the cluster gets a node<i>.removed marker, so `cluster up` no longer starts it.
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { KvlabError } from '../../../core/types.ts';
import { loadNodeConfig } from '../../config/load.ts';
import type { ProdNodeConfig } from '../../config/validate.ts';
import { isAlive, isNodeOf } from './processes.ts';

/** node<i>.json files read from one directory at most (bounds a directory full of junk). */
export const CLUSTER_DIR_NODES_MAX = 64;
const CONFIG_NAME = /^node([1-9][0-9]*)\.json$/;

/** The files of node<i> in a cluster directory, whether or not its config is valid. */
export interface NodeFiles {
  /** The i of node<i>.json (the file's name, not necessarily the node id inside). */
  readonly index: number;
  readonly configPath: string;
  readonly pidPath: string;
  readonly logPath: string;
  /** Present when the node was removed from the cluster (see markRemoved). */
  readonly removedPath: string;
}

export interface LocalNode extends NodeFiles {
  readonly config: ProdNodeConfig;
}

/** A node<i>.json that does not validate: what is wrong, one line per problem. */
export interface InvalidNode extends NodeFiles {
  readonly error: string;
}

export interface ClusterDir {
  readonly nodes: LocalNode[];
  readonly invalid: InvalidNode[];
}

/**
 * Every node<i>.json of `dir` in index order, the valid ones and the invalid ones apart: a bad edit of
 * one file must not keep `down` from stopping the others (or the process of that very file).
 * Throws KvlabError when the directory cannot be read or holds no node configs.
 */
export function scanClusterDir(dir: string): ClusterDir {
  const root = resolve(dir);
  let names: string[];
  try {
    names = readdirSync(root);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such directory' : code === 'ENOTDIR' ? 'not a directory' : code === 'EACCES' ? 'permission denied' : (code ?? String(error));
    throw new KvlabError('invalid-args', `--dir ${dir}: cannot read the directory (${why})`);
  }
  const indexes = names.flatMap((name) => {
    const match = CONFIG_NAME.exec(name);
    return match ? [Number(match[1])] : [];
  });
  if (indexes.length === 0) throw new KvlabError('invalid-args', `--dir ${dir}: no node<i>.json files; create them with kvlab cluster init --nodes N --dir ${dir}`);
  if (indexes.length > CLUSTER_DIR_NODES_MAX) throw new KvlabError('invalid-args', `--dir ${dir}: more than ${CLUSTER_DIR_NODES_MAX} node configs`);
  const nodes: LocalNode[] = [];
  const invalid: InvalidNode[] = [];
  for (const index of indexes.sort((a, b) => a - b)) {
    const files = nodeFiles(root, index);
    try {
      nodes.push({ ...files, config: loadNodeConfig(files.configPath) });
    } catch (error) {
      if (!(error instanceof KvlabError)) throw error;
      invalid.push({ ...files, error: error.message });
    }
  }
  return { nodes, invalid };
}

/** Every node<i>.json of `dir`, validated, in index order. Throws KvlabError naming every invalid file. */
export function readClusterDir(dir: string): LocalNode[] {
  const { nodes, invalid } = scanClusterDir(dir);
  if (invalid.length > 0) throw new KvlabError('invalid-config', invalid.map((i) => i.error).join('\n'));
  return nodes;
}

function nodeFiles(root: string, index: number): NodeFiles {
  const path = (suffix: string) => join(root, `node${index}${suffix}`);
  return { index, configPath: path('.json'), pidPath: path('.pid'), logPath: path('.log'), removedPath: path('.removed') };
}

/** The pid recorded for a node, or null when there is no (readable) pid file. */
export function readPid(node: NodeFiles): number | null {
  let text: string;
  try {
    text = readFileSync(node.pidPath, 'utf8').trim();
  } catch {
    return null;
  }
  return /^[1-9][0-9]{0,9}$/.test(text) ? Number(text) : null;
}

/** The pid of a node's process if it runs now (per its pid file and /proc), else null. */
export function runningPid(node: NodeFiles): number | null {
  const pid = readPid(node);
  return pid !== null && isAlive(pid) && isNodeOf(pid, node.configPath) ? pid : null;
}

export function writePid(node: NodeFiles, pid: number): void {
  writeFileSync(node.pidPath, `${pid}\n`);
}

export function removePid(node: NodeFiles): void {
  rmSync(node.pidPath, { force: true });
}

/**
 * Why the node was marked removed (the marker's text), or null when it is not. A member removed
 * through the members API keeps its config and data; restarted, it only answers as role "removed".
 */
export function removedMark(node: NodeFiles): string | null {
  try {
    return readFileSync(node.removedPath, 'utf8').trim() || 'removed from the cluster';
  } catch {
    return null;
  }
}

/** Marks the node removed, so `cluster up` skips it (delete the marker to start it again). */
export function markRemoved(node: NodeFiles, reason: string): void {
  writeFileSync(node.removedPath, `${reason}\n`);
}

/** The last `lines` lines of a node's log ('' when there is none). Reads at most 64 KiB. */
export function logTail(node: NodeFiles, lines: number): string {
  let text: string;
  try {
    text = readFileSync(node.logPath, 'utf8');
  } catch {
    return '';
  }
  return text.slice(-64 * 1024).split('\n').filter((l) => l !== '').slice(-lines).join('\n');
}
