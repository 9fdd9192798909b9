// Builds small trace.jsonl texts for the tests: events are written as (t, node, kind, fields) and
// get their seq numbers here, in the field order docs/trace.md fixes.

export type EventSpec = [t: number, node: number | null, kind: string, fields?: Record<string, unknown>];

export const defaultMeta = { kind: 'meta', scenario: 'test', seed: 7, version: 1, nodes: [1, 2, 3], groups: [1], durationMs: 1000 };

export function traceText(events: readonly EventSpec[], meta: Record<string, unknown> = defaultMeta): string {
  const lines = [JSON.stringify(meta)];
  events.forEach(([t, node, kind, fields], i) => lines.push(JSON.stringify({ t, seq: i + 1, node, kind, ...fields })));
  return `${lines.join('\n')}\n`;
}

export const send = (t: number, id: number, from: number, to: number, type = 'app', extra: Record<string, unknown> = {}): EventSpec =>
  [t, from, 'net.send', { id, from, to, bytes: 64, msg: { type, group: 1, term: 1, ...extra } }];
export const deliver = (t: number, id: number, from: number, to: number): EventSpec => [t, to, 'net.deliver', { id, from, to }];
export const drop = (t: number, id: number, from: number, to: number, reason = 'loss'): EventSpec => [t, null, 'net.drop', { id, from, to, reason }];
export const role = (t: number, node: number, from: string, to: string, term: number, leader: number | null = null, group = 1): EventSpec =>
  [t, node, 'raft.role', { group, from, to, term, leader }];
