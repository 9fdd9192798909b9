// Each node's GET /v1/cluster shows every member's own numbers (role, term, commit and applied index),
// not just what this node can infer: it polls each peer's /v1/cluster over HTTP and keeps the row the
// peer reports about itself. A peer that has not answered recently is shown as down. One request per
// peer is in flight at most; timers are unref'd so polling never keeps a stopping process alive.
import type { NodeId } from '../../core/types.ts';
import type { ClusterNodeStatus, ClusterStatus } from '../http/node-services.ts';

export interface PeerStatusPollerOptions {
  /** The peers to poll now (ids and HTTP "host:port"); asked again before every round. */
  readonly peers: () => ReadonlyArray<{ readonly id: NodeId; readonly httpAddr: string }>;
  readonly intervalMs: number;
  readonly timeoutMs: number;
  /** Monotonic ms. */
  readonly nowMs: () => number;
  /** Every whole answer from a peer (member addresses are learnt from them). */
  readonly onAnswer?: (peer: NodeId, status: ClusterStatus) => void;
  /** Called at the start of every polling round. */
  readonly onRound?: () => void;
}

export interface PeerReport {
  readonly row: ClusterNodeStatus;
  readonly atMs: number;
}

/** Bytes of a peer's /v1/cluster answer we are willing to read. */
const ANSWER_BYTES_MAX = 1024 * 1024;

export class PeerStatusPoller {
  private readonly reports = new Map<NodeId, PeerReport>();
  private readonly inflight = new Set<NodeId>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly options: PeerStatusPollerOptions) {}

  start(): void {
    this.round();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
  }

  /** The peer's last self-report, if it is younger than `freshMs`. */
  report(id: NodeId, freshMs: number): PeerReport | undefined {
    const report = this.reports.get(id);
    return report && this.options.nowMs() - report.atMs <= freshMs ? report : undefined;
  }

  private round(): void {
    if (this.stopped) return;
    this.options.onRound?.();
    for (const peer of this.options.peers()) {
      if (peer.httpAddr !== '' && !this.inflight.has(peer.id)) void this.poll(peer.id, peer.httpAddr);
    }
    this.timer = setTimeout(() => this.round(), this.options.intervalMs);
    this.timer.unref();
  }

  private async poll(id: NodeId, httpAddr: string): Promise<void> {
    this.inflight.add(id);
    try {
      const response = await fetch(`http://${httpAddr}/v1/cluster`, { signal: AbortSignal.timeout(this.options.timeoutMs) });
      const text = await response.text();
      if (response.status !== 200 || text.length > ANSWER_BYTES_MAX) return;
      const body = JSON.parse(text) as ClusterStatus;
      const row = selfRow(body, id);
      if (!row || this.stopped) return;
      this.reports.set(id, { row, atMs: this.options.nowMs() });
      this.options.onAnswer?.(id, body);
    } catch {
      // Down, slow or not a kvlab node: the report ages and the peer shows as down.
    } finally {
      this.inflight.delete(id);
    }
  }
}

function selfRow(body: unknown, id: NodeId): ClusterNodeStatus | undefined {
  const nodes = (body as { nodes?: unknown })?.nodes;
  if (!Array.isArray(nodes)) return undefined;
  const row = nodes.find((n: unknown) => (n as { id?: unknown })?.id === id) as ClusterNodeStatus | undefined;
  if (!row || typeof row.role !== 'string' || typeof row.term !== 'number') return undefined;
  return row;
}
