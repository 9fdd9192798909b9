// The Raft invariant checker was restructured for speed (typed arrays by log index, an incremental
// "highest index committed before term T"). This test drives it and the previous implementation
// (raft-invariants-reference.ts, kept verbatim) with the same random observations and inspections and
// requires the same violations, with the same details, after every step. Small indexes keep the old
// checker's 100,000-entry scan bound out of play, the one place where the new one is stricter.
import { describe, expect, it } from 'vitest';
import { createRandom } from '../../core/env/seeded-random.ts';
import type { Entry } from '../../core/raft/types.ts';
import { type GroupId, type NodeId, groupId, logIndex, nodeId, term } from '../../core/types.ts';
import { type LogView, RaftInvariantChecker } from '../../sim/check/raft-invariants.ts';
import { RaftInvariantChecker as ReferenceChecker } from './raft-invariants-reference.ts';

type Random = ReturnType<typeof createRandom>;

const nodes = [1, 2, 3, 4].map(nodeId);
const groups = [groupId(1), groupId(2)];
const indexMax = 40;
const termMax = 6;

function entry(index: number, t: number, payload: number, type: Entry['type'] = 'normal'): Entry {
  return { index: logIndex(index), term: term(t), type, data: new Uint8Array([payload]) } as Entry;
}

/** A random log whose terms mostly follow a shared "true" history, sometimes diverging. */
function randomLog(r: Random, truth: number[]): LogView {
  const lastIndex = r.int(0, indexMax);
  const firstIndex = r.int(1, Math.max(1, lastIndex));
  const terms = new Map<number, number>();
  const divergeAt = r.chance(0.3) ? r.int(1, indexMax) : indexMax + 1;
  for (let i = firstIndex; i <= lastIndex; i++) terms.set(i, i >= divergeAt ? r.int(1, termMax) : truth[i]);
  const commit = r.int(0, lastIndex);
  return {
    firstIndex,
    lastIndex,
    raftLastIndex: lastIndex + (r.chance(0.1) ? -1 : r.int(0, 2)),
    commit,
    applied: r.int(0, commit + (r.chance(0.05) ? 1 : 0)),
    term: (i) => terms.get(i),
  };
}

/** One observation or inspection; every random choice is made before it runs, so both checkers see the same. */
type Step = (c: RaftInvariantChecker | ReferenceChecker) => void;

function randomStep(r: Random, truth: number[]): Step {
  const node = r.pick(nodes);
  const group: GroupId = r.chance(0.85) ? groups[0] : groups[1];
  const index = r.int(1, indexMax);
  const t = r.int(1, termMax);
  switch (r.int(0, 10)) {
    case 0: {
      const count = r.int(1, 5);
      const entries = Array.from({ length: count }, (_, k) => entry(index + k, r.chance(0.8) ? truth[index + k] ?? t : t, 0));
      return (c) => c.persisted(node, group, entries);
    }
    case 1:
      return (c) => c.snapshotPersisted(node, group, logIndex(index));
    case 2: {
      const voters = nodes.filter(() => r.chance(0.6));
      const outgoing = r.chance(0.3) ? nodes.filter(() => r.chance(0.5)) : [];
      return (c) => c.configurationApplied(node, group, logIndex(index), voters, outgoing);
    }
    case 3:
    case 4: {
      const count = r.int(1, 6);
      const entries = Array.from({ length: count }, (_, k) => {
        const i = Math.min(indexMax, index + k);
        const honest = r.chance(0.9);
        return entry(i, honest ? truth[i] : r.int(1, termMax), honest ? i % 7 : r.int(0, 3), r.chance(0.05) ? 'confChange' : 'normal');
      });
      return (c) => c.applied(node, group, entries, term(t));
    }
    case 5:
      return (c) => c.becameLeader(node, group, term(t));
    case 6: {
      const commit = logIndex(r.chance(0.8) ? index + 20 : index);
      return (c) => c.committed(node, group, commit);
    }
    case 7:
      return r.chance(0.5) ? (c) => c.restarted(node) : (c) => c.wiped(node);
    case 8: {
      const founders = nodes.slice(0, 3);
      const acked = term(r.chance(0.8) ? truth[index] : t);
      return (c) => c.writeAcknowledged(group, logIndex(index), acked, founders);
    }
    default: {
      const logs = new Map<NodeId, LogView>();
      for (const n of nodes) if (r.chance(0.8)) logs.set(n, randomLog(r, truth));
      const leader = r.chance(0.8) ? r.pick(nodes) : undefined;
      const leaderTerm = r.int(0, termMax + 1);
      return (c) => c.inspectLogs(group, logs, leader, leaderTerm);
    }
  }
}

describe('the restructured Raft invariant checker is equivalent to the previous one', () => {
  it('reports the same violations, step by step, over 1500 random observation sequences', () => {
    const caught = new Map<string, number>();
    for (let seed = 1; seed <= 1500; seed++) {
      const r = createRandom(seed);
      // A "true" history of terms, non-decreasing, that most observations follow.
      const truth = [0];
      for (let i = 1; i <= indexMax + 8; i++) truth.push(Math.min(termMax, truth[i - 1] + (r.chance(0.15) ? 1 : 0)) || 1);
      const now = { us: 0 };
      const fast = new RaftInvariantChecker(() => now.us);
      const reference = new ReferenceChecker(() => now.us);
      const steps = r.int(5, 60);
      for (let s = 0; s < steps; s++) {
        now.us += 1000;
        const step = randomStep(r, truth);
        step(fast);
        step(reference);
        expect(fast.violations, `seed ${seed} step ${s}`).toEqual(reference.violations);
      }
      for (const group of groups) {
        const receipts = Array.from({ length: 10 }, () => ({ index: r.int(1, indexMax), term: r.int(1, termMax) }));
        expect(fast.checkAcknowledgedApplied(group, receipts), `seed ${seed}`).toEqual(reference.checkAcknowledgedApplied(group, receipts));
      }
      for (const v of reference.violations) caught.set(v.invariant, (caught.get(v.invariant) ?? 0) + 1);
    }
    // The comparison means something only if the sequences do break every invariant, often.
    for (const invariant of ['state-machine-safety', 'election-safety', 'commit-monotonic', 'durable-before-ack', 'log-matching', 'leader-completeness', 'index-order']) {
      expect(caught.get(invariant) ?? 0, invariant).toBeGreaterThan(50);
    }
  });

  it('checks log matching incrementally (only above the last verified match) with the same verdicts and details', () => {
    /** A log like MemoryStorage: appends extend it, compaction drops its front, rewrites bump a counter. */
    class FakeLog {
      first = 1;
      terms: number[] = [0];
      rewrites = 0;
      get last(): number {
        return this.terms.length - 1;
      }
      view(): LogView {
        const { first, last } = this;
        const terms = this.terms;
        return { firstIndex: first, lastIndex: last, raftLastIndex: last, commit: 0, applied: 0, term: (i) => (i >= first && i <= last ? terms[i] : undefined), source: this, rewrites: this.rewrites };
      }
    }
    let violationsSeen = 0;
    for (let seed = 1; seed <= 400; seed++) {
      const r = createRandom(`log-matching/${seed}`);
      const logs = [new FakeLog(), new FakeLog(), new FakeLog()];
      const fast = new RaftInvariantChecker(() => 0);
      const reference = new ReferenceChecker(() => 0);
      let termNow = 1;
      for (let step = 0; step < 120; step++) {
        const log = r.pick(logs);
        const roll = r.int(0, 9);
        if (roll <= 4) {
          // Append entries of the current term; mostly copy what the longest log has at those indexes.
          const longest = logs.reduce((x, y) => (y.last > x.last ? y : x));
          for (let k = r.int(1, 4); k > 0; k--) {
            const i = log.last + 1;
            log.terms.push(i <= longest.last && r.chance(0.9) ? longest.terms[i] : termNow);
          }
        } else if (roll === 5) {
          termNow++;
        } else if (roll === 6 && log.last > log.first) {
          // A conflicting append: truncate and rewrite (MemoryStorage counts it).
          const from = r.int(log.first, log.last);
          log.terms.length = from;
          log.terms.push(termNow);
          log.rewrites++;
        } else if (roll === 7 && log.last > log.first) {
          log.first = r.int(log.first, log.last);
        } else if (roll === 8 && r.chance(0.3)) {
          // A snapshot install: the log restarts above its old end.
          const at = log.last + r.int(0, 3);
          log.terms = Array.from({ length: at + 1 }, () => termNow);
          log.first = at + 1;
          log.rewrites++;
        }
        const views = new Map(logs.map((l, n) => [nodeId(n + 1), l.view()] as const));
        fast.inspectLogs(groups[0], views, undefined, 0);
        reference.inspectLogs(groups[0], views, undefined, 0);
        expect(fast.violations, `seed ${seed} step ${step}`).toEqual(reference.violations);
      }
      violationsSeen += reference.violations.length;
    }
    expect(violationsSeen, 'the sequences do break log matching sometimes').toBeGreaterThan(40);
  });

  it('finds an entry committed in an earlier term however far below the top it sits (the old scan stopped after 100,000)', () => {
    const checker = new RaftInvariantChecker(() => 0);
    const g = groups[0];
    checker.applied(nodes[0], g, [entry(1, 1, 1)], term(1));
    // 150,000 entries applied in term 2 on top of it.
    const batch: Entry[] = [];
    for (let i = 2; i <= 150_001; i++) batch.push(entry(i, 2, i & 0xff));
    checker.applied(nodes[0], g, batch, term(2));
    const emptyLog: LogView = { firstIndex: 1, lastIndex: 0, raftLastIndex: 0, commit: 0, applied: 0, term: () => undefined };
    checker.inspectLogs(g, new Map([[nodes[1], emptyLog]]), nodes[1], 2);
    expect(checker.violations.map((v) => v.detail)).toEqual([`group 1: leader 2 of term 2's log ends at 0, before index 1, committed in an earlier term`]);
  });
});
