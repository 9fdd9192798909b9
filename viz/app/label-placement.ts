// Places text labels anchored at x positions in stacked rows so that no two overlap: several
// violations reported at the same instant (a failing run often fails three checks at its end) each
// get their own row instead of being printed over one another. Pure: widths are measured by the caller.

export interface LabelRequest {
  /** The x the label belongs to (a marker line). */
  readonly anchor: number;
  readonly text: string;
  readonly width: number;
}

export interface LabelBox {
  readonly text: string;
  readonly x: number;
  /** The row's top. */
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface LabelArea {
  readonly left: number;
  readonly right: number;
  readonly top: number;
  readonly rowHeight: number;
  readonly rowsMax: number;
}

/** Space kept between a label and its anchor, and between two labels of one row. */
const gapPx = 4;

/**
 * Each label goes left of its anchor (right of it when there is no room), in the first row where it
 * overlaps no other; labels beyond `rowsMax` rows are counted into the last row's label ("+N more").
 */
export function placeLabels(requests: readonly LabelRequest[], area: LabelArea): LabelBox[] {
  const rows: LabelBox[][] = Array.from({ length: area.rowsMax }, () => []);
  const overflow: LabelRequest[] = [];
  for (const request of [...requests].sort((a, b) => a.anchor - b.anchor)) {
    const x = horizontalSpot(request.anchor, request.width, area);
    const row = rows.findIndex((boxes) => boxes.every((box) => x + request.width + gapPx <= box.x || box.x + box.width + gapPx <= x));
    if (row < 0) overflow.push(request);
    else rows[row].push({ text: request.text, x, y: area.top + row * area.rowHeight, width: request.width, height: area.rowHeight });
  }
  const boxes = rows.flat();
  if (overflow.length > 0 && boxes.length > 0) {
    const last = boxes.length - 1;
    boxes[last] = { ...boxes[last], text: `${boxes[last].text} (+${overflow.length} more)` };
  }
  return boxes;
}

function horizontalSpot(anchor: number, width: number, area: LabelArea): number {
  const left = anchor - width - gapPx;
  if (left >= area.left) return left;
  return Math.max(area.left, Math.min(anchor + gapPx, area.right - width));
}
