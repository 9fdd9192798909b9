// Throughput of the pure Raft core: entries committed (and handed to the state machine) per second by
// a 3-replica group in one process. Proposals go in batches; each node's Ready is persisted into its
// MemoryStorage and its messages delivered in-process (no codec, no disk, no clock): this measures
// the core alone; with `wire` every message also goes through encodeFrame/decodeFrame.
// Run: npx tsx bench/raft-core.ts [seconds] [batch] [payloadBytes] [wire]
import { createRandom } from '../sim/random.ts';
import { decodeFrame, encodeFrame } from '../core/codec/frame.ts';
import { silentTracer } from '../core/env/tracer.ts';
import { BOOTSTRAP_HARD_STATE, MemoryStorage, bootstrapSnapshot } from '../core/raft/memory-storage.ts';
import { RawNode } from '../core/raft/raw-node.ts';
import { defaultRaftConfig } from '../core/raft/config.ts';
import type { Message, RaftConfig } from '../core/raft/types.ts';
import { groupId, logIndex, nodeId } from '../core/types.ts';
import type { NodeId } from '../core/types.ts';

const seconds = Number(process.argv[2] ?? 3);
const batch = Number(process.argv[3] ?? 512);
const payloadBytes = Number(process.argv[4] ?? 64);
const wire = process.argv[5] === 'wire';
/** Proposals not yet applied by the leader: bounds memory like a host's pending-request table. */
const outstandingMax = batch * 8;
/** Like a host, each replica snapshots (empty state) and compacts its log every this many entries. */
const compactEveryEntries = 100_000;

interface Replica {
  readonly raw: RawNode;
  readonly storage: MemoryStorage;
  applied: number;
  appliedIndex: number;
}

const ids = [1, 2, 3].map(nodeId);
const replicas = new Map<NodeId, Replica>();
for (const id of ids) {
  const storage = new MemoryStorage();
  storage.applySnapshot(bootstrapSnapshot(ids));
  storage.setHardState(BOOTSTRAP_HARD_STATE);
  const config: RaftConfig = { ...defaultRaftConfig(id, groupId(1)), applied: logIndex(1) };
  replicas.set(id, { raw: new RawNode(config, storage, silentTracer, createRandom(42).child(`raft-${id}`)), storage, applied: 0, appliedIndex: 1 });
}

let queue: Message[] = [];

/** Plays the host for every replica until none has a Ready; returns the entries applied. */
function pump(): number {
  let applied = 0;
  for (let again = true; again; ) {
    again = false;
    for (const r of replicas.values()) {
      if (!r.raw.hasReady()) continue;
      again = true;
      const rd = r.raw.ready();
      if (rd.snapshot) r.storage.applySnapshot(rd.snapshot);
      r.storage.append(rd.entries);
      if (rd.hardState) r.storage.setHardState(rd.hardState);
      for (const m of rd.messages) queue.push(m);
      applied += rd.committedEntries.length;
      r.applied += rd.committedEntries.length;
      if (rd.committedEntries.length > 0) r.appliedIndex = rd.committedEntries[rd.committedEntries.length - 1].index;
      r.raw.advance(rd);
      maybeCompact(r);
    }
  }
  return applied;
}

function maybeCompact(r: Replica): void {
  const snapIndex = r.storage.snapshot().metadata.index;
  if (r.appliedIndex - snapIndex < compactEveryEntries) return;
  r.storage.createSnapshot(logIndex(r.appliedIndex), r.storage.initialState().confState, new Uint8Array(0));
  r.storage.compact(logIndex(r.appliedIndex));
}

function deliver(): void {
  const batchOut = queue;
  queue = [];
  for (const m of batchOut) {
    if (!wire) {
      replicas.get(m.to)!.raw.step(m);
      continue;
    }
    const frame = decodeFrame(encodeFrame({ kind: 'raft', message: m }));
    if (frame.kind === 'raft') replicas.get(m.to)!.raw.step(frame.message);
  }
}

const leader = replicas.get(ids[0])!;
leader.raw.campaign();
for (let i = 0; i < 10 && leader.raw.status().role !== 'leader'; i++) {
  pump();
  deliver();
}
pump();
deliver();
pump();

const payload = new Uint8Array(payloadBytes).fill(7);
const datas = Array.from({ length: batch }, () => payload);
let proposed = 0;
let committedByLeader = 0;
const start = performance.now();
const deadline = start + seconds * 1000;
let rounds = 0;
while (performance.now() < deadline) {
  for (let i = 0; i < 64; i++) {
    if (proposed - leader.applied < outstandingMax) {
      const error = leader.raw.proposeBatch(datas);
      if (error) throw new Error(`proposal refused: ${JSON.stringify(error)}`);
      proposed += batch;
    }
    pump();
    deliver();
    rounds++;
  }
}
committedByLeader = leader.applied;
const elapsedS = (performance.now() - start) / 1000;
const perSecond = Math.round(committedByLeader / elapsedS);
const followersBehind = ids.slice(1).map((id) => committedByLeader - replicas.get(id)!.applied);
console.log(`raft-core: 3 replicas in-process${wire ? ' (messages through the codec)' : ''}, batches of ${batch} x ${payloadBytes}-byte entries, ${elapsedS.toFixed(2)} s`);
console.log(`  committed+applied on the leader: ${committedByLeader} entries (${rounds} delivery rounds)`);
console.log(`  followers behind the leader at the end: ${followersBehind.join(', ')} entries`);
console.log(`  throughput: ${perSecond.toLocaleString('en-US')} entries/s (goal >= 200,000)`);
