// Building messages with one object shape (every field present) so the hot paths stay monomorphic.
import type { GroupId, LogIndex, NodeId, Term } from '../types.ts';
import { NO_ENTRIES } from './entries.ts';
import type { Entry, Message, MessageType, SnapshotChunk, SnapshotMetadata } from './types.ts';

export interface MessageFields {
  readonly logTerm?: number;
  readonly index?: number;
  readonly entries?: readonly Entry[];
  readonly commit?: number;
  readonly reject?: boolean;
  readonly rejectHint?: number;
  readonly snapshot?: SnapshotMetadata;
  readonly chunk?: SnapshotChunk;
  readonly context?: Uint8Array;
  readonly leaderTick?: number;
}

const NO_FIELDS: MessageFields = {};

export function makeMessage(type: MessageType, group: GroupId, from: NodeId, to: NodeId, term: number, f: MessageFields = NO_FIELDS): Message {
  return {
    type,
    group,
    from,
    to,
    term: term as Term,
    logTerm: (f.logTerm ?? 0) as Term,
    index: (f.index ?? 0) as LogIndex,
    entries: f.entries ?? NO_ENTRIES,
    commit: (f.commit ?? 0) as LogIndex,
    reject: f.reject ?? false,
    rejectHint: (f.rejectHint ?? 0) as LogIndex,
    snapshot: f.snapshot,
    chunk: f.chunk,
    context: f.context,
    leaderTick: f.leaderTick,
  };
}

/** Marks a vote request sent because the leader handed over (timeoutNow): it bypasses the leader lease. */
export const TRANSFER_CONTEXT: Uint8Array = new TextEncoder().encode('raft:transfer');

export function isTransferContext(context: Uint8Array | undefined): boolean {
  if (!context || context.length !== TRANSFER_CONTEXT.length) return false;
  for (let i = 0; i < context.length; i++) if (context[i] !== TRANSFER_CONTEXT[i]) return false;
  return true;
}

/** Messages a host creates for itself; one arriving from the network is rejected. */
export const LOCAL_MESSAGE_TYPES: ReadonlySet<MessageType> = new Set<MessageType>(['hup', 'beat', 'snapStatus', 'unreachable', 'checkQuorum']);
