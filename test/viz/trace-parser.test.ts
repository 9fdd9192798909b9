import { describe, expect, it } from 'vitest';
import { readTimeline } from '../../viz/model/timeline-model.ts';
import { problemText } from '../../viz/model/trace-types.ts';
import { deliver, send, traceText } from './trace-builder.ts';

const good = traceText([send(1, 1, 1, 2), deliver(2, 1, 1, 2), send(3, 2, 2, 1), deliver(4, 2, 2, 1)]);

function replaceLine(text: string, lineNumber: number, line: string): string {
  const lines = text.split('\n');
  lines[lineNumber - 1] = line;
  return lines.join('\n');
}

describe('reading trace.jsonl', () => {
  it('accepts a well-formed trace without problems', () => {
    const model = readTimeline(good);
    expect(model.problems).toEqual([]);
    expect(model.events.count).toBe(4);
    expect(model.meta?.scenario).toBe('test');
  });

  it('names the line and the JSON error of a malformed line, keeping the events before it', () => {
    const model = readTimeline(replaceLine(good, 4, '{"t":3,"seq":3,"node":2,"kind":"net.send",'));
    expect(model.problems).toHaveLength(1);
    const [problem] = model.problems;
    expect(problem.fatal).toBe(true);
    expect(problem.line).toBe(4);
    expect(problemText(problem)).toMatch(/^trace\.jsonl line 4: not valid JSON/);
    expect(model.events.count).toBe(2);
  });

  it('says which field was expected and what it got', () => {
    const model = readTimeline(replaceLine(good, 3, '{"t":2,"seq":2,"node":2,"kind":"net.deliver","id":1,"from":1}'));
    expect(problemText(model.problems[0])).toBe('trace.jsonl line 3: net.deliver expects "to" to be an integer, got nothing (the field is missing)');
  });

  it('rejects a seq that does not increase and a time that goes back', () => {
    const seq = readTimeline(replaceLine(good, 3, '{"t":2,"seq":1,"node":2,"kind":"net.deliver","id":1,"from":1,"to":2}'));
    expect(seq.problems[0].message).toBe('expected "seq" to be greater than the previous event\'s 1, got 1');
    const time = readTimeline(replaceLine(good, 3, '{"t":0.5,"seq":2,"node":2,"kind":"net.deliver","id":1,"from":1,"to":2}'));
    expect(time.problems[0].line).toBe(3);
    expect(time.problems[0].message).toMatch(/expected "t" to be at least the previous event's 1/);
  });

  it('requires the meta header first', () => {
    const model = readTimeline(good.split('\n').slice(1).join('\n'));
    expect(model.problems[0].line).toBe(1);
    expect(model.problems[0].message).toMatch(/expected the header \{"kind":"meta"/);
  });

  it('reports an empty file', () => {
    expect(problemText(readTimeline('').problems[0])).toMatch(/trace\.jsonl: the trace is empty/);
  });

  it('treats a cut-off last line as a warning and keeps the prefix', () => {
    const cut = good.slice(0, good.length - 12);
    const model = readTimeline(cut);
    expect(model.problems).toHaveLength(1);
    expect(model.problems[0].fatal).toBe(false);
    expect(model.problems[0].line).toBe(5);
    expect(model.problems[0].message).toMatch(/the last line is cut off .* showing the 3 events before it/);
    expect(model.events.count).toBe(3);
  });

  it('accepts a complete last line without its newline', () => {
    const model = readTimeline(good.trimEnd());
    expect(model.problems).toEqual([]);
    expect(model.events.count).toBe(4);
  });

  it('gives the same result however the text is split into chunks', async () => {
    const { TimelineReader } = await import('../../viz/model/timeline-model.ts');
    for (const size of [1, 7, 50]) {
      const reader = new TimelineReader();
      for (let i = 0; i < good.length; i += size) reader.push(good.slice(i, i + size));
      const model = reader.finish();
      expect(model.events.count, `chunk size ${size}`).toBe(4);
      expect(model.messages.count).toBe(2);
    }
  });

  it('lets unknown kinds through (the catalogue grows)', () => {
    const model = readTimeline(traceText([[1, 1, 'disk.latency', { ms: 3 }]]));
    expect(model.problems).toEqual([]);
    expect(model.events.kinds).toEqual(['disk.latency']);
  });
});
