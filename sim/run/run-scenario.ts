// One simulated run of a scenario with one seed: the cluster starts, clients run, faults come and go
// (explicit timeline and random nemesis), everything heals, a liveness phase follows, and the checks
// decide the verdict. The run is a pure function of (scenario, seed, bugs, code).
import { performance } from 'node:perf_hooks';
import type { Random } from '../../core/env/random.ts';
import { firstGroup } from '../../core/node/kv-node.ts';
import { AssertionFailure, type NodeId } from '../../core/types.ts';
import { HistoryWriter } from '../../check/history.ts';
import type { EventId } from '../kernel/simulator.ts';
import { FaultRunner, type FaultHooks } from '../nemesis/fault-runner.ts';
import { enabledKinds, sampleFault, sampleRange } from '../nemesis/random-nemesis.ts';
import type { Scenario } from '../scenario/schema.ts';
import { TraceWriter } from '../trace/trace-writer.ts';
import { nullTraceSink } from '../trace/trace-sink.ts';
import { type ClientWorld, SimClient } from '../workload/client.ts';
import { PipelinedClient } from '../workload/pipelined-client.ts';
import { makeKeyChooser } from '../workload/key-chooser.ts';
import { makeOperationChooser, makeTtlChooser, ttlMsDefault } from '../workload/operation-mix.ts';
import { evaluateChecks, type RunObservations } from './checks.ts';
import { scheduleLivenessProbe } from './liveness-probe.ts';
import { percentiles } from './latency.ts';
import type { Report, RunOptions, RunResult } from './run-types.ts';
import { SimCluster } from './sim-cluster.ts';
import { describeFailStopBugs } from './fail-stops.ts';
import { makeMembershipHooks } from './membership-hooks.ts';
import { makeDiskFaultHook } from './disk-fault-hook.ts';
import { runUntilViolation, skipWholeRunChecks } from './stop-on-violation.ts';

export const traceVersion = 1;
/** Virtual ms between online inspections of every node's log. */
const inspectEveryMs = 100;
/** Every running member must have applied the leader's commit index of this long before the end. */
const convergeWindowMs = 1000;

/** What a run had built when something threw out of it: enough for an `exception` report. */
interface RunParts {
  writer?: TraceWriter;
  historyText?: TextChunks;
  cluster?: SimCluster;
  obs?: RunObservations;
}

/**
 * An exception anywhere in a run (not a failed assertion, which the run reports under `assertions`) is
 * a bug in kvlab or the simulator: the run ends there with verdict `exception`, a report, and a trace
 * that ends with a `run.exception` line, so `kvlab run` still writes report.json and the repro line.
 */
export function runScenario(scenario: Scenario, options: RunOptions): RunResult {
  const wallStart = performance.now();
  const parts: RunParts = {};
  try {
    return runScenarioUnguarded(scenario, options, wallStart, parts);
  } catch (error) {
    return exceptionResult(scenario, options, error, wallStart, parts);
  }
}

function exceptionResult(scenario: Scenario, options: RunOptions, error: unknown, wallStart: number, parts: RunParts): RunResult {
  const err = error instanceof Error ? error : new Error(String(error));
  const world = parts.cluster?.world;
  const atMs = world ? world.sim.nowUs / 1000 : 0;
  const where = err.stack?.split('\n').find((line) => line.trim().startsWith('at '))?.trim() ?? 'no stack';
  const detail = `${err.name}: ${err.message} at ${atMs} ms (the run stopped there; ${where})`;
  try {
    world?.tracer.emit('run.exception', { error: `${err.name}: ${err.message}`, stack: err.stack ?? null });
  } catch {
    // the trace is best effort here: the report is what must come out
  }
  const net = world?.network.stats;
  const report: Report = {
    scenario: scenario.name,
    seed: options.seed,
    verdict: 'exception',
    expect: scenario.expect,
    bugs: [...new Set([...scenario.bugs, ...(options.bugs ?? [])])],
    checks: [{ name: 'exception', verdict: 'fail', detail }],
    stats: {
      virtualMs: atMs,
      wallMs: Math.round(performance.now() - wallStart),
      events: world?.sim.eventsProcessed ?? 0,
      operations: parts.obs?.outcomes ?? { ok: 0, fail: 0, info: 0 },
      latencyMs: percentiles(parts.obs?.latenciesUs ?? []),
      leaderChanges: parts.cluster?.leaderChanges ?? 0,
      faults: parts.obs?.faults ?? 0,
      acknowledgedWrites: parts.obs?.receipts.length ?? 0,
      messages: { sent: net?.sent ?? 0, delivered: net?.delivered ?? 0, dropped: net ? totalDropped(net.dropped) : 0 },
    },
  };
  try {
    parts.writer?.close?.();
  } catch {
    // as above
  }
  const writer = parts.writer;
  return { scenario, report, historyText: parts.historyText?.text() ?? '', traceText: writer && !options.tracePath ? writer.text() : undefined };
}

function runScenarioUnguarded(scenario: Scenario, options: RunOptions, wallStart: number, parts: RunParts): RunResult {
  const bugs = new Set([...scenario.bugs, ...(options.bugs ?? [])]);
  const phases = scenario.phases;
  const endMs = phases.faultsMs + phases.healMs + phases.livenessMs;
  const spares = scenario.faults.filter((f) => f.fault === 'add-node').length + (scenario.nemesis?.kinds.includes('membership') ? 4 : 0);
  const nodes = Array.from({ length: scenario.cluster.nodes + spares }, (_, i) => i + 1);
  const meta = { scenario: scenario.name, seed: options.seed, version: traceVersion, nodes, groups: [firstGroup], durationMs: endMs, bugs: [...bugs] };
  const writer = options.trace || options.tracePath ? new TraceWriter({ meta, path: options.tracePath, compress: options.traceCompress }) : undefined;
  parts.writer = writer;
  const cluster = new SimCluster({ scenario, seed: options.seed, bugs, sink: writer ?? nullTraceSink, spares, crashPoints: options.crashPoints });
  parts.cluster = cluster;
  const { world } = cluster;
  const random = world.random.child('run');
  const obs: RunObservations = { healUs: phases.faultsMs * 1000, endUs: endMs * 1000, latenciesUs: [], outcomes: { ok: 0, fail: 0, info: 0 }, okAfterHealUs: undefined, leaderAfterHealUs: undefined, receipts: [], faults: 0, convergeTarget: undefined, appliedAtEnd: new Map() };

  parts.obs = obs;
  const historyText = new TextChunks();
  parts.historyText = historyText;
  // The writer pairs events into operations as it goes (only when the linearizability check will want
  // them: they stay in memory for the whole run), so the check needs no parse of the text.
  const history = new HistoryWriter((line) => historyText.push(line), 'history.jsonl', scenario.checks.includes('linearizability'));
  startWorkload(scenario, cluster, history, random.child('workload'), obs, endMs, bugs);
  const hooks: FaultHooks = { ...makeMembershipHooks(cluster), corrupt: (node, file, where) => corruptFile(cluster, node, file, where), nodeDown: (node) => cluster.nodeDown(node), diskFaults: makeDiskFaultHook(cluster) };
  const faults = new FaultRunner(world, cluster, random.child('faults'), hooks);
  scheduleFaults(scenario, cluster, faults, random.child('nemesis'), obs, options.onFaultApplied);
  world.sim.scheduleAt(phases.faultsMs * 1000, () => heal(cluster, faults));
  scheduleInspections(cluster, endMs, obs);
  scheduleLivenessProbe(scenario, cluster, obs);
  world.sim.scheduleAt(Math.max(0, endMs - convergeWindowMs) * 1000, () => {
    const leader = cluster.leader();
    obs.convergeTarget = leader === undefined ? undefined : { commit: cluster.node(leader)?.replica()?.status().commit ?? 0, atUs: world.sim.nowUs };
  });

  // Only a run whose scenario checks the Raft invariants may stop at one: its verdict then says so.
  const stopOnViolation = options.stopOnViolation === true && scenario.checks.includes('raft-invariants');
  let stoppedAtUs: number | undefined;
  const assertion = runGuarded(() => {
    cluster.start();
    if (stopOnViolation) stoppedAtUs = runUntilViolation(world.sim, endMs * 1000, inspectEveryMs * 1000, () => cluster.checker.violations.length > 0);
    else world.runUntilMs(endMs);
  });
  if (!assertion) cluster.inspect();
  obs.appliedAtEnd = new Map(cluster.configuredMembers().filter((n) => cluster.isUp(n)).map((n) => [n, cluster.node(n)?.replica()?.status().applied ?? 0]));

  const evaluated = evaluateChecks(scenario, cluster, () => history.operations(), obs);
  // A failed assertion ends the simulation where it fired: checks that judge the whole run (liveness
  // after the heal, durability at the end) would only report that the run was cut short.
  const checks =
    assertion !== undefined ? skipWholeRunChecks(evaluated, world.sim.nowUs, 'a failed assertion') : stoppedAtUs === undefined ? evaluated : skipWholeRunChecks(evaluated, stoppedAtUs);
  const assertionFailures = [
    ...(assertion ? [`${assertion} at ${world.sim.nowUs / 1000} ms (the run stopped there)`] : []),
    ...(cluster.fatalBugs.length > 0 ? [describeFailStopBugs(cluster.fatalBugs)] : []),
  ];
  if (assertionFailures.length > 0) checks.unshift({ name: 'assertions', verdict: 'fail', kind: 'assertion', detail: assertionFailures.join('; ') });
  for (const c of checks) if (c.verdict === 'fail') world.tracer.emit('check.violation', { check: c.name, detail: c.detail, ops: c.ops ?? [] });
  const failed = checks.some((c) => c.verdict === 'fail');
  const verdict = scenario.expect === 'violation' ? (failed ? 'pass' : 'fail') : failed ? 'fail' : 'pass';
  const netStats = world.network.stats;
  const report: Report = {
    scenario: scenario.name,
    seed: options.seed,
    verdict,
    expect: scenario.expect,
    bugs: [...bugs],
    checks,
    ...(stoppedAtUs === undefined ? {} : { stoppedAtMs: stoppedAtUs / 1000 }),
    stats: {
      virtualMs: assertion !== undefined ? world.sim.nowUs / 1000 : stoppedAtUs === undefined ? endMs : stoppedAtUs / 1000,
      wallMs: Math.round(performance.now() - wallStart),
      events: world.sim.eventsProcessed,
      operations: obs.outcomes,
      latencyMs: percentiles(obs.latenciesUs),
      leaderChanges: cluster.leaderChanges,
      faults: obs.faults,
      acknowledgedWrites: obs.receipts.length,
      messages: { sent: netStats.sent, delivered: netStats.delivered, dropped: totalDropped(netStats.dropped) },
    },
  };
  writer?.close?.();
  return { scenario, report, historyText: historyText.text(), traceText: writer && !options.tracePath ? writer.text() : undefined, crashPointsHit: cluster.crashPointsHit.map((h) => h.op), diskOps: cluster.diskOps };
}

/** Runs the simulation; an assertion failure inside kvlab is a bug the run reports, not a crash of the tool. */
function runGuarded(run: () => void): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    if (error instanceof AssertionFailure) return `assertion failed: ${error.message}`;
    throw error;
  }
}

function startWorkload(s: Scenario, cluster: SimCluster, history: HistoryWriter, random: Random, obs: RunObservations, endMs: number, bugs: ReadonlySet<string>): void {
  const w = s.workload;
  let processNext = 0;
  let sessionNext = 0;
  let valueNext = 0;
  const timeoutUs = (s.cluster.requestTimeoutMs + 500) * 1000;
  const plan = {
    chooseOperation: makeOperationChooser(w.mix, random.child('ops')),
    newTtlMs: makeTtlChooser(w.ttlMs ?? ttlMsDefault, random.child('ttl')),
    chooseKey: makeKeyChooser(w.keys, w.distribution ?? 'uniform', random.child('keys')),
    newValue: () => `v${++valueNext}`.padEnd(w.valueBytes, '.'),
    reads: w.reads,
    intervalUs: w.ratePerClient > 0 ? 1e6 / w.ratePerClient : Number.POSITIVE_INFINITY,
    timeoutUs,
    stopUs: endMs * 1000 - timeoutUs - 1000,
    budget: { remaining: w.opsMax ?? Number.MAX_SAFE_INTEGER },
    keepsSeenValues: w.mix.cas > 0,
  };
  const { world } = cluster;
  const linkRandom = random.child('client-link');
  /** Clients sit next to the nodes: 50–250 µs each way. */
  const clientLinkUs = () => linkRandom.int(50, 250);
  for (let c = 0; c < w.clients; c++) {
    const clientWorld: ClientWorld & { newSession(): number } = {
      nowUs: () => world.sim.nowUs,
      schedule: (delayUs, callback) => world.sim.schedule(delayUs, callback),
      cancel: (id) => world.sim.cancel(id as EventId),
      api: (node) => cluster.node(node),
      toNode: (node, deliver, notBeforeUs = 0) => {
        const delayUs = Math.max(clientLinkUs(), notBeforeUs - world.sim.nowUs);
        world.sim.schedule(delayUs, deliver, node);
        return world.sim.nowUs + delayUs;
      },
      toClient: (deliver) => void world.sim.schedule(clientLinkUs(), deliver),
      onNodeDown: (node, listener) => cluster.onNodeDown(node, listener),
      nodes: () => cluster.members(),
      wallMs: (node) => world.clock(node).wallMs(),
      tracer: world.tracer,
      history,
      newProcess: () => processNext++,
      newSession: () => sessionNext++,
      onWriteAcknowledged: (receipt) => {
        obs.receipts.push({ index: receipt.index, term: receipt.term });
        cluster.checker.writeAcknowledged(receipt.group, receipt.index, receipt.term, cluster.foundingVoters());
      },
      onOutcome: (outcome, _f, latencyUs) => {
        obs.outcomes[outcome]++;
        if (outcome === 'ok') obs.latenciesUs.push(latencyUs);
        if (outcome === 'ok' && world.sim.nowUs > obs.healUs && obs.okAfterHealUs === undefined) obs.okAfterHealUs = world.sim.nowUs;
      },
    };
    const clientRandom = random.child(`client/${c}`);
    const depthMax = w.pipelineDepthMax ?? 1;
    // Depth 1 is the client that waits for each answer: the traces of scenarios without pipelining stay as they were.
    const client = depthMax > 1
      ? new PipelinedClient(clientWorld, { ...plan, depthMax, sessionOrderIgnored: bugs.has('sessionOrderIgnored') }, clientRandom)
      : new SimClient(clientWorld, plan, clientRandom);
    client.start();
  }
}

function scheduleFaults(s: Scenario, cluster: SimCluster, faults: FaultRunner, random: Random, obs: RunObservations, onApplied?: RunOptions['onFaultApplied']): void {
  const { sim } = cluster.world;
  for (const fault of s.faults) {
    if (fault.at >= s.phases.faultsMs) continue;
    sim.scheduleAt(Math.round(fault.at * 1000), () => {
      if (!faults.apply(fault)) return;
      obs.faults++;
      onApplied?.(fault, 'scenario');
    });
  }
  const nemesis = s.nemesis;
  if (!nemesis) return;
  const kinds = enabledKinds(nemesis, random.child('kinds'));
  const next = (atMs: number) => {
    if (atMs >= s.phases.faultsMs) return;
    sim.scheduleAt(Math.round(atMs * 1000), () => {
      if (faults.activeCount < nemesis.concurrentMax) {
        const durationMs = Math.min(sampleRange(nemesis.durationMs, random), s.phases.faultsMs - atMs);
        const fault = sampleFault(random.pick(kinds), atMs, durationMs, cluster, random, nemesis);
        if (fault && faults.apply(fault)) {
          obs.faults++;
          onApplied?.(fault, 'nemesis');
        }
      }
      next(atMs + Math.max(1, sampleRange(nemesis.intervalMs, random)));
    });
  };
  next(sampleRange(nemesis.intervalMs, random));
}

/** End of the fault phase: undo every fault, restart crashed nodes, settle clocks. */
function heal(cluster: SimCluster, faults: FaultRunner): void {
  const { world } = cluster;
  faults.healAll();
  for (const id of world.nodeIds()) {
    if (!cluster.members().includes(id)) continue;
    if (world.state(id) === 'crashed') world.restart(id);
    world.setClockDrift(id, 0);
  }
}

function scheduleInspections(cluster: SimCluster, endMs: number, obs: RunObservations): void {
  const { sim } = cluster.world;
  const tick = () => {
    cluster.inspect();
    if (obs.leaderAfterHealUs === undefined && sim.nowUs >= obs.healUs && cluster.leader() !== undefined) obs.leaderAfterHealUs = sim.nowUs;
    if (sim.nowUs + inspectEveryMs * 1000 < endMs * 1000) sim.schedule(inspectEveryMs * 1000, tick);
  };
  sim.schedule(inspectEveryMs * 1000, tick);
}

function corruptFile(cluster: SimCluster, node: NodeId, file: 'wal' | 'snapshot', where: 'tail' | 'middle' | 'random'): boolean {
  const disk = cluster.disks.get(node);
  if (!disk) return false;
  const dir = file === 'wal' ? `raft/g${firstGroup}/wal` : `raft/g${firstGroup}/snap`;
  const files = disk.list(dir);
  if (files.length === 0) return false;
  const path = `${dir}/${files[where === 'tail' ? files.length - 1 : where === 'middle' ? Math.floor(files.length / 2) : cluster.world.random.child('corrupt').int(0, files.length - 1)]}`;
  disk.corruptFile(path);
  return true;
}

function totalDropped(dropped: Record<string, number>): number {
  return Object.values(dropped).reduce((a, b) => a + b, 0);
}

/**
 * Text built line by line over a whole run. Lines are joined into chunks of a few hundred as they
 * come, so each short line string dies young; keeping every line to the end made the garbage
 * collector copy hundreds of thousands of them into the old generation.
 */
class TextChunks {
  private readonly chunks: string[] = [];
  private pending: string[] = [];

  push(line: string): void {
    this.pending.push(line);
    if (this.pending.length >= 256) this.flush();
  }

  text(): string {
    this.flush();
    return this.chunks.join('');
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    this.chunks.push(this.pending.join(''));
    this.pending = [];
  }
}
