/** Exit codes shared by every kvlab command (CONTRACTS.md). */
export const EXIT_OK = 0;
/** A check failed (run, sweep), did not fail (shrink), not linearizable (check), could not start (cluster). */
export const EXIT_FAILED = 1;
export const EXIT_INVALID = 2;
/** `kvlab check`: unknown within the search budget. */
export const EXIT_UNKNOWN = 3;
