import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodeId } from '../../core/types.ts';
import { FaultLog } from '../../sim/trace/fault-log.ts';
import { KindFilter } from '../../sim/trace/kind-filter.ts';
import { stampedTracer } from '../../sim/trace/trace-sink.ts';
import { TraceWriter } from '../../sim/trace/trace-writer.ts';
import { runChaos } from './trace-scenario.ts';

const meta = { scenario: 'unit', seed: 3, version: 1, nodes: [1, 2] };

describe('TraceWriter', () => {
  it('writes the meta header first, then t/seq/node/kind and fields in insertion order', () => {
    const trace = new TraceWriter({ meta });
    trace.record(1_234_567, nodeId(2), 'raft.commit', { group: 1, index: 7 });
    trace.record(1_234_568, null, 'fault.stop', { fault: 'partition', id: 4 });
    trace.record(2_000_000, nodeId(1), 'node.restart');
    expect(trace.text()).toBe(
      '{"kind":"meta","scenario":"unit","seed":3,"version":1,"nodes":[1,2]}\n' +
        '{"t":1234.567,"seq":1,"node":2,"kind":"raft.commit","group":1,"index":7}\n' +
        '{"t":1234.568,"seq":2,"node":null,"kind":"fault.stop","fault":"partition","id":4}\n' +
        '{"t":2000,"seq":3,"node":1,"kind":"node.restart"}\n',
    );
  });

  it('records only the selected kinds, keeps seq gap-free, and answers enabled() accordingly', () => {
    const trace = new TraceWriter({ meta, kinds: ['net.*', 'node.crash'] });
    expect(trace.enabled('net.send')).toBe(true);
    expect(trace.enabled('node.crash')).toBe(true);
    expect(trace.enabled('raft.role')).toBe(false);
    trace.record(0, null, 'raft.role', {});
    trace.record(0, null, 'net.drop', { id: 1 });
    trace.record(0, null, 'node.crash', {});
    expect(trace.events().slice(1).map((e) => [e.seq, e.kind])).toEqual([
      [1, 'net.drop'],
      [2, 'node.crash'],
    ]);
    expect(new KindFilter('none').enabled('net.send')).toBe(false);
    expect(new KindFilter(['*']).enabled('anything')).toBe(true);
  });

  it('a stamped tracer builds no event when its kind is disabled', () => {
    const trace = new TraceWriter({ meta, kinds: 'none' });
    const tracer = stampedTracer(trace, { nowUs: 5 }, nodeId(1));
    tracer.emit('raft.commit', { index: 1 });
    expect(tracer.enabled('raft.commit')).toBe(false);
    expect(trace.eventsWritten).toBe(0);
    expect(trace.text()).toBe('{"kind":"meta","scenario":"unit","seed":3,"version":1,"nodes":[1,2]}\n');
  });

  it('the fault log numbers faults across kinds, traces start and stop, and stamps a one-node fault with its node', () => {
    const trace = new TraceWriter({ meta });
    const faults = new FaultLog(trace, { nowUs: 1500 });
    const a = faults.start('pause', { node: 2 });
    const b = faults.start('diskFull', { node: 3 });
    faults.stop(a);
    expect([a, b]).toEqual([1, 2]);
    expect(faults.list().map((f) => f.fault)).toEqual(['diskFull']);
    expect(trace.text().split('\n').slice(1, 4)).toEqual([
      '{"t":1.5,"seq":1,"node":2,"kind":"fault.start","fault":"pause","id":1}',
      '{"t":1.5,"seq":2,"node":3,"kind":"fault.start","fault":"diskFull","id":2}',
      '{"t":1.5,"seq":3,"node":2,"kind":"fault.stop","fault":"pause","id":1}',
    ]);
  });
});

describe('run determinism', () => {
  it('the same seed gives a byte-identical trace; another seed a different one', () => {
    const runs = [21, 21, 22].map((seed) => {
      const trace = new TraceWriter({ meta: { scenario: 'chaos', seed, version: 1 } });
      runChaos(seed, trace);
      return trace.text();
    });
    expect(runs[0].length).toBeGreaterThan(10_000);
    expect(runs[1] === runs[0], 'seed 21 twice').toBe(true);
    expect(runs[2] === runs[0], 'seed 22 vs 21').toBe(false);
    const kinds = new Set(runs[0].split('\n').filter(Boolean).map((line) => JSON.parse(line).kind));
    for (const kind of ['net.send', 'net.deliver', 'net.drop', 'net.duplicate', 'node.crash', 'node.restart', 'node.lifecycle', 'fault.start', 'fault.stop', 'clock.skew', 'test.recv']) {
      expect(kinds.has(kind), `seed 21 trace has ${kind}`).toBe(true);
    }
  });

  it('tracing does not change the run, and a file trace equals the in-memory one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kvlab-trace-'));
    try {
      const path = join(dir, 'trace.jsonl');
      const file = new TraceWriter({ meta: { scenario: 'chaos', seed: 23, version: 1 }, path });
      const traced = runChaos(23, file);
      file.close();
      const memory = new TraceWriter({ meta: { scenario: 'chaos', seed: 23, version: 1 } });
      runChaos(23, memory);
      expect(readFileSync(path, 'utf8') === memory.text(), 'seed 23 file vs memory').toBe(true);
      const silent = new TraceWriter({ meta: { scenario: 'chaos', seed: 23, version: 1 }, kinds: 'none' });
      const untraced = runChaos(23, silent);
      expect(untraced.sim.eventsProcessed).toBe(traced.sim.eventsProcessed);
      expect(untraced.network.stats).toEqual(traced.network.stats);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('seq is gap-free from 1 and t never decreases', () => {
    const trace = new TraceWriter({ meta: { scenario: 'chaos', seed: 24, version: 1 } });
    runChaos(24, trace, 1000);
    const events = trace.events().slice(1);
    events.forEach((e, i) => expect(e.seq).toBe(i + 1));
    expect(events.every((e, i) => i === 0 || (e.t as number) >= (events[i - 1].t as number))).toBe(true);
  });
});
