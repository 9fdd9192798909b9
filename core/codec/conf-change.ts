// The data of a confChange log entry: a ConfChange in a small binary form.
// Layout: flags u8 (bits 0-1 transition: 0 none, 1 auto, 2 implicit, 3 explicit; bit 2 context),
// count varint, then per change: type u8 (0 addVoter, 1 addLearner, 2 removeNode) and node id varint,
// then the context as length-prefixed bytes when flagged.
import { KvlabError, nodeId } from '../types.ts';
import type { ConfChange, ConfChangeSingle, ConfChangeType } from '../raft/types.ts';
import { ByteReader, ByteWriter } from './bytes.ts';

const TRANSITIONS = [undefined, 'auto', 'implicit', 'explicit'] as const;
const CHANGE_TYPES: readonly ConfChangeType[] = ['addVoter', 'addLearner', 'removeNode'];
const FLAG_CONTEXT = 4;

export function encodeConfChange(cc: ConfChange): Uint8Array {
  const w = new ByteWriter(16 + cc.changes.length * 6 + (cc.context?.length ?? 0));
  const transition = TRANSITIONS.indexOf(cc.transition);
  if (transition < 0) throw new KvlabError('badConfChange', `conf change transition: unknown ${String(cc.transition)}`);
  w.u8(transition | (cc.context ? FLAG_CONTEXT : 0));
  w.varuint(cc.changes.length);
  for (const change of cc.changes) {
    const type = CHANGE_TYPES.indexOf(change.type);
    if (type < 0) throw new KvlabError('badConfChange', `conf change type: unknown ${String(change.type)}`);
    w.u8(type);
    w.varuint(change.nodeId);
  }
  if (cc.context) w.bytes(cc.context);
  return w.finish();
}

export function decodeConfChange(data: Uint8Array): ConfChange {
  const r = new ByteReader(data, 'conf change', 'badConfChange');
  const flags = r.u8('flags');
  if (flags & ~(3 | FLAG_CONTEXT)) r.fail('flags', `unknown bits ${flags.toString(2)}`);
  const transition = TRANSITIONS[flags & 3];
  const n = r.count('changes', 2);
  const changes: ConfChangeSingle[] = [];
  for (let i = 0; i < n; i++) {
    const type = CHANGE_TYPES[r.u8('changes.type')];
    if (type === undefined) r.fail('changes.type', 'unknown change type');
    const id = r.varuint('changes.nodeId');
    if (id === 0) r.fail('changes.nodeId', 'node id 0');
    changes.push({ type, nodeId: nodeId(id) });
  }
  const context = flags & FLAG_CONTEXT ? r.bytes('context') : undefined;
  r.expectEnd();
  const cc: { changes: ConfChangeSingle[]; transition?: ConfChange['transition']; context?: Uint8Array } = { changes };
  if (transition !== undefined) cc.transition = transition;
  if (context !== undefined) cc.context = context;
  return cc;
}
