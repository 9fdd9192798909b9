// The snapshot file format:
//
//   "KVSN" | u8 version | u53 index | u53 term | confState | u53 dataLength | data | u32 crc32c
//
// confState is four lists (voters, learners, votersOutgoing, learnersNext), each a u32 count of u53
// node ids, then u8 autoLeave. The CRC covers every byte before it, so any damage is detected.
import type { ConfState, Snapshot } from '../raft/types.ts';
import { logIndex, nodeId, term, type NodeId } from '../types.ts';
import { FixedReader, FixedWriter, readU32 } from './binary.ts';
import { crc32c } from './crc32c.ts';

const magic = [0x4b, 0x56, 0x53, 0x4e]; // "KVSN"
const snapshotFormatVersion = 1;
const crcBytes = 4;

export function encodeSnapshotFile(snapshot: Snapshot): Uint8Array {
  const { metadata, data } = snapshot;
  const cs = metadata.confState;
  const lists = [cs.voters, cs.learners, cs.votersOutgoing, cs.learnersNext];
  const listBytes = lists.reduce((n, l) => n + 4 + 8 * l.length, 0);
  const length = 4 + 1 + 16 + listBytes + 1 + 8 + data.length + crcBytes;
  const w = new FixedWriter(length).raw(Uint8Array.from(magic)).u8(snapshotFormatVersion).u53(metadata.index).u53(metadata.term);
  for (const list of lists) {
    w.u32(list.length);
    for (const id of list) w.u53(id);
  }
  w.u8(cs.autoLeave ? 1 : 0).u53(data.length).raw(data);
  w.u32(crc32c(w.bytes, 0, length - crcBytes));
  return w.done();
}

/** Decodes a snapshot file; a string says what is wrong with it. */
export function decodeSnapshotFile(bytes: Uint8Array): Snapshot | string {
  if (bytes.length < magic.length + crcBytes) return `too short (${bytes.length} bytes)`;
  if (!magic.every((b, i) => bytes[i] === b)) return 'not a snapshot file (bad magic)';
  const stored = readU32(bytes, bytes.length - crcBytes);
  if (crc32c(bytes, 0, bytes.length - crcBytes) !== stored) return 'checksum mismatch';
  const r = new FixedReader(bytes, magic.length, bytes.length - crcBytes);
  const version = r.u8();
  if (version !== snapshotFormatVersion) return `format version ${version} is not ${snapshotFormatVersion}`;
  const index = logIndex(r.u53());
  const snapTerm = term(r.u53());
  const readList = (): NodeId[] => {
    const count = r.u32();
    if (count > r.remaining() / 8) return [];
    return Array.from({ length: count }, () => nodeId(r.u53()));
  };
  const confState: ConfState = { voters: readList(), learners: readList(), votersOutgoing: readList(), learnersNext: readList(), autoLeave: r.u8() === 1 };
  const dataLength = r.u53();
  const data = r.raw(dataLength).slice();
  if (!r.ok || r.remaining() !== 0) return 'malformed contents';
  return { metadata: { index, term: snapTerm, confState }, data };
}
