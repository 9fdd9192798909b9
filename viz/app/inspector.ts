// The right-hand panel: the moment under the cursor (every node as it was then), the selected mark's
// fields, and the role and lifecycle statecharts with the current state lit.
import { eventAt } from '../model/event-table.ts';
import { MessageStatus } from '../model/message-table.ts';
import { logTail } from '../model/raft-log.ts';
import { lifecycleStates, roleStates, specFromObserved, type StatechartSpec } from '../model/statechart-spec.ts';
import type { GroupState, WorldState } from '../model/node-state.ts';
import type { TimelineModel } from '../model/timeline-model.ts';
import type { MachineSpecs } from './boot-data.ts';
import { clear, el, formatMs, jsonText } from './dom.ts';
import { colourOfRole, colourOfTerm, textOnRole } from './palette.ts';
import { drawStatechart } from './statechart-view.ts';
import type { ViewState, ViewStateData } from './view-state.ts';

const logTailEntries = 28;

export class Inspector {
  private readonly roleSpec: StatechartSpec;
  private readonly lifecycleSpec: StatechartSpec;

  constructor(private readonly root: HTMLElement, private readonly model: TimelineModel, private readonly state: ViewState, private readonly machines: MachineSpecs) {
    this.roleSpec = machines.role ?? specFromObserved('raftRole', roleStates, model.observed.role);
    this.lifecycleSpec = machines.lifecycle ?? specFromObserved('nodeLifecycle', lifecycleStates, model.observed.lifecycle);
  }

  update(data: ViewStateData): void {
    const world = this.model.states.at(data.cursorEvent);
    clear(this.root);
    this.root.append(this.momentSection(data), this.selectionSection(data), this.nodesSection(data, world), this.chartsSection(data, world));
  }

  private momentSection(data: ViewStateData): HTMLElement {
    const i = data.cursorEvent;
    const raw = i >= 0 ? this.model.events.lines[i] : null;
    return el('section', { id: 'moment' },
      el('h2', {}, 'Moment'),
      el('div', { class: 'kv' }, el('span', {}, `t = ${formatMs(data.cursorT)}`), el('span', {}, i >= 0 ? `event ${i + 1} of ${this.model.events.count}` : 'before the first event')),
      raw === null ? null : el('pre', { class: 'raw', id: 'cursor-event' }, raw));
  }

  private selectionSection(data: ViewStateData): HTMLElement {
    const section = el('section', { id: 'selection' }, el('h2', {}, 'Selected'));
    const rows = this.selectionRows(data);
    if (rows === null) {
      section.append(el('p', { class: 'hint' }, 'Click a message arrow, a client operation or a fault to see its fields.'));
      return section;
    }
    const table = el('table', { class: 'fields' });
    for (const [name, value] of rows) table.append(el('tr', {}, el('th', {}, name), el('td', {}, value)));
    section.append(table);
    return section;
  }

  private selectionRows(data: ViewStateData): Array<[string, string]> | null {
    const s = data.selection;
    if (s === null) return null;
    if (s.kind === 'message') return this.messageRows(s.index);
    if (s.kind === 'op') {
      const op = this.model.ops[s.index];
      return op === undefined ? null : [
        ['operation', `${op.f} ${jsonText(op.key)} (history index ${op.op})`], ['process', String(op.process)],
        ['value', jsonText(op.value)], ['outcome', op.outcome], ['result', jsonText(op.result ?? null)],
        ['invoked', formatMs(op.start)], ['completed', op.outcome === 'pending' ? 'never' : formatMs(op.end)],
        ['latency', op.outcome === 'pending' ? '—' : formatMs(op.end - op.start)],
      ];
    }
    if (s.kind === 'fault') {
      const fault = this.model.faults[s.index];
      return fault === undefined ? null : [['fault', fault.label], ['from', formatMs(fault.start)], ['to', fault.open ? 'end of trace (never healed)' : formatMs(fault.end)], ['fields', jsonText(fault.fields)]];
    }
    const v = this.model.violations[s.index];
    return v === undefined ? null : [['check', v.check], ['at', formatMs(v.t)], ['detail', typeof v.detail === 'string' ? v.detail : jsonText(v.detail)], ['operations', v.ops.join(', ') || '—']];
  }

  private messageRows(i: number): Array<[string, string]> {
    const m = this.model.messages;
    const send = eventAt(this.model.events, m.sendEvent[i]);
    const status = m.status[i] === MessageStatus.Delivered ? `delivered at ${formatMs(m.endT[i])}` : m.status[i] === MessageStatus.Dropped ? `dropped at ${formatMs(m.endT[i])} (${m.dropReasons[m.dropReasonCode[i]]})` : 'in flight when the trace ended';
    const rows: Array<[string, string]> = [
      ['frame', `${jsonText(send.copy ?? send.id)} ${m.from[i]} → ${m.to[i]}`], ['type', m.types[m.typeCode[i]]], ['sent', formatMs(m.sendT[i])], ['status', status],
    ];
    if (!Number.isNaN(m.endT[i])) rows.push(['flight', formatMs(m.endT[i] - m.sendT[i])]);
    if (m.copyOf[i] >= 0) rows.push(['copy of', `frame sent at ${formatMs(m.sendT[m.copyOf[i]])} (network duplicate)`]);
    const original = m.copyOf[i] >= 0 ? eventAt(this.model.events, m.sendEvent[m.copyOf[i]]) : send;
    for (const [name, value] of Object.entries((original.msg as Record<string, unknown>) ?? {})) rows.push([`msg.${name}`, jsonText(value)]);
    if (typeof original.bytes === 'number') rows.push(['bytes', String(original.bytes)]);
    return rows;
  }

  private nodesSection(data: ViewStateData, world: WorldState): HTMLElement {
    const section = el('section', { id: 'nodes' }, el('h2', {}, 'Nodes'));
    for (const node of this.model.nodes) {
      if (data.filters.hiddenNodes.has(node)) continue;
      const state = world.get(node);
      if (state === undefined || state.groups.size === 0) {
        section.append(el('div', { class: 'node-card', 'data-node': node }, el('strong', {}, `node ${node}`), ' ', el('span', { class: 'hint' }, state === undefined ? 'no events yet' : state.lifecycle)));
        continue;
      }
      for (const [group, g] of [...state.groups].sort((a, b) => a[0] - b[0])) {
        section.append(this.nodeCard(node, group, state.lifecycle, g, data.focusNode === node));
      }
    }
    return section;
  }

  private nodeCard(node: number, group: number, lifecycle: string, g: GroupState, focused: boolean): HTMLElement {
    const role = el('span', { class: 'role', style: `background:${colourOfRole(g.role)};color:${textOnRole(g.role)}` }, `${g.role} t${g.term}`);
    const card = el('div', { class: focused ? 'node-card focused' : 'node-card', 'data-node': node, 'data-group': group },
      el('div', { class: 'node-head' }, el('strong', {}, `node ${node}`), this.model.groups.length > 1 ? ` · group ${group} ` : ' ', role, el('span', { class: `life life-${lifecycle}` }, lifecycle)),
      el('div', { class: 'kv' },
        el('span', {}, `vote ${g.vote || '—'}`), el('span', {}, `leader ${g.leader || '—'}`), el('span', {}, `commit ${g.commit}`),
        el('span', {}, `applied ${g.applied}`), el('span', {}, `last ${g.log.lastIndex}`),
        g.kvKeys === null ? null : el('span', {}, `kv ${g.kvKeys} keys${g.kvBytes === null ? '' : `, ${g.kvBytes} B`}`)),
      this.logView(g));
    if (g.progress.size > 0) {
      const rows = [...g.progress].sort((a, b) => a[0] - b[0]).map(([peer, p]) => el('tr', {}, el('td', {}, `→ ${peer}`), el('td', {}, `match ${p.match}`), el('td', {}, `next ${p.next}`), el('td', {}, p.state)));
      card.append(el('table', { class: 'progress' }, ...rows));
    }
    card.addEventListener('click', () => this.state.update({ focusNode: node }));
    return card;
  }

  private logView(g: GroupState): HTMLElement {
    const tail = logTail(g.log, logTailEntries);
    const view = el('div', { class: 'log', title: 'log tail: colour = term; solid = committed, outlined = not yet committed' });
    if (tail.length > 0 && tail[0].index > g.log.snapshotIndex + 1) view.append(el('span', { class: 'log-more' }, `…${tail[0].index - 1}`));
    else if (g.log.snapshotIndex > 0) view.append(el('span', { class: 'log-more' }, `snap ≤${g.log.snapshotIndex}`));
    for (const entry of tail) {
      const committed = entry.index <= g.commit;
      const colour = colourOfTerm(entry.term);
      const style = committed ? `background:${colour};border-color:${colour}` : `border-color:${colour}`;
      view.append(el('span', { class: committed ? 'entry committed' : 'entry uncommitted', style, title: `index ${entry.index}, term ${entry.term}${committed ? ', committed' : ', not committed'}` }));
      if (entry.index === g.commit && entry.index !== g.log.lastIndex) view.append(el('span', { class: 'commit-mark', title: `commit ${g.commit}` }));
    }
    if (tail.length === 0) view.append(el('span', { class: 'hint' }, 'empty log'));
    return view;
  }

  private chartsSection(data: ViewStateData, world: WorldState): HTMLElement {
    const node = data.focusNode ?? this.model.nodes[0] ?? null;
    const state = node === null ? undefined : world.get(node);
    const group = state === undefined ? undefined : [...state.groups.keys()].sort((a, b) => a - b)[0];
    const role = state === undefined || group === undefined ? null : state.groups.get(group)!.role;
    const section = el('section', { id: 'statecharts' }, el('h2', {}, `Statecharts${node === null ? '' : ` · node ${node}`}`));
    section.append(el('h3', {}, `Raft role (${this.roleSpec.source === 'definition' ? 'from core/raft/role-machine.ts' : 'from the trace'})`));
    section.append(drawStatechart(this.roleSpec, role, colourOfRole));
    section.append(el('h3', {}, `Node lifecycle (${this.lifecycleSpec.source === 'definition' ? 'from core/node/lifecycle-machine.ts' : 'from the trace'})`));
    section.append(drawStatechart(this.lifecycleSpec, state?.lifecycle ?? null, () => '#F0E442'));
    for (const note of this.machines.notes) section.append(el('p', { class: 'hint' }, note));
    return section;
  }
}
