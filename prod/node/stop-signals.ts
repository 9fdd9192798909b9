// SIGTERM and SIGINT for a node process, watched from the moment the command starts: a signal that
// arrives while the node is still starting (data directory locked, LevelDB open) is remembered and
// acted on once the start finished, instead of killing the process half-way.
import type { JsonLog } from '../log/json-log.ts';

export type SignalSource = Pick<NodeJS.Process, 'on' | 'off'>;

export class StopSignals {
  private first: NodeJS.Signals | null = null;
  private onFirst: ((signal: NodeJS.Signals) => void) | null = null;
  private onSecond: ((signal: NodeJS.Signals) => void) | null = null;
  private readonly handler = (signal: NodeJS.Signals) => this.receive(signal);

  constructor(private readonly source: SignalSource, private readonly log: () => JsonLog) {
    source.on('SIGTERM', this.handler);
    source.on('SIGINT', this.handler);
  }

  /** The first signal, if one arrived already. */
  received(): NodeJS.Signals | null {
    return this.first;
  }

  /** `first` runs for the first signal (at once if it already arrived); `second` for any later one. */
  handle(first: (signal: NodeJS.Signals) => void, second: (signal: NodeJS.Signals) => void): void {
    this.onFirst = first;
    this.onSecond = second;
    if (this.first !== null) first(this.first);
  }

  dispose(): void {
    this.source.off('SIGTERM', this.handler);
    this.source.off('SIGINT', this.handler);
  }

  private receive(signal: NodeJS.Signals): void {
    if (this.first === null) {
      this.first = signal;
      this.log().info('node.signal', { signal });
      this.onFirst?.(signal);
      return;
    }
    this.log().warn('node.forcedExit', { signal });
    this.onSecond?.(signal);
  }
}
