// The accepting half of the transport: a connection dialed by a peer, carrying that peer's frames to
// us. The first frame must be a valid hello (right cluster, addressed to us, from a configured peer);
// otherwise we answer with the reason, log it and close. After the handshake every frame is handed to
// the receiver; a frame header announcing more than frameBytesMax closes the connection (the stream
// cannot be resynchronised, and the dialer will reconnect).
import type { Socket } from 'node:net';
import type { NodeId } from '../../core/types.ts';
import { encodeFrames, FRAME_HEADER_BYTES, FrameDecoder, FrameTooLargeError } from './frame-codec.ts';
import { checkHello, encodeJson, HANDSHAKE_BYTES_MAX, type HelloReply, PROTOCOL_NAME, PROTOCOL_VERSION } from './handshake.ts';

/** What an inbound connection needs from the network that accepted it. */
export interface InboundHost {
  readonly nodeId: NodeId;
  readonly clusterId: string;
  readonly frameBytesMax: number;
  readonly handshakeTimeoutMs: number;
  isKnownPeer(id: NodeId): boolean;
  /** The handshake succeeded: the host makes this the one inbound connection of `peer`. */
  adopt(peer: NodeId, connection: InboundConnection): void;
  refused(claimedPeer: NodeId | null, reason: string): void;
  frame(peer: NodeId, payload: Uint8Array): void;
  oversize(peer: NodeId | null, error: FrameTooLargeError): void;
  closed(connection: InboundConnection): void;
}

/** Time a refused dialer gets to read our reason before we cut the connection. */
const REFUSAL_LINGER_MS = 1000;

export class InboundConnection {
  private peer: NodeId | null = null;
  private state: 'handshake' | 'open' | 'refused' | 'closed' = 'handshake';
  private readonly decoder = new FrameDecoder(HANDSHAKE_BYTES_MAX);
  private handshakeTimer: NodeJS.Timeout | null;

  constructor(
    private readonly host: InboundHost,
    private readonly socket: Socket,
  ) {
    socket.setNoDelay(true);
    this.handshakeTimer = setTimeout(() => this.refuse(null, `no handshake within ${host.handshakeTimeoutMs} ms`), host.handshakeTimeoutMs);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => {}); // 'close' follows
    socket.on('close', () => this.onClose());
  }

  peerId(): NodeId | null {
    return this.peer;
  }

  destroy(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    if (this.state !== 'handshake' && this.state !== 'open') return;
    try {
      this.decoder.push(chunk, (payload) => this.onFrame(payload));
    } catch (error) {
      if (!(error instanceof FrameTooLargeError)) throw error;
      this.host.oversize(this.peer, error);
      this.state = 'closed';
      this.socket.destroy();
    }
  }

  private onFrame(payload: Uint8Array): void {
    if (this.state === 'open' && this.peer !== null) {
      this.host.frame(this.peer, payload);
      return;
    }
    if (this.state !== 'handshake') return;
    const checked = checkHello(payload, { clusterId: this.host.clusterId, nodeId: this.host.nodeId, isKnownPeer: (id) => this.host.isKnownPeer(id) });
    if ('reason' in checked) {
      this.refuse(claimedSender(payload, this.host), checked.reason);
      return;
    }
    this.clearHandshakeTimer();
    this.peer = checked.hello.from;
    this.state = 'open';
    // Raised before the next header is parsed: the decoder reads the limit per frame.
    this.decoder.frameBytesMax = this.host.frameBytesMax;
    this.reply({ protocol: PROTOCOL_NAME, version: PROTOCOL_VERSION, ok: true, clusterId: this.host.clusterId, nodeId: this.host.nodeId });
    this.host.adopt(this.peer, this);
  }

  private refuse(claimedPeer: NodeId | null, reason: string): void {
    if (this.state !== 'handshake') return;
    this.clearHandshakeTimer();
    this.state = 'refused';
    this.host.refused(claimedPeer, reason);
    this.reply({ protocol: PROTOCOL_NAME, version: PROTOCOL_VERSION, ok: false, reason });
    this.socket.end();
    setTimeout(() => this.socket.destroy(), REFUSAL_LINGER_MS).unref();
  }

  private reply(reply: HelloReply): void {
    if (!this.socket.destroyed) this.socket.write(encodeFrames([encodeJson(reply)]));
  }

  private onClose(): void {
    this.clearHandshakeTimer();
    this.state = 'closed';
    this.host.closed(this);
  }

  private clearHandshakeTimer(): void {
    if (this.handshakeTimer !== null) clearTimeout(this.handshakeTimer);
    this.handshakeTimer = null;
  }
}

/** The sender a refused hello claims to be, when it is a configured peer (so stats can name it). */
function claimedSender(payload: Uint8Array, host: InboundHost): NodeId | null {
  try {
    const from = (JSON.parse(new TextDecoder().decode(payload)) as { from?: unknown }).from;
    return typeof from === 'number' && host.isKnownPeer(from as NodeId) ? (from as NodeId) : null;
  } catch {
    return null;
  }
}

export const inboundFrameBytes = (payload: Uint8Array): number => FRAME_HEADER_BYTES + payload.length;
