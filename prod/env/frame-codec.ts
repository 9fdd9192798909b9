// Wire framing for peer traffic: each frame is a u32 big-endian payload length followed by the
// payload. The decoder refuses any length above its limit before buffering a byte of the body, so a
// corrupt or hostile length (or a stray HTTP/RESP client: "GET " reads as ~1.2 GB) cannot make us
// allocate; the caller then closes the connection.
import { KvlabError } from '../../core/types.ts';

export const FRAME_HEADER_BYTES = 4;
/** The length field is a u32. */
export const FRAME_PAYLOAD_BYTES_LIMIT = 0xffff_ffff;

/** Joins frames into one buffer of length-prefixed frames, ready for a single socket write. */
export function encodeFrames(payloads: readonly Uint8Array[]): Buffer {
  let total = 0;
  for (const payload of payloads) total += FRAME_HEADER_BYTES + payload.length;
  const out = Buffer.allocUnsafe(total);
  let offset = 0;
  for (const payload of payloads) {
    out.writeUInt32BE(payload.length, offset);
    out.set(payload, offset + FRAME_HEADER_BYTES);
    offset += FRAME_HEADER_BYTES + payload.length;
  }
  return out;
}

export class FrameTooLargeError extends KvlabError {
  constructor(readonly bytes: number, readonly bytesMax: number) {
    super('frameTooLarge', `frame of ${bytes} bytes exceeds the limit of ${bytesMax} bytes`);
  }
}

/**
 * Reassembles frames from a byte stream. Chunks are buffered without copying until a whole frame is
 * there; a frame that spans chunks is joined once, when complete, so total work stays linear.
 */
export class FrameDecoder {
  private chunks: Buffer[] = [];
  private bufferedBytes = 0;
  /** Payload length of the frame being assembled, or -1 while its header is incomplete. */
  private payloadBytes = -1;

  /** The limit may be raised after a handshake: it is read before each frame header is accepted. */
  constructor(public frameBytesMax: number) {}

  /** Feeds bytes; calls `onFrame` for each complete frame (a private copy). Throws FrameTooLargeError. */
  push(chunk: Buffer, onFrame: (payload: Uint8Array) => void): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.bufferedBytes += chunk.length;
    // Every iteration consumes a whole frame or returns, so the loop is bounded by the bytes buffered.
    for (;;) {
      if (this.payloadBytes < 0) {
        if (this.bufferedBytes < FRAME_HEADER_BYTES) return;
        const length = this.contiguous(FRAME_HEADER_BYTES).readUInt32BE(0);
        if (length > this.frameBytesMax) throw new FrameTooLargeError(length, this.frameBytesMax);
        this.payloadBytes = length;
      }
      const frameBytes = FRAME_HEADER_BYTES + this.payloadBytes;
      if (this.bufferedBytes < frameBytes) return;
      const head = this.contiguous(frameBytes);
      const payload = new Uint8Array(head.subarray(FRAME_HEADER_BYTES, frameBytes));
      this.consume(frameBytes);
      this.payloadBytes = -1;
      onFrame(payload);
    }
  }

  bufferedByteCount(): number {
    return this.bufferedBytes;
  }

  /** Makes the first chunk hold at least `bytes` bytes (joining chunks if needed) and returns it. */
  private contiguous(bytes: number): Buffer {
    if (this.chunks[0].length < bytes) this.chunks = [Buffer.concat(this.chunks, this.bufferedBytes)];
    return this.chunks[0];
  }

  private consume(bytes: number): void {
    const first = this.chunks[0];
    if (first.length === bytes) this.chunks.shift();
    else this.chunks[0] = first.subarray(bytes);
    this.bufferedBytes -= bytes;
  }
}
