// Starts one production node from a validated config: lock the data directory, open the disk, the
// LevelDB engine and the peer transport, build the node host (KvNode), then the RESP and HTTP servers.
// Whatever was opened is closed again, in reverse order, if a later step fails or on stop().
import { join } from 'node:path';
import type { Env } from '../../core/env/index.ts';
import type { NodeId } from '../../core/types.ts';
import { KvlabError } from '../../core/types.ts';
import { formatHostPort, parseHostPort } from '../config/address.ts';
import { coreNodeConfig } from '../config/core-config.ts';
import type { ProdNodeConfig } from '../config/validate.ts';
import { LevelEngine } from '../engine/level-engine.ts';
import { RealClock } from '../env/clock.ts';
import { lockDataDir } from '../env/data-dir-lock.ts';
import { FsDisk } from '../env/disk.ts';
import { TcpNetwork } from '../env/tcp-network.ts';
import { RealTimers } from '../env/timers.ts';
import { startHttpServer } from '../http/server.ts';
import type { JsonLog } from '../log/json-log.ts';
import { MetricsRegistry } from '../metrics/registry.ts';
import { requestMetrics } from '../metrics/request-metrics.ts';
import { startRespServer } from '../resp/server.ts';
import { ClusterView } from './cluster-view.ts';
import type { KvNodeHostParts } from './kv-node-host.ts';
import { handOffLeadership } from './leader-handoff.ts';
import { MemberDirectory } from './member-directory.ts';
import { MemberSync } from './member-sync.ts';
import { registerNodeMetrics } from './node-metrics.ts';
import { AutoPromoter, NodeMembership } from './membership.ts';
import type { NodeHost } from './node-host.ts';
import { PeerStatusPoller } from './peer-status-poller.ts';
import { ProcessRandom } from './process-random.ts';

/** Peers' /v1/cluster is polled this often; a report older than PEER_REPORT_FRESH_MS shows the peer down. */
const PEER_POLL_INTERVAL_MS = 1_000;
const PEER_POLL_TIMEOUT_MS = 800;
const PEER_REPORT_FRESH_MS = 3_000;
/** How often the leader looks for caught-up learners to promote. */
const PROMOTE_CHECK_MS = 200;
/** Longest wait for leadership to move at a graceful stop. */
const HANDOFF_WAIT_MS_MAX = 5_000;

export interface StartNodeOptions {
  /** Builds the node host; default: KvNode (kv-node-host.ts). Tests pass a fake. */
  readonly createHost?: (parts: KvNodeHostParts) => NodeHost;
}

export interface RunningNode {
  readonly nodeId: NodeId;
  /** "host:port" actually bound, per protocol. */
  readonly addresses: { readonly resp: string; readonly http: string; readonly raft: string };
  /** Settles when the node host gives up (corruption, a disk error): the process should exit 1. */
  readonly fatal: Promise<Error>;
  /** Graceful stop: stop accepting, hand leadership over, flush, close everything. Idempotent. */
  stop(): Promise<void>;
}

type Closer = { readonly name: string; readonly close: () => void | Promise<void> };

export async function startNode(config: ProdNodeConfig, log: JsonLog, options: StartNodeOptions = {}): Promise<RunningNode> {
  const closers: Closer[] = [];
  let reportFatal: (error: Error) => void = () => {};
  const fatal = new Promise<Error>((resolve) => (reportFatal = resolve));
  let fatalError: Error | null = null;
  const onFatal = (error: Error) => {
    if (fatalError) return;
    fatalError = error;
    // Core logs the cause (node.fatal); this line says what the process does about it.
    log.error('node.failed', { error: error.message, action: 'stop and exit 1' });
    reportFatal(error);
  };
  try {
    const lock = lockDataDir(config.dataDir);
    closers.push({ name: 'lock', close: () => lock.release() });
    const parts = await openParts(config, log, closers, onFatal);
    // Loaded here, not imported at the top: the shell (and its tests over a fake host) need not load Raft.
    const createHost = options.createHost ?? (await import('./kv-node-host.ts')).createKvNodeHost;
    const host = createHost(parts.host);
    closers.push({ name: 'host', close: () => host.stop() });
    if (fatalError) throw fatalError;
    const services = startServices(config, log, host, parts, closers);
    const registry = new MetricsRegistry();
    registerNodeMetrics(registry, host, parts.network);
    const servers = await startServers(config, host, services, registry, closers);
    const addresses = { resp: servers.resp.address, http: servers.http.address, raft: formatHostPort(config.listen.raft) };
    log.info('node.ready', { clusterId: config.clusterId, dataDir: config.dataDir, ...addresses, join: config.join });
    let stopping: Promise<void> | null = null;
    const reachable = (id: NodeId) => parts.network.stats().peers.get(id)?.connected === true;
    const stop = () => (stopping ??= gracefulStop(config, log, host, servers, closers, reachable));
    return { nodeId: config.nodeId, addresses, fatal, stop };
  } catch (error) {
    await closeAll(closers, log);
    throw error;
  }
}

interface NodeParts {
  readonly host: KvNodeHostParts;
  readonly directory: MemberDirectory;
  readonly network: TcpNetwork;
}

async function openParts(config: ProdNodeConfig, log: JsonLog, closers: Closer[], onFatal: (error: Error) => void): Promise<NodeParts> {
  const disk = new FsDisk(config.dataDir);
  closers.push({ name: 'disk', close: () => disk.closeAll() });
  // Unsynced batches: the Raft WAL holds every entry beyond the engine's durable applied index, which
  // the host's periodic flush advances (GroupReplica.flushEngine); no fsync per applied batch.
  const engine = await LevelEngine.open(join(config.dataDir, 'kv'), { onFailure: onFatal, syncWrites: false });
  closers.push({ name: 'engine', close: () => engine.close() });
  const directory = MemberDirectory.open(config);
  const random = new ProcessRandom();
  const network = new TcpNetwork({
    nodeId: config.nodeId,
    clusterId: config.clusterId,
    listen: config.listen.raft,
    peers: directory.peers(config.nodeId),
    tracer: log,
    random: () => random.next(),
  });
  closers.push({ name: 'network', close: () => network.close() });
  await network.listen();
  const timers = new RealTimers();
  closers.push({ name: 'timers', close: () => timers.cancelAll() });
  const env: Env = { nodeId: config.nodeId, clock: new RealClock(), timers, random, network, disk, tracer: log };
  return { host: { env, config: coreNodeConfig(config), engine, onFatal }, directory, network };
}

interface NodeServices {
  readonly view: ClusterView;
  readonly membership: NodeMembership;
}

function startServices(config: ProdNodeConfig, log: JsonLog, host: NodeHost, parts: NodeParts, closers: Closer[]): NodeServices {
  const { directory, network } = parts;
  const setPeer = (id: NodeId, raftAddr: string) => network.setPeer(id, parseHostPort(raftAddr));
  const removePeer = (id: NodeId) => network.removePeer(id);
  const sync = new MemberSync({ selfId: config.nodeId, view: () => host.view(), directory, setPeer, removePeer, log });
  const poller = new PeerStatusPoller({
    peers: () => directory.ids().filter((id) => id !== config.nodeId).map((id) => ({ id, httpAddr: directory.get(id)?.httpAddr ?? '' })),
    intervalMs: PEER_POLL_INTERVAL_MS,
    timeoutMs: PEER_POLL_TIMEOUT_MS,
    nowMs: () => performance.now(),
    onAnswer: (_peer, status) => sync.learnFrom(status),
    onRound: () => sync.reconcile(),
  });
  poller.start();
  closers.push({ name: 'poller', close: () => poller.stop() });
  const promoter = new AutoPromoter(() => host, log, PROMOTE_CHECK_MS);
  promoter.start();
  closers.push({ name: 'promoter', close: () => promoter.stop() });
  const view = new ClusterView({ nodeId: config.nodeId, clusterId: config.clusterId, host: () => host, directory, poller, freshMs: PEER_REPORT_FRESH_MS });
  const membership = new NodeMembership({
    host: () => host,
    directory,
    setPeer,
    removePeer,
    selfId: config.nodeId,
    log,
  });
  return { view, membership };
}

interface Servers {
  readonly resp: { readonly address: string; close(): Promise<void> };
  readonly http: { readonly address: string; close(): Promise<void> };
}

async function startServers(config: ProdNodeConfig, host: NodeHost, services: NodeServices, registry: MetricsRegistry, closers: Closer[]): Promise<Servers> {
  const metrics = requestMetrics(registry);
  const { limits } = config;
  const resp = await listenOrExplain('RESP', config.listen.resp, () =>
    startRespServer({
      host: config.listen.resp.host,
      port: config.listen.resp.port,
      api: host,
      requirepass: config.requirepass,
      requestTimeoutMs: limits.requestTimeoutMs,
      status: services.view,
      metrics,
      limits: { connectionsMax: limits.connectionsMax, bulkBytesMax: limits.requestBytesMax, commandBytesMax: limits.requestBytesMax, keyBytesMax: limits.keyBytesMax, pipelineDepthMax: limits.pipelineDepthMax },
    }),
  );
  closers.push({ name: 'resp', close: () => resp.close() });
  const http = await listenOrExplain('HTTP', config.listen.http, () =>
    startHttpServer({
      host: config.listen.http.host,
      port: config.listen.http.port,
      api: host,
      status: services.view,
      membership: services.membership,
      adminToken: config.adminToken,
      requirepass: config.requirepass,
      monitorToken: config.monitorToken,
      requestTimeoutMs: limits.requestTimeoutMs,
      registry,
      metrics,
      limits: { connectionsMax: limits.connectionsMax, bodyBytesMax: limits.requestBytesMax, keyBytesMax: limits.keyBytesMax },
    }),
  );
  closers.push({ name: 'http', close: () => http.close() });
  return { resp, http };
}

/** A taken port is a user-causable problem: say which protocol and address. */
async function listenOrExplain<T>(protocol: string, address: { host: string; port: number }, start: () => Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new KvlabError('listenFailed', `cannot listen for ${protocol} clients on ${formatHostPort(address)}: ${code}`);
  }
}

async function gracefulStop(config: ProdNodeConfig, log: JsonLog, host: NodeHost, servers: Servers, closers: Closer[], reachable: (id: NodeId) => boolean): Promise<void> {
  log.info('node.stopping', {});
  // Clients first: no new requests may arrive while leadership moves and state is flushed.
  await Promise.all([servers.resp.close(), servers.http.close()]);
  const handoffWaitMs = Math.min(HANDOFF_WAIT_MS_MAX, config.raft.tickMs * config.raft.electionTicks * 2);
  await handOffLeadership(host, config.nodeId, handoffWaitMs, log, reachable);
  await closeAll(closers.filter((c) => c.name !== 'resp' && c.name !== 'http'), log);
  log.info('node.stopped', {});
}

/** Closes in reverse order of opening; a failure is logged and the rest still close. */
async function closeAll(closers: readonly Closer[], log: JsonLog): Promise<void> {
  for (const closer of [...closers].reverse()) {
    try {
      await closer.close();
    } catch (error) {
      log.warn('node.closeFailed', { what: closer.name, error: (error as Error).message });
    }
  }
}
