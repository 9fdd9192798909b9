// Tests named after the section of the Raft paper (Ongaro & Ousterhout, "In Search of an
// Understandable Consensus Algorithm", 2014) whose rule they check.
import { describe, expect, it } from 'vitest';
import { makeMessage } from '../../core/raft/messages.ts';
import type { Message, MessageType } from '../../core/raft/types.ts';
import { NONE, nodeId } from '../../core/types.ts';
import { GROUP, RaftNetwork, elect, internals, setLog, text } from './network.ts';
import { figure8 } from './scenarios.ts';

const msg = (type: MessageType, from: number, to: number, term: number, f: Parameters<typeof makeMessage>[5] = {}): Message =>
  makeMessage(type, GROUP, nodeId(from), nodeId(to), term, f);

describe('5.1 terms', () => {
  it.each(['follower', 'candidate', 'leader'] as const)('a %s adopts a higher term from any message and becomes a follower', (role) => {
    const net = new RaftNetwork([1, 2, 3]);
    if (role === 'candidate') net.node(1).raw.campaign();
    if (role === 'leader') elect(net, 1);
    net.processAll();
    net.inflight = [];
    const before = net.node(1).status().term;
    net.node(1).raw.step(msg('app', 2, 1, before + 5, { index: 0 }));
    const s = net.node(1).status();
    expect(s.term).toBe(before + 5);
    expect(s.role).toBe('follower');
    expect(s.lead).toBe(2);
    expect(s.vote).toBe(NONE);
  });

  it('a node ignores messages with a stale term', () => {
    const net = new RaftNetwork([1, 2, 3]);
    elect(net, 1);
    const term = net.node(1).status().term;
    net.processAll();
    net.inflight = [];
    net.node(1).raw.step(msg('app', 2, 1, term - 1, { index: 1, logTerm: 1, entries: [], commit: 1 }));
    net.node(1).raw.step(msg('voteResp', 3, 1, term - 1));
    net.processAll();
    expect(net.node(1).status().role).toBe('leader');
    expect(net.node(1).status().term).toBe(term);
    expect(net.inflight).toEqual([]); // without check-quorum / pre-vote: not even an answer
  });

  it('with check-quorum a stale leader is told the newer term (it must step down)', () => {
    const net = new RaftNetwork([1, 2, 3], { config: { checkQuorum: true } });
    elect(net, 1);
    const term = net.node(1).status().term;
    net.processAll();
    net.inflight = [];
    net.node(1).raw.step(msg('heartbeat', 2, 1, term - 1));
    net.processAll();
    expect(net.inflight.map((m) => [m.type, m.to, m.term])).toEqual([['appResp', 2, term]]);
  });
});

describe('5.2 leader election', () => {
  it('a follower that hears nothing starts an election: new term, votes for itself, asks every voter', () => {
    const net = new RaftNetwork([1, 2, 3]);
    net.tick(1, 20); // at least one randomized timeout in [10, 20)
    net.processAll();
    const s = net.node(1).status();
    expect(s.role).toBe('candidate');
    expect(s.vote).toBe(1);
    const votes = net.inflight.filter((m) => m.type === 'vote');
    expect(votes.map((m) => m.to).sort()).toEqual([2, 3]);
    expect(votes.every((m) => m.term === s.term && m.index === 1 && m.logTerm === 1)).toBe(true);
  });

  it.each([
    { size: 1, votes: {}, want: 'leader' },
    { size: 3, votes: { 2: true }, want: 'leader' },
    { size: 3, votes: { 2: false }, want: 'candidate' },
    { size: 3, votes: { 2: false, 3: false }, want: 'follower' },
    { size: 5, votes: { 2: true, 3: true }, want: 'leader' },
    { size: 5, votes: { 2: true }, want: 'candidate' },
    { size: 5, votes: { 2: false, 3: false, 4: false }, want: 'follower' },
  ])('a candidate of $size voters with answers $votes becomes $want', ({ size, votes, want }) => {
    const net = new RaftNetwork(Array.from({ length: size }, (_, i) => i + 1));
    net.node(1).raw.campaign();
    net.processAll();
    const term = net.node(1).status().term;
    for (const [from, granted] of Object.entries(votes)) net.node(1).raw.step(msg('voteResp', Number(from), 1, term, { reject: !granted }));
    expect(net.node(1).status().role).toBe(want);
  });

  it('a voter grants one vote per term (a repeated request from the same candidate is granted again)', () => {
    const net = new RaftNetwork([1, 2, 3]);
    const n = net.node(1).raw;
    n.step(msg('vote', 2, 1, 5, { index: 1, logTerm: 1 }));
    n.step(msg('vote', 3, 1, 5, { index: 1, logTerm: 1 }));
    n.step(msg('vote', 2, 1, 5, { index: 1, logTerm: 1 }));
    net.processAll();
    expect(net.inflight.map((m) => `${m.to}:${m.reject ? 'reject' : 'grant'}`)).toEqual(['2:grant', '3:reject', '2:grant']);
    expect(net.node(1).storage.hardStateNow().vote).toBe(2); // persisted before the answer left
  });

  it('a candidate falls back to follower when a leader of its term speaks', () => {
    const net = new RaftNetwork([1, 2, 3]);
    net.node(1).raw.campaign();
    net.processAll();
    const term = net.node(1).status().term;
    net.node(1).raw.step(msg('app', 2, 1, term, { index: 1, logTerm: 1 }));
    expect(net.node(1).status()).toMatchObject({ role: 'follower', lead: 2, term });
  });

  it('a split vote ends in a new election with a higher term', () => {
    const net = new RaftNetwork([1, 2, 3, 4]);
    net.partition([1, 2], [3, 4]);
    net.node(1).raw.campaign();
    net.node(3).raw.campaign();
    net.stabilize();
    expect(net.leaders()).toEqual([]);
    const term = net.node(1).status().term;
    net.tick(1, 20);
    net.processAll();
    expect(net.node(1).status().term).toBeGreaterThan(term);
  });

  it('randomized election timeouts rarely collide (seed 5)', () => {
    // Three followers start together; count the trials in which the first two time out on the same tick.
    let collisions = 0;
    const trials = 200;
    for (let trial = 0; trial < trials; trial++) {
      const net = new RaftNetwork([1, 2, 3], { seed: `5:${trial}` });
      const timeouts = [1, 2, 3].map((id) => internals(net.node(id).raw).randomizedElectionTimeout).sort((a, b) => a - b);
      for (const t of timeouts) {
        expect(t, `seed 5:${trial}`).toBeGreaterThanOrEqual(10);
        expect(t, `seed 5:${trial}`).toBeLessThan(20);
      }
      if (timeouts[0] === timeouts[1]) collisions++;
    }
    // With 10 possible values the chance that the two earliest of three collide is about 0.25;
    // a constant timeout would collide every time.
    expect(collisions, 'seed 5').toBeLessThan(trials * 0.4);
    expect(collisions, 'seed 5').toBeGreaterThan(0);
  });

  it('a candidate does not become leader from stale votes of an earlier term', () => {
    const net = new RaftNetwork([1, 2, 3]);
    net.node(1).raw.campaign();
    net.processAll();
    const term = net.node(1).status().term;
    net.node(1).raw.step(msg('voteResp', 2, 1, term - 1));
    expect(net.node(1).status().role).toBe('candidate');
  });
});

describe('5.3 log replication', () => {
  it('the leader commits an entry once a majority stored it, and followers learn the commit', () => {
    const net = new RaftNetwork([1, 2, 3, 4, 5]);
    elect(net, 1);
    net.partition([1, 2, 3], [4, 5]);
    net.propose(1, 'x');
    net.stabilize();
    for (const id of [1, 2, 3]) expect(net.node(id).appliedData()).toEqual(['x']);
    for (const id of [4, 5]) expect(net.node(id).appliedData()).toEqual([]);
    net.partition([1, 2], [3, 4, 5]);
    net.heal();
    net.partition([1, 2], [3, 4, 5]);
    net.propose(1, 'y');
    net.stabilize();
    expect(net.node(1).appliedData()).toEqual(['x']); // only 2 of 5 have y
  });

  it('the leader counts its own log only once the host persisted it', () => {
    const net = new RaftNetwork([1]);
    elect(net, 1);
    net.propose(1, 'x');
    const n = net.node(1).raw;
    const rd = n.ready();
    expect(rd.entries).toHaveLength(1);
    expect(rd.committedEntries).toHaveLength(0);
    expect(n.status().commit).toBe(2); // not before advance()
    net.node(1).storage.append(rd.entries);
    n.advance(rd);
    expect(n.status().commit).toBe(3);
  });

  it('followers reject an append whose previous entry does not match, with a hint', () => {
    const net = new RaftNetwork([1, 2]);
    setLog(net, 2, [1, 1], 1); // indexes 2, 3 of term 1
    net.node(2).raw.step(msg('app', 1, 2, 2, { index: 3, logTerm: 2, entries: [], commit: 1 }));
    net.node(2).raw.step(msg('app', 1, 2, 2, { index: 6, logTerm: 2, entries: [], commit: 1 }));
    net.processAll();
    const answers = net.inflight.map((m) => ({ reject: m.reject, index: m.index, hint: m.rejectHint, logTerm: m.logTerm }));
    expect(answers).toEqual([
      { reject: true, index: 3, hint: 3, logTerm: 1 },
      { reject: true, index: 6, hint: 3, logTerm: 1 },
    ]);
  });

  it('followers truncate only on a real conflict, never when a stale append matches', () => {
    const net = new RaftNetwork([1, 2]);
    setLog(net, 2, [1, 2, 2], 2); // indexes 2..4
    const entry = (index: number, term: number) => ({ index, term, type: 'normal' as const, data: text(`e${index}@${term}`) }) as Message['entries'][number];
    // A stale append covering only index 2..3, all matching: index 4 must survive.
    net.node(2).raw.step(msg('app', 1, 2, 2, { index: 1, logTerm: 1, entries: [entry(2, 1), entry(3, 2)], commit: 1 }));
    net.processAll();
    expect(net.node(2).log().map((e) => e.term)).toEqual([1, 2, 2]);
    expect(net.inflight.at(-1)).toMatchObject({ type: 'appResp', index: 3, reject: false });
    // A conflicting entry at 3 (term 3) truncates 3..4 and appends.
    net.node(2).raw.step(msg('app', 1, 2, 3, { index: 2, logTerm: 1, entries: [entry(3, 3)], commit: 1 }));
    net.processAll();
    expect(net.node(2).log().map((e) => e.term)).toEqual([1, 3]);
    expect(net.eventsOf('raft.truncate', 2).map((e) => e.fields.index)).toEqual([2]);
  });

  // Figure 7: the leader (top) of term 8 and six followers' possible logs (index 1 on).
  const leaderLog = [1, 1, 1, 4, 4, 5, 5, 6, 6, 6];
  it.each([
    { name: 'a (missing entries)', log: [1, 1, 1, 4, 4, 5, 5, 6, 6] },
    { name: 'b (missing many)', log: [1, 1, 1, 4] },
    { name: 'c (extra uncommitted entry)', log: [1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 6] },
    { name: 'd (extra entries of term 7)', log: [1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 7, 7] },
    { name: 'e (extra entries of term 4)', log: [1, 1, 1, 4, 4, 4, 4] },
    { name: 'f (entries of terms 2 and 3)', log: [1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3] },
  ])('Figure 7: the leader repairs follower log $name', ({ log }) => {
    const net = new RaftNetwork([1, 2, 3]);
    setLog(net, 1, leaderLog.slice(1), 7);
    setLog(net, 2, log.slice(1), 7);
    setLog(net, 3, [], 7); // a voter with an empty log elects the leader with its vote
    elect(net, 1);
    expect(net.node(1).status().term).toBe(8);
    net.stabilize();
    const terms = (id: number) => net.node(id).log().map((e) => e.term);
    expect(terms(1)).toEqual([...leaderLog.slice(1), 8]);
    expect(terms(2)).toEqual(terms(1));
    expect(net.node(2).status().commit).toBe(11);
  });

  it('a follower keeps a shorter matching log while the leader backs off in whole terms', () => {
    const net = new RaftNetwork([1, 2, 3]);
    setLog(net, 1, [2, 2, 2, 2, 2, 2, 2, 2], 2);
    setLog(net, 2, [3, 3, 3, 3, 3, 3], 3);
    setLog(net, 3, [2], 2);
    elect(net, 1); // node 1 wins with 3's vote (2's log is more up-to-date)
    net.stabilize();
    const term = net.node(1).status().term;
    // Node 2's six term-3 entries were all replaced after few probes.
    const probes = net.events.filter((e) => e.node === 1 && e.kind === 'raft.progress' && e.fields.peer === 2 && e.fields.state === 'probe');
    expect(probes.length).toBeLessThanOrEqual(3);
    expect(net.node(2).log().map((e) => e.term)).toEqual([2, 2, 2, 2, 2, 2, 2, 2, term]);
  });
});

describe('5.4 safety', () => {
  it.each([
    { name: 'higher last term', index: 1, logTerm: 3, grant: true },
    { name: 'same last term, longer log', index: 5, logTerm: 2, grant: true },
    { name: 'same last term, same length', index: 3, logTerm: 2, grant: true },
    { name: 'same last term, shorter log', index: 2, logTerm: 2, grant: false },
    { name: 'lower last term, longer log', index: 9, logTerm: 1, grant: false },
  ])('5.4.1 voters refuse a less up-to-date log: $name', ({ index, logTerm, grant }) => {
    const net = new RaftNetwork([1, 2]);
    setLog(net, 1, [2, 2], 2); // last entry 3@2
    net.node(1).raw.step(msg('vote', 2, 1, 5, { index, logTerm }));
    net.processAll();
    expect(net.inflight.map((m) => m.reject)).toEqual([!grant]);
  });

  it('5.4.2 Figure 8: an entry of an earlier term is not committed by counting replicas', () => {
    const result = figure8();
    expect(result.commitAfterC).toBe(2); // index 3 (term 2) is on a majority but not committed
    expect(result.appliedAt3).toEqual(['3@3', '3@3', '3@3', '3@3']); // every node that applied index 3 agrees
  });
});

