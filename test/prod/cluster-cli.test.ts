// `kvlab cluster` without running nodes: init output, argument errors, status of a stopped cluster,
// merging node answers; and `kvlab node` exit codes (invalid config; graceful stop over a fake host).
import { EventEmitter } from 'node:events';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { nodeId } from '../../core/types.ts';
import { clusterCommand, mergeStatus } from '../../cli/cluster.ts';
import { nodeCommand } from '../../cli/node.ts';
import { readClusterDir } from '../../prod/node/local/cluster-dir.ts';
import type { Probe } from '../../prod/node/local/probe.ts';
import { captured, pickBasePort } from './cluster-harness.ts';
import { FakeHost, freePorts, tempDir } from './node-harness.ts';

const root = tempDir('kvlab-cluster-cli-');
afterAll(root.remove);

describe('kvlab cluster init', () => {
  it('writes node<i>.json with the contract ports and data in node<i>/', async () => {
    const dir = join(root.path, 'c3');
    const io = captured();
    expect(await clusterCommand(['init', '--nodes', '3', '--dir', dir, '--base-port', '9300', '--cluster-id', 'my-cluster'], io.output)).toBe(0);
    expect(io.out.join('')).toMatch(/wrote 3 node configs for cluster my-cluster/);
    const nodes = readClusterDir(dir);
    expect(nodes.map((n) => n.index)).toEqual([1, 2, 3]);
    for (const node of nodes) {
      const i = node.index;
      expect(node.config.clusterId).toBe('my-cluster');
      expect(node.config.listen.resp.port).toBe(9300 + i);
      expect(node.config.listen.http.port).toBe(9400 + i);
      expect(node.config.listen.raft.port).toBe(9500 + i);
      expect(node.config.dataDir).toBe(join(dir, `node${i}`));
    }
    const written = JSON.parse(readFileSync(join(dir, 'node2.json'), 'utf8'));
    expect(written.listen).toEqual({ resp: '127.0.0.1:9302', http: '127.0.0.1:9402', raft: '127.0.0.1:9502' });
    expect(written.raft).toMatchObject({ tickMs: 20, electionTicks: 50, heartbeatTicks: 5 });
  });

  it('defaults to base port 7000 and a random cluster id', async () => {
    const dir = join(root.path, 'c1');
    expect(await clusterCommand(['init', '--nodes', '1', '--dir', dir], captured().output)).toBe(0);
    const [node] = readClusterDir(dir);
    expect(node.config.listen.resp.port).toBe(7001);
    expect(node.config.listen.http.port).toBe(7101);
    expect(node.config.listen.raft.port).toBe(7201);
    expect(node.config.clusterId).toMatch(/^local-[0-9a-f]{8}$/);
  });

  it('refuses to overwrite configs without --force', async () => {
    const dir = join(root.path, 'c1');
    const io = captured();
    expect(await clusterCommand(['init', '--nodes', '1', '--dir', dir], io.output)).toBe(2);
    expect(io.err.join('')).toMatch(/node1\.json exists; pass --force/);
    expect(await clusterCommand(['init', '--nodes', '1', '--dir', dir, '--force'], captured().output)).toBe(0);
  });

  const bad: Array<[string[], RegExp]> = [
    [[], /missing the action/],
    [['start', '--dir', 'x'], /unknown action 'start'/],
    [['init', '--dir', 'x'], /missing --nodes N/],
    [['init', '--nodes', 'three', '--dir', 'x'], /--nodes: found 'three'; allowed: an integer/],
    [['init', '--nodes', '3', '--dir', 'x', '--base-port', '65500'], /--base-port: found 65500/],
    [['init', '--nodes', '99', '--dir', 'x'], /--nodes: found 99; allowed: an integer from 1 to 16/],
    [['up'], /missing --dir DIR/],
    [['status', '--dir', 'x', '--force'], /unexpected argument '--force'/],
  ];
  for (const [args, message] of bad) {
    it(`exit 2 for: ${args.join(' ') || '(nothing)'}`, async () => {
      const io = captured();
      expect(await clusterCommand(args, io.output)).toBe(2);
      expect(io.err.join('')).toMatch(message);
    });
  }

  it('up on a directory without configs is invalid input (2)', async () => {
    const io = captured();
    expect(await clusterCommand(['up', '--dir', root.path], io.output)).toBe(2);
    expect(io.err.join('')).toMatch(/no node<i>\.json files; create them with kvlab cluster init/);
  });

  it('up with an invalid config names the file and field (2)', async () => {
    const dir = join(root.path, 'broken');
    await clusterCommand(['init', '--nodes', '1', '--dir', dir], captured().output);
    const file = join(dir, 'node1.json');
    writeFileSync(file, readFileSync(file, 'utf8').replace('"electionTicks": 50', '"electionTicks": 3'));
    const io = captured();
    expect(await clusterCommand(['up', '--dir', dir], io.output)).toBe(2);
    expect(io.err.join('')).toContain(`${file}: raft.electionTicks: found 3`);
  });
});

describe('kvlab cluster status', () => {
  it('shows every node down and exits 1 when nothing answers', async () => {
    const dir = join(root.path, 'quiet');
    const [base] = await freePorts(1);
    await clusterCommand(['init', '--nodes', '2', '--dir', dir, '--base-port', String(Math.min(base, 60000))], captured().output);
    const io = captured();
    expect(await clusterCommand(['status', '--dir', dir], io.output)).toBe(1);
    const status = JSON.parse(io.out.join(''));
    expect(status.leader).toBeNull();
    expect(status.nodes.map((n: { id: number; up: boolean }) => [n.id, n.up])).toEqual([[1, false], [2, false]]);
  });

  it('merges answers: the leader view, each node\'s own row, non-answering nodes down', () => {
    const dir = join(root.path, 'c3');
    const nodes = readClusterDir(dir);
    const row = (id: number, role: string, up = true) => ({ id: nodeId(id), role, term: 4, commitIndex: 10 + id, appliedIndex: 10 + id, up, respAddr: '', httpAddr: '', raftAddr: '' });
    const fromLeader: Probe = { kind: 'status', status: { clusterId: 'my-cluster', leader: nodeId(2), term: 4, nodes: [row(1, 'follower'), row(2, 'leader'), row(3, 'follower')] } };
    const fromOne: Probe = { kind: 'status', status: { clusterId: 'my-cluster', leader: nodeId(2), term: 4, nodes: [{ ...row(1, 'follower'), commitIndex: 99 }, row(2, 'unknown', false), row(3, 'unknown', false)] } };
    const merged = mergeStatus(nodes, [fromOne, fromLeader, { kind: 'down', reason: 'ECONNREFUSED' }]);
    expect(merged.leader).toBe(2);
    expect(merged.nodes.map((n) => [n.id, n.role, n.up, n.commitIndex])).toEqual([
      [1, 'follower', true, 99],
      [2, 'leader', true, 12],
      [3, 'follower', false, 13],
    ]);
  });
});

describe('kvlab node exit codes', () => {
  it('exit 2 with file and field on an invalid config; a JSON line on stdout', async () => {
    const file = join(root.path, 'bad-node.json');
    writeFileSync(file, JSON.stringify({ nodeId: 1 }));
    const stdout = new PassThrough();
    const chunks: string[] = [];
    stdout.on('data', (c) => chunks.push(String(c)));
    const errors: string[] = [];
    const code = await nodeCommand(['--config', file], { stdout, stderr: (t) => errors.push(t), signals: new EventEmitter() as never, exitGuardMs: 0 });
    expect(code).toBe(2);
    expect(errors.join('')).toContain(`${file}: clusterId: found nothing`);
    expect(JSON.parse(chunks.join('').trim())).toMatchObject({ level: 'error', kind: 'node.configInvalid', node: null });
  });

  it('exit 2 without --config', async () => {
    const errors: string[] = [];
    const code = await nodeCommand([], { stdout: new PassThrough(), stderr: (t) => errors.push(t), signals: new EventEmitter() as never, exitGuardMs: 0 });
    expect(code).toBe(2);
    expect(errors.join('')).toMatch(/missing --config FILE\.json/);
  });

  it('exit 0 after SIGTERM, with the lock released', async () => {
    const dir = join(root.path, 'one');
    // All three of the node's ports must be free (RESP, HTTP, Raft), not just the base port.
    const base = await pickBasePort(1, 4711);
    await clusterCommand(['init', '--nodes', '1', '--dir', dir, '--base-port', String(base)], captured().output);
    const signals = new EventEmitter();
    const stdout = new PassThrough();
    const lines: string[] = [];
    const errors: string[] = [];
    stdout.on('data', (c) => lines.push(...String(c).split('\n').filter(Boolean)));
    const running = nodeCommand(['--config', join(dir, 'node1.json')], {
      stdout,
      stderr: (text) => errors.push(text),
      signals: signals as never,
      exitGuardMs: 0,
      startOptions: { createHost: (parts) => new FakeHost(parts) },
    });
    let exitCode: number | undefined;
    void running.then((code) => (exitCode = code));
    while (!lines.some((l) => l.includes('"node.ready"'))) {
      // A node that cannot start (a port taken meanwhile, say) exits: say why instead of waiting forever.
      if (exitCode !== undefined) throw new Error(`the node exited ${exitCode} before it was ready: ${errors.join('')}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    signals.emit('SIGTERM', 'SIGTERM');
    expect(await running).toBe(0);
    expect(existsSync(join(dir, 'node1', 'LOCK'))).toBe(false);
    expect(lines.map((l) => JSON.parse(l).kind)).toEqual(expect.arrayContaining(['node.ready', 'node.signal', 'node.stopped']));
  });

  it('a SIGTERM that arrives while the node starts stops it once it is up (exit 0)', async () => {
    const dir = join(root.path, 'one');
    const signals = new EventEmitter();
    const stdout = new PassThrough();
    const kinds: string[] = [];
    stdout.on('data', (c) => kinds.push(...String(c).split('\n').filter(Boolean).map((l) => JSON.parse(l).kind)));
    const running = nodeCommand(['--config', join(dir, 'node1.json')], {
      stdout,
      stderr: () => {},
      signals: signals as never,
      exitGuardMs: 0,
      startOptions: { createHost: (parts) => new FakeHost(parts) },
    });
    signals.emit('SIGTERM', 'SIGTERM');
    expect(await running).toBe(0);
    expect(kinds.indexOf('node.signal')).toBeLessThan(kinds.indexOf('node.ready'));
    expect(kinds).toContain('node.stopped');
    expect(existsSync(join(dir, 'node1', 'LOCK'))).toBe(false);
  });
});
