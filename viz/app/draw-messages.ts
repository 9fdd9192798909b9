// Messages as arrows from send (sender's lane) to deliver (receiver's lane). Drops end in a cross,
// copies are dashed with a ring at their start. When a class is too dense to tell apart (heartbeats
// first), its arrows are merged per lane pair and few-pixel bucket (aligned to absolute time so they
// do not shimmer while panning), drawn in the bucket's most common class, weight showing the count.
import { firstAtOrAfter } from '../model/growable.ts';
import { forEachMessageIn, MessageStatus, type MessageTable } from '../model/message-table.ts';
import { laneKey, type LaneRow } from './layout.ts';
import { classCountsIn, messageClasses, type MessageIndex } from './message-index.ts';
import { dropColour, messageColour, type MessageClass } from './palette.ts';
import { xOf, type DrawContext } from './draw-context.ts';

/** Merge a class once it has more arrows than this many per pixel of width. */
const mergePerPixel: Readonly<Record<MessageClass, number>> = { heartbeat: 0.15, append: 0.5, vote: 0.5, snapshot: 0.5, other: 0.5 };
const bucketPx = 6;
const crossPx = 3;
const weightLevels = 8;

interface FrameLookup {
  /** LaneRow by model lane index (undefined: hidden). */
  readonly rows: ReadonlyArray<LaneRow | undefined>;
  readonly hiddenType: readonly boolean[];
  readonly merged: readonly boolean[];
}

/** Which classes to merge for a view of [t0, t1] drawn `width` px wide. */
export function mergeDecision(dc: Pick<DrawContext, 'model'>, index: MessageIndex, t0: number, t1: number, width: number): boolean[] {
  const perClass = classCountsIn(dc.model, index, t0, t1);
  return messageClasses.map((c, ci) => perClass[ci] > width * mergePerPixel[c]);
}

export function drawMessages(dc: DrawContext, index: MessageIndex): void {
  const table = dc.model.messages;
  const rows = dc.model.lanes.map((lane) => dc.laneRows.get(laneKey(lane.group, lane.node)));
  const hiddenType = table.types.map((type) => dc.filters.hiddenMessageTypes.has(type));
  const merged = dc.merged;
  const lookup: FrameLookup = { rows, hiddenType, merged };
  if (merged.some(Boolean)) drawMerged(dc, table, index, lookup);
  if (!merged.every(Boolean)) drawEach(dc, table, index, lookup);
}

function endOf(dc: DrawContext, table: MessageTable, i: number): number {
  return Number.isNaN(table.endT[i]) ? dc.model.endT : table.endT[i];
}

function drawEach(dc: DrawContext, table: MessageTable, index: MessageIndex, lookup: FrameLookup): void {
  const { ctx } = dc;
  const paths = messageClasses.map(() => new Path2D());
  const dashed = messageClasses.map(() => new Path2D());
  const crosses = new Path2D();
  const rings = new Path2D();
  forEachMessageIn(table, dc.t0, dc.t1, dc.model.endT, (i) => {
    const cls = index.classOf[i];
    if (lookup.merged[cls] || lookup.hiddenType[table.typeCode[i]]) return;
    const fromRow = lookup.rows[index.fromLane[i]];
    const toRow = lookup.rows[index.toLane[i]];
    if (fromRow === undefined || toRow === undefined) return;
    const x1 = xOf(dc, table.sendT[i]);
    const y1 = fromRow.y + fromRow.height / 2;
    const x2 = xOf(dc, endOf(dc, table, i));
    const y2 = toRow.y + toRow.height / 2;
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
  messageClasses.forEach((c, ci) => {
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

/** Typed-array buckets per (lane pair, time bucket), reused from frame to frame. */
class Buckets {
  count = new Float64Array(0);
  flight = new Float64Array(0);
  dropped = new Float64Array(0);
  byClass = new Float64Array(0);

  reset(cells: number): void {
    if (this.count.length < cells) {
      this.count = new Float64Array(cells);
      this.flight = new Float64Array(cells);
      this.dropped = new Float64Array(cells);
      this.byClass = new Float64Array(cells * messageClasses.length);
    } else {
      this.count.fill(0, 0, cells);
      this.flight.fill(0, 0, cells);
      this.dropped.fill(0, 0, cells);
      this.byClass.fill(0, 0, cells * messageClasses.length);
    }
  }
}

const buckets = new Buckets();

function drawMerged(dc: DrawContext, table: MessageTable, index: MessageIndex, lookup: FrameLookup): void {
  const rowCount = dc.layout.lanes.length;
  const msPerBucket = bucketPx / dc.k;
  // Every message sent in a bucket that can reach the drawn range is counted, so a bucket drawn in a
  // strip after a pan weighs the same as in the frame it continues.
  const firstBucket = Math.floor((dc.t0 - table.flightMsCut) / msPerBucket) - 1;
  const bucketCount = Math.ceil(dc.t1 / msPerBucket) - firstBucket + 2;
  buckets.reset(rowCount * rowCount * bucketCount);
  const count = (i: number) => {
    const cls = index.classOf[i];
    if (!lookup.merged[cls] || lookup.hiddenType[table.typeCode[i]]) return;
    const fromRow = lookup.rows[index.fromLane[i]];
    const toRow = lookup.rows[index.toLane[i]];
    if (fromRow === undefined || toRow === undefined) return;
    const b = Math.max(0, Math.min(bucketCount - 1, Math.floor(table.sendT[i] / msPerBucket) - firstBucket));
    const cell = (fromRow.index * rowCount + toRow.index) * bucketCount + b;
    buckets.count[cell] += 1;
    buckets.flight[cell] += endOf(dc, table, i) - table.sendT[i];
    buckets.byClass[cell * messageClasses.length + cls] += 1;
    if (table.status[i] === MessageStatus.Dropped) buckets.dropped[cell] += 1;
  };
  for (let i = firstAtOrAfter(table.sendT, (firstBucket + 1) * msPerBucket); i < table.count && table.sendT[i] <= dc.t1; i += 1) {
    if (Number.isNaN(table.endT[i]) || table.endT[i] - table.sendT[i] > table.flightMsCut) continue; // long: below
    count(i);
  }
  for (const i of table.longFlights) if (table.sendT[i] <= dc.t1 && endOf(dc, table, i) >= dc.t0) count(i);
  strokeBuckets(dc, rowCount, bucketCount, firstBucket * msPerBucket, msPerBucket);
}

/** Buckets are stroked in a few batches by class and weight (log2 of their count). */
function strokeBuckets(dc: DrawContext, rowCount: number, bucketCount: number, firstBucketT: number, msPerBucket: number): void {
  const { ctx } = dc;
  const rows = dc.layout.lanes;
  const classes = messageClasses.length;
  const paths = new Map<number, Path2D>();
  const crosses = new Path2D();
  for (let cell = 0; cell < rowCount * rowCount * bucketCount; cell += 1) {
    const count = buckets.count[cell];
    if (count === 0) continue;
    const b = cell % bucketCount;
    const pair = (cell - b) / bucketCount;
    const from = rows[Math.floor(pair / rowCount)];
    const to = rows[pair % rowCount];
    let cls = 0;
    for (let c = 1; c < classes; c += 1) if (buckets.byClass[cell * classes + c] > buckets.byClass[cell * classes + cls]) cls = c;
    const level = Math.min(weightLevels - 1, Math.floor(Math.log2(count)));
    const batch = cls * weightLevels + level;
    let path = paths.get(batch);
    if (path === undefined) paths.set(batch, (path = new Path2D()));
    const x1 = xOf(dc, firstBucketT + (b + 0.5) * msPerBucket);
    const x2 = x1 + (buckets.flight[cell] / count) * dc.k;
    const y1 = from.y + from.height / 2;
    const y2 = to.y + to.height / 2;
    path.moveTo(x1, y1);
    path.lineTo(x2, y2);
    if (buckets.dropped[cell] > 0) {
      addCross(crosses, x2, y2);
      dc.counts.crosses += 1;
    }
    dc.counts.aggregatedArrows += 1;
  }
  for (const [batch, path] of paths) {
    const level = batch % weightLevels;
    ctx.strokeStyle = messageColour[messageClasses[Math.floor(batch / weightLevels)]];
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
