// Brings the state machine to a snapshot's index. A snapshot with no data is the bootstrap snapshot
// (index 1, the founding configuration, an empty store): there is nothing to restore, only the
// applied index to advance. An engine-held snapshot (engine-held-snapshot.ts) only names an index the
// engine itself holds durably: an engine behind it lost state it had promised, which is corruption.
// Every other snapshot carries the state machine's bytes.
import type { KvStateMachine } from '../kv/state-machine.ts';
import type { Snapshot } from '../raft/types.ts';
import { assert, KvlabError } from '../types.ts';
import { isEngineHeld } from './engine-held-snapshot.ts';

export function installSnapshotState(stateMachine: KvStateMachine, snapshot: Snapshot): void {
  const index = snapshot.metadata.index;
  if (stateMachine.appliedIndex() >= index) return;
  if (isEngineHeld(snapshot.data)) {
    throw new KvlabError('corruptEngine', `the Raft snapshot at ${index} relies on the engine's state, but the engine is only at ${stateMachine.appliedIndex()}`);
  }
  if (snapshot.data.length > 0) return stateMachine.restore(snapshot.data, index);
  assert(stateMachine.appliedIndex() === 0, () => `a snapshot without data at index ${index} reached a state machine already at ${stateMachine.appliedIndex()}`);
  for (let i = 1; i <= index; i++) stateMachine.applyNoop(i);
}
