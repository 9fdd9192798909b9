// The public surface of core/kv for the node host, the simulator and prod/.
export type { KvCommand, KvRead, KvResult, KvWrite, SessionTag } from './commands.ts';
export { decodeCommand, encodeCommand } from './command-codec.ts';
export { validateCommand, validateRead, validateWrite } from './command-validate.ts';
export type { EngineMutation, FlushCallback, KeyRecordPair, KvEngine, SessionRecord, StoredRecord } from './engine.ts';
export { MemoryEngine } from './memory-engine.ts';
export { KvStateMachine, type CommittedEntry, type KvStateMachineOptions } from './state-machine.ts';
export { noSessionClientId } from './sessions.ts';
export { decodeSnapshot, encodeSnapshot, snapshotAppliedIndex } from './snapshot-codec.ts';
export { scanCursorStart } from './scan-cursor.ts';
export { KV_BUGS, isKvBugName, type KvBugInfo, type KvBugName } from './bugs.ts';
export * as kvLimits from './limits.ts';
