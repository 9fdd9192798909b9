// Who held which Raft role when: one span per (node, group) role and term, cut at every raft.role and
// raft.term event. A crashed or stopped node holds no role until it restarts as a follower.
import type { TraceEvent } from './trace-types.ts';

export interface RoleSpan {
  readonly node: number;
  readonly group: number;
  readonly role: string;
  readonly term: number;
  /** The leader this node knew of (0: none). */
  readonly leader: number;
  readonly start: number;
  end: number;
}

interface OpenRole {
  role: string;
  term: number;
  leader: number;
  start: number;
}

export const initialRole = 'follower';

export class RoleSpanBuilder {
  readonly spans: RoleSpan[] = [];
  private readonly open = new Map<string, OpenRole & { node: number; group: number }>();
  /** (node, group) pairs that were open when their node went down, to reopen on restart. */
  private readonly downed = new Map<number, Array<{ group: number; term: number }>>();

  /** A (node, group) known before any event (from the trace header). */
  declare(node: number, group: number, t: number): void {
    if (!this.open.has(key(node, group))) this.openSpan(node, group, { role: initialRole, term: 0, leader: 0, start: t });
  }

  add(event: TraceEvent): void {
    const node = event.node as number;
    switch (event.kind) {
      case 'raft.role': {
        const group = event.group as number;
        const previous = this.close(node, group, event.t);
        if (previous === undefined && event.from !== event.to) this.backfill(node, group, event);
        this.openSpan(node, group, { role: event.to as string, term: event.term as number, leader: (event.leader as number | null) ?? 0, start: event.t });
        return;
      }
      case 'raft.term':
        return this.changeTerm(node, event.group as number, event.term as number, event.t);
      case 'node.crash':
        return this.down(node, event.t);
      case 'node.restart':
        return this.up(node, event.t);
      case 'node.lifecycle':
        if (event.to === 'crashed' || event.to === 'stopped') this.down(node, event.t);
        else if (event.from === 'crashed' || event.from === 'stopped') this.up(node, event.t);
        return;
    }
  }

  finish(endT: number): RoleSpan[] {
    for (const [k, span] of this.open) {
      this.push(span.node, span.group, span, endT);
      this.open.delete(k);
    }
    this.spans.sort((a, b) => a.start - b.start || a.node - b.node || a.group - b.group);
    return this.spans;
  }

  private changeTerm(node: number, group: number, termNew: number, t: number): void {
    const current = this.open.get(key(node, group));
    if (current !== undefined && current.term === termNew) return;
    const previous = this.close(node, group, t);
    // A new term forgets the old leader; raft.role says who leads once it is known.
    this.openSpan(node, group, { role: previous?.role ?? initialRole, term: termNew, leader: 0, start: t });
  }

  /** The first raft.role seen for a lane that the header did not declare: its `from` role held since 0. */
  private backfill(node: number, group: number, event: TraceEvent): void {
    if (event.t > 0) this.push(node, group, { role: event.from as string, term: event.term as number, leader: 0, start: 0 }, event.t);
  }

  private down(node: number, t: number): void {
    const groups: Array<{ group: number; term: number }> = [];
    for (const span of [...this.open.values()]) {
      if (span.node !== node) continue;
      groups.push({ group: span.group, term: span.term });
      this.close(node, span.group, t);
    }
    if (groups.length > 0) this.downed.set(node, groups);
  }

  private up(node: number, t: number): void {
    for (const { group, term } of this.downed.get(node) ?? []) {
      if (!this.open.has(key(node, group))) this.openSpan(node, group, { role: initialRole, term, leader: 0, start: t });
    }
    this.downed.delete(node);
  }

  private openSpan(node: number, group: number, role: OpenRole): void {
    this.open.set(key(node, group), { ...role, node, group });
  }

  private close(node: number, group: number, t: number): OpenRole | undefined {
    const k = key(node, group);
    const span = this.open.get(k);
    if (span === undefined) return undefined;
    this.open.delete(k);
    this.push(node, group, span, t);
    return span;
  }

  private push(node: number, group: number, role: OpenRole, end: number): void {
    if (end > role.start) this.spans.push({ node, group, role: role.role, term: role.term, leader: role.leader, start: role.start, end });
  }
}

function key(node: number, group: number): string {
  return `${node}/${group}`;
}

/** Who led each group when: the leader role spans, in time order. */
export function leaderSpans(spans: readonly RoleSpan[], group: number): RoleSpan[] {
  return spans.filter((span) => span.group === group && span.role === 'leader');
}
