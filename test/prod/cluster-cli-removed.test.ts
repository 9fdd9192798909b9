// Real processes: a member removed through the members API keeps its config and data in the cluster
// directory. `kvlab cluster` marks it (node<i>.removed) when it sees the removal — on down, or on the up
// that restarts it and finds it answering as role "removed" — and `up` skips it from then on.
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterCommand } from '../../cli/cluster.ts';
import { isAlive } from '../../prod/node/local/processes.ts';
import { captured, LocalCluster } from './cluster-harness.ts';

const SEED = Number(process.env.KVLAB_TEST_SEED ?? 40_417);
let cluster: LocalCluster;
const all = [1, 2, 3];

beforeAll(async () => {
  cluster = await LocalCluster.create(3, 0, SEED);
});

afterAll(async () => {
  await cluster?.cleanup();
});

describe(`a removed member and kvlab cluster (seed ${SEED})`, () => {
  it('is marked when seen removed, stopped by the up that restarts it, and skipped by the next up', async () => {
    const up = captured();
    expect(await clusterCommand(['up', '--dir', cluster.dir], up.output), up.err.join('')).toBe(0);
    const leader = await cluster.waitLeader(all);
    const victim = all.find((i) => i !== leader)!;
    const response = await fetch(`http://${cluster.httpAddr(leader)}/v1/members/${victim}`, { method: 'DELETE' });
    expect(response.status, await response.clone().text()).toBe(200);
    await cluster.eventually('the leader no longer lists the removed node', async () => ((await cluster.status(leader))?.nodes.some((n) => n.id === victim) === false ? true : null));
    const marker = join(cluster.dir, `node${victim}.removed`);

    const down = captured();
    expect(await clusterCommand(['down', '--dir', cluster.dir], down.output), down.err.join('')).toBe(0);
    expect(down.out.join('')).toContain(`node${victim} was removed from the cluster`);
    expect(existsSync(marker)).toBe(true);

    // Without the marker (say, a removal nobody saw), the up that restarts the node finds it out.
    rmSync(marker);
    const again = captured();
    expect(await clusterCommand(['up', '--dir', cluster.dir], again.output), again.err.join('')).toBe(0);
    const text = again.out.join('');
    expect(text).toMatch(new RegExp(`node${victim} was removed from the cluster \\(it answers as role "removed"|node${victim} was removed from the cluster \\(the leader`));
    expect(text).toMatch(new RegExp(`node${victim} (stopped|killed)`));
    expect(text).not.toMatch(new RegExp(`node${victim} pid \\d+`));
    expect(existsSync(marker)).toBe(true);
    expect(existsSync(join(cluster.dir, `node${victim}.pid`))).toBe(false);

    const third = captured();
    expect(await clusterCommand(['up', '--dir', cluster.dir], third.output), third.err.join('')).toBe(0);
    expect(third.out.join('')).toContain(`node${victim} skipped: removed from the cluster`);
    const pid = cluster.pid(victim);
    expect(pid === null || Number.isNaN(pid) || !isAlive(pid)).toBe(true);
    const status = captured();
    expect(await clusterCommand(['status', '--dir', cluster.dir], status.output)).toBe(0);
    expect(JSON.parse(status.out.join('')).nodes.find((n: { id: number }) => n.id === victim)).toMatchObject({ role: 'removed', up: false });
  }, 120_000);
});
