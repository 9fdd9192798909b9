// Entry point of the browser bundle: read the boot data, stream the run in with a progress line,
// then build the timeline, or show exactly why it could not be read.
import { TimelineApp } from './app.ts';
import { bootGlobal, type BootData } from './boot-data.ts';
import { byId, el } from './dom.ts';
import { loadTimeline } from './load.ts';
import { showLoadFailure, showProblems } from './problems-panel.ts';

declare global {
  interface Window {
    __kvlabBoot?: BootData;
    __kvlabViz?: Record<string, unknown>;
  }
}

function buildPage(title: string): void {
  const root = byId('app');
  root.replaceChildren(
    el('header', { id: 'header' }, el('div', { class: 'title-row' }, el('h1', {}, title), el('span', { id: 'summary' })), el('div', { id: 'toolbar' })),
    el('div', { id: 'problems', role: 'alert', hidden: true }),
    el('div', { id: 'loading' }, 'Loading the run…'),
    el('main', { id: 'main' },
      el('div', { id: 'timeline-wrap' }, el('div', { id: 'timeline' }, el('canvas', { id: 'canvas' }))),
      el('aside', { id: 'inspector' })),
    el('footer', { id: 'footer' }),
  );
  const overlay = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  overlay.id = 'overlay';
  byId('timeline').append(overlay);
}

function summary(app: TimelineApp): string {
  const { model } = app;
  const parts = [
    model.meta ? `${model.meta.scenario} · seed ${model.meta.seed}` : 'no header',
    `${model.events.count.toLocaleString()} events`,
    `${model.nodes.length} nodes`,
    `${(model.endT / 1000).toFixed(1)} s`,
  ];
  if (model.report) parts.push(`verdict: ${model.report.verdict}`);
  if (model.violations.length > 0) parts.push(`${model.violations.length} violation${model.violations.length > 1 ? 's' : ''}`);
  return parts.join(' · ');
}

async function start(): Promise<void> {
  const boot = window[bootGlobal as '__kvlabBoot'];
  if (boot === undefined) throw new Error('the page carries no run (window.__kvlabBoot is missing)');
  buildPage(boot.title);
  const loading = byId('loading');
  const startedMs = performance.now();
  const model = await loadTimeline(boot.trace, boot.history, boot.report, ({ bytes, events }) => {
    loading.textContent = `Loading the run… ${(bytes / 1e6).toFixed(1)} MB, ${events.toLocaleString()} events`;
  });
  loading.remove();
  showProblems(byId('problems'), model.problems, model.events.count);
  const app = new TimelineApp({
    toolbar: byId('toolbar'), footer: byId('footer'), wrap: byId('timeline-wrap'), timeline: byId('timeline'),
    canvas: byId<HTMLCanvasElement>('canvas'), overlay: document.getElementById('overlay') as unknown as SVGSVGElement, inspector: byId('inspector'),
  }, model, boot.machines);
  byId('summary').textContent = summary(app);
  window.__kvlabViz = { ...app.testApi(), loadMs: performance.now() - startedMs };
}

start().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  const panel = document.getElementById('problems') ?? document.body.appendChild(el('div', { id: 'problems' }));
  document.getElementById('loading')?.remove();
  showLoadFailure(panel, message);
  window.__kvlabViz = { ready: true, failed: message, problems: [message] };
});
