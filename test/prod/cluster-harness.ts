// A real local cluster for the process tests: configs from `kvlab cluster init` on free ports (a
// seeded base port, retried if busy), node processes started as children of the test (so their exit
// codes can be checked) or by `kvlab cluster up`, HTTP helpers, and a workload that records a
// history.jsonl. cleanup() kills every process it knows of, even when a test failed half-way.
import { type ChildProcess, spawn } from 'node:child_process';
import { openSync, closeSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { HistoryWriter } from '../../check/history.ts';
import { clusterCommand } from '../../cli/cluster.ts';
import { clusterPorts } from '../../prod/config/cluster-files.ts';
import { isAlive } from '../../prod/node/local/processes.ts';
import { NODE_PROCESS_ENTRY } from '../../prod/node/local/processes.ts';
import { tempDir } from './node-harness.ts';

export const quietOutput = { out: () => {}, err: () => {} };

/** A CLI output that keeps what was written, for assertions. */
export function captured() {
  const out: string[] = [];
  const err: string[] = [];
  return { output: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) }, out, err };
}

/** Raft timing for tests: 30 ms heartbeats, a 500 ms election timeout: quick elections, yet robust to a busy machine. */
const TEST_RAFT = { tickMs: 10, heartbeatTicks: 3, electionTicks: 50 };
const BASE_PORT_MIN = 20_000;
// Bases 20000..31999: every port (base + up to 216) stays below Linux's ephemeral range (32768+), where an
// outgoing connection could take one between our check and the node's bind.
const BASE_PORT_SPAN = 12_000;
const BASE_PORT_ATTEMPTS = 20;

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A base port whose RESP, HTTP and Raft ports for `nodes` nodes are all free; seeded, retried. */
export async function pickBasePort(nodes: number, seed: number): Promise<number> {
  let state = seed >>> 0 || 1;
  for (let attempt = 0; attempt < BASE_PORT_ATTEMPTS; attempt++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    const base = BASE_PORT_MIN + (state % BASE_PORT_SPAN);
    const ports = Array.from({ length: nodes }, (_, k) => clusterPorts(base, k + 1)).flatMap((p) => [p.resp, p.http, p.raft]);
    const free = await Promise.all(ports.map(portFree));
    if (free.every(Boolean)) return base;
  }
  throw new Error(`no free base port found in ${BASE_PORT_ATTEMPTS} attempts (seed ${seed})`);
}

export interface NodeChild {
  readonly process: ChildProcess;
  readonly exited: Promise<number | null>;
}

export class LocalCluster {
  readonly children = new Map<number, NodeChild>();

  private constructor(
    readonly dir: string,
    readonly basePort: number,
    readonly nodes: number,
    readonly seed: number,
    private readonly removeDir: () => void,
  ) {}

  /** `cluster init` of `nodes` nodes plus configs for `spares` more that join later (join: true). */
  static async create(nodes: number, spares: number, seed: number): Promise<LocalCluster> {
    const dir = tempDir('kvlab-cluster-');
    const basePort = await pickBasePort(nodes + spares, seed);
    const code = await clusterCommand(['init', '--nodes', String(nodes), '--dir', dir.path, '--base-port', String(basePort), '--cluster-id', `test-${seed}`], quietOutput);
    if (code !== 0) throw new Error(`cluster init failed (${code})`);
    const cluster = new LocalCluster(dir.path, basePort, nodes, seed, dir.remove);
    for (let i = 1; i <= nodes; i++) cluster.editConfig(i, (c) => ({ ...c, raft: { ...(c.raft as object), ...TEST_RAFT } }));
    for (let i = nodes + 1; i <= nodes + spares; i++) cluster.writeSpareConfig(i);
    return cluster;
  }

  configPath(i: number): string {
    return join(this.dir, `node${i}.json`);
  }

  logPath(i: number): string {
    return join(this.dir, `node${i}.log`);
  }

  dataDir(i: number): string {
    return join(this.dir, `node${i}`);
  }

  httpAddr(i: number): string {
    return `127.0.0.1:${clusterPorts(this.basePort, i).http}`;
  }

  editConfig(i: number, edit: (config: Record<string, unknown>) => Record<string, unknown>): void {
    const path = this.configPath(i);
    writeFileSync(path, `${JSON.stringify(edit(JSON.parse(readFileSync(path, 'utf8'))), null, 2)}\n`);
  }

  /** spare<i>.json: a node that joins the running cluster (not node<i>.json, so `cluster up` leaves it alone). */
  private writeSpareConfig(i: number): void {
    const first = JSON.parse(readFileSync(this.configPath(1), 'utf8'));
    const ports = clusterPorts(this.basePort, i);
    const config = { ...first, nodeId: i, dataDir: `node${i}`, join: true, listen: { resp: `127.0.0.1:${ports.resp}`, http: `127.0.0.1:${ports.http}`, raft: `127.0.0.1:${ports.raft}` } };
    writeFileSync(join(this.dir, `spare${i}.json`), `${JSON.stringify(config, null, 2)}\n`);
  }

  spareConfigPath(i: number): string {
    return join(this.dir, `spare${i}.json`);
  }

  /** Starts node i as a child of the test, logging to node<i>.log; records its pid file too. */
  spawnChild(i: number, configPath = this.configPath(i)): NodeChild {
    const logFd = openSync(this.logPath(i), 'a');
    const child = spawn(process.execPath, [NODE_PROCESS_ENTRY, '--config', configPath], { cwd: this.dir, stdio: ['ignore', logFd, logFd] });
    closeSync(logFd);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const entry = { process: child, exited };
    this.children.set(i, entry);
    if (configPath === this.configPath(i)) writeFileSync(join(this.dir, `node${i}.pid`), `${child.pid}\n`);
    return entry;
  }

  /** The pid of node i: its child, else its pid file. */
  pid(i: number): number | null {
    const child = this.children.get(i);
    if (child && child.process.exitCode === null && child.process.signalCode === null) return child.process.pid ?? null;
    try {
      return Number(readFileSync(join(this.dir, `node${i}.pid`), 'utf8').trim());
    } catch {
      return null;
    }
  }

  logLines(i: number): Array<Record<string, unknown>> {
    let text = '';
    try {
      text = readFileSync(this.logPath(i), 'utf8');
    } catch {
      return [];
    }
    return text.split('\n').flatMap((line) => {
      try {
        return line.startsWith('{') ? [JSON.parse(line) as Record<string, unknown>] : [];
      } catch {
        return [];
      }
    });
  }

  async status(i: number): Promise<ClusterStatusBody | null> {
    try {
      const response = await fetch(`http://${this.httpAddr(i)}/v1/cluster`, { signal: AbortSignal.timeout(1000) });
      return response.status === 200 ? ((await response.json()) as ClusterStatusBody) : null;
    } catch {
      return null;
    }
  }

  /** Waits until a node of `nodes` says, in its own (live) row, that it leads. */
  async waitLeader(nodes: readonly number[], timeoutMs = 15_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      for (const i of nodes) {
        const status = await this.status(i);
        if (status?.leader === i && status.nodes.some((n) => n.id === i && n.role === 'leader')) return i;
      }
      await sleep(50);
    }
    throw new Error(`no leader among nodes ${nodes.join(', ')} within ${timeoutMs} ms\n${await this.describeNodes(nodes)}`);
  }

  /**
   * Waits until every node of `nodes` names the same leader, one of them, that says it leads. A node
   * that has not heard from the leader yet answers CLUSTERDOWN / 503 (correctly: its link to the
   * leader may still be in reconnect backoff right after start), so tests that use every node wait
   * for this, not just for some node to lead.
   */
  async waitLeaderKnown(nodes: readonly number[], timeoutMs = 15_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const statuses = await Promise.all(nodes.map((i) => this.status(i)));
      const leader = statuses[0]?.leader ?? null;
      const leaderStatus = leader === null ? undefined : statuses[nodes.indexOf(leader)];
      const agreed = statuses.every((s) => s?.leader === leader);
      if (agreed && leaderStatus?.nodes.some((n) => n.id === leader && n.role === 'leader')) return leader!;
      await sleep(50);
    }
    throw new Error(`nodes ${nodes.join(', ')} did not agree on a leader within ${timeoutMs} ms\n${await this.describeNodes(nodes)}`);
  }

  /**
   * Polls `probe` until it yields a value. On timeout it fails naming `what` (a function is asked
   * then, so it can say what was still missing) and describing every node of the cluster.
   */
  async eventually<T>(what: string | (() => string), probe: () => Promise<T | null | undefined>, timeoutMs = 15_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const value = await probe().catch(() => null);
      if (value !== null && value !== undefined) return value;
      await sleep(50);
    }
    const label = typeof what === 'string' ? what : what();
    const ids = [...new Set([...Array.from({ length: this.nodes }, (_, k) => k + 1), ...this.children.keys()])].sort((a, b) => a - b);
    throw new Error(`${label}: not within ${timeoutMs} ms (seed ${this.seed})\n${await this.describeNodes(ids)}`);
  }

  /** Waits until node i answers /v1/cluster with its own row up (started and serving). */
  async waitUp(i: number, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const status = await this.status(i);
      if (status?.nodes.some((n) => n.id === i && n.up)) return;
      await sleep(50);
    }
    throw new Error(`node ${i} not up within ${timeoutMs} ms`);
  }

  /**
   * For a failure message: each node's process state, its own row of /v1/cluster, and its last log
   * lines — what a post-mortem of a stalled cluster needs first.
   */
  async describeNodes(nodes: readonly number[], logLinesMax = 8): Promise<string> {
    const parts: string[] = [];
    for (const i of nodes) {
      const child = this.children.get(i)?.process;
      const proc = !child ? 'not started here' : child.exitCode !== null ? `exited ${child.exitCode}` : child.signalCode ? `killed by ${child.signalCode}` : `running (pid ${child.pid})`;
      const row = (await this.status(i))?.nodes.find((n) => n.id === i);
      const rowText = row ? `${row.role} term ${row.term} commit ${row.commitIndex} applied ${row.appliedIndex}` : 'no /v1/cluster answer';
      const lines = this.logLines(i).slice(-logLinesMax).map((l) => `    ${JSON.stringify(l)}`);
      parts.push(`node ${i}: ${proc}; ${rowText}\n${lines.join('\n')}`);
    }
    return parts.join('\n');
  }

  /** PUT through node i, retried while the cluster answers 503/504 (an election): as clients should. */
  async put(i: number, key: string, value: string, retryMs = 5_000): Promise<number> {
    const deadline = Date.now() + retryMs;
    for (;;) {
      const response = await fetch(`http://${this.httpAddr(i)}/v1/kv/${encodeURIComponent(key)}`, { method: 'PUT', body: value, signal: AbortSignal.timeout(5000) });
      await response.arrayBuffer();
      if ((response.status !== 503 && response.status !== 504) || Date.now() >= deadline) return response.status;
      await sleep(100);
    }
  }

  async get(i: number, key: string, consistency?: 'stale'): Promise<string | null> {
    const query = consistency ? '?consistency=stale' : '';
    const response = await fetch(`http://${this.httpAddr(i)}/v1/kv/${encodeURIComponent(key)}${query}`, { signal: AbortSignal.timeout(5000) });
    if (response.status === 404) return null;
    if (response.status !== 200) throw new Error(`GET ${key} on node ${i}: HTTP ${response.status} ${await response.text()}`);
    return response.text();
  }

  /** Kills every process of the cluster (children and pid files), then removes the directory. */
  async cleanup(): Promise<void> {
    await clusterCommand(['down', '--dir', this.dir, '--timeout-ms', '3000'], quietOutput).catch(() => 1);
    for (const { process: child } of this.children.values()) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    for (let i = 1; i <= this.nodes + 4; i++) {
      const pid = this.pid(i);
      if (pid && isAlive(pid)) process.kill(pid, 'SIGKILL');
    }
    await Promise.all([...this.children.values()].map((c) => c.exited));
    // KVLAB_TEST_KEEP=1 keeps configs, data and node logs for a post-mortem.
    if (process.env.KVLAB_TEST_KEEP === '1') console.error(`kept cluster directory ${this.dir}`);
    else this.removeDir();
  }
}

export interface ClusterStatusBody {
  clusterId: string;
  leader: number | null;
  term: number;
  nodes: Array<{ id: number; role: string; term: number; commitIndex: number; appliedIndex: number; up: boolean; raftAddr: string }>;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Real microseconds that never go backwards (the history's `time`). */
function nowUs(): number {
  return Math.round((performance.timeOrigin + performance.now()) * 1000);
}

export interface WorkloadOptions {
  readonly cluster: LocalCluster;
  readonly clients: number;
  readonly keys: readonly string[];
  /** Nodes the clients may talk to right now. */
  readonly nodes: () => readonly number[];
  /** Asked before every operation, with the acknowledged counts so far. */
  readonly shouldStop: (counts: { readonly ok: number; readonly okWrites: number }) => boolean;
  readonly seed: number;
}

export interface WorkloadResult {
  readonly history: string;
  readonly ok: number;
  readonly okWrites: number;
}

/** Clients doing get/put/cas over HTTP against random nodes, each op recorded in a history. */
export async function runWorkload(options: WorkloadOptions): Promise<WorkloadResult> {
  const lines: string[] = [];
  const writer = new HistoryWriter((line) => lines.push(line));
  let nextProcess = options.clients;
  let state = options.seed >>> 0 || 7;
  const random = (n: number) => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return (state >>> 8) % n;
  };
  const counts = { ok: 0, okWrites: 0 };
  let valueSeq = 0;
  const client = async (firstProcess: number) => {
    let process = firstProcess;
    while (!options.shouldStop(counts)) {
      const nodes = options.nodes();
      const node = nodes[random(nodes.length)];
      const key = options.keys[random(options.keys.length)];
      const kind = random(10);
      const value = `v${process}-${++valueSeq}`;
      const call = kind < 4 ? ({ f: 'get', key } as const) : kind < 8 ? ({ f: 'put', key, value } as const) : ({ f: 'cas', key, expected: null, value } as const);
      writer.invoke(process, call, nowUs());
      const outcome = await httpOp(options.cluster.httpAddr(node), call);
      if (outcome.type === 'ok') {
        counts.ok++;
        if (call.f !== 'get') counts.okWrites++;
        writer.ok(process, nowUs(), call.f === 'get' ? outcome.read : undefined);
      } else if (outcome.type === 'refused') writer.refused(process, nowUs());
      else if (outcome.type === 'fail') writer.fail(process, nowUs());
      else {
        writer.info(process, nowUs());
        process = nextProcess++;
      }
    }
  };
  await Promise.all(Array.from({ length: options.clients }, (_, k) => client(k)));
  return { history: lines.join(''), ...counts };
}

type Outcome = { type: 'ok'; read: string | null } | { type: 'refused' } | { type: 'fail' } | { type: 'info' };

/** One op over HTTP. A read that failed had no effect (fail); a write fails only when refused before proposing. */
async function httpOp(addr: string, call: { f: 'get' | 'put' | 'cas'; key: string; value?: string; expected?: string | null }): Promise<Outcome> {
  const url = `http://${addr}/v1/kv/${encodeURIComponent(call.key)}`;
  try {
    if (call.f === 'get') {
      const response = await fetch(url, { signal: AbortSignal.timeout(3000) });
      const body = await response.text();
      if (response.status === 200) return { type: 'ok', read: body };
      if (response.status === 404) return { type: 'ok', read: null };
      return { type: 'fail' };
    }
    const response =
      call.f === 'put'
        ? await fetch(url, { method: 'PUT', body: call.value, signal: AbortSignal.timeout(3000) })
        : await fetch(`${url}/cas`, { method: 'POST', body: JSON.stringify({ expected: call.expected, value: call.value }), signal: AbortSignal.timeout(3000) });
    const body = await response.text();
    if (response.status === 204 || response.status === 200) return { type: 'ok', read: null };
    // The expectation did not hold: an observation the checker verifies (ok, "swapped": false).
    if (response.status === 409) return { type: 'refused' };
    const code = safeCode(body);
    // Refused before the write reached Raft: it definitely did not happen.
    if (response.status === 503 && (code === 'noLeader' || code === 'overloaded')) return { type: 'fail' };
    return { type: 'info' };
  } catch {
    return call.f === 'get' ? { type: 'fail' } : { type: 'info' };
  }
}

function safeCode(body: string): string | null {
  try {
    return (JSON.parse(body) as { error?: string }).error ?? null;
  } catch {
    return null;
  }
}
