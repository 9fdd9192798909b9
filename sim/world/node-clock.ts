// A node's clock on virtual time. The local monotonic time runs at (1 + driftPpm / 1e6) times the
// virtual rate from a per-node origin, so it never goes backwards; drift changes re-anchor it. The
// wall clock follows the local rate plus a step offset, which may jump either way.
import type { Clock } from '../../core/env/clock.ts';
import { KvlabError } from '../../core/types.ts';
import type { VirtualTime } from '../trace/trace-sink.ts';

/** |drift| bound: beyond this a "clock" is no longer one (and the rate must stay > 0). */
export const clockDriftPpmMax = 500_000;

export class NodeClock implements Clock {
  driftPpm = 0;
  /** Sum of all steps applied to the wall clock. */
  offsetMs = 0;
  private rate = 1;
  private anchorVirtualUs: number;
  private anchorLocalUs: number;
  private readonly originLocalUs: number;

  constructor(
    private readonly time: VirtualTime,
    originMs: number,
    private readonly wallEpochMs: number,
  ) {
    this.anchorVirtualUs = time.nowUs;
    this.anchorLocalUs = originMs * 1000;
    this.originLocalUs = this.anchorLocalUs - time.nowUs;
  }

  /** Local monotonic time in microseconds (fractional under drift). */
  localUs(): number {
    return this.anchorLocalUs + (this.time.nowUs - this.anchorVirtualUs) * this.rate;
  }

  nowMs(): number {
    return this.localUs() / 1000;
  }

  /** wallEpochMs at virtual time 0, advancing at the local rate, plus the steps. */
  wallMs(): number {
    return this.wallEpochMs + (this.localUs() - this.originLocalUs) / 1000 + this.offsetMs;
  }

  setDrift(driftPpm: number): void {
    if (!(Number.isFinite(driftPpm) && Math.abs(driftPpm) <= clockDriftPpmMax)) {
      throw new KvlabError('invalidClock', `driftPpm must be a number in [-${clockDriftPpmMax}, ${clockDriftPpmMax}], got ${driftPpm}`);
    }
    this.anchorLocalUs = this.localUs();
    this.anchorVirtualUs = this.time.nowUs;
    this.driftPpm = driftPpm;
    this.rate = 1 + driftPpm / 1e6;
  }

  /** Jumps the wall clock by `stepMs` (negative: backwards). The monotonic clock is unaffected. */
  step(stepMs: number): void {
    if (!Number.isFinite(stepMs)) throw new KvlabError('invalidClock', `stepMs must be a finite number, got ${stepMs}`);
    this.offsetMs += stepMs;
  }

  /** Virtual microseconds until this clock has advanced `localUs` (rounded up), at the current rate. */
  virtualDelayUs(localUs: number): number {
    return Math.ceil(localUs / this.rate);
  }
}
