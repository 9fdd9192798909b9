// The interactive state of the page and who hears about its changes. Views redraw from it; controls
// and shortcuts only ever change it.

export type Selection =
  | { readonly kind: 'message'; readonly index: number }
  | { readonly kind: 'op'; readonly index: number }
  | { readonly kind: 'fault'; readonly index: number }
  | { readonly kind: 'violation'; readonly index: number }
  | null;

export interface Filters {
  readonly hiddenNodes: ReadonlySet<number>;
  readonly hiddenMessageTypes: ReadonlySet<string>;
  readonly hiddenFaults: ReadonlySet<string>;
}

export interface ViewStateData {
  /** Visible time window (ms). */
  readonly t0: number;
  readonly t1: number;
  /** The moment the inspector shows: the state after event `cursorEvent` (-1: before the first). */
  readonly cursorT: number;
  readonly cursorEvent: number;
  readonly selection: Selection;
  readonly focusNode: number | null;
  readonly filters: Filters;
  readonly playing: boolean;
  /** Playback rate: virtual ms per real ms, as log10 (0 is real time). */
  readonly speedLog10: number;
  /** Kind that the "step by kind" controls look for ('' = any). */
  readonly stepKind: string;
}

export type ChangeKind = 'view' | 'cursor' | 'selection' | 'filters' | 'play' | 'focus';

type Listener = (state: ViewStateData, changed: ReadonlySet<ChangeKind>) => void;

const fieldChange: Readonly<Record<keyof ViewStateData, ChangeKind>> = {
  t0: 'view', t1: 'view', cursorT: 'cursor', cursorEvent: 'cursor', selection: 'selection', focusNode: 'focus',
  filters: 'filters', playing: 'play', speedLog10: 'play', stepKind: 'play',
};

export class ViewState {
  private data: ViewStateData;
  private readonly listeners: Listener[] = [];
  private pending = new Set<ChangeKind>();
  private scheduled = false;

  constructor(initial: ViewStateData) {
    this.data = initial;
  }

  get(): ViewStateData {
    return this.data;
  }

  subscribe(listener: Listener): void {
    this.listeners.push(listener);
  }

  /** Applies a change; listeners hear about all changes of one frame together. */
  update(patch: Partial<ViewStateData>): void {
    const next = { ...this.data, ...patch };
    for (const key of Object.keys(patch) as Array<keyof ViewStateData>) if (next[key] !== this.data[key]) this.pending.add(fieldChange[key]);
    this.data = next;
    if (this.pending.size > 0 && !this.scheduled) {
      this.scheduled = true;
      requestAnimationFrame(() => this.flush());
    }
  }

  /** Delivers pending changes now (tests and benchmarks measure a frame this way). */
  flush(): void {
    this.scheduled = false;
    const changed = this.pending;
    this.pending = new Set();
    if (changed.size === 0) return;
    for (const listener of this.listeners) listener(this.data, changed);
  }
}
