// Reads a node config file from disk: parse and validate it, resolve the data directory against the
// file's own directory (so a cluster directory can be moved as a whole), and check that the data
// directory exists or can be created before anything else starts.
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { ConfigError, parseNodeConfig, type ProdNodeConfig } from './validate.ts';

/** Ancestors examined while looking for the directory a missing data directory would be created in. */
const ANCESTORS_MAX = 256;

/** The config at `path`, with `dataDir` made absolute. Throws ConfigError naming the file and field. */
export function loadNodeConfig(path: string): ProdNodeConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(path, '', `no readable file (${(error as NodeJS.ErrnoException).code ?? String(error)})`, 'expected a JSON config file');
  }
  const config = parseNodeConfig(text, path);
  const dataDir = isAbsolute(config.dataDir) ? config.dataDir : resolve(dirname(resolve(path)), config.dataDir);
  const problem = dataDirProblem(dataDir);
  if (problem) throw new ConfigError(path, 'dataDir', JSON.stringify(config.dataDir), `expected a directory this process can create or write (${problem})`);
  return { ...config, dataDir };
}

/** Why `dir` cannot serve as a data directory, or null when it can. */
export function dataDirProblem(dir: string): string | null {
  let path = dir;
  for (let depth = 0; depth < ANCESTORS_MAX; depth++) {
    const kind = pathKind(path);
    if (kind === 'file') return path === dir ? `${dir} is a file` : `${path} is a file, so ${dir} cannot be created`;
    if (kind === 'dir') {
      if (!writable(path)) return path === dir ? `${dir} is not writable` : `${path} is not writable, so ${dir} cannot be created`;
      return null;
    }
    const parent = dirname(path);
    if (parent === path) return `no existing ancestor of ${dir}`;
    path = parent;
  }
  return `${dir} is nested too deeply`;
}

function pathKind(path: string): 'dir' | 'file' | 'missing' {
  try {
    return statSync(path).isDirectory() ? 'dir' : 'file';
  } catch {
    return 'missing';
  }
}

function writable(dir: string): boolean {
  try {
    accessSync(dir, constants.W_OK | constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
