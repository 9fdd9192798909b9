// Binary form of a Raft Message. Layout (varint = unsigned LEB128):
//   type u8, flags u8 (1 reject, 2 snapshot, 4 chunk, 8 chunk.last, 16 context, 32 leaderTick),
//   group, from, to, term, logTerm, index, commit, rejectHint: varints,
//   entry count varint; when > 0: first index varint, then per entry term varint, type u8, data bytes
//   (indexes are consecutive, so only the first travels),
//   [snapshot metadata: index, term, confState], [chunk: offset, totalBytes, data bytes],
//   [context bytes], [leaderTick varint].
// Message type codes are positions in MESSAGE_TYPES: append new types at the end, never reorder.
import { KvlabError } from '../types.ts';
import type { GroupId, LogIndex, NodeId, Term } from '../types.ts';
import type { ConfState, Entry, EntryType, Message, MessageType, SnapshotChunk, SnapshotMetadata } from '../raft/types.ts';
import type { ByteReader, ByteWriter } from './bytes.ts';

export const MESSAGE_TYPES: readonly MessageType[] = [
  'hup', 'beat', 'prop', 'app', 'appResp', 'vote', 'voteResp', 'preVote', 'preVoteResp', 'snap', 'snapStatus',
  'heartbeat', 'heartbeatResp', 'unreachable', 'transferLeader', 'timeoutNow', 'readIndex', 'readIndexResp',
  'checkQuorum', 'snapResp',
];
const TYPE_CODES = new Map<MessageType, number>(MESSAGE_TYPES.map((t, i) => [t, i]));
const ENTRY_TYPES: readonly EntryType[] = ['normal', 'confChange'];

const F_REJECT = 1;
const F_SNAPSHOT = 2;
const F_CHUNK = 4;
const F_CHUNK_LAST = 8;
const F_CONTEXT = 16;
const F_LEADER_TICK = 32;
const F_ALL = 63;

export function writeMessage(w: ByteWriter, m: Message): void {
  const code = TYPE_CODES.get(m.type);
  if (code === undefined) throw new KvlabError('badFrame', `message type: unknown ${String(m.type)}`);
  w.u8(code);
  const flags =
    (m.reject ? F_REJECT : 0) |
    (m.snapshot ? F_SNAPSHOT : 0) |
    (m.chunk ? F_CHUNK | (m.chunk.last ? F_CHUNK_LAST : 0) : 0) |
    (m.context ? F_CONTEXT : 0) |
    (m.leaderTick !== undefined ? F_LEADER_TICK : 0);
  w.u8(flags);
  w.varuint(m.group);
  w.varuint(m.from);
  w.varuint(m.to);
  w.varuint(m.term);
  w.varuint(m.logTerm);
  w.varuint(m.index);
  w.varuint(m.commit);
  w.varuint(m.rejectHint);
  writeEntries(w, m.entries);
  if (m.snapshot) writeSnapshotMetadata(w, m.snapshot);
  if (m.chunk) {
    w.varuint(m.chunk.offset);
    w.varuint(m.chunk.totalBytes);
    w.bytes(m.chunk.data);
  }
  if (m.context) w.bytes(m.context);
  if (m.leaderTick !== undefined) w.varuint(m.leaderTick);
}

function writeEntries(w: ByteWriter, entries: readonly Entry[]): void {
  w.varuint(entries.length);
  if (entries.length === 0) return;
  w.varuint(entries[0].index);
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i];
    if (e.index !== entries[0].index + i) throw new KvlabError('badFrame', `entries: index ${e.index} at position ${i} is not consecutive`);
    w.varuint(e.term);
    w.u8(e.type === 'confChange' ? 1 : 0);
    w.bytes(e.data);
  }
}

function writeIds(w: ByteWriter, ids: readonly NodeId[]): void {
  w.varuint(ids.length);
  for (const id of ids) w.varuint(id);
}

export function writeSnapshotMetadata(w: ByteWriter, meta: SnapshotMetadata): void {
  w.varuint(meta.index);
  w.varuint(meta.term);
  const cs = meta.confState;
  writeIds(w, cs.voters);
  writeIds(w, cs.learners);
  writeIds(w, cs.votersOutgoing);
  writeIds(w, cs.learnersNext);
  w.u8(cs.autoLeave ? 1 : 0);
}

export function readMessage(r: ByteReader, entryBytesMax: number): Message {
  const type = MESSAGE_TYPES[r.u8('type')];
  if (type === undefined) r.fail('type', 'unknown message type');
  const flags = r.u8('flags');
  if (flags & ~F_ALL) r.fail('flags', `unknown bits ${flags.toString(2)}`);
  if (flags & F_CHUNK_LAST && !(flags & F_CHUNK)) r.fail('flags', 'chunk.last without a chunk');
  const group = r.varuint('group') as GroupId;
  const from = r.varuint('from') as NodeId;
  const to = r.varuint('to') as NodeId;
  const term = r.varuint('term') as Term;
  const logTerm = r.varuint('logTerm') as Term;
  const index = r.varuint('index') as LogIndex;
  const commit = r.varuint('commit') as LogIndex;
  const rejectHint = r.varuint('rejectHint') as LogIndex;
  const entries = readEntries(r, entryBytesMax);
  const snapshot = flags & F_SNAPSHOT ? readSnapshotMetadata(r) : undefined;
  const chunk = flags & F_CHUNK ? readChunk(r, (flags & F_CHUNK_LAST) !== 0) : undefined;
  const context = flags & F_CONTEXT ? r.bytes('context', entryBytesMax) : undefined;
  const leaderTick = flags & F_LEADER_TICK ? r.varuint('leaderTick') : undefined;
  return { type, group, from, to, term, logTerm, index, entries, commit, reject: (flags & F_REJECT) !== 0, rejectHint, snapshot, chunk, context, leaderTick };
}

function readEntries(r: ByteReader, entryBytesMax: number): Entry[] {
  const n = r.count('entries', 3);
  if (n === 0) return [];
  const first = r.varuint('entries.firstIndex');
  if (!Number.isSafeInteger(first + n)) r.fail('entries.firstIndex', 'index overflow');
  const entries: Entry[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const term = r.varuint('entries.term') as Term;
    const type = ENTRY_TYPES[r.u8('entries.type')];
    if (type === undefined) r.fail('entries.type', 'unknown entry type');
    entries[i] = { term, index: (first + i) as LogIndex, type, data: r.bytes('entries.data', entryBytesMax) };
  }
  return entries;
}

function readIds(r: ByteReader, field: string): NodeId[] {
  const n = r.count(field, 1);
  const ids: NodeId[] = new Array(n);
  for (let i = 0; i < n; i++) ids[i] = r.varuint(field) as NodeId;
  return ids;
}

export function readSnapshotMetadata(r: ByteReader): SnapshotMetadata {
  const index = r.varuint('snapshot.index') as LogIndex;
  const term = r.varuint('snapshot.term') as Term;
  const voters = readIds(r, 'snapshot.voters');
  const learners = readIds(r, 'snapshot.learners');
  const votersOutgoing = readIds(r, 'snapshot.votersOutgoing');
  const learnersNext = readIds(r, 'snapshot.learnersNext');
  const autoLeave = r.u8('snapshot.autoLeave');
  if (autoLeave > 1) r.fail('snapshot.autoLeave', 'not 0 or 1');
  const confState: ConfState = { voters, learners, votersOutgoing, learnersNext, autoLeave: autoLeave === 1 };
  return { index, term, confState };
}

function readChunk(r: ByteReader, last: boolean): SnapshotChunk {
  const offset = r.varuint('chunk.offset');
  const totalBytes = r.varuint('chunk.totalBytes');
  const data = r.bytes('chunk.data');
  if (offset + data.length > totalBytes) r.fail('chunk', `bytes ${offset}..${offset + data.length} exceed totalBytes ${totalBytes}`);
  if (last !== (offset + data.length === totalBytes)) r.fail('chunk.last', 'does not match the chunk end');
  return { offset, data, totalBytes, last };
}
