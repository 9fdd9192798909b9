// The toolbar (play, step, kind, speed, zoom, filters, search, violation, help) and the scrub bar.
// Controls call Actions; `sync` mirrors the ViewState back into them.
import type { TimelineModel } from '../model/timeline-model.ts';
import type { Actions } from './actions.ts';
import { el, formatMs } from './dom.ts';
import { colourOfRole, dropColour, messageColour, okabeIto, outcomeColour, violationColour } from './palette.ts';
import type { Shortcut } from './shortcuts.ts';
import type { Filters, ViewState, ViewStateData } from './view-state.ts';

const scrubSteps = 10_000;

export class Controls {
  readonly search: HTMLInputElement;
  readonly filters: HTMLDetailsElement;
  readonly help: HTMLElement;
  private readonly play: HTMLButtonElement;
  private readonly speed: HTMLInputElement;
  private readonly speedLabel: HTMLElement;
  private readonly scrub: HTMLInputElement;
  private readonly timeLabel: HTMLElement;
  private readonly searchStatus: HTMLElement;

  constructor(toolbar: HTMLElement, footer: HTMLElement, private readonly model: TimelineModel, private readonly state: ViewState, private readonly actions: Actions, shortcuts: readonly Shortcut[]) {
    const button = (label: string, title: string, id: string, run: () => void) => {
      const b = el('button', { type: 'button', title, id }, label);
      b.addEventListener('click', run);
      return b;
    };
    this.play = button('▶ Play', 'play / pause (Space)', 'play', () => actions.togglePlay());
    const kind = el('select', { id: 'step-kind', title: 'the kind that « and » step to' }, el('option', { value: '' }, 'any kind'), ...model.events.kinds.map((k) => el('option', { value: k }, k)));
    kind.addEventListener('change', () => state.update({ stepKind: kind.value }));
    this.speed = el('input', { type: 'range', id: 'speed', min: -3, max: 3, step: 0.25, value: 0, title: 'playback speed (log scale): , and .' });
    this.speed.addEventListener('input', () => actions.setSpeed(Number(this.speed.value)));
    this.speedLabel = el('span', { class: 'speed-label' }, '×1');
    this.search = el('input', { type: 'search', id: 'search', placeholder: 'search events  ( / )', size: 18 });
    this.searchStatus = el('span', { id: 'search-status', class: 'hint' });
    this.search.addEventListener('keydown', (event) => this.onSearchKey(event));
    this.filters = this.filterPanel();
    const violation = button('⚠ Jump to violation', 'jump to the linearizability violation (v)', 'jump-violation', () => actions.jumpToViolation(0));
    violation.disabled = model.violations.length === 0;
    this.help = this.helpOverlay(shortcuts);
    toolbar.append(
      this.play,
      button('◀', 'previous event (← or p)', 'step-back', () => actions.step(-1)),
      button('▶|', 'next event (→ or n)', 'step-forward', () => actions.step(1)),
      kind,
      button('«', 'previous event of the chosen kind (Shift+←)', 'step-kind-back', () => actions.step(-1, true)),
      button('»', 'next event of the chosen kind (Shift+→)', 'step-kind-forward', () => actions.step(1, true)),
      el('label', { class: 'speed' }, 'speed ', this.speed, this.speedLabel),
      button('−', 'zoom out (-)', 'zoom-out', () => actions.zoom(0.5)),
      button('+', 'zoom in (+)', 'zoom-in', () => actions.zoom(2)),
      button('Fit', 'fit the whole run (0)', 'fit', () => actions.fit()),
      this.filters,
      this.search,
      this.searchStatus,
      violation,
      button('?', 'keyboard shortcuts (?)', 'help-button', () => this.toggleHelp()),
    );
    this.scrub = el('input', { type: 'range', id: 'scrub', min: 0, max: scrubSteps, step: 1, value: 0, title: 'scrub through the run' });
    this.scrub.addEventListener('input', () => actions.setCursorTime(this.timeOfScrub(Number(this.scrub.value))));
    this.timeLabel = el('span', { id: 'time-label' });
    footer.append(this.scrub, this.timeLabel);
  }

  toggleHelp(): void {
    this.help.hidden = !this.help.hidden;
  }

  sync(data: ViewStateData): void {
    this.play.textContent = data.playing ? '❚❚ Pause' : '▶ Play';
    this.speed.value = String(data.speedLog10);
    const rate = 10 ** data.speedLog10;
    this.speedLabel.textContent = `×${rate >= 1 ? +rate.toPrecision(3) : +rate.toPrecision(2)}`;
    const [start, end] = this.actions.fullSpan;
    this.scrub.value = String(Math.round(((data.cursorT - start) / (end - start)) * scrubSteps));
    const seq = data.cursorEvent >= 0 ? ` · event ${data.cursorEvent + 1}/${this.model.events.count} (seq ${this.model.events.seq[data.cursorEvent]}, ${this.model.events.kinds[this.model.events.kindCode[data.cursorEvent]]})` : '';
    this.timeLabel.textContent = `${formatMs(data.cursorT)} of ${formatMs(end)}${seq}`;
  }

  private timeOfScrub(value: number): number {
    const [start, end] = this.actions.fullSpan;
    return start + ((end - start) * value) / scrubSteps;
  }

  private onSearchKey(event: KeyboardEvent): void {
    if (event.key === 'Escape') return this.search.blur();
    if (event.key !== 'Enter') return;
    event.preventDefault();
    const [match, total] = this.actions.search(this.search.value, event.shiftKey ? -1 : 1);
    this.searchStatus.textContent = this.search.value === '' ? '' : total === 0 ? 'no match' : `${match} / ${total}`;
  }

  private filterPanel(): HTMLDetailsElement {
    const messageTypes = [...this.model.messages.types].sort();
    const faults = [...new Set([...this.model.faults.map((f) => f.fault), ...this.model.lifecycleSpans.filter((s) => s.state === 'crashed').map(() => 'crash'), ...this.model.lifecycleSpans.filter((s) => s.state === 'stopped').map(() => 'stopped')])].sort();
    const group = (title: string, values: readonly (string | number)[], field: keyof Filters, label: (v: string | number) => string) =>
      el('fieldset', {}, el('legend', {}, title), ...values.map((value) => {
        const box = el('input', { type: 'checkbox', checked: true, 'data-filter': `${field}:${value}` });
        box.addEventListener('change', () => this.toggleFilter(field, value, !box.checked));
        return el('label', {}, box, ` ${label(value)}`);
      }));
    return el('details', { id: 'filters' },
      el('summary', { title: 'filters (f)' }, 'Filters'),
      el('div', { class: 'filter-panel' },
        group('Nodes', this.model.nodes, 'hiddenNodes', (n) => `node ${n}`),
        group('Messages', messageTypes, 'hiddenMessageTypes', String),
        faults.length === 0 ? null : group('Faults', faults, 'hiddenFaults', String)));
  }

  private toggleFilter(field: keyof Filters, value: string | number, hidden: boolean): void {
    const filters = this.state.get().filters;
    const next = new Set<string | number>(filters[field] as ReadonlySet<string | number>);
    if (hidden) next.add(value);
    else next.delete(value);
    this.state.update({ filters: { ...filters, [field]: next } });
  }

  private helpOverlay(shortcuts: readonly Shortcut[]): HTMLElement {
    const rows = shortcuts.map((s) => el('tr', {}, el('td', {}, el('kbd', {}, s.keys)), el('td', {}, s.does)));
    const close = el('button', { type: 'button' }, 'Close');
    const help = el('div', { id: 'help', role: 'dialog', 'aria-label': 'keyboard shortcuts' },
      el('div', { class: 'help-box' },
        el('h2', {}, 'Keyboard shortcuts'),
        el('table', {}, ...rows),
        el('p', { class: 'hint' }, 'Mouse: wheel zooms around the pointer, drag pans, click picks a moment (and the message, operation or fault under the pointer).'),
        legend(),
        close));
    help.hidden = true;
    close.addEventListener('click', () => (help.hidden = true));
    return help;
  }
}

/** What the marks mean, with their colours (the full text is docs/visualizer.md). */
function legend(): HTMLElement {
  const swatch = (colour: string, style = '') => el('span', { class: 'swatch', style: `background:${colour};${style}` });
  const line = (colour: string, dashed = false) => el('span', { class: 'swatch line', style: `border-top:2px ${dashed ? 'dashed' : 'solid'} ${colour}` });
  const item = (mark: HTMLElement, text: string) => el('li', {}, mark, ` ${text}`);
  return el('div', { class: 'legend' },
    el('h3', {}, 'Legend'),
    el('ul', {},
      item(swatch(colourOfRole('follower')), 'follower'), item(swatch(colourOfRole('preCandidate')), 'pre-candidate'),
      item(swatch(colourOfRole('candidate')), 'candidate'), item(swatch(colourOfRole('leader')), 'leader (bands show the term: t3)'),
      item(swatch('#fff', 'background-image:repeating-linear-gradient(45deg,#555 0 2px,#fff 2px 5px)'), 'crashed / paused / stopped (hatched)'),
      item(swatch('rgba(230,159,0,.3)'), 'partition: lanes tinted by side, named in the fault strip'),
      item(line(messageColour.append), 'append'), item(line(messageColour.heartbeat), 'heartbeat'), item(line(messageColour.vote), 'vote / pre-vote'),
      item(el('span', { style: `color:${dropColour};font-weight:700` }, '×'), 'dropped message'), item(line('#333', true), 'network duplicate (ring at its start)'),
      item(swatch(okabeIto.bluishGreen, 'width:3px'), 'commit index advanced'), item(el('span', { style: `color:${okabeIto.blue}` }, '▼'), 'leader elected; ○ campaign'),
      item(swatch(outcomeColour.ok), 'client op ok'), item(swatch(outcomeColour.fail), 'fail'), item(swatch(outcomeColour.info), 'info (unknown)'), item(swatch(outcomeColour.pending), 'pending'),
      item(line(violationColour, true), 'violation (its operations are ringed)')));
}
