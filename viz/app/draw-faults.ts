// The fault strip above the lanes (each fault a labelled bar, stacked when they overlap) and the
// violation markers: a line through every lane at the moment a checker reported it.
import { colourOfFault, violationColour } from './palette.ts';
import { visibleRange, xOf, type DrawContext } from './draw-context.ts';
import { type LabelBox, placeLabels } from './label-placement.ts';

const stackRowsMax = 2;

export function drawFaultStrip(dc: DrawContext): void {
  const { ctx, layout } = dc;
  const [t0, t1] = visibleRange(dc);
  const band = layout.faults;
  const rowHeight = (band.height - 2) / stackRowsMax;
  const rowEnds = new Array<number>(stackRowsMax).fill(-Infinity);
  ctx.font = '10px system-ui, sans-serif';
  ctx.textBaseline = 'middle';
  dc.model.faults.forEach((fault) => {
    if (fault.end < t0 || fault.start > t1 || dc.filters.hiddenFaults.has(fault.fault)) return;
    const x0 = Math.max(layout.plotLeft, xOf(dc, fault.start));
    const x1 = Math.min(layout.plotRight, xOf(dc, fault.end));
    let row = rowEnds.findIndex((end) => end <= x0);
    if (row < 0) row = stackRowsMax - 1;
    const labelWidth = ctx.measureText(fault.label).width + 8;
    rowEnds[row] = Math.max(x1, x0 + labelWidth);
    const y = band.y + 1 + row * rowHeight;
    ctx.fillStyle = colourOfFault(fault.fault);
    ctx.globalAlpha = 0.25;
    ctx.fillRect(x0, y, Math.max(2, x1 - x0), rowHeight - 1);
    ctx.globalAlpha = 1;
    ctx.fillRect(x0, y, 2, rowHeight - 1);
    ctx.fillStyle = '#111';
    ctx.fillText(fault.open ? `${fault.label} …` : fault.label, x0 + 4, y + rowHeight / 2);
    dc.counts.faults += 1;
  });
}

/** Rows of violation labels at most; more labels at one spot are counted into the last one. */
const violationLabelRowsMax = 6;
const violationLabelRowPx = 14;

/** Draws each violation's marker line and its label, labels stacked so none overprints another. */
export function drawViolations(dc: DrawContext): LabelBox[] {
  const { ctx, layout } = dc;
  const [t0, t1] = visibleRange(dc);
  const top = layout.faults.y;
  const bottom = layout.ops.y + layout.ops.height;
  ctx.font = 'bold 11px system-ui, sans-serif';
  const requests = [];
  for (const violation of dc.model.violations) {
    if (violation.t < t0 || violation.t > t1) continue;
    const x = Math.min(layout.plotRight - 1, xOf(dc, violation.t));
    ctx.strokeStyle = violationColour;
    ctx.lineWidth = 2;
    ctx.setLineDash([6, 3]);
    ctx.beginPath();
    ctx.moveTo(x, top);
    ctx.lineTo(x, bottom);
    ctx.stroke();
    ctx.setLineDash([]);
    const text = `✖ ${violation.check}`;
    requests.push({ anchor: x, text, width: ctx.measureText(text).width });
    dc.counts.violationMarkers += 1;
  }
  const area = { left: layout.plotLeft, right: layout.plotRight, top: top + 1, rowHeight: violationLabelRowPx, rowsMax: violationLabelRowsMax };
  const boxes = placeLabels(requests, area);
  ctx.textBaseline = 'middle';
  for (const box of boxes) {
    const width = ctx.measureText(box.text).width;
    // A white backing keeps the label readable over lanes and fault bars.
    ctx.fillStyle = 'rgba(255,255,255,0.85)';
    ctx.fillRect(box.x - 2, box.y, width + 4, box.height - 1);
    ctx.fillStyle = violationColour;
    ctx.fillText(box.text, box.x, box.y + box.height / 2);
  }
  return boxes.map((box) => ({ ...box, width: ctx.measureText(box.text).width }));
}
