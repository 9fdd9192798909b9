// Crash at every step. A seeded workload (appends, conflict truncations, syncs, snapshots saved and
// installed, compactions, over small segments that rotate often) runs against RaftDurableLog on a
// SimDisk with the mixed crash policy (lost / kept / torn files, lost / kept / prefix directory
// changes, garbled sectors). For every crash point — after each operation and after each disk
// completion — the run is replayed from scratch, the disk crashed, and the log reopened.
//
// An independent model records the log's state after every WAL record. The recovered state must
// equal one of them, at or after the last state a sync (or snapshot save) acknowledged: nothing
// acknowledged is lost, and nothing is invented or reordered. Then the node appends, syncs and
// crashes again, to check that the repaired log keeps working.
import { describe, expect, it } from 'vitest';
import type { Entry, HardState } from '../../core/raft/types.ts';
import type { OpenedLog } from '../../core/storage/durable-log.ts';
import type { RecoveredState } from '../../core/storage/recover.ts';
import { logIndex } from '../../core/types.ts';
import type { Random } from '../../core/env/random.ts';
import { createRandom } from '../../sim/random.ts';
import { entry, hardState, makeLogRig, open, restart, settle, snapshot, type LogRig } from './helpers/log-rig.ts';

const storage = { segmentBytesMax: 1024, recordBytesMax: 512 };
const disk = { sectorBytes: 512, fsyncLatency: { kind: 'uniform', usMin: 50, usMax: 500 } } as const;
const operations = 40;

/** The log as the sequence of WAL records describes it, with the same rules, written independently. */
class Model {
  snapshot = { index: 0, term: 0 };
  private log = new Map<number, Entry>();
  hardState: HardState = hardState(0, 0, 0);
  /** Serialized state after each record; states[0] is the empty log. */
  readonly states: string[] = [];
  acked = 0;

  constructor() {
    this.states.push(this.serialize());
  }

  records(): number {
    return this.states.length - 1;
  }

  lastIndex(): number {
    return Math.max(this.snapshot.index, ...this.log.keys());
  }

  termAt(index: number): number | undefined {
    return index === this.snapshot.index ? this.snapshot.term : this.log.get(index)?.term;
  }

  entry(e: Entry): void {
    for (const i of [...this.log.keys()]) if (i >= e.index) this.log.delete(i);
    this.log.set(e.index, e);
    this.states.push(this.serialize());
  }

  setHardState(hs: HardState): void {
    const h = this.hardState;
    if (h.term === hs.term && h.vote === hs.vote && h.commit === hs.commit) return; // the log skips it too
    this.hardState = hs;
    this.states.push(this.serialize());
  }

  marker(index: number, term: number): void {
    if (this.termAt(index) !== term) this.log.clear();
    for (const i of [...this.log.keys()]) if (i <= index) this.log.delete(i);
    this.snapshot = { index, term };
    this.states.push(this.serialize());
  }

  serialize(): string {
    const entries = [...this.log.values()].sort((a, b) => a.index - b.index).map(show);
    const hs = { ...this.hardState, commit: Math.max(this.hardState.commit, this.snapshot.index) };
    return JSON.stringify({ snapshot: this.snapshot, hs, entries });
  }
}

function show(e: Entry): string {
  return `${e.index}/${e.term}/${new TextDecoder().decode(e.data)}`;
}

function serializeRecovered(state: RecoveredState): string {
  const m = state.snapshot?.metadata;
  const hs = state.hardState;
  return JSON.stringify({ snapshot: { index: m?.index ?? 0, term: m?.term ?? 0 }, hs: { term: hs.term, vote: hs.vote, commit: hs.commit }, entries: state.entries.map(show) });
}

/** Drives one seeded workload; `stop()` says when to crash. */
class Workload {
  readonly model = new Model();
  private term = 1;
  private saving = false;
  private durableSnapshot = 0;
  private compacted = 0;
  private dataNext = 0;

  constructor(
    private readonly rig: LogRig,
    private readonly log: OpenedLog['log'],
    private readonly random: Random,
  ) {}

  /** Runs until `steps` steps (operations and disk completions) happened; returns the steps taken. */
  run(steps: number): number {
    let taken = 0;
    for (let op = 0; op < operations && taken < steps; op++) {
      this.operation();
      taken++;
      const ticks = this.random.int(0, 3);
      for (let t = 0; t < ticks && taken < steps && this.rig.scheduler.step(); t++) taken++;
    }
    while (taken < steps && this.rig.scheduler.step()) taken++;
    return taken;
  }

  private operation(): void {
    const roll = this.random.next();
    if (roll < 0.35) this.append();
    else if (roll < 0.45) this.conflict();
    else if (roll < 0.7) this.sync();
    else if (roll < 0.8) this.saveSnapshot();
    else if (roll < 0.85) this.install();
    else this.compact();
  }

  private append(): void {
    const m = this.model;
    const first = m.lastIndex() + 1;
    const batch = Array.from({ length: this.random.int(1, 4) }, (_, i) => this.makeEntry(first + i));
    const last = first + batch.length - 1;
    const hs = hardState(this.term, 1, this.random.int(m.hardState.commit, last));
    this.write(batch, hs);
  }

  private conflict(): void {
    const m = this.model;
    const from = Math.max(m.hardState.commit, m.snapshot.index) + 1;
    if (from > m.lastIndex()) return this.append();
    this.term++;
    const start = this.random.int(from, m.lastIndex());
    const batch = Array.from({ length: this.random.int(1, 3) }, (_, i) => this.makeEntry(start + i));
    this.write(batch, hardState(this.term, this.random.int(1, 3), m.hardState.commit));
  }

  private write(batch: Entry[], hs: HardState): void {
    this.log.append(batch, hs);
    for (const e of batch) this.model.entry(e);
    this.model.setHardState(hs);
  }

  private sync(): void {
    const covered = this.model.records();
    this.log.sync((e) => {
      if (e === null) this.model.acked = Math.max(this.model.acked, covered);
    });
  }

  private saveSnapshot(): void {
    const m = this.model;
    const index = m.hardState.commit;
    if (this.saving || index <= m.snapshot.index) return this.sync();
    this.startSave(index, m.termAt(index)!);
  }

  /** A snapshot from a new leader, beyond the end of the log: it replaces the log. */
  private install(): void {
    if (this.saving) return this.sync();
    this.term++;
    const index = this.model.lastIndex() + this.random.int(1, 3);
    this.startSave(index, this.term);
    this.write([], hardState(this.term, 0, index));
  }

  private startSave(index: number, term: number): void {
    this.saving = true;
    this.log.saveSnapshot(snapshot(index, term), (e) => {
      this.saving = false;
      if (e !== null) return;
      this.model.acked = Math.max(this.model.acked, covered);
      this.durableSnapshot = Math.max(this.durableSnapshot, index);
    });
    this.model.marker(index, term);
    const covered = this.model.records();
  }

  private compact(): void {
    if (this.durableSnapshot <= this.compacted) return this.sync();
    this.compacted = this.durableSnapshot;
    this.log.compact(logIndex(this.compacted), () => {});
  }

  private makeEntry(index: number): Entry {
    return entry(index, this.term, `d${this.dataNext++}-${'x'.repeat(this.random.int(0, 120))}`);
  }
}

function crashAndCheck(seed: number, crashAt: number): number {
  const rig = makeLogRig(seed, disk, storage);
  const { log } = open(rig);
  const workload = new Workload(rig, log, createRandom(seed).child('workload'));
  const taken = workload.run(crashAt);
  const model = workload.model;
  const where = `seed ${seed}, crash after step ${crashAt}`;

  const first = restart(rig);
  const recovered = serializeRecovered(first.state);
  const match = model.states.indexOf(recovered, model.acked);
  expect(match, `${where}: recovered state matches no state at or after the acknowledged record ${model.acked}:\n${recovered}\nacknowledged:\n${model.states[model.acked]}`).toBeGreaterThanOrEqual(model.acked);

  // The repaired log keeps working: append, sync, crash again.
  const lastIndex = Math.max(first.state.snapshot?.metadata.index ?? 0, ...first.state.entries.map((e) => e.index));
  const nextTerm = Math.max(first.state.hardState.term, ...first.state.entries.map((e) => e.term)) + 1;
  first.log.append([entry(lastIndex + 1, nextTerm, 'after')], hardState(nextTerm, 2, first.state.hardState.commit));
  settle(rig, (done) => first.log.sync(done));
  const second = restart(rig);
  const tail = second.state.entries[second.state.entries.length - 1];
  expect(tail && show(tail), `${where}: second recovery`).toBe(`${lastIndex + 1}/${nextTerm}/after`);
  expect(second.state.hardState.term, `${where}: second recovery`).toBe(nextTerm);
  return taken;
}

describe('crash at every step of the write path', () => {
  for (const seed of [1, 2, 3, 4]) {
    it(`never loses an acknowledged entry or hard state (seed ${seed})`, () => {
      let crashAt = 0;
      // The run takes fewer steps than asked once the workload and the disk are done: stop there.
      while (crashAndCheck(seed, crashAt) === crashAt) crashAt++;
      expect(crashAt).toBeGreaterThan(operations);
    });
  }
});
