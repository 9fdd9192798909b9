// Snapshot transfer in bounded chunks (paper section 7). The leader reads the snapshot from storage and
// streams it in snapshotChunkBytes pieces within a byte window (inflightBytesMax); the follower
// assembles the pieces in order, acknowledges each, asks to resend from its last byte on a gap, and
// installs the snapshot only once it is complete. A transfer without progress for
// snapshotStallTicksMax ticks (or reported failed by the host) falls back to probing, which starts a
// new transfer.
import type { NodeId } from '../types.ts';
import { configFromConfState } from './confchange/restore.ts';
import { switchToConfig } from './raft-membership.ts';
import { traceProgress } from './raft-replication.ts';
import type { Raft } from './raft.ts';
import type { Progress } from './tracker/progress.ts';
import type { Message, Snapshot, SnapshotMetadata } from './types.ts';

/** A follower's partly received snapshot. */
export interface SnapshotAssembly {
  readonly metadata: SnapshotMetadata;
  readonly data: Uint8Array;
  received: number;
}

/** The follower needs compacted entries: start sending it the latest snapshot. */
export function maybeSendSnapshot(r: Raft, to: NodeId, pr: Progress): boolean {
  // A follower we have not heard from lately is probably down: do not start a large transfer.
  if (!pr.recentActive) return false;
  const snapshot = r.log.snapshot();
  if (snapshot.metadata.index === 0) return false; // nothing compacted can be missing without a snapshot
  pr.becomeSnapshot(snapshot);
  traceProgress(r, to, pr);
  r.trace('raft.snapshotSend', () => ({ peer: to, index: snapshot.metadata.index, term: snapshot.metadata.term, bytes: snapshot.data.length }));
  sendSnapshotChunks(r, to, pr);
  return true;
}

function sendSnapshotChunks(r: Raft, to: NodeId, pr: Progress): void {
  const t = pr.transfer!;
  const data = t.snapshot.data;
  const total = data.length;
  const window = Math.max(r.cfg.snapshotChunkBytes, r.cfg.inflightBytesMax);
  for (let i = 0; i < r.cfg.inflightMsgsMax; i++) {
    if (t.started && t.sentBytes >= total) return;
    if (t.sentBytes - t.ackedBytes >= window) return;
    const offset = t.sentBytes;
    const end = Math.min(total, offset + r.cfg.snapshotChunkBytes);
    const meta = t.snapshot.metadata;
    r.send('snap', to, r.term, {
      index: meta.index,
      logTerm: meta.term,
      snapshot: meta,
      chunk: { offset, data: data.subarray(offset, end), totalBytes: total, last: end === total },
    });
    t.sentBytes = end;
    t.started = true;
  }
}

/** The follower acknowledged chunks (or, with reject, asks to resend from rejectHint). */
export function handleSnapResp(r: Raft, m: Message, pr: Progress): void {
  pr.recentActive = true;
  const t = pr.transfer;
  if (pr.state !== 'snapshot' || !t || m.index !== pr.pendingSnapshot) return;
  const total = t.snapshot.data.length;
  const received = Math.min(m.rejectHint, total);
  if (m.reject) {
    // Several chunks after one lost chunk each cause a rejection: rewind once per gap.
    if (received === t.rewoundTo) return;
    t.rewoundTo = received;
    t.sentBytes = received;
    t.ackedBytes = received;
  } else if (received > t.ackedBytes) {
    t.ackedBytes = received;
    if (t.sentBytes < received) t.sentBytes = received;
    if (received > t.rewoundTo) t.rewoundTo = -1;
  } else {
    return;
  }
  t.stallTicks = 0;
  sendSnapshotChunks(r, m.from, pr);
}

/** The host reports that a snapshot send finished (reject = failed). */
export function handleSnapStatus(r: Raft, m: Message, pr: Progress): void {
  if (pr.state !== 'snapshot') return;
  if (m.reject) pr.pendingSnapshot = 0; // probe from match, which restarts the transfer
  pr.becomeProbe();
  // Wait for a heartbeat answer before probing again.
  pr.msgAppFlowPaused = true;
  traceProgress(r, m.from, pr);
}

export function tickSnapshotTransfers(r: Raft): void {
  for (const id of r.trk.ids) {
    const pr = r.trk.progress.get(id)!;
    if (pr.state !== 'snapshot' || !pr.transfer) continue;
    if (++pr.transfer.stallTicks < r.cfg.snapshotStallTicksMax) continue;
    r.trace('raft.snapshotStall', () => ({ peer: id, index: pr.pendingSnapshot }));
    pr.pendingSnapshot = 0;
    pr.becomeProbe();
    pr.msgAppFlowPaused = true;
    traceProgress(r, id, pr);
  }
}

// --- follower ------------------------------------------------------------------------------------

export function handleSnapshotChunk(r: Raft, m: Message): void {
  const meta = m.snapshot;
  const chunk = m.chunk;
  if (!meta || !chunk) return; // malformed: a snap message always carries both
  if (meta.index <= r.log.committed) {
    // We already have everything it covers: tell the leader where we are instead.
    r.assembly = undefined;
    r.send('appResp', m.from, r.term, { index: r.log.committed });
    return;
  }
  if (chunk.offset === 0) startAssembly(r, meta, chunk.totalBytes);
  const a = r.assembly;
  if (!a || a.metadata.index !== meta.index || a.metadata.term !== meta.term || chunk.totalBytes !== a.data.length) {
    snapResp(r, m, 0, true);
    return;
  }
  if (chunk.offset > a.received) {
    snapResp(r, m, a.received, true); // a gap: resend from what we have
    return;
  }
  const end = chunk.offset + chunk.data.length;
  if (end > a.data.length) return; // malformed
  if (end > a.received) {
    a.data.set(chunk.data.subarray(a.received - chunk.offset), a.received);
    a.received = end;
  }
  if (a.received < a.data.length) {
    snapResp(r, m, a.received, false);
    return;
  }
  r.assembly = undefined;
  installSnapshot(r, m.from, { metadata: a.metadata, data: a.data });
}

function startAssembly(r: Raft, metadata: SnapshotMetadata, totalBytes: number): void {
  if (!Number.isInteger(totalBytes) || totalBytes < 0 || totalBytes > r.cfg.snapshotBytesMax) {
    r.trace('raft.snapshotRefused', () => ({ index: metadata.index, bytes: totalBytes, reason: 'snapshotBytesMax' }));
    r.assembly = undefined;
    return;
  }
  r.assembly = { metadata, data: new Uint8Array(totalBytes), received: 0 };
}

function snapResp(r: Raft, m: Message, received: number, reject: boolean): void {
  r.send('snapResp', m.from, r.term, { index: m.snapshot!.index, rejectHint: received, reject });
}

function installSnapshot(r: Raft, leader: NodeId, snapshot: Snapshot): void {
  if (restore(r, snapshot)) {
    r.send('appResp', leader, r.term, { index: r.log.lastIndex() });
  } else {
    r.send('appResp', leader, r.term, { index: r.log.committed });
  }
}

/** Replaces the log and configuration with `snapshot`; false when it brings nothing new. */
export function restore(r: Raft, snapshot: Snapshot): boolean {
  const meta = snapshot.metadata;
  if (meta.index <= r.log.committed) return false;
  // The snapshot's configuration may not include us yet: a node that joins receives the latest
  // snapshot and then the log entries that add it, which it applies like any member.
  const cs = meta.confState;
  // Section 7: a snapshot of a prefix of our log only moves the commit index; later entries stay.
  if (!r.bug('snapshotDropsLaterEntries') && r.log.matchTerm(meta.index, meta.term)) {
    r.log.commitTo(meta.index);
    r.traceCommit();
    return false;
  }
  r.log.restore(snapshot);
  r.trk.progress.clear();
  switchToConfig(r, configFromConfState(cs));
  r.traceCommit();
  // raft.snapshot (installed) is emitted by the host once it persisted and restored the snapshot.
  return true;
}
