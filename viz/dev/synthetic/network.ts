// The synthetic network: latency with a tail, loss, duplication, and partitions; every frame is traced
// send -> deliver | drop (docs/trace.md net.*). Frames to a paused node wait until it resumes.
import type { EventQueue } from './event-queue.ts';
import type { SynthMessage } from './replica.ts';
import type { TraceOut } from './trace-out.ts';

export interface NetworkHost {
  readonly queue: EventQueue;
  readonly out: TraceOut;
  readonly random: () => number;
  lifecycleOf(node: number): string;
  whenResumed(node: number, run: () => void): void;
  deliver(from: number, to: number, message: SynthMessage): void;
}

const lossProbability = 0.004;
const duplicateProbability = 0.003;
const latencyUsMin = 400;
const latencyUsSpread = 2_500;
const tailProbability = 0.02;
const tailUsMax = 40_000;

export class SynthNetwork {
  /** Partition sides; empty when the network is whole. */
  sides: number[][] = [];
  private idNext = 1;

  constructor(private readonly host: NetworkHost) {}

  send(from: number, to: number, message: SynthMessage): void {
    const id = this.idNext++;
    const { type, group, term, index, commit, entries, reject } = message;
    const msg: Record<string, unknown> = { type, group, term };
    if (index !== undefined) msg.index = index;
    if (commit !== undefined) msg.commit = commit;
    if (entries !== undefined) msg.entries = entries.length;
    if (reject !== undefined) msg.reject = reject;
    this.host.out.emit(from, 'net.send', { id, from, to, bytes: 24 + 16 * (entries?.length ?? 0), msg });
    this.fly(id, from, to, message);
    if (this.host.random() < duplicateProbability) {
      const copy = this.idNext++;
      this.host.out.emit(null, 'net.duplicate', { id, copy, from, to });
      this.fly(copy, from, to, message);
    }
  }

  private fly(id: number, from: number, to: number, message: SynthMessage): void {
    const r = this.host.random;
    let latency = latencyUsMin + r() * latencyUsSpread;
    if (r() < tailProbability) latency += r() * tailUsMax;
    this.host.queue.after(latency, () => this.arrive(id, from, to, message));
  }

  private arrive(id: number, from: number, to: number, message: SynthMessage): void {
    const out = this.host.out;
    if (this.separated(from, to)) return out.emit(null, 'net.drop', { id, from, to, reason: 'partition' });
    const state = this.host.lifecycleOf(to);
    if (state === 'crashed' || state === 'stopped') return out.emit(null, 'net.drop', { id, from, to, reason: 'crashed' });
    if (state === 'paused') return this.host.whenResumed(to, () => this.arrive(id, from, to, message));
    if (this.host.random() < lossProbability) return out.emit(null, 'net.drop', { id, from, to, reason: 'loss' });
    out.emit(to, 'net.deliver', { id, from, to });
    this.host.deliver(from, to, message);
  }

  private separated(a: number, b: number): boolean {
    if (this.sides.length === 0) return false;
    const side = (n: number) => this.sides.findIndex((s) => s.includes(n));
    return side(a) !== side(b);
  }
}
