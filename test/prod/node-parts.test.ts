// Pure pieces of the production node: JSON log lines and levels, the handoff target at a graceful
// stop, which learner to promote, which membership requests make no sense, the members file.
import { describe, expect, it } from 'vitest';
import { nodeId } from '../../core/types.ts';
import { JsonLog } from '../../prod/log/json-log.ts';
import { levelOfKind } from '../../prod/log/levels.ts';
import { roleOf } from '../../prod/node/kv-node-host.ts';
import { handoffTarget } from '../../prod/node/leader-handoff.ts';
import { MemberDirectory, memberAddresses, parseMembersFile } from '../../prod/node/member-directory.ts';
import { MemberSync } from '../../prod/node/member-sync.ts';
import { changeProblem, learnerToPromote, PROMOTE_LAG_ENTRIES_MAX } from '../../prod/node/membership.ts';
import type { LocalRaftView } from '../../prod/node/node-host.ts';

const [n1, n2, n3, n4] = [nodeId(1), nodeId(2), nodeId(3), nodeId(4)];

function leaderView(progress: LocalRaftView['progress'], extra: Partial<LocalRaftView> = {}): LocalRaftView {
  return { role: 'leader', term: 2, leader: n1, commitIndex: 100, appliedIndex: 100, lastIndex: 100, voters: [n1, n2, n3], learners: [], progress, ...extra };
}

describe('JSON log', () => {
  it('writes time, level, node, kind, then the fields; a clashing field gets a trailing _', () => {
    const lines: string[] = [];
    const log = new JsonLog({ node: 3, level: 'info', sink: (l) => lines.push(l), wallMs: () => Date.UTC(2025, 0, 2, 3, 4, 5, 6) });
    log.emit('raft.role', { group: 1, from: 'follower', to: 'leader', level: 'x' });
    expect(lines).toEqual(['{"time":"2025-01-02T03:04:05.006Z","level":"info","node":3,"kind":"raft.role","group":1,"from":"follower","to":"leader","level_":"x"}\n']);
  });

  it('keeps per-entry chatter at debug and filters below the configured level', () => {
    const lines: string[] = [];
    const log = new JsonLog({ node: 1, level: 'info', sink: (l) => lines.push(l), wallMs: Date.now });
    expect(levelOfKind('raft.apply')).toBe('debug');
    expect(levelOfKind('net.send')).toBe('debug');
    expect(levelOfKind('tcp.handshakeReject')).toBe('warn');
    expect(levelOfKind('node.fatal')).toBe('error');
    expect(log.enabled('raft.apply')).toBe(false);
    expect(log.enabled('raft.role')).toBe(true);
    log.emit('raft.apply', { index: 1 });
    log.debug('x.debug');
    log.warn('x.warn', { n: 1n as unknown as number, bytes: new Uint8Array(3) });
    expect(lines.map((l) => JSON.parse(l))).toEqual([expect.objectContaining({ level: 'warn', kind: 'x.warn', n: '1', bytes: '<3 bytes>' })]);
  });
});

describe('leader handoff target', () => {
  it('picks the active voter with the highest match, never itself or a learner', () => {
    const view = leaderView(
      [
        { id: n1, match: 100, recentActive: true, isLearner: false },
        { id: n2, match: 90, recentActive: true, isLearner: false },
        { id: n3, match: 99, recentActive: false, isLearner: false },
        { id: n4, match: 100, recentActive: true, isLearner: true },
      ],
      { learners: [n4] },
    );
    expect(handoffTarget(view, n1)).toBe(n2);
  });

  it('skips a follower the transport cannot reach now', () => {
    const view = leaderView([
      { id: n1, match: 100, recentActive: true, isLearner: false },
      { id: n2, match: 90, recentActive: true, isLearner: false },
      { id: n3, match: 99, recentActive: true, isLearner: false },
    ]);
    expect(handoffTarget(view, n1, (id) => id !== n3)).toBe(n2);
    expect(handoffTarget(view, n1, () => false)).toBeNull();
  });

  it('is null for a follower or a leader without active followers', () => {
    expect(handoffTarget({ ...leaderView(undefined), role: 'follower' }, n1)).toBeNull();
    expect(handoffTarget(leaderView([{ id: n1, match: 100, recentActive: true, isLearner: false }, { id: n2, match: 100, recentActive: false, isLearner: false }]), n1)).toBeNull();
  });
});

describe('membership decisions', () => {
  it('promotes a learner once it is within the lag bound, and only on the leader', () => {
    const lagging = leaderView([{ id: n4, match: 100 - PROMOTE_LAG_ENTRIES_MAX - 1, recentActive: true, isLearner: true }], { learners: [n4] });
    expect(learnerToPromote(lagging)).toBeNull();
    const caughtUp = leaderView([{ id: n4, match: 100 - PROMOTE_LAG_ENTRIES_MAX, recentActive: true, isLearner: true }], { learners: [n4] });
    expect(learnerToPromote(caughtUp)).toBe(n4);
    expect(learnerToPromote({ ...caughtUp, role: 'follower' })).toBeNull();
  });

  it('refuses changes that make no sense, with the reason', () => {
    const view = leaderView([{ id: n4, match: 3, recentActive: true, isLearner: true }], { learners: [n4] });
    const addresses = { raftAddr: 'h:1', respAddr: 'h:2', httpAddr: 'h:3' };
    expect(changeProblem({ op: 'addLearner', id: n2, addresses }, view)).toMatch(/already a voter/);
    expect(changeProblem({ op: 'promote', id: n4 }, view)).toMatch(/learner 4 has not caught up yet \(it has 3 of 100 entries\)/);
    expect(changeProblem({ op: 'promote', id: n3 }, view)).toMatch(/already a voter/);
    expect(changeProblem({ op: 'remove', id: nodeId(9) }, view)).toMatch(/not a member/);
    expect(changeProblem({ op: 'remove', id: n1 }, { ...view, voters: [n1] })).toMatch(/only voter/);
    expect(changeProblem({ op: 'addLearner', id: nodeId(5), addresses }, view)).toBeNull();
    expect(changeProblem({ op: 'remove', id: n3 }, view)).toBeNull();
  });
});

describe('members file', () => {
  it('round-trips addresses and rejects damaged entries with a hint', () => {
    const parsed = parseMembersFile(JSON.stringify({ members: [{ id: 4, raftAddr: '127.0.0.1:7204', respAddr: '', httpAddr: '127.0.0.1:7104' }] }), 'm.json');
    expect(parsed.get(n4)).toEqual({ raftAddr: '127.0.0.1:7204', respAddr: '', httpAddr: '127.0.0.1:7104' });
    expect(() => parseMembersFile('{"members":[{"id":0,"raftAddr":"h:1"}]}', 'm.json')).toThrow(/m\.json: bad entry .*delete the file/);
    expect(() => parseMembersFile('nope', 'm.json')).toThrow(/not JSON/);
    expect(memberAddresses({ raftAddr: 'no port' })).toMatch(/raftAddr must be "host:port"/);
  });
});

describe('member sync', () => {
  function setup(view: LocalRaftView) {
    const directory = MemberDirectory.inMemory(new Map([[n1, { raftAddr: '127.0.0.1:1', respAddr: '', httpAddr: '' }], [n2, { raftAddr: '127.0.0.1:2', respAddr: '', httpAddr: '' }]]));
    const calls: string[] = [];
    let current = view;
    const sync = new MemberSync({
      selfId: n1,
      view: () => current,
      directory,
      setPeer: (id, addr) => calls.push(`set ${id} ${addr}`),
      removePeer: (id) => calls.push(`remove ${id}`),
      log: new JsonLog({ node: 1, level: 'error', sink: () => {}, wallMs: Date.now }),
    });
    return { sync, directory, calls, setView: (v: LocalRaftView) => (current = v) };
  }
  const row = (id: number, raftAddr: string) => ({ id: nodeId(id), role: 'follower', term: 1, commitIndex: 0, appliedIndex: 0, up: true, respAddr: '', httpAddr: '', raftAddr });

  it('learns addresses of current members from a peer answer, never of strangers', () => {
    const { sync, directory, calls } = setup({ ...leaderView(undefined), voters: [n1, n2, n3] });
    sync.learnFrom({ clusterId: 'c', leader: n2, term: 1, nodes: [row(2, '127.0.0.1:9'), row(3, '127.0.0.1:3'), row(4, '127.0.0.1:4')] });
    expect(calls).toEqual(['set 3 127.0.0.1:3']);
    expect(directory.get(n3)?.raftAddr).toBe('127.0.0.1:3');
    expect(directory.get(n2)?.raftAddr).toBe('127.0.0.1:2');
  });

  it('drops a member once it leaves a configuration it was seen in', () => {
    const { sync, directory, calls, setView } = setup({ ...leaderView(undefined), voters: [n1, n2] });
    sync.reconcile();
    expect(calls).toEqual([]);
    setView({ ...leaderView(undefined), voters: [n1] });
    sync.reconcile();
    expect(calls).toEqual(['remove 2']);
    expect(directory.get(n2)).toBeUndefined();
  });

  it('drops a member whose address it learned even if it left before a reconcile saw it', () => {
    const { sync, directory, calls, setView } = setup({ ...leaderView(undefined), voters: [n1, n2, n3] });
    sync.learnFrom({ clusterId: 'c', leader: n2, term: 1, nodes: [row(3, '127.0.0.1:3')] });
    setView({ ...leaderView(undefined), voters: [n1, n2] });
    sync.reconcile();
    expect(calls).toEqual(['set 3 127.0.0.1:3', 'remove 3']);
    expect(directory.get(n3)).toBeUndefined();
  });
});

describe('reported role', () => {
  it('tells learners, joining and removed nodes from followers', () => {
    expect(roleOf('follower', false, [n1, n2], [n4], n4)).toBe('learner');
    expect(roleOf('follower', false, [n1, n2, n4], [], n4)).toBe('follower');
    expect(roleOf('follower', false, [], [], n4)).toBe('joining');
    expect(roleOf('follower', false, [n1, n2], [], n4)).toBe('removed');
    expect(roleOf('leader', false, [n1], [], n1)).toBe('leader');
    expect(roleOf('leader', true, [n1], [], n1)).toBe('failed');
  });
});
