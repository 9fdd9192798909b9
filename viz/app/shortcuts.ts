// Keyboard shortcuts, in one table so the help overlay (press ?) always lists exactly what works.
import type { Actions } from './actions.ts';
import type { ViewState } from './view-state.ts';

export interface Shortcut {
  readonly keys: string;
  readonly does: string;
  readonly match: (event: KeyboardEvent) => boolean;
  readonly run: () => void;
}

export interface ShortcutHooks {
  toggleHelp(): void;
  focusSearch(): void;
  toggleFilters(): void;
  closePanels(): void;
}

const key = (k: string, shift = false) => (e: KeyboardEvent) => e.key === k && e.shiftKey === shift;
const oneOf = (...keys: string[]) => (e: KeyboardEvent) => keys.includes(e.key);

export function shortcutTable(actions: Actions, state: ViewState, hooks: ShortcutHooks): Shortcut[] {
  return [
    { keys: 'Space', does: 'play / pause', match: key(' '), run: () => actions.togglePlay() },
    { keys: '→ or n', does: 'next event', match: (e) => key('ArrowRight')(e) || key('n')(e), run: () => actions.step(1) },
    { keys: '← or p', does: 'previous event', match: (e) => key('ArrowLeft')(e) || key('p')(e), run: () => actions.step(-1) },
    { keys: 'Shift+→ or N', does: 'next event of the chosen kind', match: (e) => key('ArrowRight', true)(e) || key('N', true)(e), run: () => actions.step(1, true) },
    { keys: 'Shift+← or P', does: 'previous event of the chosen kind', match: (e) => key('ArrowLeft', true)(e) || key('P', true)(e), run: () => actions.step(-1, true) },
    { keys: '+ / -', does: 'zoom in / out around the cursor', match: oneOf('+', '=', '-', '_'), run: () => undefined },
    { keys: '[ / ]', does: 'pan left / right', match: oneOf('[', ']'), run: () => undefined },
    { keys: '0', does: 'fit the whole run', match: key('0'), run: () => actions.fit() },
    { keys: 'c', does: 'centre the view on the cursor', match: key('c'), run: () => centre(actions, state) },
    { keys: 'v', does: 'jump to the (next) violation', match: key('v'), run: () => jumpToNextViolation(actions, state) },
    { keys: ', / .', does: 'slower / faster playback', match: oneOf(',', '.'), run: () => undefined },
    { keys: '1 … 9', does: 'inspect node 1 … 9', match: (e) => /^[1-9]$/.test(e.key), run: () => undefined },
    { keys: '/', does: 'search the events (Enter: next match, Shift+Enter: previous)', match: key('/'), run: () => hooks.focusSearch() },
    { keys: 'f', does: 'show / hide the filters', match: key('f'), run: () => hooks.toggleFilters() },
    { keys: 'Esc', does: 'clear the selection, close panels', match: key('Escape'), run: () => (state.update({ selection: null }), hooks.closePanels()) },
    { keys: '?', does: 'show / hide this help', match: (e) => e.key === '?', run: () => hooks.toggleHelp() },
  ];
}

function centre(actions: Actions, state: ViewState): void {
  const { t0, t1, cursorT } = state.get();
  actions.setView(cursorT - (t1 - t0) / 2, cursorT + (t1 - t0) / 2);
}

let violationTurn = 0;

function jumpToNextViolation(actions: Actions, state: ViewState): void {
  const selection = state.get().selection;
  violationTurn = selection?.kind === 'violation' ? selection.index + 1 : 0;
  if (!actions.jumpToViolation(violationTurn)) actions.jumpToViolation(0);
}

/** Keys whose action depends on the key itself (zoom, pan, speed, node focus). */
export function runVariableKey(event: KeyboardEvent, actions: Actions, state: ViewState): void {
  const data = state.get();
  switch (event.key) {
    case '+':
    case '=':
      return actions.zoom(2, data.cursorT >= data.t0 && data.cursorT <= data.t1 ? data.cursorT : undefined);
    case '-':
    case '_':
      return actions.zoom(0.5, data.cursorT >= data.t0 && data.cursorT <= data.t1 ? data.cursorT : undefined);
    case '[':
      return actions.pan(-0.25);
    case ']':
      return actions.pan(0.25);
    case ',':
      return actions.setSpeed(data.speedLog10 - 0.25);
    case '.':
      return actions.setSpeed(data.speedLog10 + 0.25);
    default:
      if (/^[1-9]$/.test(event.key)) state.update({ focusNode: Number(event.key) });
  }
}

export function installShortcuts(table: readonly Shortcut[], actions: Actions, state: ViewState): void {
  window.addEventListener('keydown', (event) => {
    if (isTextEntry(event.target)) return;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const shortcut = table.find((s) => s.match(event));
    if (shortcut === undefined) return;
    event.preventDefault();
    shortcut.run();
    runVariableKey(event, actions, state);
  });
}

/** Typing in a text field or a select must not trigger shortcuts; sliders and buttons may. */
function isTextEntry(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.tagName === 'SELECT' || target.tagName === 'TEXTAREA' || target.isContentEditable) return true;
  return target instanceof HTMLInputElement && !['range', 'checkbox', 'button', 'radio'].includes(target.type);
}
