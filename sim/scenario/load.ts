// Loading scenarios from disk, and the embedded default that `kvlab run` uses without a file.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { KvlabError } from '../../core/types.ts';
import type { Scenario } from './schema.ts';
import { parseScenario } from './validate.ts';

export const defaultScenarioPath = fileURLToPath(new URL('../../scenarios/default.json', import.meta.url));

export function loadScenario(path: string): Scenario {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new KvlabError('invalid-scenario', `${path}: cannot read the scenario file (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  return parseScenario(text, path);
}

export function loadDefaultScenario(): Scenario {
  return loadScenario(defaultScenarioPath);
}
