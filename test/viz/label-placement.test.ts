// Violation labels: several at one instant get one row each; labels far apart share a row; a label
// without room on the left goes right of its anchor; rows beyond the limit are counted, not overprinted.
import { describe, expect, it } from 'vitest';
import { type LabelBox, placeLabels } from '../../viz/app/label-placement.ts';

const area = { left: 100, right: 1000, top: 10, rowHeight: 14, rowsMax: 3 };
const overlap = (a: LabelBox, b: LabelBox) => !(a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y);

describe('placeLabels', () => {
  it('stacks labels at one anchor, one row each, left of the anchor', () => {
    const boxes = placeLabels(['a', 'b', 'c'].map((text) => ({ anchor: 900, text, width: 80 })), area);
    expect(boxes.map((b) => [b.text, b.x, b.y])).toEqual([['a', 816, 10], ['b', 816, 24], ['c', 816, 38]]);
  });

  it('keeps labels far apart in one row, and none overlapping', () => {
    const boxes = placeLabels([{ anchor: 300, text: 'x', width: 60 }, { anchor: 700, text: 'y', width: 60 }, { anchor: 320, text: 'z', width: 60 }], area);
    expect(boxes.filter((b) => b.y === 10).map((b) => b.text)).toEqual(['x', 'y']);
    for (const [i, a] of boxes.entries()) for (const b of boxes.slice(i + 1)) expect(overlap(a, b)).toBe(false);
  });

  it('puts a label right of its anchor near the left edge, and inside the right edge', () => {
    expect(placeLabels([{ anchor: 120, text: 'l', width: 50 }], area)[0].x).toBe(124);
    expect(placeLabels([{ anchor: 105, text: 'r', width: 950 }], { ...area, right: 1000 })[0].x).toBe(100);
  });

  it('counts labels beyond the last row into it instead of overprinting', () => {
    const boxes = placeLabels(['a', 'b', 'c', 'd', 'e'].map((text) => ({ anchor: 900, text, width: 80 })), area);
    expect(boxes).toHaveLength(3);
    expect(boxes[2].text).toBe('c (+2 more)');
  });
});
