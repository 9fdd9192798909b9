// Draws a statechart (states on an ellipse, transitions as labelled curves) with the current state
// lit and the transitions it can take next darkened. The chart comes from the xstate definition when
// kvlab could load it (see boot-data.ts).
import type { StatechartSpec } from '../model/statechart-spec.ts';

const svgNs = 'http://www.w3.org/2000/svg';
const width = 356;
const height = 280;
const stateWidth = 92;
const stateHeight = 24;
const bendPx = 26;
const labelFontPx = 8.5;
const labelLinePx = 10;
/** A generous width per character of an edge label (system-ui at 8.5 px: about 4.8 to 5.5 px). */
const labelCharPx = 5.8;
/** Space kept around everything drawn. */
const marginPx = 4;

interface Point {
  readonly x: number;
  readonly y: number;
}

function node<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>, text?: string): SVGElementTagNameMap[K] {
  const element = document.createElementNS(svgNs, tag);
  for (const [name, value] of Object.entries(attrs)) element.setAttribute(name, String(value));
  if (text !== undefined) element.textContent = text;
  return element;
}

function positions(spec: StatechartSpec): Map<string, Point> {
  const at = new Map<string, Point>();
  const n = spec.states.length;
  spec.states.forEach((state, i) => {
    const angle = -Math.PI / 2 + (2 * Math.PI * i) / Math.max(1, n);
    at.set(state, { x: width / 2 + Math.cos(angle) * (width / 2 - stateWidth / 2 - 4), y: height / 2 + Math.sin(angle) * (height / 2 - stateHeight / 2 - 22) });
  });
  return at;
}

/** Events per (from, to) pair: one curve each, its events listed on it. */
function edgesOf(spec: StatechartSpec): Map<string, string[]> {
  const edges = new Map<string, string[]>();
  for (const t of spec.transitions) {
    const key = `${t.from}\u0000${t.to}`;
    const events = edges.get(key) ?? [];
    if (t.event.length > 0 && !events.includes(t.event)) events.push(t.event);
    edges.set(key, events);
  }
  return edges;
}

/** `fill` colours the current state; other states stay white. */
export function drawStatechart(spec: StatechartSpec, current: string | null, fill: (state: string) => string): SVGSVGElement {
  const svg = node('svg', { width, height, viewBox: `0 0 ${width} ${height}`, class: 'statechart', 'data-machine': spec.id, 'data-current': current ?? '' });
  const defs = node('defs', {});
  for (const [id, colour] of [['dim', '#aaa'], ['lit', '#222']]) {
    const marker = node('marker', { id: `arrow-${spec.id}-${id}`, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 6, markerHeight: 6, orient: 'auto-start-reverse' });
    marker.append(node('path', { d: 'M 0 0 L 10 5 L 0 10 z', fill: colour }));
    defs.append(marker);
  }
  svg.append(defs);
  const at = positions(spec);
  const center = { x: width / 2, y: height / 2 };
  const labels = node('g', { class: 'labels' });
  const extent = new Extent();
  for (const [key, events] of edgesOf(spec)) {
    const [from, to] = key.split('\u0000');
    const a = from === '*' ? center : at.get(from);
    const b = at.get(to);
    if (a === undefined || b === undefined) continue;
    const lit = from === current || (from === '*' && current !== null);
    const drawn = from === to ? selfLoop(a, center) : curve(a, b, from === '*');
    svg.append(node('path', { d: drawn.path, fill: 'none', stroke: lit ? '#222' : '#bbb', 'stroke-width': lit ? 1.4 : 1, 'stroke-dasharray': from === '*' ? '3 3' : '', 'marker-end': `url(#arrow-${spec.id}-${lit ? 'lit' : 'dim'})` }));
    for (const p of drawn.points) extent.add(p.x, p.y, 0, 0);
    if (events.length > 0) {
      labels.append(label(drawn.label, events, lit));
      const labelWidth = Math.max(...events.map((e) => e.length)) * labelCharPx;
      extent.add(drawn.label.x - labelWidth / 2, labelTop(drawn.label, events) - labelFontPx, labelWidth, events.length * labelLinePx + 2);
    }
  }
  for (const state of spec.states) {
    const p = at.get(state)!;
    svg.append(stateBox(state, p, state === current, state === spec.initial, fill));
    extent.add(p.x - stateWidth / 2 - 10, p.y - stateHeight / 2, stateWidth + 10, stateHeight);
  }
  svg.append(labels);
  // Edge labels (long guards, self-loops at the rim) may reach past the nominal box: widen the view so
  // that nothing is clipped, keeping the scale of 1 wherever the panel has room (styles.css scales down).
  const box = extent.around(width, height);
  svg.setAttribute('viewBox', `${box.x} ${box.y} ${box.width} ${box.height}`);
  svg.setAttribute('width', String(box.width));
  svg.setAttribute('height', String(box.height));
  return svg;
}

/** The bounding box of what is drawn, never smaller than the nominal chart. */
class Extent {
  private x0 = 0;
  private y0 = 0;
  private x1 = 0;
  private y1 = 0;

  add(x: number, y: number, w: number, h: number): void {
    this.x0 = Math.min(this.x0, x);
    this.y0 = Math.min(this.y0, y);
    this.x1 = Math.max(this.x1, x + w);
    this.y1 = Math.max(this.y1, y + h);
  }

  around(nominalWidth: number, nominalHeight: number): { x: number; y: number; width: number; height: number } {
    const x = Math.floor(Math.min(0, this.x0 - marginPx));
    const y = Math.floor(Math.min(0, this.y0 - marginPx));
    return { x, y, width: Math.ceil(Math.max(nominalWidth, this.x1 + marginPx) - x), height: Math.ceil(Math.max(nominalHeight, this.y1 + marginPx) - y) };
  }
}

/** The baseline of a label's first line. */
function labelTop(p: Point, events: readonly string[]): number {
  return p.y - ((events.length - 1) * labelLinePx) / 2 + 3;
}

function stateBox(state: string, p: Point, lit: boolean, initial: boolean, fill: (state: string) => string): SVGGElement {
  const g = node('g', { class: lit ? 'state current' : 'state', 'data-state': state });
  g.append(node('rect', { x: p.x - stateWidth / 2, y: p.y - stateHeight / 2, width: stateWidth, height: stateHeight, rx: 9, fill: lit ? fill(state) : '#fff', stroke: lit ? '#000' : '#888', 'stroke-width': lit ? 2 : 1 }));
  g.append(node('text', { x: p.x, y: p.y + 4, 'text-anchor': 'middle', 'font-size': 11, 'font-weight': lit ? 700 : 400, fill: lit && state === 'leader' ? '#fff' : '#111' }, state));
  if (initial) g.append(node('circle', { cx: p.x - stateWidth / 2 - 6, cy: p.y, r: 3, fill: '#111' }));
  return g;
}

/** Events stacked one per line, with a white halo so crossing curves do not hide them. */
function label(p: Point, events: readonly string[], lit: boolean): SVGTextElement {
  const text = node('text', { x: p.x, y: labelTop(p, events), 'text-anchor': 'middle', 'font-size': labelFontPx, fill: lit ? '#111' : '#777', class: 'edge-label' });
  events.forEach((event, i) => text.append(node('tspan', { x: p.x, dy: i === 0 ? 0 : labelLinePx }, event)));
  return text;
}

interface Drawn {
  readonly path: string;
  readonly label: Point;
  /** The path's end and control points (the curve stays inside them). */
  readonly points: readonly Point[];
}

function selfLoop(p: Point, center: Point): Drawn {
  // The loop points away from the middle of the chart, where it has room.
  const ux = p.x - center.x;
  const uy = p.y - center.y;
  const l = Math.hypot(ux, uy) || 1;
  const ox = (ux / l) * 34;
  const oy = (uy / l) * 26;
  const sx = p.x + (ux >= 0 ? stateWidth / 4 : -stateWidth / 4);
  const sy = p.y + (uy >= 0 ? stateHeight / 2 : -stateHeight / 2);
  const points = [{ x: sx - 8, y: sy }, { x: sx - 14 + ox, y: sy + oy }, { x: sx + 14 + ox, y: sy + oy }, { x: sx + 8, y: sy }];
  return { path: `M ${sx - 8} ${sy} C ${sx - 14 + ox} ${sy + oy}, ${sx + 14 + ox} ${sy + oy}, ${sx + 8} ${sy}`, label: { x: sx + ox * 1.05, y: sy + oy * 1.05 }, points };
}

function curve(a: Point, b: Point, fromAny: boolean): Drawn {
  // Bend each edge to its right so that a -> b and b -> a do not overlap.
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const length = Math.hypot(dx, dy) || 1;
  const cx = (a.x + b.x) / 2 + (-dy / length) * bendPx;
  const cy = (a.y + b.y) / 2 + (dx / length) * bendPx;
  const start = fromAny ? a : boxExit(a, { x: cx, y: cy });
  const end = boxExit(b, { x: cx, y: cy });
  // The curve's midpoint (t = 1/2 of the quadratic) is where its label goes.
  const label = { x: (start.x + 2 * cx + end.x) / 4, y: (start.y + 2 * cy + end.y) / 4 };
  return { path: `M ${start.x} ${start.y} Q ${cx} ${cy} ${end.x} ${end.y}`, label, points: [start, { x: cx, y: cy }, end] };
}

/** Where the line from a box's centre toward `toward` leaves the box. */
function boxExit(p: Point, toward: Point): Point {
  const ux = toward.x - p.x;
  const uy = toward.y - p.y;
  const scale = Math.min((stateWidth / 2 + 2) / Math.max(1e-9, Math.abs(ux)), (stateHeight / 2 + 2) / Math.max(1e-9, Math.abs(uy)));
  return { x: p.x + ux * scale, y: p.y + uy * scale };
}
