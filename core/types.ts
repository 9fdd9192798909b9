// Branded identifiers keep kinds apart at compile time at zero run-time cost
// (a NodeId cannot be passed where a Term is expected). Construct them with the
// helpers below; arithmetic on them yields plain numbers that must be re-branded.

export type NodeId = number & { readonly __brand: 'NodeId' };
export type GroupId = number & { readonly __brand: 'GroupId' };
export type Term = number & { readonly __brand: 'Term' };
export type LogIndex = number & { readonly __brand: 'LogIndex' };

export const nodeId = (n: number): NodeId => n as NodeId;
export const groupId = (n: number): GroupId => n as GroupId;
export const term = (n: number): Term => n as Term;
export const logIndex = (n: number): LogIndex => n as LogIndex;

/** No node: used for "no vote" and "no known leader". Node ids start at 1. */
export const NONE = 0 as NodeId;

/**
 * A bug in kvlab, not a user error: an invariant that must hold did not.
 * The simulator catches these and reports them with the seed that reproduces them.
 */
export class AssertionFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AssertionFailure';
  }
}

export function assert(condition: unknown, message: string | (() => string)): asserts condition {
  if (!condition) throw new AssertionFailure(typeof message === 'string' ? message : message());
}

/**
 * An error a user (or the world) can cause: bad input, a limit exceeded, a disk that is full.
 * `code` is stable and machine-readable; `message` names what is wrong.
 */
export class KvlabError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
    this.name = 'KvlabError';
  }
}
