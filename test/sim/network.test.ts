import { describe, expect, it } from 'vitest';
import { KvlabError, nodeId } from '../../core/types.ts';
import { latencyMeanMs, type LatencyModel } from '../../sim/network/latency.ts';
import { networkHarness, sendStream } from './network-harness.ts';

const n = nodeId;
const constant1ms: LatencyModel = { kind: 'constant', ms: 1 };
/** Longer than any capped latency below: a frame sent this long after another never waits behind it. */
const isolatedGapUs = 600_000;

describe('SimNetwork rates under a fixed seed', () => {
  it('drops at the configured probability (0.1 +- 0.01 over 20,000 frames)', () => {
    const seed = 11;
    const h = networkHarness(seed, { dropProbability: 0.1 });
    sendStream(h, 20_000, 10);
    const lossRate = h.network.stats.dropped.loss / 20_000;
    expect(Math.abs(lossRate - 0.1), `seed ${seed} loss ${lossRate}`).toBeLessThan(0.01);
    expect(h.arrivals.length + h.network.stats.dropped.loss).toBe(20_000);
  });

  it('duplicates at the configured probability (0.05 +- 0.008 over 20,000 frames)', () => {
    const seed = 12;
    const h = networkHarness(seed, { duplicateProbability: 0.05 });
    sendStream(h, 20_000, 10);
    const extra = (h.arrivals.length - 20_000) / 20_000;
    expect(Math.abs(extra - 0.05), `seed ${seed} duplicate rate ${extra}`).toBeLessThan(0.008);
    const byN = new Map<number, number>();
    for (const a of h.arrivals) byN.set(a.n, (byN.get(a.n) ?? 0) + 1);
    expect(Math.max(...byN.values()), 'no frame is copied twice').toBeLessThanOrEqual(2);
  });

  it('reorders at the configured probability (0.2 +- 0.01 delayed beyond the base latency), and later frames overtake', () => {
    const seed = 13;
    const h = networkHarness(seed, { latency: constant1ms, reorderProbability: 0.2, reorderDelayMsMax: 5 });
    const sentAt = new Map<number, number>();
    for (let i = 0; i < 20_000; i++) h.sim.schedule(i * 100, () => (sentAt.set(i, h.sim.nowUs), h.send(1, 2, i)));
    h.sim.runUntil(20_000 * 100 + 100_000);
    const delayed = h.arrivals.filter((a) => a.atUs - sentAt.get(a.n)! > 1000).length;
    expect(Math.abs(delayed / 20_000 - 0.2), `seed ${seed} reorder rate ${delayed / 20_000}`).toBeLessThan(0.01);
    const overtaken = h.arrivals.filter((a, i) => i > 0 && a.n < h.arrivals[i - 1].n).length;
    expect(overtaken, `seed ${seed}`).toBeGreaterThan(1000);
    expect(h.arrivals.every((a) => a.atUs - sentAt.get(a.n)! <= 1000 + 5000)).toBe(true);
  });

  const models: Array<[string, LatencyModel]> = [
    ['constant', { kind: 'constant', ms: 2.5 }],
    ['uniform', { kind: 'uniform', msMin: 1, msMax: 9 }],
    ['exponential', { kind: 'exponential', msMean: 4 }],
    ['capped exponential', { kind: 'exponential', msMean: 4, msMax: 6 }],
    ['long tail', { kind: 'longTail', base: { kind: 'uniform', msMin: 0.5, msMax: 1.5 }, tailProbability: 0.05, tailMsMin: 20, tailAlpha: 2.5, tailMsMax: 500 }],
  ];
  for (const [name, latency] of models) {
    it(`latency model ${name}: observed mean within 3% of ${latencyMeanMs(latency).toFixed(3)} ms over 20,000 frames`, () => {
      const seed = 14;
      const h = networkHarness(seed, { latency });
      const sentAt = new Map<number, number>();
      // Frames far apart, so that none waits behind a slower one (links are FIFO).
      for (let i = 0; i < 20_000; i++) h.sim.schedule(i * isolatedGapUs, () => (sentAt.set(i, h.sim.nowUs), h.send(1, 2, i)));
      h.sim.runUntil(20_000 * isolatedGapUs + 1_000_000);
      expect(h.arrivals.length).toBe(20_000);
      const meanMs = h.arrivals.reduce((sum, a) => sum + (a.atUs - sentAt.get(a.n)!), 0) / 20_000 / 1000;
      expect(Math.abs(meanMs / latencyMeanMs(latency) - 1), `seed ${seed} ${name} mean ${meanMs}`).toBeLessThan(0.03);
    });
  }

  it('long tail: about tailProbability of the frames land in the tail, and none beyond the cap', () => {
    const seed = 15;
    const latency: LatencyModel = { kind: 'longTail', base: constant1ms, tailProbability: 0.02, tailMsMin: 50, tailAlpha: 1.5, tailMsMax: 300 };
    const h = networkHarness(seed, { latency });
    const sentAt = new Map<number, number>();
    for (let i = 0; i < 20_000; i++) h.sim.schedule(i * isolatedGapUs, () => (sentAt.set(i, h.sim.nowUs), h.send(1, 2, i)));
    h.sim.runUntil(20_000 * isolatedGapUs + 1_000_000);
    const delays = h.arrivals.map((a) => a.atUs - sentAt.get(a.n)!);
    const tail = delays.filter((d) => d >= 50_000).length / delays.length;
    expect(Math.abs(tail - 0.02), `seed ${seed} tail ${tail}`).toBeLessThan(0.004);
    expect(Math.max(...delays)).toBeLessThanOrEqual(300_000);
  });
});

describe('SimNetwork random streams', () => {
  const lostFrames = (seed: number, link: Parameters<typeof networkHarness>[1]): Set<number> => {
    const h = networkHarness(seed, link);
    sendStream(h, 5000, 10);
    const arrived = new Set(h.arrivals.map((a) => a.n));
    return new Set(Array.from({ length: 5000 }, (_, i) => i).filter((i) => !arrived.has(i)));
  };

  it('turning another knob on does not change which frames are lost (own stream per knob)', () => {
    const seed = 16;
    const plain = lostFrames(seed, { dropProbability: 0.1 });
    const noisy = lostFrames(seed, { dropProbability: 0.1, reorderProbability: 0.3, latency: { kind: 'exponential', msMean: 3 } });
    expect(plain.size).toBeGreaterThan(400);
    expect([...noisy], `seed ${seed}`).toEqual([...plain]);
  });

  it('raising the drop probability only adds losses', () => {
    const seed = 17;
    const low = lostFrames(seed, { dropProbability: 0.1 });
    const high = lostFrames(seed, { dropProbability: 0.2 });
    expect(high.size).toBeGreaterThan(low.size);
    expect([...low].every((i) => high.has(i)), `seed ${seed}`).toBe(true);
  });
});

describe('SimNetwork partitions', () => {
  const reach = (groups: number[][] | null, oneWay?: [number[], number[]]): string[] => {
    const h = networkHarness(1, { latency: constant1ms }, [1, 2, 3, 4]);
    if (groups) h.network.partition(groups.map((g) => g.map(n)));
    if (oneWay) h.network.oneWay(oneWay[0].map(n), oneWay[1].map(n));
    for (const a of [1, 2, 3, 4]) for (const b of [1, 2, 3, 4]) if (a !== b) h.send(a, b, 0);
    h.sim.runUntil(10_000);
    return h.arrivals.map((x) => `${x.from}>${x.to}`).sort();
  };

  it('symmetric: nodes reach only their own group; an unlisted node reaches nobody', () => {
    expect(reach([[1, 2], [3]])).toEqual(['1>2', '2>1']);
  });

  it('a bridge node in two groups reaches both; the sides do not reach each other', () => {
    expect(reach([[1, 2], [2, 3, 4]])).toEqual(['1>2', '2>1', '2>3', '2>4', '3>2', '3>4', '4>2', '4>3']);
  });

  it('one-way: frames from A to B are dropped, B to A still flow', () => {
    const got = reach(null, [[1], [2, 3]]);
    expect(got).not.toContain('1>2');
    expect(got).not.toContain('1>3');
    expect(got).toContain('2>1');
    expect(got).toContain('3>1');
    expect(got).toContain('1>4');
    expect(got.length).toBe(10);
  });

  it('heal restores reachability, traces fault.start/stop and counts partition drops', () => {
    const h = networkHarness(1, { latency: constant1ms }, [1, 2, 3], true);
    const id = h.network.partition([[n(1)], [n(2), n(3)]]);
    h.send(1, 2, 1);
    h.network.heal(id);
    h.send(1, 2, 2);
    h.sim.runUntil(10_000);
    expect(h.arrivals.map((a) => a.n)).toEqual([2]);
    expect(h.network.stats.dropped.partition).toBe(1);
    const kinds = h.trace.events().map((e) => e.kind);
    expect(kinds).toEqual(['meta', 'fault.start', 'net.send', 'net.drop', 'fault.stop', 'net.send', 'net.deliver']);
    expect(h.trace.events()[1]).toEqual({ t: 0, seq: 1, node: null, kind: 'fault.start', fault: 'partition', id: 1, groups: [[1], [2, 3]] });
    expect(() => h.network.heal(id)).toThrow(KvlabError);
    const other = h.network.faults.start('pause', { node: 3 });
    expect(() => h.network.heal(other)).toThrow(/not an active network fault/);
    expect(h.network.faults.list().map((f) => f.id)).toEqual([other]);
  });
});

describe('SimNetwork links are FIFO unless reordering is asked for', () => {
  it('frames on one link arrive in send order although each draws its own latency', () => {
    const h = networkHarness(21, { latency: { kind: 'uniform', msMin: 1, msMax: 9 } });
    sendStream(h, 5_000, 10);
    expect(h.arrivals).toHaveLength(5_000);
    expect(h.arrivals.every((a, i) => a.n === i % 65_536)).toBe(true);
    expect(h.network.stats.reordered).toBe(0);
  });

  it('the frames of different links do not wait for each other', () => {
    const h = networkHarness(22, { latency: { kind: 'uniform', msMin: 1, msMax: 9 } });
    for (let i = 0; i < 200; i++) h.sim.schedule(i * 10, () => (h.send(1, 2, i), h.send(3, 2, 1000 + i)));
    h.sim.runUntil(1_000_000);
    const interleaved = h.arrivals.filter((a, i) => i > 0 && a.from !== h.arrivals[i - 1].from).length;
    expect(interleaved).toBeGreaterThan(20);
    const from1 = h.arrivals.filter((a) => a.from === n(1)).map((a) => a.n);
    expect(from1).toEqual(Array.from({ length: 200 }, (_, i) => i));
  });

  it('a reordered frame is overtaken by later ones, which keep their order among themselves', () => {
    const h = networkHarness(23, { latency: { kind: 'uniform', msMin: 1, msMax: 9 }, reorderProbability: 0.1, reorderDelayMsMax: 20 });
    sendStream(h, 5_000, 10);
    expect(h.network.stats.reordered).toBeGreaterThan(300);
    expect(h.arrivals.filter((a, i) => i > 0 && a.n < h.arrivals[i - 1].n).length).toBeGreaterThan(300);
  });

  it('fifo false: each frame travels on its own latency draw and overtakes (datagrams over many paths)', () => {
    const h = networkHarness(21, { latency: { kind: 'uniform', msMin: 1, msMax: 9 }, fifo: false });
    sendStream(h, 5_000, 10);
    expect(h.arrivals.filter((a, i) => i > 0 && a.n < h.arrivals[i - 1].n).length).toBeGreaterThan(1000);
  });

  it('a restarted receiver opens a new connection: its frames are not held behind the old one', () => {
    const h = networkHarness(24, { latency: { kind: 'constant', ms: 1 } });
    h.network.setLink(n(1), n(2), { latency: { kind: 'constant', ms: 50 } });
    h.send(1, 2, 1);
    h.network.detach(n(2), 'stop');
    h.attach(2);
    h.network.setLink(n(1), n(2), { latency: { kind: 'constant', ms: 1 } });
    h.send(1, 2, 2);
    h.sim.runUntil(100_000);
    // The first frame died with the old connection; the second arrived after its own 1 ms.
    expect(h.arrivals.map((a) => [a.n, a.atUs])).toEqual([[2, 1000]]);
  });
});

describe('SimNetwork clogging and the in-flight cap', () => {
  it('holds frames on a clogged link and releases them in send order; the reverse link flows', () => {
    const h = networkHarness(2, { latency: { kind: 'uniform', msMin: 1, msMax: 20 } });
    const id = h.network.clog(n(1), n(2));
    for (let i = 0; i < 50; i++) h.send(1, 2, i);
    h.send(2, 1, 99);
    h.sim.runUntil(100_000);
    expect(h.arrivals.map((a) => a.n)).toEqual([99]);
    expect(h.network.inflightBytes(n(1), n(2))).toBe(50 * 8);
    h.network.heal(id);
    h.sim.runUntil(200_000);
    expect(h.arrivals.slice(1).map((a) => a.n)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(h.arrivals[1].atUs).toBeGreaterThanOrEqual(100_000 + 1000);
    expect(h.network.inflightBytes(n(1), n(2))).toBe(0);
  });

  it('overflowing the clog queue drops with clog-overflow', () => {
    const h = networkHarness(2, { latency: constant1ms, clogFramesMax: 3 }, [1, 2], true);
    const id = h.network.clog(n(1), n(2));
    for (let i = 0; i < 5; i++) h.send(1, 2, i);
    h.network.heal(id);
    h.sim.runUntil(10_000);
    expect(h.arrivals.map((a) => a.n)).toEqual([0, 1, 2]);
    const drops = h.trace.events().filter((e) => e.kind === 'net.drop');
    expect(drops.map((e) => e.reason)).toEqual(['clog-overflow', 'clog-overflow']);
    expect(drops.map((e) => e.id)).toEqual([4, 5]);
  });

  it('caps bytes in flight per link (inflight-cap) and frees them on delivery', () => {
    const h = networkHarness(3, { latency: constant1ms, inflightBytesMax: 250 });
    h.send(1, 2, 0, 100);
    h.send(1, 2, 1, 100);
    h.send(1, 2, 2, 100); // 300 > 250
    h.send(1, 3, 3, 100); // another link: its own budget
    h.sim.runUntil(2000);
    h.send(1, 2, 4, 100);
    h.sim.runUntil(4000);
    expect(h.arrivals.map((a) => a.n).sort()).toEqual([0, 1, 3, 4]);
    expect(h.network.stats.dropped['inflight-cap']).toBe(1);
  });
});

describe('SimNetwork and node lifecycle', () => {
  it('frames in flight to a crashed node, or to its next incarnation, are dropped (crashed)', () => {
    const h = networkHarness(4, { latency: constant1ms });
    h.send(1, 2, 1);
    h.network.detach(n(2), 'crash');
    h.attach(2); // restarted before the frame arrives
    h.send(1, 2, 2);
    h.sim.runUntil(5000);
    expect(h.arrivals.map((a) => a.n)).toEqual([2]);
    expect(h.network.stats.dropped.crashed).toBe(1);
  });

  it('frames sent to a down node are dropped at once; frames from a crashed node die, from a stopped one arrive', () => {
    const h = networkHarness(4, { latency: constant1ms });
    h.network.detach(n(3), 'stop');
    h.send(1, 3, 1);
    h.send(1, 2, 2); // from 1, which then crashes
    h.send(2, 1, 3); // from 2, which then stops gracefully
    h.network.detach(n(1), 'crash');
    h.attach(1);
    h.network.detach(n(2), 'stop');
    h.sim.runUntil(5000);
    expect(h.arrivals.map((a) => a.n)).toEqual([]); // 3 went to node 1's previous incarnation
    expect(h.network.stats.dropped.crashed).toBe(3);
    h.attach(2);
    h.send(2, 1, 4);
    h.network.detach(n(2), 'stop');
    h.sim.runUntil(10_000);
    expect(h.arrivals.map((a) => a.n)).toEqual([4]);
  });

  it('copies frame bytes at send: the sender may reuse its buffer', () => {
    const h = networkHarness(5, { latency: constant1ms });
    const buffer = new Uint8Array([7, 0]);
    h.endpoints.get(n(1))!.send(n(2), buffer);
    buffer[0] = 9;
    h.sim.runUntil(5000);
    expect(h.arrivals.map((a) => a.n)).toEqual([7]);
  });
});

describe('SimNetwork tracing and configuration', () => {
  it('traces send (with the decoded msg), duplicate, deliver and drop with their documented fields', () => {
    const h = networkHarness(6, { latency: constant1ms, duplicateProbability: 1 }, [1, 2], true);
    h.send(1, 2, 5, 4);
    h.sim.runUntil(5000);
    h.network.setDefaultLink({ duplicateProbability: 0, dropProbability: 1 });
    h.send(2, 1, 6, 4);
    const lines = h.trace.text().trim().split('\n').slice(1);
    expect(lines).toEqual([
      '{"t":0,"seq":1,"node":1,"kind":"net.send","id":1,"from":1,"to":2,"bytes":4,"msg":{"type":"test","n":5}}',
      '{"t":0,"seq":2,"node":null,"kind":"net.duplicate","id":1,"copy":2,"from":1,"to":2}',
      '{"t":1,"seq":3,"node":2,"kind":"net.deliver","id":1,"from":1,"to":2}',
      '{"t":1,"seq":4,"node":2,"kind":"net.deliver","id":2,"from":1,"to":2}',
      '{"t":5,"seq":5,"node":2,"kind":"net.send","id":3,"from":2,"to":1,"bytes":4,"msg":{"type":"test","n":6}}',
      '{"t":5,"seq":6,"node":null,"kind":"net.drop","id":3,"from":2,"to":1,"reason":"loss"}',
    ]);
  });

  it('per-link overrides apply to that direction only, and resetLink restores the default', () => {
    const h = networkHarness(7, { latency: constant1ms });
    h.network.setLink(n(1), n(2), { latency: { kind: 'constant', ms: 7 } });
    expect(h.network.linkConfig(n(1), n(2)).latency).toEqual({ kind: 'constant', ms: 7 });
    expect(h.network.linkConfig(n(2), n(1)).latency).toEqual(constant1ms);
    h.network.setDefaultLink({ dropProbability: 0.5 });
    expect(h.network.linkConfig(n(1), n(2))).toMatchObject({ dropProbability: 0.5, latency: { ms: 7 } });
    h.network.resetLink(n(1), n(2));
    expect(h.network.linkConfig(n(1), n(2)).latency).toEqual(constant1ms);
  });

  it('rejects invalid configuration with an error naming the field', () => {
    const h = networkHarness(8);
    expect(() => h.network.setDefaultLink({ dropProbability: 2 })).toThrow(/network\.link\.dropProbability must be a probability/);
    expect(() => h.network.setLink(n(1), n(2), { latency: { kind: 'uniform', msMin: 5, msMax: 1 } })).toThrow(/links\[1->2\]\.latency: msMin \(5\) must be <= msMax/);
    expect(() => networkHarness(8, { latency: { kind: 'bogus' } as unknown as LatencyModel })).toThrow(KvlabError);
    expect(() => h.network.partition([])).toThrow(KvlabError);
  });
});
