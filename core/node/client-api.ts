// How the outside world (simulated clients, RESP, HTTP) talks to a node. Callback-based on purpose:
// the simulator runs its event loop synchronously, and a Promise continuation would only run after it.
// prod/ wraps these in Promises.
import type { KvRead, KvResult, KvWrite } from '../kv/commands.ts';
import type { GroupId, LogIndex, NodeId, Term } from '../types.ts';

export type Consistency = 'linearizable' | 'lease' | 'stale';

/** Why a request did not succeed. `unknown` means the write may or may not have happened. */
export type ClientError =
  | { readonly code: 'noLeader'; readonly message: string; readonly retryAfterMs: number }
  | { readonly code: 'timeout'; readonly message: string; readonly outcome: 'unknown' }
  | { readonly code: 'tooLarge'; readonly message: string }
  | { readonly code: 'overloaded'; readonly message: string; readonly retryAfterMs: number }
  | { readonly code: 'invalid'; readonly message: string }
  | { readonly code: 'stopping'; readonly message: string }
  /** Not executed: an earlier write of the same OrderedSession has an unknown outcome (session-order.ts). */
  | { readonly code: 'sessionBroken'; readonly message: string };

/** The request may or may not have taken effect (always true of a read's effect: it has none). */
export function isOutcomeUnknown(error: ClientError): boolean {
  return error.code === 'timeout' || error.code === 'stopping';
}

/** Where an acknowledged write sits in the log (lets the simulator check durability at ack time). */
export interface WriteReceipt {
  readonly group: GroupId;
  readonly index: LogIndex;
  readonly term: Term;
}

export type ClientCallback = (error: ClientError | null, result?: KvResult, receipt?: WriteReceipt) => void;

export interface WriteOptions {
  /** Session for exactly-once retries; a node generates one per call when absent. */
  readonly clientId?: string;
  readonly seq?: number;
  readonly timeoutMs?: number;
}

export interface ReadOptions {
  readonly consistency?: Consistency;
  readonly timeoutMs?: number;
  /**
   * Per group, a log index the serving replica must have applied before it answers: the session's
   * latest acknowledged write there (from its WriteReceipt), so that even a stale read sees it.
   * Linearizable and lease reads see every acknowledged write anyway.
   */
  readonly appliedIndexMin?: ReadonlyMap<GroupId, number>;
}

export interface ClusterMemberStatus {
  readonly id: NodeId;
  readonly role: string;
  readonly term: number;
  readonly commitIndex: number;
  readonly appliedIndex: number;
  readonly up: boolean;
}

export interface KvClientApi {
  write(write: KvWrite, options: WriteOptions, done: ClientCallback): void;
  read(read: KvRead, options: ReadOptions, done: ClientCallback): void;
}
