// The SVG layer over the canvas: the time axis (d3), the cursor, and the selected mark. Cheap to
// redraw, so moving the cursor never repaints the canvas.
import { axisTop, scaleLinear, select, type Selection as D3Selection } from 'd3';
import { MessageStatus } from '../model/message-table.ts';
import type { TimelineModel } from '../model/timeline-model.ts';
import { opRowY } from './draw-ops.ts';
import type { DrawContext } from './draw-context.ts';
import { laneKey, type Layout } from './layout.ts';
import { cursorColour } from './palette.ts';
import type { ViewStateData } from './view-state.ts';

export class Overlay {
  private readonly svg: D3Selection<SVGSVGElement, unknown, null, undefined>;
  private readonly axis: D3Selection<SVGGElement, unknown, null, undefined>;
  private readonly cursor: D3Selection<SVGLineElement, unknown, null, undefined>;
  private readonly selected: D3Selection<SVGGElement, unknown, null, undefined>;

  constructor(element: SVGSVGElement, private readonly model: TimelineModel) {
    this.svg = select(element);
    this.axis = this.svg.append('g').attr('class', 'axis');
    this.selected = this.svg.append('g').attr('class', 'selected');
    this.cursor = this.svg.append('line').attr('class', 'cursor').attr('stroke', cursorColour).attr('stroke-width', 1.5);
  }

  update(layout: Layout, state: ViewStateData, dc: DrawContext | null): void {
    this.svg.attr('width', layout.width).attr('height', layout.height);
    const x = scaleLinear().domain([state.t0, state.t1]).range([layout.plotLeft, layout.plotRight]);
    const span = state.t1 - state.t0;
    const format = (t: number) => (span >= 5000 ? `${(t / 1000).toFixed(span >= 50_000 ? 0 : 1)} s` : `${+t.toFixed(3)} ms`);
    this.axis
      .attr('transform', `translate(0, ${layout.axis.y + layout.axis.height - 2})`)
      .call(axisTop(x).ticks(Math.max(2, Math.floor((layout.plotRight - layout.plotLeft) / 90))).tickFormat((t) => format(Number(t))));
    const cx = x(state.cursorT);
    const visible = cx >= layout.plotLeft && cx <= layout.plotRight;
    this.cursor
      .attr('x1', cx).attr('x2', cx).attr('y1', layout.axis.y + 4).attr('y2', layout.height)
      .attr('visibility', visible ? 'visible' : 'hidden');
    this.drawSelection(layout, state, dc, x);
  }

  private drawSelection(layout: Layout, state: ViewStateData, dc: DrawContext | null, x: (t: number) => number): void {
    this.selected.selectAll('*').remove();
    const selection = state.selection;
    if (selection === null || dc === null) return;
    if (selection.kind === 'message') {
      const m = this.model.messages;
      const i = selection.index;
      const from = dc.laneRows.get(laneKey(m.group[i], m.from[i]));
      const to = dc.laneRows.get(laneKey(m.group[i], m.to[i]));
      if (from === undefined || to === undefined) return;
      const end = Number.isNaN(m.endT[i]) ? this.model.endT : m.endT[i];
      this.selected.append('line')
        .attr('x1', x(m.sendT[i])).attr('y1', from.y + from.height / 2).attr('x2', x(end)).attr('y2', to.y + to.height / 2)
        .attr('class', m.status[i] === MessageStatus.Dropped ? 'selected-message dropped' : 'selected-message');
    } else if (selection.kind === 'op') {
      const op = this.model.ops[selection.index];
      if (op === undefined) return;
      this.selected.append('rect')
        .attr('x', x(op.start) - 3).attr('y', opRowY(dc, op.row) - 3).attr('width', Math.max(6, x(op.end) - x(op.start) + 6))
        .attr('height', layout.ops.rowHeight + 4).attr('class', 'selected-op');
    } else if (selection.kind === 'fault') {
      const fault = this.model.faults[selection.index];
      if (fault === undefined) return;
      this.selected.append('rect')
        .attr('x', x(fault.start)).attr('y', layout.faults.y).attr('width', Math.max(3, x(fault.end) - x(fault.start)))
        .attr('height', layout.faults.height).attr('class', 'selected-op');
    }
  }
}
