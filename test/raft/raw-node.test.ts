// The RawNode contract: input validation, Ready/advance, restart, status, tracing, determinism.
import { describe, expect, it } from 'vitest';
import { createRandom } from '../../sim/random.ts';
import { resolveRaftConfig } from '../../core/raft/config.ts';
import { BOOTSTRAP_HARD_STATE, MemoryStorage, bootstrapSnapshot } from '../../core/raft/memory-storage.ts';
import { makeMessage } from '../../core/raft/messages.ts';
import { RawNode } from '../../core/raft/raw-node.ts';
import { initialRole, nextRole, roleMachine, roleOf } from '../../core/raft/role-machine.ts';
import { AssertionFailure, KvlabError, groupId, nodeId } from '../../core/types.ts';
import { GROUP, RaftNetwork, elect, testConfig } from './network.ts';

function soloNode(tracer = { emit: () => {}, enabled: () => false }): { raw: RawNode; storage: MemoryStorage } {
  const storage = new MemoryStorage();
  storage.applySnapshot(bootstrapSnapshot([nodeId(1)]));
  storage.setHardState(BOOTSTRAP_HARD_STATE);
  return { raw: new RawNode(testConfig(nodeId(1)), storage, tracer, createRandom(1)), storage };
}

describe('RawNode.step validation', () => {
  const net = () => new RaftNetwork([1, 2, 3]);
  it.each([
    { name: 'another group', m: makeMessage('app', groupId(9), nodeId(2), nodeId(1), 5), code: 'wrongGroup' },
    { name: 'another recipient', m: makeMessage('app', GROUP, nodeId(2), nodeId(3), 5), code: 'wrongRecipient' },
    { name: 'a local message type', m: makeMessage('hup', GROUP, nodeId(2), nodeId(1), 0), code: 'localMessage' },
    { name: 'an append without a term', m: makeMessage('app', GROUP, nodeId(2), nodeId(1), 0), code: 'malformed' },
    { name: 'a forwarded proposal with a term', m: makeMessage('prop', GROUP, nodeId(2), nodeId(1), 3), code: 'malformed' },
  ])('refuses $name', ({ m, code }) => {
    const n = net().node(1);
    expect(n.raw.step(m)).toMatchObject({ code });
    expect(n.status().term).toBe(1);
  });
});

describe('Ready and advance', () => {
  it('reports hard and soft state only when they changed, and mustSync only for entries, term or vote', () => {
    const net = new RaftNetwork([1, 2, 3]);
    const raw = net.node(1).raw;
    raw.campaign();
    const rd = raw.ready();
    expect(rd.hardState).toMatchObject({ term: 2, vote: 1 });
    expect(rd.softState).toEqual({ leader: 0, role: 'candidate' });
    expect(rd.mustSync).toBe(true);
    expect(rd.messages.map((m) => m.type)).toEqual(['vote', 'vote']); // sent after the vote is persisted
    net.node(1).storage.setHardState(rd.hardState!);
    raw.advance(rd);
    expect(raw.hasReady()).toBe(false);
    // A commit-only change needs no fsync.
    elect(net, 1); // the first round's votes were never sent
    const c = net.node(1).status().commit;
    net.dropIf = (m) => m.to === 2 && m.commit > c;
    net.propose(1, 'x');
    net.stabilize();
    net.heal();
    net.tick(1);
    net.process(1);
    net.deliver(); // a heartbeat tells node 2 the new commit index
    const commitOnly = net.node(2).raw.ready();
    expect(commitOnly.hardState).toEqual({ term: net.node(1).status().term, vote: 1, commit: c + 1 });
    expect(commitOnly.entries).toEqual([]);
    expect(commitOnly.mustSync).toBe(false);
  });

  it('allows one outstanding Ready at a time and only its own advance', () => {
    const { raw, storage } = soloNode();
    raw.campaign();
    const rd = raw.ready();
    expect(raw.hasReady()).toBe(false);
    expect(() => raw.ready()).toThrow(AssertionFailure);
    expect(() => raw.advance({ ...rd })).toThrow(AssertionFailure);
    storage.append(rd.entries);
    raw.advance(rd);
    expect(raw.hasReady()).toBe(true); // the commit of its own entry
  });

  it('a restarted node does not re-apply what it applied, and re-delivers committed, unapplied entries', () => {
    const net = new RaftNetwork([1, 2, 3]);
    elect(net, 1);
    for (const x of ['a', 'b', 'c']) net.propose(1, x);
    net.stabilize();
    const n2 = net.node(2);
    net.crash(2);
    n2.lastApplied = 3; // pretend the state machine had applied only up to 'a'
    net.restart(2);
    expect(n2.status()).toMatchObject({ applied: 3, commit: 5, role: 'follower', term: 2 });
    net.process(2);
    expect(n2.appliedData()).toEqual(['a', 'b', 'c', 'b', 'c']); // b and c handed out again
  });

  it('refuses an applied index beyond the durable commit index', () => {
    const { storage } = soloNode();
    expect(() => new RawNode(testConfig(nodeId(1), { applied: 5 as never }), storage, { emit() {}, enabled: () => false }, createRandom(1))).toThrow(AssertionFailure);
  });

  it('status shows progress only on the leader', () => {
    const net = new RaftNetwork([1, 2, 3]);
    elect(net, 1);
    const s = net.node(1).status();
    expect(s).toMatchObject({ id: 1, group: 1, role: 'leader', lead: 1, term: 2, vote: 1, commit: 2, applied: 2, firstIndex: 2, lastIndex: 2 });
    expect(s.progress!.map((p) => [p.id, p.match, p.next, p.state])).toEqual([
      [1, 2, 3, 'replicate'],
      [2, 2, 3, 'replicate'],
      [3, 2, 3, 'replicate'],
    ]);
    expect(net.node(2).status().progress).toBeUndefined();
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
  });
});

describe('invariants asserted in the core', () => {
  it('a second leader in one term is a safety bug', () => {
    const net = new RaftNetwork([1, 2, 3]);
    elect(net, 1);
    const term = net.node(1).status().term;
    expect(() => net.node(2).raw.step(makeMessage('heartbeat', GROUP, nodeId(3), nodeId(2), term))).toThrow(/two leaders in term 2/);
    expect(() => net.node(1).raw.step(makeMessage('app', GROUP, nodeId(3), nodeId(1), term))).toThrow(/two leaders/);
  });

  it('an illegal role transition fails loudly', () => {
    expect(() => nextRole(initialRole(), { type: 'VOTE_WON' })).toThrow(/follower does not accept VOTE_WON/);
    let s = nextRole(initialRole(), { type: 'TIMEOUT', preVote: false });
    s = nextRole(s, { type: 'VOTE_WON' });
    expect(roleOf(s)).toBe('leader');
    expect(() => nextRole(s, { type: 'TIMEOUT', preVote: true })).toThrow(AssertionFailure);
  });

  it('the role machine has the four roles with readable events', () => {
    expect(Object.keys(roleMachine.config.states!)).toEqual(['follower', 'preCandidate', 'candidate', 'leader']);
    expect(Object.keys(roleMachine.config.states!.leader!.on!)).toEqual(['HIGHER_TERM', 'STEP_DOWN']);
  });
});

describe('configuration', () => {
  it.each([
    [{ electionTicks: 1 }, /electionTicks/],
    [{ heartbeatTicks: 10, electionTicks: 10 }, /must exceed heartbeatTicks/],
    [{ maxMsgBytes: 0 }, /maxMsgBytes/],
    [{ inflightMsgsMax: 1.5 }, /inflightMsgsMax/],
    [{ leaseDriftTicksMax: 10 }, /leaseDriftTicksMax/],
    [{ readOnlyOption: 'fast' as never }, /readOnlyOption/],
  ])('refuses %o', (overrides, message) => {
    expect(() => resolveRaftConfig(testConfig(nodeId(1), overrides))).toThrow(KvlabError);
    expect(() => resolveRaftConfig(testConfig(nodeId(1), overrides))).toThrow(message);
  });
});

describe('tracing', () => {
  it('emits the documented kinds with their fields', () => {
    const net = new RaftNetwork([1, 2, 3]);
    elect(net, 1);
    net.propose(1, 'x');
    net.stabilize();
    const first = (kind: string, node: number) => net.eventsOf(kind, node)[0]?.fields;
    expect(first('raft.role', 1)).toEqual({ group: 1, from: 'follower', to: 'candidate', term: 2, leader: 0, event: 'TIMEOUT' });
    expect(first('raft.term', 2)).toEqual({ group: 1, term: 2 });
    expect(first('raft.vote', 2)).toEqual({ group: 1, term: 2, for: 1 });
    expect(first('raft.append', 2)).toEqual({ group: 1, index: 2, terms: [2] });
    expect(net.eventsOf('raft.commit', 3).map((e) => e.fields.index)).toEqual([2, 3]);
    // apply, snapshot and conf are the host's events (it applies, snapshots and switches configuration).
    for (const kind of ['raft.apply', 'raft.snapshot', 'raft.conf']) expect(net.eventsOf(kind)).toEqual([]);
  });

  it('builds no fields when the tracer has the kind disabled', () => {
    let emitted = 0;
    const { raw, storage } = soloNode({ emit: () => void emitted++, enabled: () => false });
    raw.campaign();
    for (let i = 0; i < 3; i++) {
      const rd = raw.ready();
      storage.append(rd.entries);
      raw.advance(rd);
    }
    expect(raw.status().role).toBe('leader');
    expect(emitted).toBe(0);
  });

  it('the same seed gives the same run; another seed another one', () => {
    const run = (seed: number) => {
      const net = new RaftNetwork([1, 2, 3, 4, 5], { seed, config: { preVote: true, checkQuorum: true } });
      net.run(60);
      return JSON.stringify(net.events);
    };
    expect(run(7)).toBe(run(7));
    expect(run(7)).not.toBe(run(8));
  });
});
