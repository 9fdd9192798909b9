// Point marks on the node lanes: commit index advances and election moments (a campaign started,
// a leader won). Commits are columns: every node commits every entry, so there are many.
import { Growable } from './growable.ts';
import type { TraceEvent } from './trace-types.ts';

export interface CommitTable {
  readonly count: number;
  readonly t: Float64Array;
  readonly node: Int32Array;
  readonly group: Int32Array;
  readonly index: Float64Array;
}

export type ElectionKind = 'preCampaign' | 'campaign' | 'won';

export interface ElectionMark {
  readonly t: number;
  readonly node: number;
  readonly group: number;
  readonly term: number;
  readonly kind: ElectionKind;
  readonly eventIndex: number;
}

const electionKindByRole: Readonly<Record<string, ElectionKind>> = { preCandidate: 'preCampaign', candidate: 'campaign', leader: 'won' };

export class RaftMarkBuilder {
  readonly elections: ElectionMark[] = [];
  private readonly t = new Growable(Float64Array);
  private readonly node = new Growable(Int32Array);
  private readonly group = new Growable(Int32Array);
  private readonly index = new Growable(Float64Array);

  add(event: TraceEvent, eventIndex: number): void {
    if (event.kind === 'raft.commit') {
      this.t.push(event.t);
      this.node.push(event.node as number);
      this.group.push(event.group as number);
      this.index.push(event.index as number);
    } else if (event.kind === 'raft.role') {
      const kind = electionKindByRole[event.to as string];
      if (kind !== undefined) {
        this.elections.push({ t: event.t, node: event.node as number, group: event.group as number, term: event.term as number, kind, eventIndex });
      }
    }
  }

  finishCommits(): CommitTable {
    return { count: this.t.length, t: this.t.finish(), node: this.node.finish(), group: this.group.finish(), index: this.index.finish() };
  }
}
