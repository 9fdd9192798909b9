// The smallest valid node config, as a plain object the config tests mutate into bad ones.
export const CONFIG_FILE = 'conf/node1.json';

export function minimalNodeConfig(): Record<string, unknown> {
  return {
    nodeId: 1,
    clusterId: 'test',
    dataDir: 'node1',
    listen: { resp: 7001, http: 7101, raft: 7201 },
    initialCluster: [
      { id: 1, raftAddr: '127.0.0.1:7201' },
      { id: 2, raftAddr: '127.0.0.1:7202' },
      { id: 3, raftAddr: '127.0.0.1:7203' },
    ],
  };
}
