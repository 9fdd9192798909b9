// The outbound half of the transport for one peer: this node dials the peer and sends all of its
// frames to it over that connection; the peer's frames to us arrive on the connection it dials
// (tcp-inbound.ts). Two one-way connections per pair need no rule for who dials and no tie-breaking.
//
// States: idle (not started) -> connecting (TCP connect and handshake) -> ready -> (broken) backoff
// -> connecting ... ; closed is final. Frames queue while connecting or ready; in backoff the peer is
// unreachable and frames are dropped at once, so a dead peer costs no memory. Raft retransmits.
import { connect, type Socket } from 'node:net';
import type { Tracer } from '../../core/env/tracer.ts';
import type { NodeId } from '../../core/types.ts';
import { Backoff } from './backoff.ts';
import { encodeFrames, FrameDecoder, FrameTooLargeError } from './frame-codec.ts';
import { FrameQueue } from './frame-queue.ts';
import { checkHelloReply, encodeJson, HANDSHAKE_BYTES_MAX, type Hello, PROTOCOL_NAME, PROTOCOL_VERSION } from './handshake.ts';
import type { PeerAddress, PeerStats, TcpNetworkLimits } from './tcp-config.ts';

export type PeerLinkState = 'idle' | 'connecting' | 'ready' | 'backoff' | 'closed';

export interface PeerLinkContext {
  readonly nodeId: NodeId;
  readonly clusterId: string;
  readonly limits: TcpNetworkLimits;
  readonly tracer: Tracer;
  readonly random: () => number;
}

export class PeerLink {
  private state: PeerLinkState = 'idle';
  private socket: Socket | null = null;
  private readonly queue: FrameQueue;
  private readonly backoff: Backoff;
  private timer: NodeJS.Timeout | null = null;
  private flushScheduled = false;

  constructor(
    private readonly context: PeerLinkContext,
    readonly peer: NodeId,
    private address: PeerAddress,
    private readonly stats: PeerStats,
  ) {
    const { limits } = context;
    this.queue = new FrameQueue(limits.queueFramesMax, limits.queueBytesMax);
    this.backoff = new Backoff(limits.reconnectDelayMsMin, limits.reconnectDelayMsMax, context.random);
  }

  start(): void {
    if (this.state === 'idle') this.dial();
  }

  send(frame: Uint8Array): void {
    if (this.state === 'backoff' || this.state === 'closed') {
      this.stats.framesDroppedUnreachable += 1;
      return;
    }
    this.stats.framesDroppedQueueFull += this.queue.push(frame);
    if (this.state === 'ready') this.scheduleFlush();
  }

  /** A new address (membership or config change): reconnect there. */
  setAddress(address: PeerAddress): void {
    if (address.host === this.address.host && address.port === this.address.port) return;
    this.address = address;
    if (this.socket !== null) this.socket.destroy(); // 'close' reconnects to the new address
  }

  /**
   * The peer just dialed us and passed the handshake, so it is up and listening: if we are waiting out
   * a reconnect backoff to it, dial now. Without this, a node started (or restarted) while its peers
   * were backing off stays unreachable from them for up to reconnectDelayMsMax — it hears from no
   * leader, campaigns in vain, and a snapshot or catch-up waits that long.
   */
  peerIsUp(): void {
    if (this.state !== 'backoff') return;
    this.clearTimer();
    this.backoff.reset();
    this.context.tracer.emit('tcp.redial', { peer: this.peer, reason: 'the peer connected to us' });
    this.dial();
  }

  close(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.clearTimer();
    this.stats.framesDroppedUnreachable += this.queue.clear();
    this.socket?.destroy();
    this.socket = null;
  }

  isConnected(): boolean {
    return this.state === 'ready';
  }

  queuedFrames(): number {
    return this.queue.count();
  }

  queuedBytes(): number {
    return this.queue.byteCount();
  }

  private dial(): void {
    this.state = 'connecting';
    const { limits } = this.context;
    const socket = connect({ host: this.address.host, port: this.address.port });
    this.socket = socket;
    socket.setNoDelay(true); // we batch ourselves; Nagle would only add latency to heartbeats
    socket.setKeepAlive(true, limits.keepAliveMs);
    const decoder = new FrameDecoder(HANDSHAKE_BYTES_MAX);
    this.timer = setTimeout(() => this.abandon(socket, `no handshake reply within ${limits.handshakeTimeoutMs} ms`), limits.handshakeTimeoutMs);
    socket.on('connect', () => {
      const hello: Hello = { protocol: PROTOCOL_NAME, version: PROTOCOL_VERSION, clusterId: this.context.clusterId, from: this.context.nodeId, to: this.peer };
      socket.write(encodeFrames([encodeJson(hello)]));
    });
    socket.on('data', (chunk: Buffer) => this.onData(socket, decoder, chunk));
    socket.on('drain', () => this.flush());
    socket.on('error', () => {}); // 'close' follows and handles the failure
    socket.on('close', () => this.onClose(socket));
  }

  private onData(socket: Socket, decoder: FrameDecoder, chunk: Buffer): void {
    if (this.socket !== socket || this.state !== 'connecting') return; // the acceptor says nothing after its reply
    try {
      decoder.push(chunk, (reply) => {
        if (this.state !== 'connecting') return;
        const problem = checkHelloReply(reply, this.context.clusterId, this.peer);
        if (problem === null) this.onReady();
        else this.rejected(socket, problem);
      });
    } catch (error) {
      if (!(error instanceof FrameTooLargeError)) throw error;
      this.rejected(socket, `handshake reply too large: ${error.message}`);
    }
  }

  private onReady(): void {
    this.clearTimer();
    this.state = 'ready';
    this.backoff.reset();
    this.stats.connects += 1;
    this.context.tracer.emit('tcp.connect', { peer: this.peer, host: this.address.host, port: this.address.port });
    this.flush();
  }

  private rejected(socket: Socket, reason: string): void {
    this.stats.handshakeFailures += 1;
    this.context.tracer.emit('tcp.handshakeReject', { peer: this.peer, direction: 'outbound', reason });
    socket.destroy();
  }

  private abandon(socket: Socket, reason: string): void {
    this.context.tracer.emit('tcp.connectFailed', { peer: this.peer, reason });
    socket.destroy();
  }

  private onClose(socket: Socket): void {
    if (this.socket !== socket) return;
    this.socket = null;
    this.clearTimer();
    if (this.state === 'closed') return;
    if (this.state === 'ready') {
      this.stats.disconnects += 1;
      this.context.tracer.emit('tcp.disconnect', { peer: this.peer });
    }
    this.stats.framesDroppedUnreachable += this.queue.clear();
    this.state = 'backoff';
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.state === 'backoff') this.dial();
    }, this.backoff.nextDelayMs());
    this.timer.unref();
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    // Frames sent in the same turn of the event loop leave in one write.
    setImmediate(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  /** Writes queued frames in batches until the socket asks us to wait for 'drain'. */
  private flush(): void {
    const socket = this.socket;
    if (this.state !== 'ready' || socket === null) return;
    const { writeBatchFramesMax, writeBatchBytesMax } = this.context.limits;
    while (this.queue.count() > 0 && !socket.writableNeedDrain) {
      const batch: Uint8Array[] = [];
      let bytes = 0;
      for (let next = this.queue.peek(); next !== undefined; next = this.queue.peek()) {
        if (batch.length > 0 && (batch.length >= writeBatchFramesMax || bytes + next.length > writeBatchBytesMax)) break;
        batch.push(next);
        bytes += next.length;
        this.queue.shift();
      }
      const wire = encodeFrames(batch);
      this.stats.framesSent += batch.length;
      this.stats.bytesSent += wire.length;
      socket.write(wire);
    }
  }

  private clearTimer(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}
