// Turns scenario text into a typed Scenario, or a ScenarioError that names the file, the field path,
// what was found and what is allowed. Schema checks come from TypeBox; the cross-field rules that a
// schema cannot say (ranges ordered, node ids that exist) follow.
import { Value } from '@sinclair/typebox/value';
import { describeValue, firstSchemaProblem, jsonSyntaxWhere } from '../../core/schema/schema-problem.ts';
import { KvlabError } from '../../core/types.ts';
import { resolveSimDiskOptions } from '../disk/options.ts';
import { defaultLinkConfig, validateLinkConfig } from '../network/link-config.ts';
import { bugNames } from '../bugs/registry.ts';
import { type Scenario, ScenarioSpec } from './schema.ts';

export class ScenarioError extends KvlabError {
  constructor(readonly file: string, readonly field: string, readonly found: string, readonly allowed: string) {
    super('invalid-scenario', `${file}: ${field || '(top level)'}: found ${found}; ${allowed}`);
  }
}

/** Parses and validates; applies defaults for every omitted field. */
export function parseScenario(text: string, file: string): Scenario {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ScenarioError(file, '', 'text that is not JSON', `expected a JSON object (${jsonSyntaxWhere(text, error)})`);
  }
  return validateScenario(raw, file);
}

export function validateScenario(raw: unknown, file: string): Scenario {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ScenarioError(file, '', describeValue(raw), 'expected a JSON object');
  }
  checkMixComplete(raw as Record<string, unknown>, file);
  const withDefaults = Value.Default(ScenarioSpec, Value.Clone(raw));
  const problem = firstSchemaProblem(ScenarioSpec, withDefaults);
  if (problem) throw new ScenarioError(file, problem.path, problem.found, problem.allowed);
  const scenario = withDefaults as Scenario;
  checkCrossFields(scenario, file);
  return scenario;
}

/**
 * A mix names every weight: defaults would otherwise fill the missing ones in (TypeBox completes a
 * partial object from its default), so `{"get": 1}` would still put, delete and cas.
 */
function checkMixComplete(raw: Record<string, unknown>, file: string): void {
  const workload = raw.workload;
  if (typeof workload !== 'object' || workload === null) return;
  const mix = (workload as Record<string, unknown>).mix;
  if (typeof mix !== 'object' || mix === null || Array.isArray(mix)) return;
  for (const kind of ['get', 'put', 'delete', 'cas']) {
    if (!(kind in mix)) {
      throw new ScenarioError(file, `workload.mix.${kind}`, 'nothing (the field is missing)',
        'expected a weight >= 0 for each of get, put, delete and cas (a partial mix is not completed with defaults: write 0 for the kinds you do not want)');
    }
  }
}

function checkCrossFields(s: Scenario, file: string): void {
  const fail = (path: string, found: unknown, allowed: string): never => {
    throw new ScenarioError(file, path, describeValue(found), allowed);
  };
  const ranges: Array<[string, readonly number[] | undefined]> = [
    ['nemesis.intervalMs', s.nemesis?.intervalMs],
    ['nemesis.durationMs', s.nemesis?.durationMs],
    ['nemesis.clockSkew.driftPpm', s.nemesis?.clockSkew?.driftPpm],
    ['nemesis.clockSkew.stepMs', s.nemesis?.clockSkew?.stepMs],
  ];
  for (const [path, range] of ranges) if (range && range[0] > range[1]) fail(path, range, 'expected [min, max] with min <= max');
  const net = s.network.latency;
  if (net?.kind === 'uniform' && net.msMin > net.msMax) fail('network.latency', net, 'expected msMin <= msMax');
  checkNetwork(s, fail);
  const fsync = s.disk.fsyncLatency;
  if (fsync?.kind === 'uniform' && fsync.usMin > fsync.usMax) fail('disk.fsyncLatency', fsync, 'expected usMin <= usMax');
  try {
    resolveSimDiskOptions(s.disk);
  } catch (error) {
    if (!(error instanceof KvlabError)) throw error;
    fail('disk', s.disk, error.message);
  }
  const mix = s.workload.mix;
  if (s.workload.clients > 0 && mix.get + mix.put + mix.delete + mix.cas + (mix.putExpiring ?? 0) + (mix.ttl ?? 0) <= 0) fail('workload.mix', mix, 'expected at least one positive weight');
  const ttl = s.workload.ttlMs;
  if (ttl && ttl[0] > ttl[1]) fail('workload.ttlMs', ttl, 'expected [min, max] with min <= max');
  if (s.workload.reads === 'lease' && s.cluster.reads !== 'lease') {
    fail('workload.reads', s.workload.reads, `allowed with cluster.reads "${s.cluster.reads}": linearizable | stale (lease reads need cluster.reads "lease": the lease is the leader's, kept by the whole cluster)`);
  }
  if (s.cluster.heartbeatTicks >= s.cluster.electionTicks) {
    fail('cluster.heartbeatTicks', s.cluster.heartbeatTicks, `expected fewer than cluster.electionTicks (${s.cluster.electionTicks})`);
  }
  if (s.cluster.reads === 'lease' && !s.cluster.checkQuorum) {
    fail('cluster.reads', s.cluster.reads, 'lease reads need cluster.checkQuorum: true (a leader that cannot tell it lost its quorum would serve reads from an expired lease); use readIndex, or set checkQuorum')
  }
  if (s.cluster.leaseDriftTicksMax >= s.cluster.electionTicks) {
    fail('cluster.leaseDriftTicksMax', s.cluster.leaseDriftTicksMax, `expected fewer than cluster.electionTicks (${s.cluster.electionTicks}): the margin is subtracted from a lease of electionTicks`);
  }
  const livenessMsMin = 2 * s.cluster.requestTimeoutMs + s.cluster.tickMs * s.cluster.electionTicks * 2;
  if (s.checks.includes('liveness') && s.phases.livenessMs < livenessMsMin) {
    fail('phases.livenessMs', s.phases.livenessMs, `expected at least ${livenessMsMin} (two request timeouts plus two election timeouts), so requests stuck in a fault can time out and clients can show recovery`);
  }
  const unknownBug = s.bugs.findIndex((b) => !bugNames().includes(b));
  if (unknownBug >= 0) fail(`bugs[${unknownBug}]`, s.bugs[unknownBug], `allowed: ${bugNames().join(' | ')} (see kvlab bugs)`);
  const nodesMax = s.cluster.nodes + s.faults.filter((f) => f.fault === 'add-node').length + (s.nemesis?.kinds.includes('membership') ? 2 : 0);
  s.faults.forEach((fault, i) => {
    for (const [field, sel] of selectorsOf(fault)) {
      if (typeof sel === 'number' && sel > nodesMax) fail(`faults[${i}].${field}`, sel, `expected a node id from 1 to ${nodesMax}`);
    }
  });
}

/** The network section as every link will get it, validated by the network's own rules (one implementation). */
function checkNetwork(s: Scenario, fail: (path: string, found: unknown, allowed: string) => never): void {
  const given = Object.fromEntries(Object.entries(s.network).filter(([, v]) => v !== undefined));
  try {
    validateLinkConfig({ ...defaultLinkConfig, ...given }, 'network');
  } catch (error) {
    if (!(error instanceof KvlabError)) throw error;
    const field = error.message.split(/[: ]/)[0];
    const path = field.startsWith('network') ? field : 'network';
    fail(path, path === 'network.latency' ? s.network.latency : s.network, error.message.slice(field.length).replace(/^:?\s*/, ''));
  }
}

function selectorsOf(fault: Scenario['faults'][number]): Array<[string, unknown]> {
  const out: Array<[string, unknown]> = [];
  for (const [key, value] of Object.entries(fault)) {
    if (key === 'node' || key === 'bridge' || (key === 'to' && !Array.isArray(value)) || (key === 'from' && !Array.isArray(value))) out.push([key, value]);
    if ((key === 'from' || key === 'to') && Array.isArray(value)) value.forEach((v, j) => out.push([`${key}[${j}]`, v]));
    if (key === 'groups') (value as unknown[][]).forEach((g, j) => g.forEach((v, k) => out.push([`groups[${j}][${k}]`, v])));
  }
  return out;
}
