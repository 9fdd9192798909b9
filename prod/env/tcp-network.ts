// core/env Network over TCP (node:net). Each node listens for its peers and dials each of them: the
// connection a node dials carries its frames to that peer, the one it accepts carries the peer's
// frames to it. Frames are u32-length-prefixed; each connection starts with a handshake naming the
// cluster and both node ids. See docs/production-env.md for the wire format and the guarantees.
import { createServer, type Server, type Socket } from 'node:net';
import type { Network } from '../../core/env/network.ts';
import { silentTracer, type Tracer } from '../../core/env/tracer.ts';
import { KvlabError, type NodeId } from '../../core/types.ts';
import { FrameTooLargeError } from './frame-codec.ts';
import { InboundConnection, inboundFrameBytes, type InboundHost } from './tcp-inbound.ts';
import { PeerLink, type PeerLinkContext } from './tcp-peer-link.ts';
import {
  checkPeerAddress,
  newPeerStats,
  type PeerAddress,
  type PeerStats,
  resolveTcpLimits,
  type TcpNetworkConfig,
  type TcpNetworkLimits,
  type TcpNetworkStats,
} from './tcp-config.ts';

type Receiver = (from: NodeId, frame: Uint8Array) => void;

export class TcpNetwork implements Network {
  readonly nodeId: NodeId;
  readonly clusterId: string;
  readonly limits: TcpNetworkLimits;
  private readonly tracer: Tracer;
  private readonly linkContext: PeerLinkContext;
  private readonly links = new Map<NodeId, PeerLink>();
  private readonly peerStats = new Map<NodeId, PeerStats>();
  private readonly inbound = new Set<InboundConnection>();
  private readonly inboundByPeer = new Map<NodeId, InboundConnection>();
  private readonly server: Server;
  private readonly inboundHost: InboundHost;
  private receiver: Receiver | null = null;
  private state: 'new' | 'listening' | 'closed' = 'new';
  private handshakeFailuresUnknown = 0;
  private framesDroppedUnknownPeer = 0;

  constructor(private readonly config: TcpNetworkConfig) {
    if (typeof config.clusterId !== 'string' || config.clusterId === '') throw new KvlabError('configInvalid', 'clusterId must be a non-empty string');
    this.nodeId = config.nodeId;
    this.clusterId = config.clusterId;
    this.limits = resolveTcpLimits(config.limits);
    this.tracer = config.tracer ?? silentTracer;
    this.linkContext = { nodeId: config.nodeId, clusterId: config.clusterId, limits: this.limits, tracer: this.tracer, random: config.random ?? Math.random };
    this.inboundHost = this.makeInboundHost();
    this.server = createServer((socket) => this.accept(socket));
    this.server.maxConnections = this.limits.inboundConnectionsMax;
    for (const [id, address] of config.peers) this.setPeer(id, address);
  }

  /** Starts accepting peers and dialing them. Resolves with the bound address (useful with port 0). */
  listen(): Promise<PeerAddress> {
    if (this.state !== 'new') return Promise.reject(new KvlabError('networkState', `network of node ${this.nodeId} is already ${this.state}`));
    const { host, port } = this.config.listen;
    return new Promise((resolve, reject) => {
      const onError = (error: NodeJS.ErrnoException): void => {
        reject(new KvlabError('listenFailed', `node ${this.nodeId} cannot listen for peers on ${host}:${port}: ${error.code ?? error.message}`));
      };
      this.server.once('error', onError);
      this.server.listen(port, host, () => {
        this.server.removeListener('error', onError);
        this.state = 'listening';
        for (const link of this.links.values()) link.start();
        const bound = this.address();
        this.tracer.emit('tcp.listen', { host: bound.host, port: bound.port });
        resolve(bound);
      });
    });
  }

  /** The address the server is bound to (after listen). */
  address(): PeerAddress {
    const bound = this.server.address();
    if (bound === null || typeof bound === 'string') throw new KvlabError('networkState', `network of node ${this.nodeId} is not listening`);
    return { host: bound.address, port: bound.port };
  }

  send(to: NodeId, frame: Uint8Array): void {
    if (this.state === 'closed') return;
    if (to === this.nodeId) {
      // Loopback never touches a socket, but stays asynchronous like any delivery.
      setImmediate(() => this.receiver?.(to, frame));
      return;
    }
    const link = this.links.get(to);
    if (link === undefined) {
      this.framesDroppedUnknownPeer += 1;
      return;
    }
    if (frame.length > this.limits.frameBytesMax) {
      this.peerStats.get(to)!.framesDroppedTooLarge += 1;
      this.tracer.emit('tcp.frameTooLarge', { peer: to, direction: 'outbound', bytes: frame.length, bytesMax: this.limits.frameBytesMax });
      return;
    }
    link.send(frame);
  }

  onReceive(receiver: Receiver): void {
    this.receiver = receiver;
  }

  /** Adds a peer or changes its address (membership changes at run time). */
  setPeer(id: NodeId, address: PeerAddress): void {
    if (id === this.nodeId) throw new KvlabError('configInvalid', `node ${id} cannot be its own peer`);
    checkPeerAddress(id, address);
    if (this.state === 'closed') return;
    const existing = this.links.get(id);
    if (existing !== undefined) {
      existing.setAddress(address);
      return;
    }
    const stats = newPeerStats();
    this.peerStats.set(id, stats);
    const link = new PeerLink(this.linkContext, id, address, stats);
    this.links.set(id, link);
    if (this.state === 'listening') link.start();
  }

  /** Forgets a peer: its queued frames are dropped and both of its connections closed. */
  removePeer(id: NodeId): void {
    this.links.get(id)?.close();
    this.links.delete(id);
    this.peerStats.delete(id);
    this.inboundByPeer.get(id)?.destroy();
    this.inboundByPeer.delete(id);
  }

  peers(): NodeId[] {
    return [...this.links.keys()].sort((a, b) => a - b);
  }

  stats(): TcpNetworkStats {
    const peers = new Map<NodeId, PeerStats & { connected: boolean; queuedFrames: number; queuedBytes: number }>();
    for (const [id, link] of this.links) {
      peers.set(id, { ...this.peerStats.get(id)!, connected: link.isConnected(), queuedFrames: link.queuedFrames(), queuedBytes: link.queuedBytes() });
    }
    return {
      peers,
      handshakeFailuresUnknown: this.handshakeFailuresUnknown,
      framesDroppedUnknownPeer: this.framesDroppedUnknownPeer,
      inboundConnections: this.inbound.size,
    };
  }

  /** Stops listening, drops queued frames and closes every connection. */
  close(): Promise<void> {
    if (this.state === 'closed') return Promise.resolve();
    const wasListening = this.state === 'listening';
    this.state = 'closed';
    this.receiver = null;
    for (const link of this.links.values()) link.close();
    for (const connection of this.inbound) connection.destroy();
    if (!wasListening) return Promise.resolve();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: Socket): void {
    if (this.state !== 'listening') {
      socket.destroy();
      return;
    }
    this.inbound.add(new InboundConnection(this.inboundHost, socket));
  }

  private makeInboundHost(): InboundHost {
    return {
      nodeId: this.nodeId,
      clusterId: this.clusterId,
      frameBytesMax: this.limits.frameBytesMax,
      handshakeTimeoutMs: this.limits.handshakeTimeoutMs,
      isKnownPeer: (id) => this.links.has(id),
      adopt: (peer, connection) => {
        // A peer that restarted dials again while its old connection may linger half-open: keep the new one.
        const previous = this.inboundByPeer.get(peer);
        this.inboundByPeer.set(peer, connection);
        if (previous !== undefined && previous !== connection) previous.destroy();
        this.links.get(peer)?.peerIsUp();
      },
      refused: (claimedPeer, reason) => {
        const stats = claimedPeer === null ? undefined : this.peerStats.get(claimedPeer);
        if (stats === undefined) this.handshakeFailuresUnknown += 1;
        else stats.handshakeFailures += 1;
        this.tracer.emit('tcp.handshakeReject', { peer: claimedPeer, direction: 'inbound', reason });
      },
      frame: (peer, payload) => {
        const stats = this.peerStats.get(peer);
        if (stats === undefined) return; // removed while frames were in flight
        stats.framesReceived += 1;
        stats.bytesReceived += inboundFrameBytes(payload);
        this.receiver?.(peer, payload);
      },
      oversize: (peer, error: FrameTooLargeError) => {
        const stats = peer === null ? undefined : this.peerStats.get(peer);
        if (stats !== undefined) stats.oversizeFrameCloses += 1;
        else this.handshakeFailuresUnknown += 1;
        this.tracer.emit('tcp.frameTooLarge', { peer, direction: 'inbound', bytes: error.bytes, bytesMax: error.bytesMax });
      },
      closed: (connection) => {
        this.inbound.delete(connection);
        const peer = connection.peerId();
        if (peer !== null && this.inboundByPeer.get(peer) === connection) this.inboundByPeer.delete(peer);
      },
    };
  }
}
