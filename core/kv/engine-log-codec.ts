// Records of PersistentSimEngine's batch log: one engine write (mutations + applied index) per record.
//
//   payloadLength:u32le  crc32c(payload):u32le  payload
//   payload = previousIndex:uvar appliedIndex:uvar n:uvar mutation*n
//   mutation = 1 put key flags value [expireAtMs] | 2 delete key | 3 putSession session | 4 deleteSession clientId
//
// previousIndex chains each record to the state it applies to, so recovery replays only a gap-free
// prefix. A torn or corrupt record ends the readable part of its file.
import { ByteReader, ByteWriter, failWith } from './bytes.ts';
import { crc32c } from '../storage/crc32c.ts';
import type { EngineMutation } from './engine.ts';
import { clientIdBytesMax, keyBytesMax } from './limits.ts';
import { readRecord, readSession, writeRecord, writeSession } from './snapshot-codec.ts';

const headerBytes = 8;
const mutationTags = { put: 1, delete: 2, putSession: 3, deleteSession: 4 } as const;

export interface LogRecord {
  readonly previousIndex: number;
  readonly appliedIndex: number;
  readonly mutations: readonly EngineMutation[];
}

const corruptRecord = failWith('corruptEngineLog', 'engine log record');

export function encodeLogRecord(record: LogRecord): Uint8Array {
  const w = new ByteWriter(failWith('invalidEngineLog', 'engine log record'), 256);
  for (let i = 0; i < headerBytes; i++) w.byte(0);
  w.uint(record.previousIndex, 'previousIndex');
  w.uint(record.appliedIndex, 'appliedIndex');
  w.uint(record.mutations.length, 'mutations');
  for (const m of record.mutations) {
    w.byte(mutationTags[m.kind]);
    if (m.kind === 'put') writeRecord(w, m.key, m.record);
    else if (m.kind === 'delete') w.byteString(m.key, 'key');
    else if (m.kind === 'putSession') writeSession(w, m.session);
    else w.byteString(m.clientId, 'clientId');
  }
  const out = w.finish();
  const view = new DataView(out.buffer);
  view.setUint32(0, out.length - headerBytes, true);
  view.setUint32(4, crc32c(out, headerBytes), true);
  return out;
}

function decodePayload(r: ByteReader): LogRecord {
  const previousIndex = r.uint('previousIndex');
  const appliedIndex = r.uint('appliedIndex');
  const count = r.uint('mutations');
  if (count > r.remaining) r.fail('mutations', `${count} mutations cannot fit in ${r.remaining} bytes`);
  const mutations: EngineMutation[] = [];
  for (let i = 0; i < count; i++) {
    const tag = r.byte('mutation.kind');
    if (tag === mutationTags.put) {
      const [key, record] = readRecord(r);
      mutations.push({ kind: 'put', key, record });
    } else if (tag === mutationTags.delete) mutations.push({ kind: 'delete', key: r.byteString('key', keyBytesMax) });
    else if (tag === mutationTags.putSession) mutations.push({ kind: 'putSession', session: readSession(r) });
    else if (tag === mutationTags.deleteSession) mutations.push({ kind: 'deleteSession', clientId: r.byteString('clientId', clientIdBytesMax) });
    else r.fail('mutation.kind', `unknown tag ${tag}`);
  }
  r.expectEnd('payload');
  return { previousIndex, appliedIndex, mutations };
}

/**
 * The intact records at the start of a log file, in order. Reading stops at the first record that is
 * truncated or fails its checksum (a torn tail); `intactBytes` says where that happened.
 */
export function readLogRecords(file: Uint8Array): { records: LogRecord[]; intactBytes: number } {
  const records: LogRecord[] = [];
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  let offset = 0;
  while (file.length - offset >= headerBytes) {
    const length = view.getUint32(offset, true);
    const end = offset + headerBytes + length;
    if (end > file.length || crc32c(file, offset + headerBytes, end) !== view.getUint32(offset + 4, true)) break;
    records.push(decodePayload(new ByteReader(file, corruptRecord, offset + headerBytes, end)));
    offset = end;
  }
  return { records, intactBytes: offset };
}
