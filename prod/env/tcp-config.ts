// Configuration, limits and counters of the TCP peer transport. Every queue and buffer of the
// transport is bounded by one of these limits; the defaults suit a LAN cluster with Raft messages of
// up to a few MiB (append batches and snapshot chunks are bounded well below frameBytesMax by Raft).
import type { Tracer } from '../../core/env/tracer.ts';
import { KvlabError, type NodeId } from '../../core/types.ts';
import { HANDSHAKE_BYTES_MAX } from './handshake.ts';
import { FRAME_PAYLOAD_BYTES_LIMIT } from './frame-codec.ts';

export interface PeerAddress {
  readonly host: string;
  readonly port: number;
}

export interface TcpNetworkLimits {
  /** Largest frame payload sent or accepted; a larger incoming length closes the connection. */
  readonly frameBytesMax: number;
  /** Outbound frames waiting per peer, by count and by payload bytes; beyond either the oldest are dropped. */
  readonly queueFramesMax: number;
  readonly queueBytesMax: number;
  /** One socket write joins at most this many frames / bytes (a single larger frame goes alone). */
  readonly writeBatchFramesMax: number;
  readonly writeBatchBytesMax: number;
  /** Reconnect backoff: doubles from Min to Max per failed attempt, with jitter in [delay/2, delay]. */
  readonly reconnectDelayMsMin: number;
  readonly reconnectDelayMsMax: number;
  /** A connection that has not completed its handshake within this time is closed. */
  readonly handshakeTimeoutMs: number;
  /** Accepted connections open at once (authenticated or not); more are refused. */
  readonly inboundConnectionsMax: number;
  /** TCP keep-alive probe delay, so a silently dead peer is noticed. */
  readonly keepAliveMs: number;
}

export const defaultTcpNetworkLimits: TcpNetworkLimits = {
  frameBytesMax: 8 * 1024 * 1024,
  queueFramesMax: 8192,
  queueBytesMax: 32 * 1024 * 1024,
  writeBatchFramesMax: 1024,
  writeBatchBytesMax: 256 * 1024,
  reconnectDelayMsMin: 50,
  reconnectDelayMsMax: 5000,
  handshakeTimeoutMs: 5000,
  inboundConnectionsMax: 1024,
  keepAliveMs: 10_000,
};

export interface TcpNetworkConfig {
  readonly nodeId: NodeId;
  readonly clusterId: string;
  /** Where this node accepts peer connections; port 0 picks a free port (see TcpNetwork.listen). */
  readonly listen: PeerAddress;
  /** Every other member; change at run time with setPeer/removePeer. */
  readonly peers: ReadonlyMap<NodeId, PeerAddress>;
  readonly limits?: Partial<TcpNetworkLimits>;
  /** Connection events (tcp.*) go here; production writes them to the JSON-lines log. */
  readonly tracer?: Tracer;
  /** Uniform [0, 1) for backoff jitter; Math.random by default. */
  readonly random?: () => number;
}

/** Per-peer counters for /metrics. Received counts are for frames that arrived from that peer. */
export interface PeerStats {
  framesSent: number;
  bytesSent: number;
  framesReceived: number;
  bytesReceived: number;
  /** Dropped because the queue was full (the oldest frames go). */
  framesDroppedQueueFull: number;
  /** Dropped because the peer was unreachable (in backoff, or the connection broke with frames queued). */
  framesDroppedUnreachable: number;
  /** Dropped on send because larger than frameBytesMax. */
  framesDroppedTooLarge: number;
  /** Connections that completed the handshake (outbound) and ones that then broke. */
  connects: number;
  disconnects: number;
  /** Handshakes refused in either direction, involving this peer. */
  handshakeFailures: number;
  /** Inbound connections from this peer closed for announcing a frame above frameBytesMax. */
  oversizeFrameCloses: number;
}

export interface TcpNetworkStats {
  readonly peers: ReadonlyMap<NodeId, Readonly<PeerStats> & { readonly connected: boolean; readonly queuedFrames: number; readonly queuedBytes: number }>;
  /** Handshakes refused from dialers that are not a known peer (wrong cluster, unknown id, garbage). */
  readonly handshakeFailuresUnknown: number;
  /** Frames sent to a node id that is not a configured peer. */
  readonly framesDroppedUnknownPeer: number;
  readonly inboundConnections: number;
}

export function newPeerStats(): PeerStats {
  return {
    framesSent: 0,
    bytesSent: 0,
    framesReceived: 0,
    bytesReceived: 0,
    framesDroppedQueueFull: 0,
    framesDroppedUnreachable: 0,
    framesDroppedTooLarge: 0,
    connects: 0,
    disconnects: 0,
    handshakeFailures: 0,
    oversizeFrameCloses: 0,
  };
}

/** Merges and checks limits; a bad value is a configuration error naming the field. */
export function resolveTcpLimits(overrides: Partial<TcpNetworkLimits> = {}): TcpNetworkLimits {
  const limits: TcpNetworkLimits = { ...defaultTcpNetworkLimits, ...overrides };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new KvlabError('configInvalid', `network limit ${name} must be an integer >= 1, got ${String(value)}`);
    }
  }
  const problem = limitsProblem(limits);
  if (problem !== null) throw new KvlabError('configInvalid', `network limits: ${problem}`);
  return limits;
}

function limitsProblem(limits: TcpNetworkLimits): string | null {
  if (limits.frameBytesMax > FRAME_PAYLOAD_BYTES_LIMIT) return `frameBytesMax must be <= ${FRAME_PAYLOAD_BYTES_LIMIT}`;
  if (limits.frameBytesMax < HANDSHAKE_BYTES_MAX) return `frameBytesMax must be >= ${HANDSHAKE_BYTES_MAX}`;
  if (limits.queueBytesMax < limits.frameBytesMax) return 'queueBytesMax must be >= frameBytesMax (a largest frame must fit)';
  if (limits.reconnectDelayMsMax < limits.reconnectDelayMsMin) return 'reconnectDelayMsMax must be >= reconnectDelayMsMin';
  return null;
}

export function checkPeerAddress(id: NodeId, address: PeerAddress): void {
  if (typeof address.host !== 'string' || address.host === '') {
    throw new KvlabError('configInvalid', `peer ${id}: host must be a non-empty string`);
  }
  if (!Number.isInteger(address.port) || address.port < 1 || address.port > 65535) {
    throw new KvlabError('configInvalid', `peer ${id}: port must be an integer in 1..65535, got ${String(address.port)}`);
  }
}
