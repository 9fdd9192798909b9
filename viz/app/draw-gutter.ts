// The left gutter, drawn after the clipped marks: group and lane names, and the labels of the client
// lane and the plots.
import type { OpIndex } from './draw-ops.ts';
import { formatRate, latencyTicks } from './draw-plots.ts';
import type { DrawContext } from './draw-context.ts';

export function drawGutter(dc: DrawContext, index: OpIndex, throughputPeak: number): void {
  const { ctx, layout, model } = dc;
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, layout.plotLeft, layout.height);
  ctx.textBaseline = 'middle';
  ctx.textAlign = 'left';
  ctx.font = '11px system-ui, sans-serif';
  ctx.fillStyle = '#555';
  ctx.fillText('faults', 4, layout.faults.y + layout.faults.height / 2);
  for (const header of layout.groupHeaders) ctx.fillText(`group ${header.group}`, 4, header.y + header.height / 2 + 1);
  ctx.fillStyle = '#222';
  const multiGroup = model.groups.length > 1;
  for (const row of layout.lanes) ctx.fillText(multiGroup ? `node ${row.lane.node} · g${row.lane.group}` : `node ${row.lane.node}`, 4, row.y + row.height / 2);
  ctx.fillText('clients', 4, layout.ops.y + Math.min(10, layout.ops.height / 2));
  ctx.fillText('latency', 4, layout.latency.y + 8);
  ctx.fillText('ok ops/s', 4, layout.throughput.y + layout.throughput.height / 2);
  ctx.font = '9px system-ui, sans-serif';
  ctx.textAlign = 'right';
  ctx.fillStyle = '#666';
  for (const tick of latencyTicks(dc, index)) ctx.fillText(tick.label, layout.plotLeft - 4, tick.y);
  ctx.fillText(`peak ${formatRate(throughputPeak)}`, layout.plotLeft - 4, layout.throughput.y + 6);
  ctx.textAlign = 'left';
}
