// Per-message facts the renderer needs every frame, computed once per run: the message's class, its
// sender and receiver lanes (as indexes into model.lanes), and running counts per class in send order
// so that "how many heartbeats are in view" is two lookups, not a scan.
import { firstAtOrAfter, lastAtOrBefore } from '../model/growable.ts';
import type { TimelineModel } from '../model/timeline-model.ts';
import { laneKey } from './layout.ts';
import { messageClass, type MessageClass } from './palette.ts';

export const messageClasses: readonly MessageClass[] = ['heartbeat', 'append', 'vote', 'snapshot', 'other'];

export interface MessageIndex {
  readonly classOf: Uint8Array;
  /** Index into model.lanes, -1 when the lane is unknown. */
  readonly fromLane: Int32Array;
  readonly toLane: Int32Array;
  /** classPrefix[c][i]: messages of class c among the first i (in send order). */
  readonly classPrefix: readonly Int32Array[];
}

export function buildMessageIndex(model: TimelineModel): MessageIndex {
  const m = model.messages;
  const laneIndex = new Map<number, number>(model.lanes.map((lane, i) => [laneKey(lane.group, lane.node), i]));
  const classOfType = m.types.map((type) => messageClasses.indexOf(messageClass(type)));
  const classOf = new Uint8Array(m.count);
  const fromLane = new Int32Array(m.count);
  const toLane = new Int32Array(m.count);
  const classPrefix = messageClasses.map(() => new Int32Array(m.count + 1));
  for (let i = 0; i < m.count; i += 1) {
    const cls = classOfType[m.typeCode[i]];
    classOf[i] = cls;
    fromLane[i] = laneIndex.get(laneKey(m.group[i], m.from[i])) ?? -1;
    toLane[i] = laneIndex.get(laneKey(m.group[i], m.to[i])) ?? -1;
    for (let c = 0; c < messageClasses.length; c += 1) classPrefix[c][i + 1] = classPrefix[c][i] + (c === cls ? 1 : 0);
  }
  return { classOf, fromLane, toLane, classPrefix };
}

/** About how many messages of each class were sent in [t0, t1] (enough to choose a level of detail). */
export function classCountsIn(model: TimelineModel, index: MessageIndex, t0: number, t1: number): number[] {
  const first = firstAtOrAfter(model.messages.sendT, t0);
  const last = lastAtOrBefore(model.messages.sendT, t1);
  return index.classPrefix.map((prefix) => (last < first ? 0 : prefix[last + 1] - prefix[first]));
}
