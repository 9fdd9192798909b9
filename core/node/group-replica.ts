// One Raft group on one node: RawNode + in-memory log mirror + durable log + KV state machine, and
// the client requests waiting on them. The host loop follows Ready's ordering rules:
//   persist (snapshot, entries, hard state) -> fsync -> mirror into MemoryStorage -> send messages
//   -> apply committed entries -> serve read states -> advance.
// Two things may happen before the fsync, because neither depends on it (etcd does both):
// - a leader's appends and heartbeats leave at once, so followers write and fsync in parallel with
//   the leader. They promise nothing about the leader's disk: the leader's own entries count towards
//   commit only at advance(), after its fsync. Messages that do promise persisted state (votes,
//   append responses) and anything sent in a Ready that changes term or vote still wait.
// - committed entries below this Ready's new entries are applied at once: earlier Readys made them
//   durable here, and commit made them durable on a quorum. Entries this Ready writes wait.
// One Ready is in flight at a time; inputs that arrive during an fsync pile up in Raft and leave in
// the next Ready, which is what makes group commit happen.
import type { Env } from '../env/index.ts';
import type { KvCommand, KvRead, KvResult, KvWrite } from '../kv/commands.ts';
import { decodeCommand, encodeCommand } from '../kv/command-codec.ts';
import type { KvEngine } from '../kv/engine.ts';
import type { KvStateMachine } from '../kv/state-machine.ts';
import { decodeConfChange } from '../codec/conf-change.ts';
import { encodeFrame } from '../codec/frame.ts';
import type { MemoryStorage } from '../raft/memory-storage.ts';
import type { RawNode } from '../raft/raw-node.ts';
import type { ConfChange, ConfState, Entry, Message, ProposalError, Ready, ReadState, Snapshot } from '../raft/types.ts';
import { type GroupId, KvlabError, NONE, type NodeId, logIndex, term } from '../types.ts';
import type { ClientCallback, ClientError, ReadOptions, WriteOptions } from './client-api.ts';
import type { DurableLog, SyncCallback } from './durable-log.ts';
import type { NodeConfig } from './node-config.ts';
import type { NodeObserver } from './node-observer.ts';
import { unwrapConfContext, wrapConfContext } from './conf-change-context.ts';
import { type EngineSnapshotStorage, engineHeldMarker } from './engine-held-snapshot.ts';
import { installSnapshotState } from './install-snapshot.ts';
import { PendingRequests } from './pending-requests.ts';
import { ReadBatches } from './read-batches.ts';

/** A persistent engine is flushed once this many applied entries await durability... */
const engineFlushEntriesMin = 512;
/** ...or once this many ticks passed since the last flush began. */
const engineFlushTicksMax = 5;

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder();

export interface GroupReplicaParts {
  readonly group: GroupId;
  readonly raw: RawNode;
  readonly memory: MemoryStorage;
  readonly durable: DurableLog;
  readonly stateMachine: KvStateMachine;
  /** The state machine's engine: a persistent one is flushed in the background after applies. */
  readonly engine: KvEngine;
  /**
   * Present when the engine holds its state durably and exports it in the background: Raft snapshots
   * are then engine-held markers, and this storage (RawNode's) hands followers bytes made on demand.
   */
  readonly engineSnapshots?: EngineSnapshotStorage;
  readonly confState: ConfState;
  /** Defers the Ready loop after a client write to the end of the event-loop turn (KvNodeDeps.afterTurn). */
  readonly afterTurn?: (run: () => void) => void;
  readonly observer?: NodeObserver;
  /** Called once when the group cannot go on (a disk error): the node must stop serving it. */
  readonly onFatal: (error: Error) => void;
  /** Called on every node when a configuration change applies, with the proposer's own context. */
  readonly onConfChange?: (change: ConfChange, confState: ConfState) => void;
}

interface WaitingRead {
  readonly index: number;
  readonly key: string;
  readonly read: KvRead;
}

export class GroupReplica {
  readonly group: GroupId;
  private readonly raw: RawNode;
  private readonly memory: MemoryStorage;
  private readonly durable: DurableLog;
  private readonly sm: KvStateMachine;
  private readonly pending: PendingRequests;
  private readonly reads = new Map<string, KvRead>();
  private waitingReads: WaitingRead[] = [];
  /** Made once rather than per read batch started. */
  private readonly readIsLive = (key: string): boolean => this.reads.has(key);
  private readonly readBatches: ReadBatches;
  private readonly snapshotSaves: { snapshot: Snapshot; done: SyncCallback }[] = [];
  private confState: ConfState;
  private persisting = false;
  private pumpAfterTurn = false;
  /** Term and vote of the last hard state handed to the durable log (a change must be fsynced before anything is sent). */
  private lastTerm: number;
  private lastVote: number;
  private snapshotting = false;
  private exportingSnapshot = false;
  private engineFlushing = false;
  private ticksSinceEngineFlush = 0;
  private failed = false;
  private readSeq = 0;
  private writeSeq = 0;
  /** This incarnation's session: unique per process start, so retries across restarts never collide. */
  private readonly sessionId: string;

  constructor(private readonly env: Env, private readonly config: NodeConfig, private readonly parts: GroupReplicaParts) {
    this.group = parts.group;
    this.raw = parts.raw;
    this.memory = parts.memory;
    this.durable = parts.durable;
    this.sm = parts.stateMachine;
    this.confState = parts.confState;
    const { hardState } = parts.memory.initialState();
    this.lastTerm = hardState.term;
    this.lastVote = hardState.vote;
    this.pending = new PendingRequests(env.clock, env.timers, config.pendingRequestsMax);
    this.sessionId = `n${env.nodeId}.${env.random.int(0, 0x7fffffff).toString(36)}${env.random.int(0, 0x7fffffff).toString(36)}`;
    this.readBatches = new ReadBatches(config.electionTicks, this.sessionId);
  }

  // ---- inputs ----

  tick(): void {
    if (this.failed) return;
    this.raw.tick();
    this.readBatches.tick();
    this.startReadBatch();
    this.pump();
    this.ticksSinceEngineFlush++;
    this.flushEngine();
    this.exportSnapshotIfWanted();
  }

  step(message: Message): void {
    if (this.failed) return;
    this.raw.step(message);
    this.pump();
  }

  write(write: KvWrite, options: WriteOptions, done: ClientCallback): void {
    if (this.refuse(done)) return;
    const clientId = options.clientId ?? this.sessionId;
    const seq = options.seq ?? ++this.writeSeq;
    const command: KvCommand = { session: { clientId, seq }, atMs: Math.floor(this.env.clock.wallMs()), write };
    let data: Uint8Array;
    try {
      data = encodeCommand(command);
    } catch (error) {
      if (!(error instanceof KvlabError)) throw error;
      return done({ code: 'invalid', message: error.message });
    }
    const error = this.raw.propose(data);
    if (error) return done(proposalFailure(error));
    this.pending.add(`w/${clientId}/${seq}`, options.timeoutMs ?? this.config.requestTimeoutMs, done);
    this.pumpSoon();
  }

  /** Takes the Ready loop now, or once this turn of the event loop is over when the host can say so. */
  private pumpSoon(): void {
    const { afterTurn } = this.parts;
    if (afterTurn === undefined) return this.pump();
    if (this.pumpAfterTurn) return;
    this.pumpAfterTurn = true;
    afterTurn(() => {
      this.pumpAfterTurn = false;
      if (!this.failed) this.pump();
    });
  }

  read(read: KvRead, options: ReadOptions, done: ClientCallback): void {
    const appliedMin = options.appliedIndexMin?.get(this.group) ?? 0;
    if (options.consistency === 'stale') {
      if (this.failed) return void this.refuse(done);
      if (appliedMin <= this.sm.appliedIndex()) return this.answerRead(read, done);
      // The session wrote up to appliedMin (session-order.ts): even a stale read waits to see it.
      return this.waitForApplied(read, appliedMin, options, done);
    }
    if (this.refuse(done)) return;
    const key = this.addPendingRead(read, options, done);
    this.readBatches.add(key);
    this.startReadBatch();
    this.pumpSoon();
  }

  private addPendingRead(read: KvRead, options: ReadOptions, done: ClientCallback): string {
    const key = `r/${++this.readSeq}`;
    this.reads.set(key, read);
    this.pending.add(key, options.timeoutMs ?? this.config.requestTimeoutMs, (error, result) => {
      this.reads.delete(key);
      done(error, result);
    });
    return key;
  }

  /** A stale read served once this replica has applied `index` (no leader needed). */
  private waitForApplied(read: KvRead, index: number, options: ReadOptions, done: ClientCallback): void {
    if (this.pending.isFull()) return void this.refuse(done);
    const key = this.addPendingRead(read, options, done);
    this.waitingReads.push({ index, key, read });
  }

  proposeConfChange(change: ConfChange, requestId: string, done: ClientCallback): void {
    if (this.refuse(done)) return;
    const error = this.raw.proposeConfChange({ ...change, context: wrapConfContext(requestId, change.context) });
    if (error) return done(proposalFailure(error));
    this.pending.add(`c/${requestId}`, this.config.requestTimeoutMs, done);
    this.pump();
  }

  transferLeader(to: NodeId): void {
    if (this.failed) return;
    this.raw.transferLeader(to);
    this.pump();
  }

  campaign(): void {
    if (this.failed) return;
    this.raw.campaign();
    this.pump();
  }

  stop(): void {
    this.failed = true;
    this.pending.failAll({ code: 'stopping', message: 'the node is stopping' });
  }

  // ---- queries ----

  status() {
    return this.raw.status();
  }

  /** Cheap: the known leader, this node's role and term. */
  leaderInfo(): { leader: NodeId; role: string; term: number } {
    return { leader: this.raw.leader, role: this.raw.role, term: this.raw.term };
  }

  voters(): readonly NodeId[] {
    return this.confState.voters;
  }

  members(): ConfState {
    return this.confState;
  }

  appliedIndex(): number {
    return this.sm.appliedIndex();
  }

  /** The in-memory log mirror (what the invariant checker inspects). */
  log(): MemoryStorage {
    return this.memory;
  }

  stateMachine(): KvStateMachine {
    return this.sm;
  }

  isFailed(): boolean {
    return this.failed;
  }

  // ---- the Ready loop ----

  private pump(): void {
    while (!this.persisting && !this.failed && this.raw.hasReady()) {
      const ready = this.raw.ready();
      // The term this Ready's role belongs to; by the time the fsync returns the node may have moved on.
      const term = ready.softState?.role === 'leader' ? this.raw.term : 0;
      // Set before the early work: a client callback run by an early apply may re-enter pump().
      this.persisting = true;
      const early = ready.mustSync ? this.beforePersist(ready) : noEarlyWork;
      if (this.failed) return;
      this.persist(ready, (error) => {
        this.persisting = false;
        if (error) return this.fatal(error);
        this.afterPersist(ready, term, early);
      });
      // A synchronous persist (nothing to fsync) finished inside persist(): keep looping.
    }
  }

  /**
   * The work of a Ready that need not wait for its fsync (see the header): the leader's promise-free
   * messages, and committed entries that were durable here before this Ready. Returns what it did,
   * so afterPersist does the rest.
   */
  private beforePersist(ready: Ready): EarlyWork {
    const hardState = ready.hardState;
    const termOrVoteChanges = hardState !== undefined && (hardState.term !== this.lastTerm || hardState.vote !== this.lastVote);
    if (hardState) {
      this.lastTerm = hardState.term;
      this.lastVote = hardState.vote;
    }
    if (ready.snapshot) return noEarlyWork;
    const sentEarly = this.raw.role === 'leader' && !termOrVoteChanges && !this.config.bugs.has('ackBeforeFsync');
    const firstNew = ready.entries.length > 0 ? ready.entries[0].index : Number.POSITIVE_INFINITY;
    let appliedEarly = 0;
    while (appliedEarly < ready.committedEntries.length && ready.committedEntries[appliedEarly].index < firstNew) appliedEarly++;
    if (!sentEarly && appliedEarly === 0) return noEarlyWork;
    try {
      if (sentEarly) this.send(ready.messages, promiseFree);
      if (appliedEarly > 0) {
        this.applyCommitted(ready.committedEntries.slice(0, appliedEarly));
        this.flushEngine();
        this.serveReads();
      }
    } catch (error) {
      this.fatal(error as Error);
    }
    return { sentEarly, appliedEarly };
  }

  // persist, writeLog and synced are methods rather than closures made per Ready: this runs for every
  // Ready of every node (and under tsx each named closure also costs a __name call).
  private persist(ready: Ready, done: SyncCallback): void {
    if (ready.snapshot) this.saveSnapshot(ready.snapshot, (error) => (error ? done(error) : this.writeLog(ready, done)));
    else this.writeLog(ready, done);
  }

  private writeLog(ready: Ready, done: SyncCallback): void {
    try {
      this.durable.append(ready.entries, ready.hardState);
    } catch (error) {
      return done(error as Error);
    }
    if (!ready.mustSync) return done(this.synced(ready, null));
    if (this.config.bugs.has('ackBeforeFsync') && this.raw.role === 'leader') {
      // Bug zoo: the leader treats its own entries as persisted (counting itself towards commit and
      // applying) before its fsync completes — etcd issue 14370's class of mistake.
      this.durable.sync((error) => void this.synced(ready, error));
      return done(null);
    }
    this.durable.sync((error) => done(this.synced(ready, error)));
  }

  /** The observer hears of durability only when the disk says so, whatever the host does next. */
  private synced(ready: Ready, error: Error | null): Error | null {
    if (!error && ready.entries.length > 0) this.parts.observer?.persisted(this.env.nodeId, this.group, ready.entries);
    return error;
  }

  private afterPersist(ready: Ready, leaderTerm: number, early: EarlyWork): void {
    // A stopped node drops work whose fsync was still in flight: nothing is sent or applied after stop.
    if (this.failed) return;
    try {
      this.mirror(ready, leaderTerm);
      this.send(ready.messages, early.sentEarly ? promising : anyMessage);
      this.applyCommitted(early.appliedEarly === 0 ? ready.committedEntries : ready.committedEntries.slice(early.appliedEarly));
      this.flushEngine();
      this.queueReads(ready.readStates);
      this.raw.advance(ready);
      this.serveReads();
      this.maybeSnapshot();
    } catch (error) {
      return this.fatal(error as Error);
    }
    this.pump();
  }

  private mirror(ready: Ready, leaderTerm: number): void {
    if (ready.snapshot) {
      this.memory.applySnapshot(ready.snapshot);
      this.confState = ready.snapshot.metadata.confState;
      installSnapshotState(this.sm, ready.snapshot);
      this.env.tracer.emit('raft.snapshot', { group: this.group, index: ready.snapshot.metadata.index, term: ready.snapshot.metadata.term, bytes: ready.snapshot.data.length, installed: true });
    }
    this.memory.append(ready.entries);
    if (ready.hardState) this.memory.setHardState(ready.hardState);
    if (ready.hardState) this.parts.observer?.committed(this.env.nodeId, this.group, ready.hardState.commit);
    if (ready.softState?.role === 'leader') this.parts.observer?.becameLeader(this.env.nodeId, this.group, term(leaderTerm));
  }

  private send(messages: readonly Message[], which: (message: Message) => boolean): void {
    for (const message of messages) if (which(message)) this.env.network.send(message.to, encodeFrame({ kind: 'raft', message }));
  }

  /**
   * Applies committed entries in order. Runs of commands between configuration changes reach the state
   * machine together (one engine batch each), and their clients are answered once the run is applied.
   */
  private applyCommitted(entries: readonly Entry[]): void {
    if (entries.length === 0) return;
    const applied = this.sm.appliedIndex();
    let runFirst = 0; // position in `entries` of the run's first entry
    let commands: (KvCommand | null)[] = [];
    for (let at = 0; at < entries.length; at++) {
      const entry = entries[at];
      if (entry.index <= applied) {
        // A persistent engine already has it. A configuration change still reaches Raft, which after a
        // restart only knows the configuration of the snapshot it started from.
        if (entry.type === 'confChange') this.applyConfChange(entry);
        continue;
      }
      if (entry.type === 'confChange') {
        this.applyCommandRun(entries, runFirst, commands);
        commands = [];
        this.applyConfChange(entry);
        continue;
      }
      if (commands.length === 0) runFirst = at;
      commands.push(entry.data.length === 0 ? null : decodeCommand(entry.data));
    }
    this.applyCommandRun(entries, runFirst, commands);
    this.parts.observer?.applied(this.env.nodeId, this.group, entries, this.raw.term);
    const last = entries[entries.length - 1];
    this.env.tracer.emit('raft.apply', { group: this.group, index: last.index, count: entries.length });
  }

  /** Applies `commands`, decoded from entries[first...], as one run and answers their clients. */
  private applyCommandRun(entries: readonly Entry[], first: number, commands: readonly (KvCommand | null)[]): void {
    if (commands.length === 0) return;
    const results = this.sm.applyCommandRun(entries[first].index, commands);
    for (let i = 0; i < commands.length; i++) {
      const command = commands[i];
      if (command === null) continue;
      const { clientId, seq } = command.session;
      const entry = entries[first + i];
      this.pending.resolve(`w/${clientId}/${seq}`, results[i], { group: this.group, index: entry.index, term: entry.term });
    }
  }

  private applyConfChange(entry: Entry): void {
    const change = decodeConfChange(entry.data);
    this.confState = this.raw.applyConfChange(change);
    this.memory.setConfState(this.confState);
    if (entry.index > this.sm.appliedIndex()) this.sm.applyNoop(entry.index);
    this.env.tracer.emit('raft.conf', { group: this.group, index: entry.index, voters: this.confState.voters, learners: this.confState.learners });
    this.parts.observer?.configurationApplied(this.env.nodeId, this.group, entry.index, this.confState.voters, this.confState.votersOutgoing);
    const { requestId, callerContext } = unwrapConfContext(change.context);
    this.parts.onConfChange?.({ ...change, context: callerContext }, this.confState);
    if (requestId !== undefined) this.pending.resolve(`c/${requestId}`, { kind: 'ok' });
  }

  private queueReads(states: readonly ReadState[]): void {
    if (states.length === 0) return;
    for (const state of states) {
      for (const key of this.readBatches.answered(textDecoder.decode(state.context))) {
        const read = this.reads.get(key);
        if (read) this.waitingReads.push({ index: state.index, key, read });
      }
    }
    this.startReadBatch();
  }

  /** Asks Raft for one read index for all reads waiting, unless a request is already in flight. */
  private startReadBatch(): void {
    const context = this.readBatches.start(this.readIsLive);
    if (context !== undefined) this.raw.readIndex(textEncoder.encode(context));
  }

  private serveReads(): void {
    if (this.waitingReads.length === 0) return;
    const applied = this.sm.appliedIndex();
    const later: WaitingRead[] = [];
    for (const waiting of this.waitingReads) {
      if (waiting.index > applied) later.push(waiting);
      else if (this.reads.has(waiting.key)) {
        // Straight to the pending request: no callback closure made per read served.
        const outcome = this.queryRead(waiting.read);
        if ('kind' in outcome) this.pending.resolve(waiting.key, outcome);
        else this.pending.fail(waiting.key, outcome);
      }
    }
    this.waitingReads = later;
  }

  private answerRead(read: KvRead, done: ClientCallback): void {
    const outcome = this.queryRead(read);
    if ('kind' in outcome) done(null, outcome);
    else done(outcome);
  }

  /** The read's result, or the error that fails it (a KvResult always has `kind`, a ClientError never). */
  private queryRead(read: KvRead): KvResult | ClientError {
    try {
      // Whole milliseconds: expiry arithmetic is on integers (the simulator's clock has fractions).
      return this.sm.query(read, Math.floor(this.env.clock.wallMs()));
    } catch (error) {
      // A bad read fails that request only; anything but a KvlabError is a bug worth a trace line.
      if (!(error instanceof KvlabError)) this.env.tracer.emit('node.readError', { group: this.group, op: read.op, error: String(error) });
      return { code: 'invalid', message: (error as Error).message };
    }
  }

  /**
   * A persistent engine (LevelDB in production) makes applied state durable in the background, one
   * flush at a time. Nothing waits on it: the WAL and Raft snapshots hold everything the engine might
   * lose, and a restart replays from the engine's durable applied index.
   */
  private flushEngine(): void {
    const { engine } = this.parts;
    if (!engine.flush || this.engineFlushing) return;
    const lag = engine.appliedIndex() - (engine.durableAppliedIndex?.() ?? 0);
    // Each flush is an fsync competing with the WAL's for the disk: wait for a batch worth it, or a while.
    if (lag === 0 || (lag < engineFlushEntriesMin && this.ticksSinceEngineFlush < engineFlushTicksMax)) return;
    this.engineFlushing = true;
    this.ticksSinceEngineFlush = 0;
    engine.flush((error) => {
      this.engineFlushing = false;
      if (error) this.fatal(error);
    });
  }

  /** Snapshots the state machine every `snapshotEntries` applied entries, then compacts the log behind it. */
  private maybeSnapshot(): void {
    const applied = this.sm.appliedIndex();
    const snapIndex = this.memory.snapshot().metadata.index;
    if (this.snapshotting || applied - snapIndex < this.config.snapshotEntries) return;
    this.snapshotting = true;
    if (this.parts.engineSnapshots) return this.takeEngineHeldSnapshot(applied, this.confState);
    this.compactBehind(this.memory.createSnapshot(logIndex(applied), this.confState, this.sm.snapshot()));
  }

  /**
   * The engine-held way (engine-held-snapshot.ts): once the engine has made everything up to `applied`
   * durable, a marker naming `applied` is all the Raft snapshot needs to carry.
   */
  private takeEngineHeldSnapshot(applied: number, confState: ConfState): void {
    this.parts.engine.flush!((error) => {
      if (this.failed) return;
      if (error) return this.fatal(error);
      // A leader's snapshot installed meanwhile may already cover `applied`.
      if (this.memory.snapshot().metadata.index >= applied) return void (this.snapshotting = false);
      const durable = this.parts.engine.durableAppliedIndex!();
      if (durable < applied) return this.fatal(new KvlabError('engineNotDurable', `engine flush returned at durable index ${durable}, below ${applied}`));
      try {
        this.compactBehind(this.memory.createSnapshot(logIndex(applied), confState, engineHeldMarker(applied)));
      } catch (createError) {
        this.fatal(createError as Error);
      }
    });
  }

  /** Persists a snapshot this node took, then compacts the log behind it (keeping the trailing entries). */
  private compactBehind(snapshot: Snapshot): void {
    const applied = snapshot.metadata.index;
    this.env.tracer.emit('raft.snapshot', { group: this.group, index: applied, term: snapshot.metadata.term, bytes: snapshot.data.length, installed: false });
    this.saveSnapshot(snapshot, (error) => {
      if (error) return this.fatal(error);
      const keepFrom = applied - this.config.snapshotTrailingEntries;
      if (keepFrom <= this.memory.firstIndex()) return void (this.snapshotting = false);
      const upTo = logIndex(Math.min(keepFrom, this.memory.snapshot().metadata.index));
      this.memory.compact(upTo);
      this.durable.compact(upTo, (compactError) => {
        this.snapshotting = false;
        if (compactError) this.fatal(compactError);
      });
    });
  }

  /**
   * Raft wanted state bytes to send a follower and the latest snapshot is engine-held: the engine
   * exports its state as of now in the background, and followers get it once it is ready.
   */
  private exportSnapshotIfWanted(): void {
    const storage = this.parts.engineSnapshots;
    if (!storage || this.exportingSnapshot || !storage.bytesWanted()) return;
    const index = logIndex(this.sm.appliedIndex());
    let metadata: Snapshot['metadata'];
    try {
      metadata = { index, term: this.memory.term(index), confState: this.confState };
    } catch (error) {
      return this.fatal(error as Error);
    }
    this.exportingSnapshot = true;
    this.parts.engine.exportSnapshotLater!((error, bytes) => {
      this.exportingSnapshot = false;
      if (this.failed) return;
      if (error) return this.fatal(error);
      storage.offer({ metadata, data: bytes! });
      this.env.tracer.emit('raft.snapshotExported', { group: this.group, index, bytes: bytes!.length });
    });
  }

  /**
   * The durable log saves one snapshot at a time; a snapshot from the leader can arrive while this
   * node is saving its own, so saves queue here and run in order.
   */
  private saveSnapshot(snapshot: Snapshot, done: SyncCallback): void {
    this.snapshotSaves.push({ snapshot, done });
    if (this.snapshotSaves.length === 1) this.saveNextSnapshot();
  }

  private saveNextSnapshot(): void {
    const next = this.snapshotSaves[0];
    if (!next) return;
    this.durable.saveSnapshot(next.snapshot, (error) => {
      this.snapshotSaves.shift();
      if (!error) this.parts.observer?.snapshotPersisted(this.env.nodeId, this.group, next.snapshot.metadata.index);
      next.done(error);
      this.saveNextSnapshot();
    });
  }

  private refuse(done: ClientCallback): boolean {
    if (this.failed) {
      done({ code: 'stopping', message: 'this node has stopped serving (see its log)' });
      return true;
    }
    if (this.pending.isFull()) {
      done({ code: 'overloaded', message: `more than ${this.config.pendingRequestsMax} requests are waiting at this node`, retryAfterMs: 100 });
      return true;
    }
    if (this.raw.leader === NONE) {
      done({ code: 'noLeader', message: 'no leader is known; retry shortly', retryAfterMs: this.config.tickMs * this.config.electionTicks });
      return true;
    }
    return false;
  }

  private fatal(error: Error): void {
    if (this.failed) return;
    this.failed = true;
    this.pending.failAll({ code: 'stopping', message: `the node stopped serving: ${error.message}` });
    this.parts.onFatal(error);
  }
}

/** What beforePersist already did for a Ready. */
interface EarlyWork {
  /** The Ready's promise-free messages were sent. */
  readonly sentEarly: boolean;
  /** This many of the Ready's committed entries were applied. */
  readonly appliedEarly: number;
}

const noEarlyWork: EarlyWork = { sentEarly: false, appliedEarly: 0 };

/** A leader's messages that promise nothing about its own disk: they may leave before its fsync. */
const PROMISE_FREE_TYPES: ReadonlySet<Message['type']> = new Set<Message['type']>(['app', 'heartbeat']);
const promiseFree = (message: Message): boolean => PROMISE_FREE_TYPES.has(message.type);
const promising = (message: Message): boolean => !PROMISE_FREE_TYPES.has(message.type);
const anyMessage = (): boolean => true;

/** Raft refused the proposal before logging it: the write definitely did not happen. */
function proposalFailure(error: ProposalError): ClientError {
  switch (error.code) {
    case 'tooLarge':
      return { code: 'tooLarge', message: error.reason };
    case 'notLeader':
      return { code: 'noLeader', message: 'no leader is known; retry shortly', retryAfterMs: 100 };
    case 'proposalDropped':
      return { code: 'noLeader', message: `proposal dropped: ${error.reason}`, retryAfterMs: 100 };
  }
}
