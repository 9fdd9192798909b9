// One frame on its way through the simulated network, and the per-link state it travels on.
import type { NodeId } from '../../core/types.ts';
import type { LinkConfig } from './link-config.ts';

export interface InflightFrame {
  readonly id: number;
  readonly from: NodeId;
  readonly to: NodeId;
  readonly data: Uint8Array;
  /** Incarnations of sender and receiver at send: a frame outlives neither. */
  readonly fromIncarnation: number;
  readonly toIncarnation: number;
  readonly link: Link;
}

export interface Link {
  readonly from: NodeId;
  readonly to: NodeId;
  config: LinkConfig;
  /** Set by setLink; the effective config is the network default overlaid with it. */
  override: Partial<LinkConfig> | undefined;
  inflightBytes: number;
  /**
   * Latest arrival time scheduled for an in-order frame of the link's current connection: the next
   * in-order frame arrives no earlier, as within one TCP connection (FIFO; a frame reordered on
   * purpose neither waits for it nor moves it).
   */
  fifoArrivalUs: number;
  /** The connection (sender and receiver incarnations) fifoArrivalUs belongs to: a new one starts free. */
  fifoFromIncarnation: number;
  fifoToIncarnation: number;
  /** Active clog faults on this link; frames are held while > 0. */
  clogCount: number;
  readonly held: InflightFrame[];
}

/** Why a frame was lost (docs/trace.md `net.drop` reason). */
export type DropReason = 'loss' | 'partition' | 'crashed' | 'inflight-cap' | 'clog-overflow' | 'paused-overflow' | 'no-receiver';

export interface NetworkStats {
  sent: number;
  delivered: number;
  duplicated: number;
  reordered: number;
  dropped: Record<DropReason, number>;
}

export function emptyNetworkStats(): NetworkStats {
  return {
    sent: 0,
    delivered: 0,
    duplicated: 0,
    reordered: 0,
    dropped: { loss: 0, partition: 0, crashed: 0, 'inflight-cap': 0, 'clog-overflow': 0, 'paused-overflow': 0, 'no-receiver': 0 },
  };
}
