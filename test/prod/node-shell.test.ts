// The production node shell over a fake host: servers come up on the configured ports, the data
// directory is locked, membership requests carry the new member's addresses, a graceful stop hands
// leadership to the most caught-up follower and releases everything, a fatal error at start cleans up.
import { existsSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { nodeId } from '../../core/types.ts';
import { formatHostPort } from '../../prod/config/address.ts';
import type { ProdNodeConfig } from '../../prod/config/validate.ts';
import { type RunningNode, startNode } from '../../prod/node/start-node.ts';
import { clusterConfigs, collectingLog, FakeHost, oneNodeConfig, tempDir } from './node-harness.ts';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function started(extra: Record<string, unknown> = {}) {
  const dir = tempDir('kvlab-shell-');
  cleanups.push(dir.remove);
  const config = await oneNodeConfig(join(dir.path, 'data'), extra);
  const { log, lines } = collectingLog();
  let host: FakeHost | undefined;
  const node = await startNode(config, log, { createHost: (parts) => (host = new FakeHost(parts)) });
  cleanups.push(() => node.stop());
  return { config, node, host: host!, lines };
}

const httpUrl = (config: ProdNodeConfig, path: string) => `http://${formatHostPort(config.listen.http)}${path}`;

function respRoundTrip(config: ProdNodeConfig, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(config.listen.resp.port, config.listen.resp.host, () => socket.write(request));
    socket.once('data', (data) => {
      resolve(data.toString());
      socket.destroy();
    });
    socket.once('error', reject);
  });
}

describe('production node shell', () => {
  it('serves HTTP and RESP on the configured ports and reports its own row', async () => {
    const { config, node } = await started();
    expect(node.addresses.http).toBe(formatHostPort(config.listen.http));
    const status = await (await fetch(httpUrl(config, '/v1/cluster'))).json();
    expect(status).toMatchObject({ clusterId: 'shell-test', leader: 2, term: 3 });
    expect(status.nodes[0]).toMatchObject({ id: 1, role: 'follower', term: 3, commitIndex: 7, appliedIndex: 7, up: true, raftAddr: formatHostPort(config.listen.raft) });
    expect(status.nodes[1]).toMatchObject({ id: 2, up: false });
    expect((await fetch(httpUrl(config, '/v1/kv/a'), { method: 'PUT', body: 'va' })).status).toBe(204);
    expect(await (await fetch(httpUrl(config, '/v1/kv/a'))).text()).toBe('va');
    expect(await respRoundTrip(config, 'PING\r\n')).toBe('+PONG\r\n');
    const metrics = await (await fetch(httpUrl(config, '/metrics'))).text();
    expect(metrics).toContain('kvlab_raft_term{group="1"} 3');
    expect(metrics).toContain('kvlab_raft_members{group="1",kind="voter"} 2');
    expect(metrics).toMatch(/kvlab_requests_total\{protocol="http",command="[^"]+",outcome="ok"\} \d/);
  });

  it('a second node on the same data directory refuses, naming the holder', async () => {
    const { config } = await started();
    const second = collectingLog();
    await expect(startNode(config, second.log, { createHost: (parts) => new FakeHost(parts) })).rejects.toThrow(/is in use by process \d+/);
    // The first node still answers.
    expect((await fetch(httpUrl(config, '/v1/cluster'))).status).toBe(200);
  });

  it('adds a member as a learner with its addresses in the change and in members.json', async () => {
    const { config, host } = await started();
    const response = await fetch(httpUrl(config, '/v1/members'), {
      method: 'POST',
      body: JSON.stringify({ id: 3, raftAddr: '127.0.0.1:17203', respAddr: '127.0.0.1:17003', httpAddr: '127.0.0.1:17103' }),
    });
    expect(response.status).toBe(200);
    expect(host.changes).toHaveLength(1);
    expect(host.changes[0].op).toBe('addLearner');
    expect(JSON.parse(host.changes[0].context!)).toMatchObject({ id: 3, raftAddr: '127.0.0.1:17203', httpAddr: '127.0.0.1:17103' });
    const saved = JSON.parse(readFileSync(join(config.dataDir, 'members.json'), 'utf8'));
    expect(saved.members.map((m: { id: number }) => m.id)).toEqual([1, 2, 3]);
  });

  it('requires the admin token for membership changes when one is configured', async () => {
    const { config, host } = await started({ adminToken: 's3cret' });
    const body = JSON.stringify({ id: 3, raftAddr: '127.0.0.1:17203', respAddr: '127.0.0.1:17003', httpAddr: '127.0.0.1:17103' });
    expect((await fetch(httpUrl(config, '/v1/members'), { method: 'POST', body })).status).toBe(401);
    const ok = await fetch(httpUrl(config, '/v1/members'), { method: 'POST', body, headers: { Authorization: 'Bearer s3cret' } });
    expect(ok.status).toBe(200);
    expect(host.changes).toHaveLength(1);
  });

  it('graceful stop as leader hands over to the most caught-up reachable follower, then releases everything', async () => {
    const dir = tempDir('kvlab-shell-');
    cleanups.push(dir.remove);
    const [config, peerConfig] = await clusterConfigs(2, dir.path);
    const { log, lines } = collectingLog();
    let host: FakeHost | undefined;
    const node = await startNode(config, log, { createHost: (parts) => (host = new FakeHost(parts)) });
    cleanups.push(() => node.stop());
    const peer = await startNode(peerConfig, collectingLog(2).log, { createHost: (parts) => new FakeHost(parts) });
    cleanups.push(() => peer.stop());
    // Node 2 is connected once node 1's /metrics says so; node 3 (further ahead) is not reachable at all.
    const connected = async () => (await (await fetch(httpUrl(config, '/metrics'))).text()).includes('kvlab_peer_connected{peer="2"} 1');
    while (!(await connected())) await new Promise((r) => setTimeout(r, 20));
    const [n1, n2, n3] = [nodeId(1), nodeId(2), nodeId(3)];
    host!.current = {
      role: 'leader', term: 5, leader: n1, commitIndex: 9, appliedIndex: 9, lastIndex: 9, voters: [n1, n2, n3], learners: [],
      progress: [
        { id: n1, match: 9, recentActive: true, isLearner: false },
        { id: n2, match: 5, recentActive: true, isLearner: false },
        { id: n3, match: 8, recentActive: true, isLearner: false },
      ],
    };
    await node.stop();
    expect(host!.transfers).toEqual([2]);
    expect(host!.stopped).toBe(true);
    expect(existsSync(join(config.dataDir, 'LOCK'))).toBe(false);
    await expect(fetch(httpUrl(config, '/v1/cluster'))).rejects.toThrow();
    const kinds = lines.map((l) => l.kind);
    expect(kinds).toEqual(expect.arrayContaining(['node.ready', 'node.stopping', 'node.transferLeader', 'node.leaderMoved', 'node.stopped']));
    expect(kinds.indexOf('node.leaderMoved')).toBeLessThan(kinds.indexOf('node.stopped'));
  });

  it('a fatal error while the host starts fails the start and releases the data directory', async () => {
    const dir = tempDir('kvlab-shell-');
    cleanups.push(dir.remove);
    const config = await oneNodeConfig(join(dir.path, 'data'));
    const { log, lines } = collectingLog();
    const corrupt = new Error('WAL segment 0000000000000001-0000000000000001.wal is corrupt at offset 4096');
    const start = startNode(config, log, {
      createHost: (parts) => {
        parts.onFatal(corrupt);
        return new FakeHost(parts);
      },
    });
    await expect(start).rejects.toBe(corrupt);
    expect(lines.find((l) => l.kind === 'node.failed')).toMatchObject({ level: 'error', error: corrupt.message });
    expect(existsSync(join(config.dataDir, 'LOCK'))).toBe(false);
    const again = await startNode(config, collectingLog().log, { createHost: (parts) => new FakeHost(parts) });
    await again.stop();
  });
});
