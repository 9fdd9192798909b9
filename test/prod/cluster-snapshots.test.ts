// Engine-held snapshots on a real 3-node cluster (core/node/engine-held-snapshot.ts) with snapshots
// every 40 entries: a follower that was down while the others compacted their logs far past it catches
// up from state bytes the leader's LevelDB engine exported on demand, and every node restarted after
// kill -9 recovers from its marker snapshot plus its engine, losing no acknowledged write.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalCluster } from './cluster-harness.ts';

const SEED = Number(process.env.KVLAB_TEST_SEED ?? 20_252);
const all = [1, 2, 3];
/** Generous waits: these tests run beside others on a loaded 2-core machine, where elections can take many seconds. */
const WAIT_MS = 40_000;
let cluster: LocalCluster;

beforeAll(async () => {
  cluster = await LocalCluster.create(3, 0, SEED);
  for (const i of all) cluster.editConfig(i, (c) => ({ ...c, snapshot: { entries: 40, trailingEntries: 5 } }));
  for (const i of all) cluster.spawnChild(i);
});

afterAll(async () => {
  await cluster?.cleanup();
});

const eventually = <T>(what: string, probe: () => Promise<T | null | undefined>) => cluster.eventually(what, probe, WAIT_MS);

async function putAll(through: number, from: number, to: number): Promise<void> {
  for (let k = from; k < to; k++) expect(await cluster.put(through, `k${k}`, `v${k}`)).toBe(204);
}

const kinds = (i: number) => cluster.logLines(i);

describe(`engine-held snapshots on a real 3-node cluster (seed ${SEED})`, () => {
  it('a follower behind the compacted log catches up from exported state bytes', async () => {
    const leader = await cluster.waitLeader(all, WAIT_MS);
    await putAll(leader, 0, 20);
    const follower = all.find((i) => i !== leader)!;
    cluster.children.get(follower)!.process.kill('SIGKILL');
    await cluster.children.get(follower)!.exited;
    const live = all.filter((i) => i !== follower);
    const liveLeader = await cluster.waitLeader(live, WAIT_MS);
    await putAll(liveLeader, 20, 200);
    // The live nodes took marker snapshots (a few bytes each) and compacted behind them.
    const taken = kinds(liveLeader).filter((l) => l.kind === 'raft.snapshot' && l.installed === false);
    expect(taken.length).toBeGreaterThan(2);
    expect(taken.every((l) => (l.bytes as number) < 64)).toBe(true);
    cluster.spawnChild(follower);
    expect(await eventually('the restarted follower has the last write', () => cluster.get(follower, 'k199', 'stale'))).toBe('v199');
    for (let k = 0; k < 200; k += 13) expect(await cluster.get(follower, `k${k}`, 'stale')).toBe(`v${k}`);
    // It got there through a snapshot with the data in it, exported by the leader's engine.
    const exported = kinds(liveLeader).filter((l) => l.kind === 'raft.snapshotExported');
    expect(exported.length).toBeGreaterThan(0);
    expect(exported[0].bytes as number).toBeGreaterThan(20 * 8);
    const installed = kinds(follower).filter((l) => l.kind === 'raft.snapshot' && l.installed === true);
    expect(installed.length).toBeGreaterThan(0);
  }, 150_000);

  it('every node killed and restarted recovers from its marker snapshot and engine', async () => {
    await cluster.put(await cluster.waitLeader(all, WAIT_MS), 'k200', 'v200');
    for (const i of all) cluster.children.get(i)!.process.kill('SIGKILL');
    for (const i of all) await cluster.children.get(i)!.exited;
    for (const i of all) cluster.spawnChild(i);
    const leader = await cluster.waitLeader(all, WAIT_MS);
    for (let k = 0; k <= 200; k += 7) expect(await cluster.get(leader, `k${k}`)).toBe(`v${k}`);
    expect(await cluster.get(leader, 'k200')).toBe('v200');
    await putAll(leader, 201, 260);
    for (const i of all) expect(await eventually(`node ${i} has the newest write`, () => cluster.get(i, 'k259', 'stale'))).toBe('v259');
  }, 150_000);
});
