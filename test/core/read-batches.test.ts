import { describe, expect, it } from 'vitest';
import { ReadBatches } from '../../core/node/read-batches.ts';

const live = () => true;

describe('ReadBatches', () => {
  it('keeps one ReadIndex request in flight and sends the reads that wait meanwhile together', () => {
    const batches = new ReadBatches(3);
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
    const batches = new ReadBatches(2);
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
    const batches = new ReadBatches(2);
    batches.add('r/1');
    batches.add('r/2');
    const context = batches.start((key) => key !== 'r/1')!;
    expect(batches.answered(context)).toEqual(['r/2']);
    batches.add('r/3');
    expect(batches.start(() => false)).toBeUndefined();
    expect(batches.size()).toBe(0);
  });
});
