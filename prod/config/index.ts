// The production node config: file format (schema.ts), validation (validate.ts), loading (load.ts),
// the core NodeConfig it yields (core-config.ts) and the files `kvlab cluster init` writes (cluster-files.ts).
export * from './schema.ts';
export { ConfigError, parseNodeConfig, validateNodeConfig, type ClusterMember, type ListenAddresses, type ProdNodeConfig } from './validate.ts';
export { loadNodeConfig, dataDirProblem } from './load.ts';
export { DEFAULT_LISTEN_HOST, formatHostPort, isLoopbackHost, parseHostPort, type HostPort } from './address.ts';
export { coreNodeConfig } from './core-config.ts';
export { clusterNodeConfigs, clusterPorts, type ClusterPorts } from './cluster-files.ts';
