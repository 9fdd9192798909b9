// A local cluster directory (`kvlab cluster init`): node<i>.json configs, and for each running node a
// node<i>.pid and a node<i>.log next to it; the data lives in node<i>/ (named by the config).
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { KvlabError } from '../../../core/types.ts';
import { loadNodeConfig } from '../../config/load.ts';
import type { ProdNodeConfig } from '../../config/validate.ts';

/** node<i>.json files read from one directory at most (bounds a directory full of junk). */
export const CLUSTER_DIR_NODES_MAX = 64;
const CONFIG_NAME = /^node([1-9][0-9]*)\.json$/;

export interface LocalNode {
  /** The i of node<i>.json (the file's name, not necessarily the node id inside). */
  readonly index: number;
  readonly configPath: string;
  readonly pidPath: string;
  readonly logPath: string;
  readonly config: ProdNodeConfig;
}

/** Every node<i>.json of `dir`, validated, in index order. Throws KvlabError / ConfigError. */
export function readClusterDir(dir: string): LocalNode[] {
  const root = resolve(dir);
  let names: string[];
  try {
    names = readdirSync(root);
  } catch (error) {
    throw new KvlabError('invalid-args', `--dir ${dir}: cannot read the directory (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  const indexes = names.flatMap((name) => {
    const match = CONFIG_NAME.exec(name);
    return match ? [Number(match[1])] : [];
  });
  if (indexes.length === 0) throw new KvlabError('invalid-args', `--dir ${dir}: no node<i>.json files; create them with kvlab cluster init --nodes N --dir ${dir}`);
  if (indexes.length > CLUSTER_DIR_NODES_MAX) throw new KvlabError('invalid-args', `--dir ${dir}: more than ${CLUSTER_DIR_NODES_MAX} node configs`);
  return indexes
    .sort((a, b) => a - b)
    .map((index) => {
      const configPath = join(root, `node${index}.json`);
      return { index, configPath, pidPath: join(root, `node${index}.pid`), logPath: join(root, `node${index}.log`), config: loadNodeConfig(configPath) };
    });
}

/** The pid recorded for a node, or null when there is no (readable) pid file. */
export function readPid(node: LocalNode): number | null {
  let text: string;
  try {
    text = readFileSync(node.pidPath, 'utf8').trim();
  } catch {
    return null;
  }
  return /^[1-9][0-9]{0,9}$/.test(text) ? Number(text) : null;
}

export function writePid(node: LocalNode, pid: number): void {
  writeFileSync(node.pidPath, `${pid}\n`);
}

export function removePid(node: LocalNode): void {
  rmSync(node.pidPath, { force: true });
}

/** The last `lines` lines of a node's log ('' when there is none). Reads at most 64 KiB. */
export function logTail(node: LocalNode, lines: number): string {
  let text: string;
  try {
    text = readFileSync(node.logPath, 'utf8');
  } catch {
    return '';
  }
  return text.slice(-64 * 1024).split('\n').filter((l) => l !== '').slice(-lines).join('\n');
}
