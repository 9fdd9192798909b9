// Summaries of a V8 .cpuprofile (node --cpu-prof): self and inclusive time by function and by file,
// and self time by area of kvlab (Raft, WAL, HTTP, classic-level, ...), over an optional time window
// so start-up (tsx compiling TypeScript) does not drown the steady state we care about.
// Timestamps are microseconds of CLOCK_MONOTONIC, the clock process.hrtime() reads in any process.
import { fileURLToPath } from 'node:url';

export interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
}

export interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
  readonly children?: readonly number[];
}

export interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface WindowUs {
  readonly fromUs: number;
  readonly toUs: number;
}

export interface Ranked {
  readonly name: string;
  readonly ms: number;
}

export interface ProfileSummary {
  readonly windowMs: number;
  readonly sampledMs: number;
  readonly idleMs: number;
  readonly gcMs: number;
  readonly selfByFunction: readonly Ranked[];
  readonly selfByFile: readonly Ranked[];
  readonly selfByArea: readonly Ranked[];
  readonly inclusiveByFunction: readonly Ranked[];
}

const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const META_NAMES = new Set(['(root)', '(idle)', '(program)', '(garbage collector)']);

/** Where a file belongs, first match wins; order matters (codec files live inside core/kv/ too). */
const AREAS: ReadonlyArray<readonly [RegExp, string]> = [
  [/codec|\/level-format\.ts|\/core\/storage\/(binary|record|wal-records|crc32c)\.ts/, 'encoding and checksums (codecs, WAL records, CRC)'],
  [/\/core\/raft\//, 'Raft (core/raft)'],
  [/\/core\/storage\//, 'WAL and snapshots (core/storage)'],
  [/\/core\/kv\//, 'KV state machine (core/kv)'],
  [/\/core\/node\//, 'node host, Ready loop, pending requests (core/node)'],
  [/\/core\//, 'core, other'],
  [/\/prod\/http\//, 'kvlab HTTP layer (prod/http)'],
  [/\/prod\/resp\//, 'kvlab RESP layer (prod/resp)'],
  [/\/prod\/env\/(tcp|frame|handshake)/, 'peer transport (prod/env/tcp-*)'],
  [/\/prod\/env\//, 'disk, clock, timers (prod/env)'],
  [/\/prod\/engine\//, 'LevelDB engine glue (prod/engine)'],
  [/\/prod\/log\//, 'JSON-lines log (prod/log)'],
  [/\/prod\/metrics\//, 'metrics (prod/metrics)'],
  [/\/prod\//, 'node shell, other (prod/node, prod/config)'],
  [/node_modules\/(classic-level|abstract-level|level-|module-error|maybe-combine-errors|napi-macros|node-gyp-build)/, 'classic-level (LevelDB binding)'],
  [/node_modules\/(tsx|esbuild|get-tsconfig|source-map)/, 'tsx loader'],
  [/node_modules\//, 'other npm packages'],
  [/^node:(_http|http|internal\/http)/, 'Node http (node:_http_*)'],
  [/^node:(net|stream|internal\/stream|internal\/streams|internal\/stream_base)/, 'Node net and streams'],
  [/^node:(fs|internal\/fs)/, 'Node fs'],
  [/^node:(timers|internal\/timers)/, 'Node timers'],
  [/^node:internal\/process\/task_queues|^node:internal\/async_hooks/, 'Node microtasks and async hooks'],
  [/^node:/, 'Node internals, other'],
];

/** JSON and string work happens in V8 builtins that have no file; name them by what they are. */
const NATIVE_AREAS: ReadonlyArray<readonly [RegExp, string]> = [
  [/^(parse|stringify|JSON\.(parse|stringify))$/, 'JSON.parse / JSON.stringify'],
];

export function shortUrl(url: string): string {
  if (url.startsWith('file://')) {
    const path = fileURLToPath(url);
    return path.startsWith(PROJECT_ROOT) ? path.slice(PROJECT_ROOT.length) : path;
  }
  return url;
}

function frameName(frame: CallFrame): string {
  const name = frame.functionName || '(anonymous)';
  if (META_NAMES.has(name)) return name;
  if (frame.url === '') return `${name} (native)`;
  // tsx hands V8 transformed code, so line numbers in .ts files do not match the source: leave them out.
  const path = shortUrl(frame.url);
  return path.endsWith('.ts') ? `${name} ${path}` : `${name} ${path}:${frame.lineNumber + 1}`;
}

export function areaOfUrl(url: string): string {
  const path = shortUrl(url);
  const withSlash = path.startsWith('node:') ? path : `/${path}`;
  for (const [pattern, area] of AREAS) if (pattern.test(withSlash)) return area;
  return 'other';
}

class Tree {
  readonly parent = new Map<number, number>();
  readonly byId = new Map<number, ProfileNode>();
  private readonly stackNames = new Map<number, readonly string[]>();

  constructor(profile: CpuProfile) {
    for (const node of profile.nodes) {
      this.byId.set(node.id, node);
      for (const child of node.children ?? []) this.parent.set(child, node.id);
    }
  }

  /** Distinct function names on the stack from `id` to the root (recursion counted once). */
  stack(id: number): readonly string[] {
    const cached = this.stackNames.get(id);
    if (cached) return cached;
    const names = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = this.parent.get(at)) {
      const frame = this.byId.get(at)!.callFrame;
      if (!META_NAMES.has(frame.functionName)) names.add(frameName(frame));
    }
    const list = [...names];
    this.stackNames.set(id, list);
    return list;
  }

  /** The area of a sample: special V8 states, JSON builtins, else the nearest frame with a file. */
  area(id: number): string {
    const leaf = this.byId.get(id)!.callFrame;
    if (leaf.functionName === '(idle)') return 'idle';
    if (leaf.functionName === '(garbage collector)') return 'garbage collector';
    if (leaf.functionName === '(program)') return 'V8 and native, unattributed (program)';
    if (leaf.url === '') for (const [pattern, area] of NATIVE_AREAS) if (pattern.test(leaf.functionName)) return area;
    for (let at: number | undefined = id; at !== undefined; at = this.parent.get(at)) {
      const frame = this.byId.get(at)!.callFrame;
      if (frame.url !== '') return areaOfUrl(frame.url);
    }
    return 'native, no JavaScript caller';
  }

  /** The file a sample's self time belongs to: the leaf's, or for a native leaf its nearest caller's. */
  file(id: number): string {
    for (let at: number | undefined = id; at !== undefined; at = this.parent.get(at)) {
      const frame = this.byId.get(at)!.callFrame;
      if (frame.url !== '') return shortUrl(frame.url);
      if (META_NAMES.has(frame.functionName)) return frame.functionName;
    }
    return '(native)';
  }
}

function add(map: Map<string, number>, key: string, us: number): void {
  map.set(key, (map.get(key) ?? 0) + us);
}

function ranked(map: Map<string, number>, top: number): Ranked[] {
  return [...map]
    .map(([name, us]) => ({ name, ms: us / 1000 }))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, top);
}

/**
 * Each sample stands for the time until the next one (what DevTools shows). Samples outside `window`
 * are left out; `top` bounds every list.
 */
export function summariseProfile(profile: CpuProfile, window: WindowUs | undefined, top = 25): ProfileSummary {
  const tree = new Tree(profile);
  const selfFunction = new Map<string, number>();
  const selfFile = new Map<string, number>();
  const selfArea = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let sampledUs = 0;
  let at = profile.startTime;
  const fromUs = window?.fromUs ?? profile.startTime;
  const toUs = window?.toUs ?? profile.endTime;
  for (let i = 0; i < profile.samples.length; i++) {
    at += profile.timeDeltas[i];
    const nextAt = i + 1 < profile.samples.length ? at + profile.timeDeltas[i + 1] : profile.endTime;
    if (at < fromUs || at >= toUs) continue;
    const us = Math.max(0, Math.min(nextAt, toUs) - at);
    const id = profile.samples[i];
    sampledUs += us;
    add(selfFunction, frameName(tree.byId.get(id)!.callFrame), us);
    add(selfFile, tree.file(id), us);
    add(selfArea, tree.area(id), us);
    for (const name of tree.stack(id)) add(inclusive, name, us);
  }
  return {
    windowMs: (toUs - fromUs) / 1000,
    sampledMs: sampledUs / 1000,
    idleMs: (selfArea.get('idle') ?? 0) / 1000,
    gcMs: (selfArea.get('garbage collector') ?? 0) / 1000,
    selfByFunction: ranked(selfFunction, top),
    selfByFile: ranked(selfFile, top),
    selfByArea: ranked(selfArea, AREAS.length + 8),
    inclusiveByFunction: ranked(inclusive, top),
  };
}

/**
 * The call paths (up to `depth` callers, innermost first) that lead to samples whose leaf function is
 * named `functionName`, with the time each path accounts for: who calls an expensive native.
 */
export function callersOf(profile: CpuProfile, functionName: string, window: WindowUs | undefined, depth = 8, top = 10): Ranked[] {
  const tree = new Tree(profile);
  const paths = new Map<string, number>();
  let at = profile.startTime;
  const fromUs = window?.fromUs ?? profile.startTime;
  const toUs = window?.toUs ?? profile.endTime;
  for (let i = 0; i < profile.samples.length; i++) {
    at += profile.timeDeltas[i];
    if (at < fromUs || at >= toUs) continue;
    const id = profile.samples[i];
    if (tree.byId.get(id)!.callFrame.functionName !== functionName) continue;
    const names: string[] = [];
    for (let up = tree.parent.get(id); up !== undefined && names.length < depth; up = tree.parent.get(up)) {
      names.push(frameName(tree.byId.get(up)!.callFrame));
    }
    const nextAt = i + 1 < profile.samples.length ? at + profile.timeDeltas[i + 1] : profile.endTime;
    add(paths, names.join(' < '), Math.max(0, Math.min(nextAt, toUs) - at));
  }
  return ranked(paths, top);
}

/** A Markdown table of `rows`, with each row's share of `totalMs`. */
export function rankedTable(title: string, rows: readonly Ranked[], totalMs: number): string {
  const lines = [`| ${title} | ms | share |`, '|---|---:|---:|'];
  for (const row of rows) lines.push(`| ${row.name.replaceAll('|', '\\|')} | ${row.ms.toFixed(0)} | ${((100 * row.ms) / totalMs).toFixed(1)}% |`);
  return lines.join('\n');
}
