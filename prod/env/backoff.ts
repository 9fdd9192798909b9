// Exponential reconnect backoff with jitter. Jitter spreads the reconnects of many nodes that lost a
// peer at the same moment (it restarted), so they do not all dial it in the same millisecond.

/** 2^20 times delayMsMin is beyond any sane delayMsMax: stop doubling there to avoid overflow. */
const DOUBLINGS_MAX = 20;

export class Backoff {
  private failures = 0;

  constructor(
    private readonly delayMsMin: number,
    private readonly delayMsMax: number,
    private readonly random: () => number,
  ) {}

  /** Delay before the next attempt, after one more failure: uniform in [d/2, d], d = min(max, min * 2^failures). */
  nextDelayMs(): number {
    const doublings = Math.min(this.failures, DOUBLINGS_MAX);
    this.failures += 1;
    const delayMs = Math.min(this.delayMsMax, this.delayMsMin * 2 ** doublings);
    return Math.round(delayMs / 2 + (this.random() * delayMs) / 2);
  }

  reset(): void {
    this.failures = 0;
  }
}
