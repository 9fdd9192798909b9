// `kvlab cluster` without running nodes: init output, argument errors, ephemeral ports, status of a
// stopped cluster, merging node answers, telling removed members, invalid configs that must not keep
// `down` from stopping what runs; and `kvlab node` exit codes (invalid config; graceful stop over a fake host).
import { spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { nodeId } from '../../core/types.ts';
import { clusterCommand, mergeStatus } from '../../cli/cluster.ts';
import { removedNodes } from '../../cli/cluster-status.ts';
import { ephemeralPortRange, EPHEMERAL_RANGE_LINUX_DEFAULT } from '../../prod/node/local/ephemeral-ports.ts';
import { isAlive, waitExit } from '../../prod/node/local/processes.ts';
import { nodeCommand } from '../../cli/node.ts';
import { readClusterDir } from '../../prod/node/local/cluster-dir.ts';
import type { Probe } from '../../prod/node/local/probe.ts';
import { captured, pickBasePort } from './cluster-harness.ts';
import { FakeHost, tempDir } from './node-harness.ts';

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
    [['status', '--dir', 'x', '--force'], /unknown option '--force' for status/],
    [['up', '--dir', 'x', '--timeout-ms', '0'], /--timeout-ms: found 0/],
    [['down', '--dir'], /--dir needs a value/],
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

describe('kvlab cluster init: ports in the ephemeral range', () => {
  it('reads the range from the /proc file, else takes Linux\'s default', () => {
    const file = join(root.path, 'port-range');
    writeFileSync(file, '40000\t50000\n');
    expect(ephemeralPortRange(file)).toEqual({ low: 40000, high: 50000, source: file });
    expect(ephemeralPortRange(join(root.path, 'no-such-file'))).toEqual(EPHEMERAL_RANGE_LINUX_DEFAULT);
    writeFileSync(file, 'junk');
    expect(ephemeralPortRange(file)).toEqual(EPHEMERAL_RANGE_LINUX_DEFAULT);
  });

  it('refuses a base port whose node ports fall in the range, unless --force', async () => {
    const range = ephemeralPortRange();
    const base = range.low + 10;
    const dir = join(root.path, 'ephemeral');
    const io = captured();
    expect(await clusterCommand(['init', '--nodes', '3', '--dir', dir, '--base-port', String(base)], io.output)).toBe(2);
    expect(io.err.join('')).toMatch(new RegExp(`--base-port ${base}: \\d+ of the cluster's ports \\(${base + 1}\\.\\.\\d+\\) are in the ephemeral port range ${range.low}-${range.high}.*pass --force`));
    expect(existsSync(join(dir, 'node1.json'))).toBe(false);
    // The last port (P + 200 + N) just touching the range is refused too.
    const touching = range.low - 203;
    expect(await clusterCommand(['init', '--nodes', '3', '--dir', dir, '--base-port', String(touching)], captured().output)).toBe(2);
    expect(await clusterCommand(['init', '--nodes', '3', '--dir', dir, '--base-port', String(touching - 1)], captured().output)).toBe(0);
    expect(await clusterCommand(['init', '--nodes', '3', '--dir', dir, '--base-port', String(base), '--force'], captured().output)).toBe(0);
    expect(readClusterDir(dir)[0].config.listen.resp.port).toBe(base + 1);
  });
});

/** A stand-in for a node process: its command line names the config, as a real node's does. */
function fakeNodeProcess(configPath: string): number {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', '--', '--config', configPath], { stdio: 'ignore', detached: true });
  child.unref();
  return child.pid!;
}

describe('kvlab cluster with an invalid node config', () => {
  it('down still stops every running node, the one with the bad file too, names the file and exits 2', async () => {
    const dir = join(root.path, 'bad-edit');
    await clusterCommand(['init', '--nodes', '2', '--dir', dir, '--base-port', String(await pickBasePort(2, 2_222))], captured().output);
    const pids = [1, 2].map((i) => {
      const pid = fakeNodeProcess(join(dir, `node${i}.json`));
      writeFileSync(join(dir, `node${i}.pid`), `${pid}\n`);
      return pid;
    });
    const bad = join(dir, 'node2.json');
    writeFileSync(bad, readFileSync(bad, 'utf8').replace('"electionTicks": 50', '"electionTicks": 3').replace('"logLevel": "info"', '"logLevel": "loud"'));
    try {
      const up = captured();
      expect(await clusterCommand(['up', '--dir', dir], up.output)).toBe(2);
      expect(up.err.join('')).toContain(`${bad}: logLevel: found "loud"`);
      expect(up.err.join('')).toMatch(/started nothing: 1 invalid node config/);

      const status = captured();
      expect(await clusterCommand(['status', '--dir', dir], status.output)).toBe(2);
      const body = JSON.parse(status.out.join(''));
      expect(body.nodes.map((n: { id: number }) => n.id)).toEqual([1]);
      expect(body.invalidConfigs).toEqual([{ file: bad, error: expect.stringContaining('logLevel: found "loud"'), pid: pids[1] }]);
      expect(status.err.join('')).toContain(`node2 (running as pid ${pids[1]}) has an invalid config; fix ${bad}`);

      const down = captured();
      expect(await clusterCommand(['down', '--dir', dir, '--timeout-ms', '5000'], down.output)).toBe(2);
      for (const pid of pids) expect(await waitExit(pid, 5_000)).toBe(true);
      expect(down.out.join('')).toContain(`node1 stopped (pid ${pids[0]})`);
      expect(down.out.join('')).toContain(`node2 stopped (pid ${pids[1]})`);
      expect(down.err.join('')).toContain(`${bad}: logLevel: found "loud"`);
      expect(existsSync(join(dir, 'node1.pid')) || existsSync(join(dir, 'node2.pid'))).toBe(false);
    } finally {
      for (const pid of pids) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    }
  });

  it('every problem of a config file is reported at once', async () => {
    const dir = join(root.path, 'many-problems');
    await clusterCommand(['init', '--nodes', '1', '--dir', dir], captured().output);
    const file = join(dir, 'node1.json');
    const config = JSON.parse(readFileSync(file, 'utf8'));
    writeFileSync(file, JSON.stringify({ ...config, colour: 'red', logLevel: 'loud', raft: { ...config.raft, electionTicks: 3 }, limits: { ...config.limits, keyBytesMax: 10_000_000, requestBytesMax: 1_000_000 } }));
    const io = captured();
    expect(await clusterCommand(['up', '--dir', dir], io.output)).toBe(2);
    const lines = io.err.join('').split('\n').filter((l) => l.includes(`${file}: `));
    expect(lines.map((l) => /node1\.json: ([^:]+):/.exec(l)?.[1])).toEqual(expect.arrayContaining(['colour', 'logLevel', 'raft.electionTicks']));
  });
});

describe('kvlab cluster: removed members', () => {
  const row = (id: number, role: string) => ({ id: nodeId(id), role, term: 2, commitIndex: 5, appliedIndex: 5, up: true, respAddr: '', httpAddr: '', raftAddr: '' });
  const status = (clusterId: string, leader: number, rows: ReturnType<typeof row>[]): Probe => ({ kind: 'status', status: { clusterId, leader: nodeId(leader), term: 2, nodes: rows } });

  it('a node answering as role "removed", or a founding node the leader no longer lists, is removed', () => {
    const nodes = readClusterDir(join(root.path, 'c3'));
    const probes = [status('my-cluster', 1, [row(1, 'leader'), row(2, 'follower')]), status('my-cluster', 1, [row(1, 'follower'), row(2, 'follower')]), { kind: 'down', reason: 'ECONNREFUSED' } as Probe];
    expect(removedNodes(nodes, probes).map((r) => [r.node.index, r.why])).toEqual([[3, 'the leader (node id 1) no longer lists node id 3 as a member']]);
    const selfRemoved = [status('my-cluster', 1, [row(1, 'leader'), row(2, 'follower'), row(3, 'follower')]), { kind: 'down', reason: 'x' } as Probe, status('my-cluster', 1, [row(3, 'removed')])];
    expect(removedNodes(nodes, selfRemoved).map((r) => r.node.index)).toEqual([3]);
    // No leader answering, or a leader of another cluster: nothing can be told.
    expect(removedNodes(nodes, [{ kind: 'down', reason: 'x' }, status('my-cluster', 1, [row(2, 'follower')]), { kind: 'down', reason: 'x' }])).toEqual([]);
    expect(removedNodes(nodes, [status('other', 1, [row(1, 'leader')]), { kind: 'down', reason: 'x' }, { kind: 'down', reason: 'x' }])).toEqual([]);
  });

  it('up skips a node marked removed and says so; status shows it removed', async () => {
    const dir = join(root.path, 'with-removed');
    await clusterCommand(['init', '--nodes', '2', '--dir', dir, '--base-port', String(await pickBasePort(2, 3_333))], captured().output);
    writeFileSync(join(dir, 'node2.removed'), 'removed in a test\n');
    // node1 "runs" (a stand-in), so up starts nothing and only waits for it to listen: cut that short.
    const io = captured();
    const pid = fakeNodeProcess(join(dir, 'node1.json'));
    writeFileSync(join(dir, 'node1.pid'), `${pid}\n`);
    try {
      await clusterCommand(['up', '--dir', dir, '--timeout-ms', '300'], io.output);
      expect(io.out.join('')).toContain(`node2 skipped: removed from the cluster (${join(dir, 'node2.removed')}; delete that file to start it again)`);
      expect(existsSync(join(dir, 'node2.pid'))).toBe(false);
      const st = captured();
      await clusterCommand(['status', '--dir', dir], st.output);
      expect(JSON.parse(st.out.join('')).nodes.find((n: { id: number }) => n.id === 2)).toMatchObject({ role: 'removed', up: false });
    } finally {
      process.kill(pid, 'SIGKILL');
      rmSync(join(dir, 'node1.pid'), { force: true });
    }
  });
});

describe('kvlab cluster status', () => {
  it('shows every node down and exits 1 when nothing answers', async () => {
    const dir = join(root.path, 'quiet');
    const base = await pickBasePort(2, 1_111);
    await clusterCommand(['init', '--nodes', '2', '--dir', dir, '--base-port', String(base)], captured().output);
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
