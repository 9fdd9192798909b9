// Shows what went wrong reading the run: the file, the line, what was expected, and the line itself.
// A fatal problem means only the events before that line are shown.
import { problemText, type TraceProblem } from '../model/trace-types.ts';
import { clear, el } from './dom.ts';

const shownMax = 8;

export function showProblems(panel: HTMLElement, problems: readonly TraceProblem[], eventsShown: number): void {
  clear(panel);
  if (problems.length === 0) {
    panel.hidden = true;
    return;
  }
  const fatal = problems.some((p) => p.fatal);
  panel.hidden = false;
  panel.className = fatal ? 'problems error' : 'problems warning';
  panel.append(el('strong', {}, fatal ? `This run could not be read completely — showing the ${eventsShown} events before the problem.` : 'Warning:'));
  const list = el('ul', {});
  for (const problem of problems.slice(0, shownMax)) {
    list.append(el('li', { class: problem.fatal ? 'problem fatal' : 'problem' }, problemText(problem), problem.excerpt ? el('pre', {}, problem.excerpt) : null));
  }
  if (problems.length > shownMax) list.append(el('li', {}, `… and ${problems.length - shownMax} more`));
  const dismiss = el('button', { type: 'button', class: 'dismiss' }, 'Dismiss');
  dismiss.addEventListener('click', () => (panel.hidden = true));
  panel.append(list, dismiss);
}

/** A failure before any model exists (the trace could not even be fetched). */
export function showLoadFailure(panel: HTMLElement, message: string): void {
  clear(panel);
  panel.hidden = false;
  panel.className = 'problems error';
  panel.append(el('strong', {}, 'The run could not be loaded: '), message);
}
