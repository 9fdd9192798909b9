// Deep links: the URL hash names a moment, a node and the visible window, e.g.
// #t=1234.5&node=2&view=1000,2000&sel=m42 — open it and the page shows the same thing.
import type { Selection } from './view-state.ts';

export interface HashState {
  readonly t?: number;
  readonly node?: number;
  readonly view?: readonly [number, number];
  readonly selection?: Selection;
}

const selectionCodes: Readonly<Record<string, NonNullable<Selection>['kind']>> = { m: 'message', o: 'op', f: 'fault', v: 'violation' };

export function parseHash(hash: string): HashState {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const number = (name: string) => {
    const value = Number(params.get(name));
    return params.has(name) && Number.isFinite(value) ? value : undefined;
  };
  const view = (params.get('view') ?? '').split(',').map(Number);
  const sel = /^([mofv])(\d+)$/.exec(params.get('sel') ?? '');
  return {
    t: number('t'),
    node: number('node'),
    view: view.length === 2 && view.every(Number.isFinite) && view[1] > view[0] ? [view[0], view[1]] : undefined,
    selection: sel ? { kind: selectionCodes[sel[1]], index: Number(sel[2]) } : undefined,
  };
}

export function formatHash(state: HashState): string {
  const parts: string[] = [];
  if (state.t !== undefined) parts.push(`t=${round(state.t)}`);
  if (state.node !== undefined) parts.push(`node=${state.node}`);
  if (state.view !== undefined) parts.push(`view=${round(state.view[0])},${round(state.view[1])}`);
  if (state.selection) parts.push(`sel=${state.selection.kind[0]}${state.selection.index}`);
  return `#${parts.join('&')}`;
}

function round(ms: number): string {
  return String(Math.round(ms * 1000) / 1000);
}
