// Numbers faults and traces their start and stop (docs/trace.md `fault.start` / `fault.stop`).
// One log is shared by the network and the nemesis so fault ids are unique within a run.
import { KvlabError } from '../../core/types.ts';
import type { NodeId } from '../../core/types.ts';
import type { TraceSink, VirtualTime } from './trace-sink.ts';

export type FaultId = number & { readonly __brand: 'FaultId' };

export interface ActiveFault {
  readonly id: FaultId;
  readonly fault: string;
  readonly fields: Readonly<Record<string, unknown>>;
}

export class FaultLog {
  private idNext = 1;
  private readonly active = new Map<FaultId, ActiveFault>();

  constructor(
    private readonly sink: TraceSink,
    private readonly time: VirtualTime,
  ) {}

  /**
   * Starts a fault named `fault` (partition, oneWay, clog, pause, ...); traces `fault.start`. A fault
   * of one node passes `{ node }`: its events are stamped with that node rather than repeating the key.
   */
  start(fault: string, fields: Record<string, unknown> = {}): FaultId {
    const id = this.idNext++ as FaultId;
    this.active.set(id, { id, fault, fields });
    if (this.sink.enabled('fault.start')) {
      const { node, ...rest } = fields;
      this.sink.record(this.time.nowUs, stampNode(node), 'fault.start', { fault, id, ...rest });
    }
    return id;
  }

  /** Ends fault `id`; traces `fault.stop`. Stopping a fault that is not active is a user error. */
  stop(id: FaultId): ActiveFault {
    const fault = this.active.get(id);
    if (fault === undefined) throw new KvlabError('unknownFault', `fault ${id} is not active (never started, or already stopped)`);
    this.active.delete(id);
    if (this.sink.enabled('fault.stop')) this.sink.record(this.time.nowUs, stampNode(fault.fields.node), 'fault.stop', { fault: fault.fault, id });
    return fault;
  }

  get(id: FaultId): ActiveFault | undefined {
    return this.active.get(id);
  }

  /** Active faults in start order. */
  list(): ActiveFault[] {
    return [...this.active.values()];
  }
}

function stampNode(node: unknown): NodeId | null {
  return typeof node === 'number' ? (node as NodeId) : null;
}
