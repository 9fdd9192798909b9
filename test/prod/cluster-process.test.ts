// Real processes on 127.0.0.1: `kvlab cluster up/status/down`, a locked data directory, graceful stop
// (exit 0, leadership handed over), restart from the data directory, kill -9 of the leader under
// write load with the history checked for linearizability, a node joining through the members API,
// and a corrupted WAL that stops a node from starting. One cluster serves the tests in order; every
// process is killed in afterAll even when a test fails.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterCommand } from '../../cli/cluster.ts';
import { isAlive, NODE_PROCESS_ENTRY, waitExit } from '../../prod/node/local/processes.ts';
import { parseHistory } from '../../check/history.ts';
import { checkLinearizability } from '../../check/linearizability.ts';
import { captured, LocalCluster, quietOutput, runWorkload, sleep } from './cluster-harness.ts';

const SEED = Number(process.env.KVLAB_TEST_SEED ?? 20_251);
let cluster: LocalCluster;
const all = [1, 2, 3];

beforeAll(async () => {
  cluster = await LocalCluster.create(3, 1, SEED);
});

afterAll(async () => {
  await cluster?.cleanup();
});

describe(`a real 3-node cluster (seed ${SEED})`, () => {
  it('cluster up starts every node; status shows them up with one leader', async () => {
    const up = captured();
    expect(await clusterCommand(['up', '--dir', cluster.dir], up.output), up.err.join('')).toBe(0);
    expect(up.out.join('')).toMatch(/node3 pid \d+/);
    // Every node must know the leader before node 3 answers a linearizable read (else 503, retry).
    const leader = await cluster.waitLeaderKnown(all);
    const status = await cluster.eventually('status with every node up', async () => {
      const io = captured();
      const code = await clusterCommand(['status', '--dir', cluster.dir], io.output);
      const body = JSON.parse(io.out.join(''));
      return code === 0 && body.nodes.every((n: { up: boolean }) => n.up) ? body : null;
    });
    expect(status.clusterId).toBe(`test-${SEED}`);
    expect(status.leader).toBe(leader);
    expect(status.nodes.map((n: { id: number }) => n.id)).toEqual(all);
    expect(status.nodes.filter((n: { role: string }) => n.role === 'leader')).toHaveLength(1);
    expect(await cluster.put(1, 'greeting', 'hello')).toBe(204);
    expect(await cluster.get(3, 'greeting')).toBe('hello');
  });

  it('a second process on a locked data directory refuses with a clear message', async () => {
    const child = spawn(process.execPath, [NODE_PROCESS_ENTRY, '--config', cluster.configPath(1)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).toBe(1);
    expect(stderr).toMatch(/data directory .*node1 is in use by process \d+/);
  });

  it('cluster down stops every node gracefully and removes the pid files', async () => {
    const pids = all.map((i) => cluster.pid(i)!);
    const down = captured();
    expect(await clusterCommand(['down', '--dir', cluster.dir], down.output)).toBe(0);
    expect(down.out.join('')).toMatch(/node1 stopped/);
    for (const pid of pids) expect(isAlive(pid)).toBe(false);
    expect(readdirSync(cluster.dir).filter((n) => n.endsWith('.pid'))).toEqual([]);
    for (const i of all) expect(cluster.logLines(i).map((l) => l.kind)).toContain('node.stopped');
  });

  it('restarted nodes rejoin from their data', async () => {
    for (const i of all) cluster.spawnChild(i);
    await cluster.waitLeader(all);
    for (const i of all) expect(await cluster.eventually(`node ${i} serves the old value`, () => cluster.get(i, 'greeting'))).toBe('hello');
  });

  it('SIGTERM of the leader hands leadership over and exits 0; the node catches up after a restart', async () => {
    const leader = await cluster.waitLeader(all);
    const others = all.filter((i) => i !== leader);
    cluster.children.get(leader)!.process.kill('SIGTERM');
    expect(await cluster.children.get(leader)!.exited).toBe(0);
    const kinds = cluster.logLines(leader).map((l) => l.kind);
    expect(kinds).toEqual(expect.arrayContaining(['node.signal', 'node.transferLeader', 'node.leaderMoved', 'node.stopped']));
    await cluster.waitLeader(others, 5_000);
    expect(await cluster.put(others[0], 'while-down', 'written')).toBe(204);
    cluster.spawnChild(leader);
    expect(await cluster.eventually('the restarted node has the write it missed', () => cluster.get(leader, 'while-down', 'stale'))).toBe('written');
  });

  it('kill -9 of the leader under write load loses no acknowledged write (linearizable history)', async () => {
    const leader = await cluster.waitLeader(all);
    let live = [...all];
    let stop = false;
    let okWrites = 0;
    const shouldStop = (counts: { okWrites: number }) => {
      okWrites = counts.okWrites;
      return stop;
    };
    const workload = runWorkload({ cluster, clients: 4, keys: ['x0', 'x1', 'x2'], nodes: () => live, shouldStop, seed: SEED });
    await sleep(800);
    cluster.children.get(leader)!.process.kill('SIGKILL');
    live = all.filter((i) => i !== leader);
    await cluster.children.get(leader)!.exited;
    await sleep(1_200);
    cluster.spawnChild(leader);
    await cluster.waitLeader(all);
    live = [...all];
    // Run on until enough writes were acknowledged (most of them after the restart), 10 s at most.
    const okWritesAtRestart = okWrites;
    const deadline = Date.now() + 10_000;
    while (okWrites < Math.max(20, okWritesAtRestart + 10) && Date.now() < deadline) await sleep(50);
    stop = true;
    const result = await workload;
    const file = join(cluster.dir, 'history.jsonl');
    writeFileSync(file, result.history);
    const { operations } = parseHistory(result.history, file);
    const verdict = checkLinearizability(operations);
    expect(verdict.verdict, `${file} (seed ${SEED}): ${JSON.stringify(verdict.violations[0]?.explanation)}`).toBe('linearizable');
    expect(result.okWrites).toBeGreaterThanOrEqual(20);
  });

  it('a node started with join: true is added through POST /v1/members, catches up and is promoted', async () => {
    const leader = await cluster.waitLeader(all);
    cluster.spawnChild(4, cluster.spareConfigPath(4));
    const spare = JSON.parse(readFileSync(cluster.spareConfigPath(4), 'utf8'));
    const response = await fetch(`http://${cluster.httpAddr(leader)}/v1/members`, {
      method: 'POST',
      body: JSON.stringify({ id: 4, raftAddr: spare.listen.raft, respAddr: spare.listen.resp, httpAddr: spare.listen.http }),
    });
    expect(response.status, await response.clone().text()).toBe(200);
    await cluster.eventually('node 4 promoted to voter', async () => {
      const status = await cluster.status(leader);
      const row = status?.nodes.find((n) => n.id === 4);
      return row && row.role === 'follower' && row.up ? row : null;
    });
    expect(await cluster.eventually('node 4 serves reads', () => cluster.get(4, 'greeting'))).toBe('hello');
    // The leader promoted it on its own (whichever node leads by then).
    const memberLines = all.flatMap((i) => cluster.logLines(i)).filter((l) => String(l.kind).startsWith('member.'));
    expect(memberLines.some((l) => l.kind === 'member.promoted' && l.id === 4), JSON.stringify(memberLines)).toBe(true);
  });

  it('DELETE /v1/members/{id} removes the node: members drop it, writes go on, it stops cleanly', async () => {
    const leader = await cluster.waitLeader(all);
    const response = await fetch(`http://${cluster.httpAddr(leader)}/v1/members/4`, { method: 'DELETE' });
    expect(response.status, await response.clone().text()).toBe(200);
    await cluster.eventually('node 4 gone from the leader\'s view', async () => ((await cluster.status(leader))?.nodes.some((n) => n.id === 4) === false ? true : null));
    // A removed node is not told (Raft stops replicating to it); its former peers drop it from their
    // transport. A member that never knew node 4's address (it applied the add and the removal
    // together, catching up) has no link to drop.
    const knewNode4 = (i: number) => cluster.logLines(i).some((l) => (l.kind === 'member.learned' || l.kind === 'member.change') && l.id === 4);
    const notYet = () => all.filter((i) => knewNode4(i) && !cluster.logLines(i).some((l) => l.kind === 'member.dropped' && l.id === 4));
    // Generous: address polling runs once a second per node, and CI runs two test files at once on two cores.
    await cluster.eventually(() => `every member dropped node 4 (still waiting at the end: ${notYet().join(', ')})`, async () => (notYet().length === 0 ? true : null), 40_000);
    expect(await cluster.put(leader, 'after-remove', 'ok')).toBe(204);
    cluster.children.get(4)!.process.kill('SIGTERM');
    expect(await cluster.children.get(4)!.exited).toBe(0);
  }, 90_000);

  it('a node whose WAL was corrupted while stopped refuses to start, naming the segment and offset', async () => {
    for (const i of all) await cluster.waitUp(i);
    const leader = await cluster.waitLeader(all);
    const victim = all.find((i) => i !== leader)!;
    cluster.children.get(victim)!.process.kill('SIGTERM');
    expect(await cluster.children.get(victim)!.exited).toBe(0);
    const walDir = join(cluster.dataDir(victim), 'raft', 'g1', 'wal');
    const segments = readdirSync(walDir).filter((n) => n.endsWith('.wal')).sort();
    const biggest = segments.map((name) => ({ name, bytes: statSync(join(walDir, name)).size })).sort((a, b) => b.bytes - a.bytes)[0];
    const path = join(walDir, biggest.name);
    const bytes = readFileSync(path);
    // Flip bytes well inside the segment, not in its last record (a torn tail is legitimately repaired).
    const at = Math.floor(bytes.length / 3);
    for (let k = 0; k < 8; k++) bytes[at + k] ^= 0xff;
    writeFileSync(path, bytes);
    const child = cluster.spawnChild(victim);
    const code = await Promise.race([child.exited, sleep(10_000).then(() => 'still running')]);
    expect(code).toBe(1);
    const failure = cluster.logLines(victim).reverse().find((l) => l.kind === 'node.fatal' || l.kind === 'node.startFailed');
    expect(String(failure?.error)).toContain(biggest.name);
    expect(String(failure?.error)).toMatch(/(at byte|offset) \d+/);
    expect(await waitExit(child.process.pid!, 1_000)).toBe(true);
  });
});
