// Node state at any event: the reducer's world is saved every `checkpointEvery` state events, so
// "as of event i" clones the nearest earlier checkpoint and replays at most that many events, parsed
// again from their raw lines (holding hundreds of thousands of parsed events would cost far more).
import { lastAtOrBefore } from './growable.ts';
import { applyStateEvent, cloneWorld, groupOf, stateKinds, type WorldState } from './node-state.ts';
import type { TraceEvent } from './trace-types.ts';

export const checkpointEvery = 2048;

export interface StateTimeline {
  /** The world after every event with index <= eventIndex (eventIndex -1: before the first). */
  at(eventIndex: number): WorldState;
}

interface Checkpoint {
  /** Number of state events applied. */
  readonly applied: number;
  readonly world: WorldState;
}

export class StateTimelineBuilder {
  private readonly eventIndexes: number[] = [];
  private readonly checkpoints: Checkpoint[] = [];
  private readonly live: WorldState = new Map();

  /** Lanes the header names exist (as followers at term 0) before any event. */
  declare(node: number, group: number): void {
    groupOf(this.live, node, group);
  }

  add(event: TraceEvent, index: number): void {
    if (!stateKinds.has(event.kind)) return;
    if (this.checkpoints.length === 0) this.checkpoints.push({ applied: 0, world: cloneWorld(this.live) });
    this.eventIndexes.push(index);
    applyStateEvent(this.live, event);
    const applied = this.eventIndexes.length;
    if (applied % checkpointEvery === 0) this.checkpoints.push({ applied, world: cloneWorld(this.live) });
  }

  /** `lines` holds every event's raw text by event index (EventTable.lines). */
  finish(lines: readonly string[]): StateTimeline {
    if (this.checkpoints.length === 0) this.checkpoints.push({ applied: 0, world: cloneWorld(this.live) });
    const eventIndexes = Int32Array.from(this.eventIndexes);
    const { checkpoints } = this;
    return {
      at(eventIndex: number): WorldState {
        // Number of state events at or before eventIndex.
        const applied = lastAtOrBefore(eventIndexes, eventIndex) + 1;
        let c = checkpoints.length - 1;
        while (checkpoints[c].applied > applied) c -= 1;
        const world = cloneWorld(checkpoints[c].world);
        for (let i = checkpoints[c].applied; i < applied; i += 1) applyStateEvent(world, JSON.parse(lines[eventIndexes[i]]) as TraceEvent);
        return world;
      },
    };
  }
}
