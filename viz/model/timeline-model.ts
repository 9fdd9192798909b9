// Trace (+ optional history and report) -> the view model the timeline draws. One pass over the
// events, fed chunk by chunk so a large file is reduced while it downloads.
import { ClientOpBuilder, type ClientOp, type OpRecord } from './client-ops.ts';
import { EventTableBuilder, type EventTable } from './event-table.ts';
import { FaultSpanBuilder, type FaultSpan } from './fault-spans.ts';
import { readHistory } from './history.ts';
import { LifecycleSpanBuilder, type LifecycleSpan } from './lifecycle-spans.ts';
import { MessageTableBuilder, type MessageTable } from './message-table.ts';
import { RaftMarkBuilder, type CommitTable, type ElectionMark } from './raft-marks.ts';
import { readReport, type ReportSummary } from './report.ts';
import { RoleSpanBuilder, type RoleSpan } from './role-spans.ts';
import { TransitionCollector, type StatechartTransition } from './statechart-spec.ts';
import { StateTimelineBuilder, type StateTimeline } from './state-timeline.ts';
import { TraceParser } from './trace-parser.ts';
import type { TraceEvent, TraceMeta, TraceProblem } from './trace-types.ts';

export interface Violation {
  readonly t: number;
  readonly check: string;
  readonly detail: unknown;
  /** The history indexes the checker named. */
  readonly ops: readonly number[];
  /** Those it could resolve to client operations. */
  readonly resolved: readonly ClientOp[];
  /** -1 when it came from report.json rather than the trace. */
  readonly eventIndex: number;
}

/** One drawn lane: a node's replica of a Raft group. */
export interface Lane {
  readonly group: number;
  readonly node: number;
}

export interface TimelineModel {
  readonly meta: TraceMeta | null;
  readonly nodes: readonly number[];
  readonly groups: readonly number[];
  readonly lanes: readonly Lane[];
  readonly startT: number;
  readonly endT: number;
  readonly events: EventTable;
  readonly roleSpans: readonly RoleSpan[];
  readonly lifecycleSpans: readonly LifecycleSpan[];
  readonly faults: readonly FaultSpan[];
  readonly messages: MessageTable;
  readonly commits: CommitTable;
  readonly elections: readonly ElectionMark[];
  readonly ops: readonly ClientOp[];
  readonly opRows: number;
  readonly violations: readonly Violation[];
  readonly states: StateTimeline;
  readonly report: ReportSummary | null;
  /** Role and lifecycle transitions the trace recorded (to draw statecharts without their definitions). */
  readonly observed: { readonly role: readonly StatechartTransition[]; readonly lifecycle: readonly StatechartTransition[] };
  /** Everything that went wrong reading the files; a fatal one means only a prefix is shown. */
  readonly problems: readonly TraceProblem[];
}

export interface Extras {
  readonly historyText?: string | null;
  readonly reportText?: string | null;
}

export class TimelineReader {
  private meta: TraceMeta | null = null;
  private lastT = 0;
  private readonly parser: TraceParser;
  private readonly table = new EventTableBuilder();
  private readonly roles = new RoleSpanBuilder();
  private readonly lifecycle = new LifecycleSpanBuilder();
  private readonly faults = new FaultSpanBuilder();
  private readonly messages = new MessageTableBuilder();
  private readonly marks = new RaftMarkBuilder();
  private readonly ops = new ClientOpBuilder();
  private readonly states = new StateTimelineBuilder();
  private readonly violationEvents: Array<{ event: TraceEvent; index: number }> = [];
  private readonly lanes = new Map<number, Lane>();
  private readonly nodes = new Set<number>();
  private sawClientEvents = false;
  private readonly roleTransitions = new TransitionCollector();
  private readonly lifecycleTransitions = new TransitionCollector();

  constructor(private readonly file = 'trace.jsonl') {
    this.parser = new TraceParser(file, { meta: (meta) => this.onMeta(meta), event: (e, i, raw) => this.onEvent(e, i, raw) });
  }

  push(chunk: string): void {
    this.parser.push(chunk);
  }

  get eventCount(): number {
    return this.parser.eventCount;
  }

  finish(extras: Extras = {}): TimelineModel {
    this.parser.end();
    const problems = [...this.parser.problems];
    const events = this.table.finish();
    const endT = this.endTime(problems);
    const historyRecords = this.readExtras(extras, problems);
    if (!this.sawClientEvents) for (const record of historyRecords) this.ops.add(record);
    const { ops, rows } = this.ops.finish(endT);
    const messages = this.messages.finish();
    for (const w of this.messages.warnings) problems.push({ file: this.file, line: 0, message: `event ${w.eventIndex + 1}: ${w.message}`, fatal: false, excerpt: '' });
    const report = extras.reportText ? readReport(extras.reportText).report : null;
    return {
      meta: this.meta, nodes: [...this.nodes].sort((a, b) => a - b), groups: this.groupList(), lanes: this.laneList(),
      startT: 0, endT, events, roleSpans: this.roles.finish(endT), lifecycleSpans: this.lifecycle.finish(endT),
      faults: this.faults.finish(endT), messages, commits: this.marks.finishCommits(), elections: this.marks.elections,
      ops, opRows: rows, violations: this.violations(historyRecords, report, endT), states: this.states.finish(events.lines), report, problems,
      observed: { role: this.roleTransitions.transitions, lifecycle: this.lifecycleTransitions.transitions },
    };
  }

  private onMeta(meta: TraceMeta): void {
    this.meta = meta;
    const groups = meta.groups !== undefined && meta.groups.length > 0 ? meta.groups : [1];
    for (const node of meta.nodes ?? []) {
      this.nodes.add(node);
      for (const group of groups) {
        this.addLane(group, node);
        this.roles.declare(node, group, 0);
        this.states.declare(node, group);
      }
    }
  }

  private onEvent(event: TraceEvent, index: number, raw: string): void {
    this.lastT = event.t;
    this.table.add(event, raw);
    if (event.node !== null) this.nodes.add(event.node);
    const kind = event.kind;
    if (kind.startsWith('net.')) {
      this.messages.add(event, index);
      if (kind === 'net.send') this.noteMessageLanes(event);
    } else if (kind.startsWith('raft.')) {
      this.addLane(event.group as number, event.node as number);
      this.roles.add(event);
      this.marks.add(event, index);
      if (kind === 'raft.role') this.roleTransitions.add(event.from as string, event.to as string, typeof event.event === 'string' ? event.event : '');
    } else if (kind.startsWith('node.')) {
      this.roles.add(event);
      this.lifecycle.add(event);
      if (kind === 'node.lifecycle') this.lifecycleTransitions.add(event.from as string, event.to as string, event.event as string);
    } else if (kind === 'fault.start' || kind === 'fault.stop') {
      this.faults.add(event, index);
    } else if (clientKinds.has(kind)) {
      this.sawClientEvents = true;
      this.ops.add(clientRecord(event, index));
    } else if (kind === 'check.violation') {
      this.violationEvents.push({ event, index });
    }
    this.states.add(event, index);
  }

  private noteMessageLanes(event: TraceEvent): void {
    const group = (event.msg as { group?: unknown }).group;
    if (!Number.isInteger(group)) return;
    this.addLane(group as number, event.from as number);
    this.addLane(group as number, event.to as number);
    this.nodes.add(event.from as number);
    this.nodes.add(event.to as number);
  }

  private addLane(group: number, node: number): void {
    const key = group * laneKeyNodesMax + node;
    if (!this.lanes.has(key)) this.lanes.set(key, { group, node });
  }

  private laneList(): Lane[] {
    return [...this.lanes.values()].sort((a, b) => a.group - b.group || a.node - b.node);
  }

  private groupList(): number[] {
    return [...new Set(this.laneList().map((lane) => lane.group))];
  }

  private endTime(problems: readonly TraceProblem[]): number {
    const declared = this.meta?.durationMs;
    // A cut-off trace ends where its events end; a complete one may declare a longer run.
    if (problems.length > 0 || typeof declared !== 'number') return Math.max(this.lastT, 1);
    return Math.max(this.lastT, declared, 1);
  }

  private readExtras(extras: Extras, problems: TraceProblem[]): OpRecord[] {
    if (extras.reportText) problems.push(...readReport(extras.reportText).problems.map((p) => ({ ...p, fatal: false })));
    if (!extras.historyText) return [];
    const history = readHistory(extras.historyText);
    problems.push(...history.problems.map((p) => ({ ...p, fatal: false })));
    return history.records;
  }

  private violations(historyRecords: readonly OpRecord[], report: ReportSummary | null, endT: number): Violation[] {
    // Checkers name history indexes; the history pairs completion indexes with their invokes.
    const historyOps = new ClientOpBuilder();
    for (const record of historyRecords) historyOps.add(record);
    const resolve = (ops: readonly number[]): ClientOp[] =>
      ops.flatMap((index) => {
        const op = this.ops.find(index) ?? this.ops.find(historyOps.find(index)?.op ?? Number.NaN);
        return op === undefined ? [] : [op];
      });
    const found: Violation[] = this.violationEvents.map(({ event, index }) => {
      const ops = opIndexes(event.ops);
      return { t: event.t, check: event.check as string, detail: event.detail, ops, resolved: resolve(ops), eventIndex: index };
    });
    if (found.length > 0 || report === null) return found;
    return report.checks
      .filter((check) => check.verdict === 'fail')
      .map((check) => {
        const resolved = resolve(check.ops);
        return { t: reportViolationTime(check.detail, resolved, endT), check: check.name, detail: check.detail, ops: check.ops, resolved, eventIndex: -1 };
      });
  }
}

/**
 * When a failed check from report.json happened: once its last operation completed, else the
 * "at <t> ms" its detail states, else the end of the run.
 */
function reportViolationTime(detail: unknown, resolved: readonly ClientOp[], endT: number): number {
  if (resolved.length > 0) return Math.min(endT, Math.max(...resolved.map((op) => op.end)));
  const stated = typeof detail === 'string' ? /\bat (\d+(?:\.\d+)?) ms\b/.exec(detail) : null;
  return stated !== null ? Math.min(endT, Number(stated[1])) : endT;
}

/** Lane keys are group * laneKeyNodesMax + node (numbers hash faster than strings on the hot path). */
const laneKeyNodesMax = 1 << 20;

const clientKinds: ReadonlySet<string> = new Set(['client.invoke', 'client.ok', 'client.fail', 'client.info']);

function opIndexes(value: unknown): number[] {
  return Array.isArray(value) ? value.filter((v): v is number => Number.isInteger(v)) : [];
}

function clientRecord(event: TraceEvent, index: number): OpRecord {
  return {
    type: event.kind.slice('client.'.length) as OpRecord['type'], index: event.op as number, process: event.process as number,
    f: event.f as string, key: event.key, value: event.value, t: event.t, eventIndex: index,
  };
}

/** Reads whole files at once (tests, Node); the browser feeds TimelineReader chunk by chunk. */
export function readTimeline(traceText: string, extras: Extras = {}): TimelineModel {
  const reader = new TimelineReader();
  reader.push(traceText);
  return reader.finish(extras);
}
