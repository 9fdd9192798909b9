// Reads a node config file from disk: parse and validate it, resolve the data directory against the
// file's own directory (so a cluster directory can be moved as a whole), and check that the data
// directory exists or can be created before anything else starts.
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { ConfigError, type ConfigProblem, parseNodeConfig, type ProdNodeConfig } from './validate.ts';

/** Ancestors examined while looking for the directory a missing data directory would be created in. */
const ANCESTORS_MAX = 256;

/**
 * The config at `path`, with `dataDir` made absolute. Throws a ConfigError naming the file and every
 * problem found, the data directory's included.
 */
export function loadNodeConfig(path: string): ProdNodeConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(path, '', `no readable file (${(error as NodeJS.ErrnoException).code ?? String(error)})`, 'expected a JSON config file');
  }
  let config: ProdNodeConfig | undefined;
  const problems: ConfigProblem[] = [];
  try {
    config = parseNodeConfig(text, path);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems);
  }
  const written = config?.dataDir ?? dataDirWritten(text, problems);
  const dataDir = written === undefined ? undefined : isAbsolute(written) ? written : resolve(dirname(resolve(path)), written);
  const problem = dataDir === undefined ? null : dataDirProblem(dataDir);
  if (problem) problems.push({ field: 'dataDir', found: JSON.stringify(written), allowed: `expected a directory this process can create or write (${problem})` });
  if (problems.length > 0 || config === undefined || dataDir === undefined) throw new ConfigError(path, problems);
  return { ...config, dataDir };
}

/** The data directory an invalid file names, when that field itself is fine (so its problem is reported too). */
function dataDirWritten(text: string, problems: readonly ConfigProblem[]): string | undefined {
  if (problems.some((p) => p.field === '' || p.field === 'dataDir')) return undefined;
  const raw = JSON.parse(text) as { dataDir?: unknown };
  return typeof raw.dataDir === 'string' && raw.dataDir !== '' ? raw.dataDir : undefined;
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
