// Node lifecycle over time (starting, up, paused, crashed, stopped), from node.lifecycle transitions,
// with node.crash / node.restart as a fallback for traces that only record those.
import type { TraceEvent } from './trace-types.ts';

export interface LifecycleSpan {
  readonly node: number;
  readonly state: string;
  /** The lifecycle event that entered this state ('' when inferred). */
  readonly event: string;
  readonly start: number;
  readonly end: number;
}

/** States drawn hatched on a node's lanes: the node is not serving. */
export const downStates: ReadonlySet<string> = new Set(['crashed', 'paused', 'stopped']);
export const initialLifecycle = 'up';

interface Current {
  state: string;
  event: string;
  since: number;
}

export class LifecycleSpanBuilder {
  private readonly spans: LifecycleSpan[] = [];
  private readonly current = new Map<number, Current>();

  add(event: TraceEvent): void {
    const node = event.node as number;
    if (event.kind === 'node.lifecycle') {
      // Before its first transition a node was in that transition's `from` state (e.g. stopped).
      if (!this.current.has(node)) this.current.set(node, { state: event.from as string, event: '', since: 0 });
      this.enter(node, event.to as string, event.event as string, event.t);
    }
    else if (event.kind === 'node.crash' && this.stateOf(node) !== 'crashed') this.enter(node, 'crashed', 'crash', event.t);
    else if (event.kind === 'node.restart' && downStates.has(this.stateOf(node))) this.enter(node, 'starting', 'restart', event.t);
  }

  finish(endT: number): LifecycleSpan[] {
    for (const [node, current] of this.current) this.push(node, current, endT);
    this.current.clear();
    this.spans.sort((a, b) => a.start - b.start || a.node - b.node);
    return this.spans;
  }

  private stateOf(node: number): string {
    return this.current.get(node)?.state ?? initialLifecycle;
  }

  private enter(node: number, state: string, event: string, t: number): void {
    const current = this.current.get(node) ?? { state: initialLifecycle, event: '', since: 0 };
    if (current.state === state) return;
    this.push(node, current, t);
    this.current.set(node, { state, event, since: t });
  }

  private push(node: number, current: Current, end: number): void {
    if (end > current.since) this.spans.push({ node, state: current.state, event: current.event, start: current.since, end });
  }
}
