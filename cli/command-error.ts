// How a kvlab command reports a mistake of its user: one line (one per problem for a config file with
// several), naming what is wrong, exit 2 — never a stack trace.
import { KvlabError } from '../core/types.ts';
import { EXIT_INVALID } from './exit-codes.ts';
import { describeFsError, isFsError } from './paths.ts';

/** Error codes that mean the command line itself was wrong: the line then points at --help. */
const usageCodes = new Set(['usage', 'badArgument', 'invalid-args']);

/**
 * Writes `error` as `kvlab COMMAND: ...` and returns 2 when a user can cause it (a KvlabError, or an
 * operating-system error about a path); throws anything else on (a bug).
 */
export function reportUserError(command: string, error: unknown, write: (text: string) => void): number {
  if (error instanceof KvlabError) {
    const hint = usageCodes.has(error.code) ? ` (see kvlab ${command.split(' ')[0]} --help)` : '';
    write(`kvlab ${command}: ${error.message}${hint}\n`);
    return EXIT_INVALID;
  }
  if (isFsError(error)) {
    write(`kvlab ${command}: ${error.path}: ${describeFsError(error)}\n`);
    return EXIT_INVALID;
  }
  throw error;
}
