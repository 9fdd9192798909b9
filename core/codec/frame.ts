// The node-to-node frame: one byte of kind, then the kind's payload. Kind 1 carries a Raft Message;
// other kinds (2..255) carry an opaque payload that the node host defines itself (client forwarding,
// handshakes, ...), so adding one needs no change here. The transport adds the outer length prefix.
import { KvlabError } from '../types.ts';
import type { Message } from '../raft/types.ts';
import { ByteReader, ByteWriter } from './bytes.ts';
import { allocBytes, copyBytes } from './slab.ts';
import { readMessage, writeMessage } from './raft-message.ts';

export const FRAME_KIND_RAFT = 1;

/** Default bound on a frame's size; decodeFrame refuses anything larger. */
export const FRAME_BYTES_MAX_DEFAULT = 64 << 20;

export type Frame =
  | { readonly kind: 'raft'; readonly message: Message }
  | { readonly kind: 'opaque'; readonly tag: number; readonly payload: Uint8Array };

export function encodeFrame(frame: Frame): Uint8Array {
  if (frame.kind === 'raft') {
    const m = frame.message;
    let size = 96 + (m.context?.length ?? 0);
    for (let i = 0; i < m.entries.length; i++) size += m.entries[i].data.length + 12;
    if (m.chunk) size += m.chunk.data.length;
    const w = new ByteWriter(size);
    w.u8(FRAME_KIND_RAFT);
    writeMessage(w, m);
    return w.finish();
  }
  if (!Number.isInteger(frame.tag) || frame.tag < 2 || frame.tag > 255) {
    throw new KvlabError('badFrame', `frame tag: opaque frames use tags 2..255, got ${frame.tag}`);
  }
  const out = allocBytes(1 + frame.payload.length);
  out[0] = frame.tag;
  out.set(frame.payload, 1);
  return out;
}

/** Decodes a frame from the network; throws KvlabError (code badFrame) naming the bad field. */
export function decodeFrame(bytes: Uint8Array, frameBytesMax: number = FRAME_BYTES_MAX_DEFAULT): Frame {
  if (bytes.length > frameBytesMax) throw new KvlabError('badFrame', `frame: ${bytes.length} bytes exceed frameBytesMax ${frameBytesMax}`);
  if (bytes.length === 0) throw new KvlabError('badFrame', 'frame: field kind: truncated (empty frame)');
  const kind = bytes[0];
  if (kind === 0) throw new KvlabError('badFrame', 'frame: field kind: kind 0 is reserved');
  if (kind !== FRAME_KIND_RAFT) return { kind: 'opaque', tag: kind, payload: copyBytes(bytes.subarray(1)) };
  // One private copy of the frame; entry data and chunks are views into it, never into `bytes`.
  const r = new ByteReader(copyBytes(bytes), 'frame', 'badFrame', true);
  r.u8('kind');
  const message = readMessage(r, frameBytesMax);
  r.expectEnd();
  return { kind: 'raft', message };
}

/** The small JSON summary the trace records for a frame (net.send's `msg`). */
export function describeFrame(frame: Frame): Record<string, unknown> {
  if (frame.kind === 'opaque') return { type: 'opaque', tag: frame.tag, bytes: frame.payload.length };
  const m = frame.message;
  const out: Record<string, unknown> = { type: m.type, group: m.group, term: m.term };
  if (m.index !== 0) out.index = m.index;
  if (m.commit !== 0) out.commit = m.commit;
  if (m.entries.length > 0) out.entries = m.entries.length;
  if (m.reject) out.reject = true;
  return out;
}
