// The real clock behind core/env Clock. Monotonic time comes from performance.now() (CLOCK_MONOTONIC
// through libuv), so timeouts and leases are immune to NTP steps; wall time is Date.now() and is only
// for values every node must read the same way (expiry times written into the log by the leader).
import type { Clock } from '../../core/env/clock.ts';

export class RealClock implements Clock {
  nowMs(): number {
    return performance.now();
  }

  wallMs(): number {
    return Date.now();
  }
}
