/** Exit codes shared by every kvlab command (CONTRACTS.md). */
export const EXIT_OK = 0;
/** A check failed (run, sweep), did not fail (shrink), not linearizable (check), could not start (cluster). */
export const EXIT_FAILED = 1;
export const EXIT_INVALID = 2;
/** `kvlab check`: unknown within the search budget. */
export const EXIT_UNKNOWN = 3;
/** A bug in kvlab itself (an exception no command expected), BSD's EX_SOFTWARE: never a verdict. */
export const EXIT_BUG = 70;
