import type { NodeId } from '../types.ts';

/**
 * Unreliable, unordered datagram-like delivery of byte frames between nodes. Frames may be lost,
 * duplicated, delayed or reordered; the core must cope. Bytes (not objects) cross it, so the same
 * codec runs in the simulator and over TCP in production.
 */
export interface Network {
  /** Queues `frame` for `to`. Never throws for an unreachable peer: the frame is simply lost. */
  send(to: NodeId, frame: Uint8Array): void;
  /** Registers the single receiver of frames addressed to this node. */
  onReceive(receiver: (from: NodeId, frame: Uint8Array) => void): void;
}
