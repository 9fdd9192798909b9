import { describe, expect, it } from 'vitest';
import { ReadBatches } from '../../core/node/read-batches.ts';

const live = () => true;

describe('ReadBatches', () => {
  it('keeps one ReadIndex request in flight and sends the reads that wait meanwhile together', () => {
    const batches = new ReadBatches(3, 'n1.x');
    batches.add('r/1');
    const first = batches.start(live);
    expect(first).toBeDefined();
    batches.add('r/2');
    batches.add('r/3');
    expect(batches.start(live), 'a second request while one is in flight').toBeUndefined();
    expect(batches.answered(first!)).toEqual(['r/1']);
    const second = batches.start(live);
    expect(second).not.toBe(first);
    expect(batches.answered(second!)).toEqual(['r/2', 'r/3']);
    expect(batches.size()).toBe(0);
  });

  it('ignores ReadStates of other or abandoned contexts', () => {
    const batches = new ReadBatches(2, 'n1.x');
    batches.add('r/1');
    const first = batches.start(live)!;
    expect(batches.answered('b/999')).toEqual([]);
    batches.tick();
    batches.tick(); // given up: r/1 waits again
    expect(batches.answered(first)).toEqual([]);
    batches.add('r/2');
    const retry = batches.start(live)!;
    expect(batches.answered(retry)).toEqual(['r/1', 'r/2']);
  });

  it('drops reads that are no longer waiting (timed out) when a batch starts', () => {
    const batches = new ReadBatches(2, 'n1.x');
    batches.add('r/1');
    batches.add('r/2');
    const context = batches.start((key) => key !== 'r/1')!;
    expect(batches.answered(context)).toEqual(['r/2']);
    batches.add('r/3');
    expect(batches.start(() => false)).toBeUndefined();
    expect(batches.size()).toBe(0);
  });

  it('never repeats a context across nodes or restarts: each starts with the incarnation prefix', () => {
    // A restarted node (new session id) must not reuse its previous life's contexts: an answer to one
    // of those, still pending on the leader or delayed in the network, would otherwise be taken for the
    // new request's answer and serve a read index from before the read arrived.
    const before = new ReadBatches(3, 'n2.first');
    const after = new ReadBatches(3, 'n2.second');
    const other = new ReadBatches(3, 'n3.first');
    const contexts = [before, after, other].map((batches) => {
      batches.add('r/1');
      return batches.start(live)!;
    });
    expect(new Set(contexts).size).toBe(3);
    expect(contexts[0]!.startsWith('n2.first/')).toBe(true);
    expect(after.answered(contexts[0]!), 'the previous life\'s answer does not answer the new request').toEqual([]);
    expect(after.answered(contexts[1]!)).toEqual(['r/1']);
  });

  it('clear() drops the batch in flight and the waiting reads: a late answer matches nothing, the next read goes at once', () => {
    const batches = new ReadBatches(5, 'n1.x');
    batches.add('r/1');
    const first = batches.start(live)!;
    batches.add('r/2');
    batches.clear();
    expect(batches.size()).toBe(0);
    expect(batches.answered(first)).toEqual([]);
    batches.add('r/3');
    const next = batches.start(live);
    expect(next).toBeDefined();
    expect(batches.answered(next!)).toEqual(['r/3']);
  });
});
