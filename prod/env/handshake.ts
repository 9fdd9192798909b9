// The first frame in each direction of a peer connection. The dialer says who it is and whom it
// means to reach; the acceptor checks both against its configuration and answers with its own
// identity, or with a refusal and the reason, then closes. JSON keeps it readable in a packet capture
// and easy to extend; it is tiny and sent once per connection.
import type { NodeId } from '../../core/types.ts';

export const PROTOCOL_NAME = 'kvlab-raft';
export const PROTOCOL_VERSION = 1;
/** Limit for a frame before the handshake completed: stray clients must not make us buffer much. */
export const HANDSHAKE_BYTES_MAX = 4096;

export interface Hello {
  readonly protocol: string;
  readonly version: number;
  readonly clusterId: string;
  readonly from: NodeId;
  readonly to: NodeId;
}

export type HelloReply =
  | { readonly protocol: string; readonly version: number; readonly ok: true; readonly clusterId: string; readonly nodeId: NodeId }
  | { readonly protocol: string; readonly version: number; readonly ok: false; readonly reason: string };

export interface AcceptorView {
  readonly clusterId: string;
  readonly nodeId: NodeId;
  readonly isKnownPeer: (id: NodeId) => boolean;
}

export function encodeJson(value: unknown): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(value));
}

function decodeObject(bytes: Uint8Array): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** Acceptor side: the dialer's hello, or the reason it is refused. */
export function checkHello(bytes: Uint8Array, self: AcceptorView): { hello: Hello } | { reason: string } {
  const hello = decodeObject(bytes);
  if (hello === null || hello.protocol !== PROTOCOL_NAME) return { reason: `not a ${PROTOCOL_NAME} handshake` };
  if (hello.version !== PROTOCOL_VERSION) return { reason: `protocol version ${String(hello.version)} is not supported (want ${PROTOCOL_VERSION})` };
  if (hello.clusterId !== self.clusterId) {
    return { reason: `cluster id ${JSON.stringify(hello.clusterId)} does not match this node's cluster id ${JSON.stringify(self.clusterId)}` };
  }
  const from = hello.from;
  const to = hello.to;
  if (!isNodeId(from) || !isNodeId(to)) return { reason: 'handshake node ids must be integers >= 1' };
  if (to !== self.nodeId) return { reason: `dialer expected node ${to} but this is node ${self.nodeId}` };
  if (from === self.nodeId) return { reason: `dialer claims this node's own id ${from}` };
  if (!self.isKnownPeer(from)) return { reason: `node ${from} is not a configured peer of node ${self.nodeId}` };
  return { hello: { protocol: PROTOCOL_NAME, version: PROTOCOL_VERSION, clusterId: self.clusterId, from, to } };
}

/** Dialer side: null if the acceptor is who we expected, else the reason to drop the connection. */
export function checkHelloReply(bytes: Uint8Array, clusterId: string, expected: NodeId): string | null {
  const reply = decodeObject(bytes);
  if (reply === null || reply.protocol !== PROTOCOL_NAME) return `peer did not answer with a ${PROTOCOL_NAME} handshake`;
  if (reply.ok !== true) return `peer refused the handshake: ${typeof reply.reason === 'string' ? reply.reason : 'no reason given'}`;
  if (reply.clusterId !== clusterId) return `peer belongs to cluster ${JSON.stringify(reply.clusterId)}, not ${JSON.stringify(clusterId)}`;
  if (reply.nodeId !== expected) return `peer at this address is node ${String(reply.nodeId)}, expected node ${expected}`;
  return null;
}

function isNodeId(value: unknown): value is NodeId {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 1;
}
