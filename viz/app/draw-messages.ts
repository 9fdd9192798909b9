// Messages as arrows from send (sender's lane) to deliver (receiver's lane). Drops end in a cross,
// copies are dashed with a ring at their start. When a class is too dense to tell apart (heartbeats
// first), its arrows are merged per lane pair and few-pixel bucket, their weight showing the count.
import { forEachMessageIn, MessageStatus, type MessageTable } from '../model/message-table.ts';
import { laneKey, type LaneRow } from './layout.ts';
import { dropColour, messageClass, messageColour, type MessageClass } from './palette.ts';
import { xOf, type DrawContext } from './draw-context.ts';

const classes: readonly MessageClass[] = ['heartbeat', 'append', 'vote', 'snapshot', 'other'];
/** Merge a class once it has more arrows than this many per pixel of width. */
const mergePerPixel: Readonly<Record<MessageClass, number>> = { heartbeat: 0.15, append: 0.5, vote: 0.5, snapshot: 0.5, other: 0.5 };
const bucketPx = 5;
const crossPx = 3;

interface Endpoints {
  readonly fromRow: LaneRow;
  readonly toRow: LaneRow;
}

export function drawMessages(dc: DrawContext): void {
  const { model } = dc;
  const table = model.messages;
  const classOfType = table.types.map((type) => classes.indexOf(messageClass(type)));
  const hiddenType = table.types.map((type) => dc.filters.hiddenMessageTypes.has(type));
  const endpoints = (i: number): Endpoints | null => {
    if (hiddenType[table.typeCode[i]]) return null;
    const fromRow = dc.laneRows.get(laneKey(table.group[i], table.from[i]));
    const toRow = dc.laneRows.get(laneKey(table.group[i], table.to[i]));
    return fromRow === undefined || toRow === undefined ? null : { fromRow, toRow };
  };
  const perClass = new Array<number>(classes.length).fill(0);
  forEachMessageIn(table, dc.t0, dc.t1, model.endT, (i) => void (perClass[classOfType[table.typeCode[i]]] += 1));
  const width = dc.layout.plotRight - dc.layout.plotLeft;
  const merged = classes.map((c, ci) => perClass[ci] > width * mergePerPixel[c]);
  if (merged.some(Boolean)) drawMerged(dc, table, classOfType, merged, endpoints);
  if (!merged.every(Boolean)) drawEach(dc, table, classOfType, merged, endpoints);
}

function endOf(dc: DrawContext, table: MessageTable, i: number): number {
  return Number.isNaN(table.endT[i]) ? dc.model.endT : table.endT[i];
}

function drawEach(dc: DrawContext, table: MessageTable, classOfType: number[], merged: boolean[], endpoints: (i: number) => Endpoints | null): void {
  const { ctx } = dc;
  const paths = classes.map(() => new Path2D());
  const dashed = classes.map(() => new Path2D());
  const crosses = new Path2D();
  const rings = new Path2D();
  forEachMessageIn(table, dc.t0, dc.t1, dc.model.endT, (i) => {
    const cls = classOfType[table.typeCode[i]];
    if (merged[cls]) return;
    const ends = endpoints(i);
    if (ends === null) return;
    const x1 = xOf(dc, table.sendT[i]);
    const y1 = ends.fromRow.y + ends.fromRow.height / 2;
    const x2 = xOf(dc, endOf(dc, table, i));
    const y2 = ends.toRow.y + ends.toRow.height / 2;
    const copy = table.copyOf[i] >= 0;
    const path = copy ? dashed[cls] : paths[cls];
    path.moveTo(x1, y1);
    path.lineTo(x2, y2);
    if (table.status[i] === MessageStatus.Dropped) {
      addCross(crosses, x2, y2);
      dc.counts.crosses += 1;
    } else if (table.status[i] === MessageStatus.Delivered) {
      addArrowHead(path, x1, y1, x2, y2);
    }
    if (copy) {
      rings.moveTo(x1 + 2.5, y1);
      rings.arc(x1, y1, 2.5, 0, Math.PI * 2);
      dc.counts.duplicates += 1;
    }
    dc.picks.addSegment(x1, y1, x2, y2, i);
    dc.counts.arrows += 1;
  });
  ctx.lineWidth = 1;
  classes.forEach((c, ci) => {
    ctx.strokeStyle = messageColour[c];
    ctx.globalAlpha = c === 'heartbeat' ? 0.7 : 0.9;
    ctx.stroke(paths[ci]);
    ctx.setLineDash([3, 2]);
    ctx.stroke(dashed[ci]);
    ctx.setLineDash([]);
  });
  ctx.globalAlpha = 1;
  ctx.strokeStyle = '#000';
  ctx.stroke(rings);
  ctx.strokeStyle = dropColour;
  ctx.lineWidth = 1.6;
  ctx.stroke(crosses);
  ctx.lineWidth = 1;
}

function addCross(path: Path2D, x: number, y: number): void {
  path.moveTo(x - crossPx, y - crossPx);
  path.lineTo(x + crossPx, y + crossPx);
  path.moveTo(x - crossPx, y + crossPx);
  path.lineTo(x + crossPx, y - crossPx);
}

function addArrowHead(path: Path2D, x1: number, y1: number, x2: number, y2: number): void {
  const dx = x2 - x1;
  const dy = y2 - y1;
  const length = Math.hypot(dx, dy);
  if (length < 10) return;
  const ux = dx / length;
  const uy = dy / length;
  path.moveTo(x2 - 5 * ux + 2.5 * uy, y2 - 5 * uy - 2.5 * ux);
  path.lineTo(x2, y2);
  path.lineTo(x2 - 5 * ux - 2.5 * uy, y2 - 5 * uy + 2.5 * ux);
}

interface Bucket {
  count: number;
  flightSum: number;
  dropped: number;
  readonly fromY: number;
  readonly toY: number;
  readonly x: number;
  readonly cls: number;
}

function drawMerged(dc: DrawContext, table: MessageTable, classOfType: number[], merged: boolean[], endpoints: (i: number) => Endpoints | null): void {
  // Numeric keys (class, lane pair, bucket): this loop may see every frame of a long run.
  const rows = dc.layout.lanes.length;
  const bucketCount = Math.ceil((dc.layout.plotRight - dc.layout.plotLeft) / bucketPx) + 2;
  const buckets = new Map<number, Bucket>();
  forEachMessageIn(table, dc.t0, dc.t1, dc.model.endT, (i) => {
    const cls = classOfType[table.typeCode[i]];
    if (!merged[cls]) return;
    const ends = endpoints(i);
    if (ends === null) return;
    const x = Math.max(-1, Math.min(bucketCount - 2, Math.floor((xOf(dc, table.sendT[i]) - dc.layout.plotLeft) / bucketPx)));
    const key = ((cls * rows + ends.fromRow.index) * rows + ends.toRow.index) * bucketCount + x + 1;
    let bucket = buckets.get(key);
    if (bucket === undefined) {
      bucket = { count: 0, flightSum: 0, dropped: 0, fromY: ends.fromRow.y + ends.fromRow.height / 2, toY: ends.toRow.y + ends.toRow.height / 2, x: dc.layout.plotLeft + x * bucketPx, cls };
      buckets.set(key, bucket);
    }
    bucket.count += 1;
    bucket.flightSum += endOf(dc, table, i) - table.sendT[i];
    if (table.status[i] === MessageStatus.Dropped) bucket.dropped += 1;
  });
  strokeBuckets(dc, buckets.values());
}

const weightLevels = 8;

/** Buckets are stroked in a few batches by class and weight (log2 of their count). */
function strokeBuckets(dc: DrawContext, buckets: Iterable<Bucket>): void {
  const { ctx } = dc;
  const paths = new Map<number, Path2D>();
  const crosses = new Path2D();
  for (const bucket of buckets) {
    const level = Math.min(weightLevels - 1, Math.floor(Math.log2(bucket.count)));
    const batch = bucket.cls * weightLevels + level;
    let path = paths.get(batch);
    if (path === undefined) paths.set(batch, (path = new Path2D()));
    const x2 = bucket.x + (bucket.flightSum / bucket.count) * dc.k;
    path.moveTo(bucket.x, bucket.fromY);
    path.lineTo(x2, bucket.toY);
    if (bucket.dropped > 0) {
      addCross(crosses, x2, bucket.toY);
      dc.counts.crosses += 1;
    }
    dc.counts.aggregatedArrows += 1;
  }
  for (const [batch, path] of paths) {
    const level = batch % weightLevels;
    ctx.strokeStyle = messageColour[classes[Math.floor(batch / weightLevels)]];
    // Merged arrows stay light: at this zoom the lanes' roles and faults matter more than traffic.
    ctx.globalAlpha = Math.min(0.6, 0.12 + 0.07 * level);
    ctx.lineWidth = Math.min(2.5, 0.8 + 0.25 * level);
    ctx.stroke(path);
  }
  ctx.globalAlpha = 1;
  ctx.strokeStyle = dropColour;
  ctx.lineWidth = 1.4;
  ctx.stroke(crosses);
  ctx.lineWidth = 1;
}
