/**
 * Time as the node sees it. In the simulator both readings come from virtual time
 * (plus that node's drift and step); in production from the real clock.
 */
export interface Clock {
  /** Monotonic milliseconds since an arbitrary origin; never goes backwards. Use for timeouts and leases. */
  nowMs(): number;
  /**
   * Wall-clock milliseconds since the Unix epoch. May jump. Only for values that must mean the same
   * on every node, such as key expiry times that the leader writes into the log.
   */
  wallMs(): number;
}
