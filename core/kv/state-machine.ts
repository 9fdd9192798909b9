// The replicated KV state machine: the node host feeds it each committed entry (as the entry's bytes,
// exactly as Raft carried them) and asks it reads. Every replica that applies the same entries reaches
// byte-identical state, because each command carries its session tag and the proposer's atMs.
//
// Batching: applyEntries writes a run of entries (e.g. one Ready's committedEntries) as ONE engine
// batch carrying the run's last index, cut early at an entry boundary once batchMutationsMax mutations
// are pending; applyCommandRun does the same for commands the host already decoded;
// apply/applyCommand/applyNoop write one batch per entry. Either way the applied index
// reaches the engine in the same write as the data it covers.
import { assert, KvlabError } from '../types.ts';
import type { EntryType } from '../raft/types.ts';
import type { KvCommand, KvRead, KvResult } from './commands.ts';
import { decodeCommand } from './command-codec.ts';
import { validateCommand } from './command-validate.ts';
import type { KvEngine } from './engine.ts';
import { batchMutationsMax, sessionsMaxDefault } from './limits.ts';
import { queryRead, scanExpired } from './read-query.ts';
import { SessionTable } from './sessions.ts';
import { snapshotAppliedIndex } from './snapshot-codec.ts';
import { applyWrite } from './write-apply.ts';
import { WriteSet } from './write-set.ts';

export interface KvStateMachineOptions {
  readonly engine: KvEngine;
  /** Bound of the session table. Replicated semantics: must be equal on every replica of a group. */
  readonly sessionsMax?: number;
}

/** The part of a Raft entry the state machine needs (a core/raft Entry fits). */
export interface CommittedEntry {
  readonly index: number;
  /** 'confChange' entries (handled by the host) only advance the applied index. */
  readonly type?: EntryType;
  /** An encoded KvCommand; empty for the leader's no-op entry. */
  readonly data: Uint8Array;
}

const okResult: KvResult = { kind: 'ok' };

export class KvStateMachine {
  private readonly engine: KvEngine;
  private readonly sessions: SessionTable;
  private readonly writes: WriteSet;
  /** Index of the last entry stepped, committed to the engine or still pending in `writes`. */
  private steppedIndex: number;
  private failure: unknown = undefined;
  /** Entries whose data did not decode (applied as no-ops on every replica alike). */
  malformedEntries = 0;

  constructor(options: KvStateMachineOptions) {
    this.engine = options.engine;
    this.sessions = new SessionTable(options.sessionsMax ?? sessionsMaxDefault);
    this.sessions.load(this.engine.sessions());
    this.writes = new WriteSet(this.engine);
    this.steppedIndex = this.engine.appliedIndex();
  }

  appliedIndex(): number {
    return this.engine.appliedIndex();
  }

  get sessionCount(): number {
    return this.sessions.size;
  }

  /** Applies one normal entry's data at `index` (must be appliedIndex() + 1). */
  apply(index: number, data: Uint8Array): KvResult {
    return this.applyEntries([{ index, data }])[0];
  }

  /**
   * Applies an already-decoded command at `index` (must be appliedIndex() + 1). Throws
   * KvlabError('invalidCommand'), changing nothing, if the command breaks a limit (decoded ones never do).
   */
  applyCommand(index: number, command: KvCommand): KvResult {
    validateCommand(command);
    this.beginStep(index);
    const result = this.stepCommand(index, command);
    this.commit();
    return result;
  }

  /** Advances the applied index past an entry without a command (leader no-op, conf change). */
  applyNoop(index: number): void {
    this.applyEntries([{ index, type: 'confChange', data: new Uint8Array(0) }]);
  }

  /** Applies a run of consecutive committed entries; answers one result per entry (ok for no-ops). */
  applyEntries(entries: readonly CommittedEntry[]): KvResult[] {
    const results: KvResult[] = [];
    for (const entry of entries) {
      this.beginStep(entry.index);
      results.push(this.stepEntry(entry));
      if (this.writes.mutationCount >= batchMutationsMax) this.commit();
    }
    this.commit();
    return results;
  }

  /**
   * Applies the commands of consecutive entries from `firstIndex` on (null = an entry without a command:
   * the leader's no-op or a conf change) as applyEntries does, for a host that decoded them already.
   */
  applyCommandRun(firstIndex: number, commands: readonly (KvCommand | null)[]): KvResult[] {
    const results: KvResult[] = new Array(commands.length);
    for (let i = 0; i < commands.length; i++) {
      const index = firstIndex + i;
      this.beginStep(index);
      const command = commands[i];
      results[i] = command === null ? okResult : this.stepCommand(index, command);
      if (this.writes.mutationCount >= batchMutationsMax) this.commit();
    }
    this.commit();
    return results;
  }

  /** Answers a read at `nowMs` (the caller's wall clock); throws KvlabError('invalidRead') for a malformed read. */
  query(read: KvRead, nowMs: number): KvResult {
    this.checkUsable();
    return queryRead(this.engine, read, nowMs);
  }

  /**
   * Keys expired at `nowMs` among up to `count` keys after `cursor` ("0" = start; "0" back = done):
   * what a leader proposes as { op: 'purgeExpired', keys } (with clientId '') to reclaim them.
   */
  expiredKeys(cursor: string, count: number, nowMs: number): { cursor: string; keys: string[] } {
    this.checkUsable();
    return scanExpired(this.engine, cursor, count, nowMs);
  }

  /** The whole state (data, sessions, applied index), checksummed; equal states give equal bytes. */
  snapshot(): Uint8Array {
    this.checkUsable();
    return this.engine.exportSnapshot();
  }

  /** Replaces the state with a snapshot; throws KvlabError('corruptSnapshot') and changes nothing if it is damaged. */
  restore(bytes: Uint8Array, index: number = snapshotAppliedIndex(bytes)): void {
    this.engine.importSnapshot(bytes, index);
    this.sessions.load(this.engine.sessions());
    this.steppedIndex = this.engine.appliedIndex();
    this.failure = undefined;
  }

  private beginStep(index: number): void {
    this.checkUsable();
    assert(index === this.steppedIndex + 1, () => `entry ${index} applied after ${this.steppedIndex}: entries must be applied in order, once`);
    this.steppedIndex = index;
  }

  private stepEntry(entry: CommittedEntry): KvResult {
    if (entry.type === 'confChange' || entry.data.length === 0) return { kind: 'ok' };
    let command: KvCommand;
    try {
      command = decodeCommand(entry.data);
    } catch (error) {
      if (!(error instanceof KvlabError)) throw error;
      this.malformedEntries++;
      return { kind: 'error', message: `ERR malformed command in entry ${entry.index}: ${error.message}` };
    }
    return this.stepCommand(entry.index, command);
  }

  private stepCommand(index: number, command: KvCommand): KvResult {
    const check = this.sessions.check(command.session);
    if (check.kind !== 'apply') return check.result;
    const result = applyWrite(this.writes, command.write, command.atMs);
    this.sessions.record(command.session, index, result, this.writes);
    return result;
  }

  private commit(): void {
    if (this.steppedIndex === this.engine.appliedIndex()) return;
    try {
      this.writes.commit(this.steppedIndex);
    } catch (error) {
      // The in-memory session table is now ahead of the engine: refuse further use until restored.
      this.failure = error;
      this.writes.discard();
      throw error;
    }
  }

  private checkUsable(): void {
    if (this.failure === undefined) return;
    throw new KvlabError('stateMachineFailed', `an engine write failed (${String(this.failure)}); reopen the state machine from its engine`);
  }
}
