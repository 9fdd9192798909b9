// Production node config: every validation rule names the file, the field, what was found and what is
// allowed; defaults fill the rest; the data directory must exist or be creatable; no bug-zoo switch.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { clusterNodeConfigs } from '../../prod/config/cluster-files.ts';
import { coreNodeConfig } from '../../prod/config/core-config.ts';
import { loadNodeConfig } from '../../prod/config/load.ts';
import { CONFIG_FILE, minimalNodeConfig } from './config-fixture.ts';
import { ConfigError, parseNodeConfig, validateNodeConfig } from '../../prod/config/validate.ts';

const FILE = CONFIG_FILE;
const minimal = minimalNodeConfig;

function errorOf(raw: unknown): ConfigError {
  try {
    validateNodeConfig(raw, FILE);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

function withField(path: string, value: unknown): Record<string, unknown> {
  const config = minimal();
  const parts = path.split('.');
  let target = config as Record<string, unknown>;
  for (const part of parts.slice(0, -1)) target = (target[part] ??= {}) as Record<string, unknown>;
  target[parts[parts.length - 1]] = value;
  return config;
}

describe('node config: defaults', () => {
  it('fills every omitted field and binds bare ports to 127.0.0.1', () => {
    const config = validateNodeConfig(minimal(), FILE);
    expect(config.listen.resp).toEqual({ host: '127.0.0.1', port: 7001 });
    expect(config.raft).toMatchObject({ tickMs: 20, electionTicks: 50, heartbeatTicks: 5, preVote: true, reads: 'readIndex' });
    expect(config.limits.requestTimeoutMs).toBe(5000);
    expect(config.join).toBe(false);
    expect(config.requirepass).toBe('');
    expect(config.logLevel).toBe('info');
  });

  it('yields a core NodeConfig with the initial voters and no bugs', () => {
    const core = coreNodeConfig(validateNodeConfig(minimal(), FILE));
    expect(core.initialVoters).toEqual([1, 2, 3]);
    expect(core.bugs.size).toBe(0);
    expect(core.tickMs).toBe(20);
    const joining = coreNodeConfig(validateNodeConfig({ ...minimal(), nodeId: 4, join: true }, FILE));
    expect(joining.initialVoters).toEqual([]);
    expect(joining.join).toBe(true);
  });

  it('keeps a "host:port" listen address as written', () => {
    const config = validateNodeConfig(withField('listen.http', '0.0.0.0:7101'), FILE);
    expect(config.listen.http).toEqual({ host: '0.0.0.0', port: 7101 });
  });
});

describe('node config: each rule names file, field, found and allowed', () => {
  const cases: Array<[string, unknown, string, RegExp]> = [
    ['not an object', [], '(top level)', /found \[\]; expected a JSON object/],
    ['unknown field', { ...minimal(), colour: 'red' }, 'colour', /unknown field; fields allowed here: .*nodeId/],
    ['bug-zoo switch', { ...minimal(), bugs: ['ackBeforeFsync'] }, 'bugs', /only in the simulator/],
    ['missing nodeId', (() => { const c = minimal(); delete c.nodeId; return c; })(), 'nodeId', /found nothing/],
    ['node id out of range', withField('nodeId', 0), 'nodeId', /found 0; expected integer to be greater or equal to 1/],
    ['cluster id with a space', withField('clusterId', 'a b'), 'clusterId', /found "a b"/],
    ['empty data dir', withField('dataDir', ''), 'dataDir', /found ""/],
    ['port out of range', withField('listen.resp', 70000), 'listen.resp', /a port from 1 to 65535/],
    ['port zero in host:port', withField('listen.raft', '127.0.0.1:0'), 'listen.raft', /expected a port from 1 to 65535/],
    ['address without port', withField('listen.http', 'localhost'), 'listen.http', /"host:port"/],
    ['same port twice', withField('listen.http', 7001), 'listen.http', /port other than listen.resp's \(7001\)/],
    ['electionTicks below 5 heartbeats', { ...minimal(), raft: { heartbeatTicks: 2, electionTicks: 9 } }, 'raft.electionTicks', /found 9; expected at least 5 × raft.heartbeatTicks \(10\)/],
    ['election timeout too long', { ...minimal(), raft: { tickMs: 1000, electionTicks: 60 } }, 'raft.electionTicks', /<= 50000 ms/],
    ['tick too long', withField('raft.tickMs', 5000), 'raft.tickMs', /found 5000; expected integer to be less or equal to 1000/],
    ['lease drift too large', { ...minimal(), raft: { reads: 'lease', leaseDriftTicksMax: 60 } }, 'raft.leaseDriftTicksMax', /fewer than raft.electionTicks \(50\)/],
    ['unknown read mode', withField('raft.reads', 'fast'), 'raft.reads', /allowed: "readIndex" \| "lease"/],
    ['trailing beyond snapshot', { ...minimal(), snapshot: { entries: 100, trailingEntries: 200 } }, 'snapshot.trailingEntries', /at most snapshot.entries \(100\)/],
    ['request size beyond frames', withField('limits.requestBytesMax', 64 * 1024 * 1024), 'limits.requestBytesMax', /less or equal to 4194304/],
    ['key larger than request', { ...minimal(), limits: { requestBytesMax: 2048, keyBytesMax: 4096 } }, 'limits.keyBytesMax', /at most limits.requestBytesMax \(2048\)/],
    ['pipeline depth zero', withField('limits.pipelineDepthMax', 0), 'limits.pipelineDepthMax', /found 0/],
    ['log level', withField('logLevel', 'trace'), 'logLevel', /allowed: "debug" \| "info" \| "warn" \| "error"/],
    ['empty initial cluster', withField('initialCluster', []), 'initialCluster', /found \[\]/],
    ['duplicate member id', withField('initialCluster', [{ id: 1, raftAddr: 'a:1' }, { id: 1, raftAddr: 'b:2' }]), 'initialCluster[1].id', /not used by initialCluster\[0\]/],
    ['duplicate raft address', withField('initialCluster', [{ id: 1, raftAddr: '127.0.0.1:7201' }, { id: 2, raftAddr: '127.0.0.1:7201' }]), 'initialCluster[1].raftAddr', /not used by initialCluster\[0\]/],
    ['member port out of range', withField('initialCluster', [{ id: 1, raftAddr: '127.0.0.1:7201' }, { id: 2, raftAddr: 'h:99999' }]), 'initialCluster[1].raftAddr', /port from 1 to 65535/],
    ['node not in initial cluster', withField('nodeId', 4), 'nodeId', /one of the initialCluster ids \(1, 2, 3\), or "join": true/],
    ['own raft port differs from listen', withField('listen.raft', 7209), 'initialCluster[0].raftAddr', /port 7209 of listen.raft/],
    ['joining with nobody to join', { ...withField('initialCluster', [{ id: 1, raftAddr: '127.0.0.1:7201' }]), join: true }, 'initialCluster', /at least one running member other than this node/],
  ];

  for (const [name, raw, field, allowed] of cases) {
    it(name, () => {
      const error = errorOf(raw);
      expect(error.file).toBe(FILE);
      expect(error.field || '(top level)').toBe(field);
      expect(error.message.startsWith(`${FILE}: ${field}: found `)).toBe(true);
      expect(error.message).toMatch(allowed);
    });
  }

  it('text that is not JSON names the line and column', () => {
    expect(() => parseNodeConfig('{\n  "nodeId": 1,\n  oops\n}', FILE)).toThrow(/conf\/node1\.json: \(top level\): found text that is not JSON; expected a JSON object \(syntax error at line 3, column 3\)/);
  });
});

describe('node config: files and the data directory', () => {
  const root = mkdtempSync(join(tmpdir(), 'kvlab-config-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('resolves a relative data dir against the config file and accepts a creatable one', () => {
    writeFileSync(join(root, 'a.json'), JSON.stringify({ ...minimal(), dataDir: 'deep/data/node1' }));
    expect(loadNodeConfig(join(root, 'a.json')).dataDir).toBe(join(root, 'deep/data/node1'));
  });

  it('refuses a data dir that is a file, naming the field', () => {
    writeFileSync(join(root, 'plain-file'), 'x');
    writeFileSync(join(root, 'b.json'), JSON.stringify({ ...minimal(), dataDir: 'plain-file/node1' }));
    expect(() => loadNodeConfig(join(root, 'b.json'))).toThrow(/b\.json: dataDir: found "plain-file\/node1"; expected a directory this process can create or write \(.*plain-file is a file/);
  });

  it.skipIf(process.getuid?.() === 0)('refuses a data dir under a read-only directory', () => {
    const locked = join(root, 'readonly');
    writeFileSync(join(root, 'c.json'), JSON.stringify({ ...minimal(), dataDir: 'readonly/node1' }));
    rmSync(locked, { recursive: true, force: true });
    mkdirSync(locked);
    chmodSync(locked, 0o500);
    try {
      expect(() => loadNodeConfig(join(root, 'c.json'))).toThrow(/dataDir: .*readonly is not writable/);
    } finally {
      chmodSync(locked, 0o700);
    }
  });

  it('a missing file is a ConfigError naming it', () => {
    expect(() => loadNodeConfig(join(root, 'nope.json'))).toThrow(/nope\.json: \(top level\): found no readable file \(ENOENT\)/);
  });
});

describe('cluster init files', () => {
  it('gives node i the ports of CONTRACTS.md and validates as written', () => {
    const files = clusterNodeConfigs({ nodes: 3, basePort: 9000, clusterId: 'c1' });
    expect(files.map((f) => f.fileName)).toEqual(['node1.json', 'node2.json', 'node3.json']);
    files.forEach((file, k) => {
      const i = k + 1;
      const config = validateNodeConfig(JSON.parse(JSON.stringify(file.config)), file.fileName);
      expect(config.nodeId).toBe(i);
      expect(config.listen.resp).toEqual({ host: '127.0.0.1', port: 9000 + i });
      expect(config.listen.http).toEqual({ host: '127.0.0.1', port: 9100 + i });
      expect(config.listen.raft).toEqual({ host: '127.0.0.1', port: 9200 + i });
      expect(config.dataDir).toBe(`node${i}`);
      expect(config.initialCluster.map((m) => m.id)).toEqual([1, 2, 3]);
      expect(config.initialCluster[k].httpAddr).toBe(`127.0.0.1:${9100 + i}`);
    });
  });

  it('refuses node counts and base ports that do not fit', () => {
    expect(() => clusterNodeConfigs({ nodes: 0, basePort: 7000, clusterId: 'c' })).toThrow(/--nodes: found 0/);
    expect(() => clusterNodeConfigs({ nodes: 3, basePort: 65400, clusterId: 'c' })).toThrow(/--base-port: found 65400; allowed: an integer from 1 to 65332/);
  });
});
