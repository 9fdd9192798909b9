export { SimNetwork } from './sim-network.ts';
export type { SimNetworkOptions, Receiver, NodeSet } from './sim-network.ts';
export { defaultLinkConfig, validateLinkConfig } from './link-config.ts';
export type { LinkConfig } from './link-config.ts';
export { sampleLatencyUs, latencyMeanMs, validateLatencyModel } from './latency.ts';
export type { LatencyModel, BaseLatencyModel, LongTailLatencyModel } from './latency.ts';
export type { DropReason, NetworkStats } from './frame.ts';
export { partitionGroupsMax } from './reachability.ts';
