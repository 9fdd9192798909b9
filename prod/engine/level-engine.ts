// KvEngine on classic-level (LevelDB). The KvEngine interface is synchronous; LevelDB writes are not.
// The design, and its trade-off:
// - Keys (not values) are indexed in memory (core/kv/ordered-map.ts): size(), presence and ordered
//   scans need no disk access, and a miss never touches LevelDB. Memory grows with the key set only.
// - Values are read with LevelDB's getSync (block cache, then disk) once written; until then they are
//   served from an in-memory overlay of pending writes. A read blocks the event loop for one LevelDB
//   lookup (microseconds when cached); the gain is that values need not fit in memory.
// - Sessions (bounded by the session table's limit) live in memory and in LevelDB.
// - write() updates memory at once and queues one LevelDB batch per call, with the applied index in
//   the same batch; LevelWriter persists them in order, grouping queued batches, and advances
//   durableAppliedIndex() when a synced batch completes.
import { ClassicLevel } from 'classic-level';
import type { EngineMutation, FlushCallback, KeyRecordPair, KvEngine, SessionRecord, StoredRecord } from '../../core/kv/engine.ts';
import { OrderedMap } from '../../core/kv/ordered-map.ts';
import { corruptSnapshot, decodeSnapshot, encodeSnapshot, SnapshotEncoder } from '../../core/kv/snapshot-codec.ts';
import { assert, KvlabError } from '../../core/types.ts';
import { dataKey, dataRange, decodeRecord, encodeRecord, encodeSession, sessionKey, userKeyOf } from './level-format.ts';
import { loadLevelState, openLevel } from './level-load.ts';
import { type LevelOp, LevelWriter, type WriteJob } from './level-writer.ts';

export interface LevelEngineOptions {
  /**
   * fsync every LevelDB batch (default true). When false, batches reach the OS page cache only, and
   * durableAppliedIndex() advances only through flush(): faster, and still safe, because the host keeps
   * the Raft log beyond durableAppliedIndex().
   */
  readonly syncWrites?: boolean;
  /** LevelDB block cache (default 8 MiB). */
  readonly cacheBytes?: number;
  /** Ops in one grouped LevelDB batch (default 8192). */
  readonly batchOpsMax?: number;
  /** A LevelDB write failed; the engine is fail-stopped (see LevelWriter). Default: no-op. */
  readonly onFailure?: (error: Error) => void;
}

/**
 * Attempts at loading the key index, sessions and applied index at start-up. A read can fail on the way
 * (an EIO, bytes damaged in transit) while the files are intact, as the WAL and snapshot loaders allow
 * for; a failure that repeats is real and stops the node with the last error.
 */
const loadAttemptsMax = 3;

export async function loadWithRetries(db: Parameters<typeof loadLevelState>[0], dir: string): Promise<Awaited<ReturnType<typeof loadLevelState>>> {
  let last: unknown;
  for (let attempt = 1; attempt <= loadAttemptsMax; attempt++) {
    try {
      return await loadLevelState(db);
    } catch (error) {
      // A format version this build cannot read does not change by reading again.
      if (error instanceof KvlabError && error.code === 'engineVersion') throw error;
      last = error;
    }
  }
  const detail = last instanceof Error ? last.message : String(last);
  throw new KvlabError('engineLoadFailed', `LevelDB engine in ${dir}: loading its state failed ${loadAttemptsMax} times (last: ${detail}); refusing to start`);
}

/** Records read per iterator step by exportSnapshotLater: the event loop runs between steps. */
const EXPORT_CHUNK_RECORDS = 512;

/** Bytes copied per event-loop turn while assembling an exported snapshot. */
const ASSEMBLE_STEP_BYTES = 4 * 1024 * 1024;

/**
 * Copies a snapshot's pieces into one buffer a few MiB per turn: one copy of a state of tens of MiB
 * (and a zero-filled allocation of it) would block the event loop for tens of milliseconds.
 */
function assembleInSteps(parts: { readonly pieces: readonly Uint8Array[]; readonly bodyBytes: number; readonly checksum: number }, done: (bytes: Uint8Array) => void): void {
  const buffer = Buffer.allocUnsafe(parts.bodyBytes + 4);
  const out = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.length);
  let next = 0;
  let at = 0;
  const step = (): void => {
    const stepEnd = at + ASSEMBLE_STEP_BYTES;
    while (next < parts.pieces.length && at < stepEnd) {
      out.set(parts.pieces[next], at);
      at += parts.pieces[next].length;
      next++;
    }
    if (next < parts.pieces.length) return void setImmediate(step);
    buffer.writeUInt32LE(parts.checksum, parts.bodyBytes);
    done(out);
  };
  step();
}

interface Pending {
  readonly record: StoredRecord;
  readonly seq: number;
}

export interface LevelEngineStats {
  readonly appliedIndex: number;
  readonly durableAppliedIndex: number;
  readonly pendingJobs: number;
  readonly overlayKeys: number;
  readonly keys: number;
  readonly failed: boolean;
}

export class LevelEngine implements KvEngine {
  private readonly keyIndex = new OrderedMap<true>();
  private readonly overlay = new Map<string, Pending>();
  private readonly sessionTable = new Map<string, SessionRecord>();
  private readonly writer: LevelWriter;
  private readonly syncWrites: boolean;
  private applied: number;
  private seq = 0;
  private closed = false;

  /** Opens (or creates) the LevelDB database in `dir` and loads the key index, sessions and applied index. */
  static async open(dir: string, options: LevelEngineOptions = {}): Promise<LevelEngine> {
    const db = await openLevel(dir, options.cacheBytes);
    try {
      const state = await loadWithRetries(db, dir);
      return new LevelEngine(db, state, options);
    } catch (error) {
      await db.close();
      throw error;
    }
  }

  private constructor(
    private readonly db: ClassicLevel<Buffer, Buffer>,
    state: { appliedIndex: number; keys: readonly string[]; sessions: readonly SessionRecord[] },
    options: LevelEngineOptions,
  ) {
    this.applied = state.appliedIndex;
    for (const key of state.keys) this.keyIndex.set(key, true);
    for (const session of state.sessions) this.sessionTable.set(session.clientId, session);
    this.syncWrites = options.syncWrites ?? true;
    this.writer = new LevelWriter(db, state.appliedIndex, {
      batchOpsMax: options.batchOpsMax ?? 8192,
      onWritten: (jobs) => this.dropWrittenFromOverlay(jobs),
      onFailure: options.onFailure ?? (() => {}),
    });
  }

  get(key: string): StoredRecord | undefined {
    return this.keyIndex.has(key) ? this.record(key) : undefined;
  }

  entriesAfter(afterKey: string | null, countMax: number): readonly KeyRecordPair[] {
    return this.keyIndex.entriesAfter(afterKey, countMax).map(([key]) => [key, this.record(key)] as const);
  }

  size(): number {
    return this.keyIndex.size;
  }

  sessions(): readonly SessionRecord[] {
    return [...this.sessionTable.values()];
  }

  write(batch: readonly EngineMutation[], appliedIndex: number): void {
    this.assertOpen();
    assert(appliedIndex >= this.applied, () => `applied index would regress from ${this.applied} to ${appliedIndex}`);
    const seq = ++this.seq;
    const ops: LevelOp[] = [];
    const putKeys: string[] = [];
    // A client's session record is rewritten by each of its commands: only the last state in this
    // batch is written (encoded once, after the loop). Session keys never collide with data keys, so
    // moving their ops to the end of the (atomic) batch changes nothing on disk.
    let sessions: Map<string, SessionRecord | null> | undefined;
    for (const m of batch) {
      switch (m.kind) {
        case 'put':
          this.keyIndex.set(m.key, true);
          this.overlay.set(m.key, { record: m.record, seq });
          ops.push({ type: 'put', key: dataKey(m.key), value: encodeRecord(m.record) });
          putKeys.push(m.key);
          break;
        case 'delete':
          this.keyIndex.delete(m.key);
          this.overlay.delete(m.key);
          ops.push({ type: 'del', key: dataKey(m.key) });
          break;
        case 'putSession':
          this.sessionTable.set(m.session.clientId, m.session);
          (sessions ??= new Map()).set(m.session.clientId, m.session);
          break;
        case 'deleteSession':
          this.sessionTable.delete(m.clientId);
          (sessions ??= new Map()).set(m.clientId, null);
          break;
      }
    }
    if (sessions !== undefined) {
      for (const [clientId, session] of sessions) {
        ops.push(session === null ? { type: 'del', key: sessionKey(clientId), session: clientId } : { type: 'put', key: sessionKey(clientId), value: encodeSession(session), session: clientId });
      }
    }
    this.applied = appliedIndex;
    this.writer.enqueue({ seq, ops, appliedIndex, sync: this.syncWrites, putKeys });
  }

  appliedIndex(): number {
    return this.applied;
  }

  durableAppliedIndex(): number {
    return this.writer.durableAppliedIndex();
  }

  flush(done: FlushCallback): void {
    if (!this.syncWrites && this.writer.failure() === null && this.writer.durableSequence() < this.seq) {
      // Batches so far went to the page cache only: one synced (empty) batch makes them all durable.
      this.writer.enqueue({ seq: ++this.seq, ops: [], appliedIndex: this.applied, sync: true, putKeys: [] });
    }
    this.writer.flushAfter(this.seq, done);
  }

  exportSnapshot(): Uint8Array {
    const pairs = (function* (engine: LevelEngine): Generator<KeyRecordPair> {
      for (const [key] of engine.keyIndex.entries()) yield [key, engine.record(key)];
    })(this);
    return encodeSnapshot(this.applied, this.keyIndex.size, pairs, this.sessions());
  }

  /**
   * The state as of now, read from a LevelDB iterator opened at the writer's next boundary (once every
   * write so far is in LevelDB and none later is: the iterator's implicit snapshot is exactly this
   * state), EXPORT_CHUNK_RECORDS at a time so writes and client requests go on in between.
   */
  exportSnapshotLater(done: (error: Error | null, bytes?: Uint8Array) => void): void {
    this.assertOpen();
    const encoder = new SnapshotEncoder(this.applied, this.keyIndex.size);
    const sessions = this.sessions();
    this.writer.atBoundary((error) => {
      if (error !== null) return done(error);
      const iterator = this.db.iterator({ ...dataRange, keyEncoding: 'buffer', valueEncoding: 'buffer' });
      const finish = (failure: Error | null, bytes?: Uint8Array) =>
        void iterator.close().then(() => done(failure, bytes), (closeError: unknown) => done(failure ?? (closeError as Error)));
      const step = (): void => {
        iterator.nextv(EXPORT_CHUNK_RECORDS).then(
          (pairs) => {
            try {
              if (pairs.length === 0) return void assembleInSteps(encoder.finishPieces(sessions), (bytes) => finish(null, bytes));
              for (const [stored, value] of pairs) {
                const key = userKeyOf(stored);
                encoder.record(key, decodeRecord(value, key));
              }
              encoder.endPiece();
            } catch (failure) {
              return finish(failure as Error);
            }
            step();
          },
          (failure: unknown) => finish(failure instanceof Error ? failure : new Error(String(failure))),
        );
      };
      step();
    });
  }

  /**
   * Replaces the state in one atomic LevelDB batch: deletes of every current key and session, then the
   * snapshot's records and sessions and its applied index. Until written, the new records are served
   * from the overlay (so an import holds the snapshot's values in memory once, briefly).
   */
  importSnapshot(bytes: Uint8Array, index: number): void {
    this.assertOpen();
    const state = decodeSnapshot(bytes);
    if (state.appliedIndex !== index) corruptSnapshot('appliedIndex', `is ${state.appliedIndex}, expected ${index}`);
    const seq = ++this.seq;
    const ops: LevelOp[] = [];
    for (const [key] of this.keyIndex.entries()) ops.push({ type: 'del', key: dataKey(key) });
    for (const clientId of this.sessionTable.keys()) ops.push({ type: 'del', key: sessionKey(clientId) });
    this.keyIndex.clear();
    this.overlay.clear();
    this.sessionTable.clear();
    for (const [key, record] of state.records) {
      this.keyIndex.set(key, true);
      this.overlay.set(key, { record, seq });
      ops.push({ type: 'put', key: dataKey(key), value: encodeRecord(record) });
    }
    for (const session of state.sessions) {
      this.sessionTable.set(session.clientId, session);
      ops.push({ type: 'put', key: sessionKey(session.clientId), value: encodeSession(session) });
    }
    this.applied = state.appliedIndex;
    this.writer.enqueue({ seq, ops, appliedIndex: this.applied, sync: true, putKeys: state.records.map(([key]) => key) });
  }

  stats(): LevelEngineStats {
    return {
      appliedIndex: this.applied,
      durableAppliedIndex: this.writer.durableAppliedIndex(),
      pendingJobs: this.writer.pendingJobs(),
      overlayKeys: this.overlay.size,
      keys: this.keyIndex.size,
      failed: this.writer.failure() !== null,
    };
  }

  /** Waits for every queued write, makes it durable, and closes LevelDB. */
  async close(): Promise<void> {
    if (this.closed) return;
    const failure = await new Promise<Error | null>((resolve) => this.flush(resolve));
    await this.writer.idle();
    this.closed = true;
    await this.db.close();
    if (failure !== null) throw new KvlabError('engineWriteFailed', `LevelDB write failed before close: ${failure.message}`);
  }

  private record(key: string): StoredRecord {
    const pending = this.overlay.get(key);
    if (pending !== undefined) return pending.record;
    const stored = this.db.getSync(dataKey(key));
    assert(stored !== undefined, () => `key ${JSON.stringify(key)} is indexed but not in LevelDB nor pending`);
    return decodeRecord(stored, key);
  }

  private dropWrittenFromOverlay(jobs: readonly WriteJob[]): void {
    for (const job of jobs) {
      for (const key of job.putKeys) {
        const pending = this.overlay.get(key);
        if (pending !== undefined && pending.seq <= job.seq) this.overlay.delete(key);
      }
    }
  }

  private assertOpen(): void {
    assert(!this.closed, 'engine used after close');
  }
}
