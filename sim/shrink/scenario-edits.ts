// Pure edits of a scenario that shrinking tries: each returns a new scenario, the input untouched.
import type { Fault, NodeSel, Scenario } from '../scenario/schema.ts';
import type { AppliedFault } from './trial.ts';

export type Workload = Scenario['workload'];
export type Phases = Scenario['phases'];

export function withWorkload(s: Scenario, change: Partial<Workload>): Scenario {
  return { ...s, workload: { ...s.workload, ...change } };
}

export function withPhases(s: Scenario, change: Partial<Phases>): Scenario {
  return { ...s, phases: { ...s.phases, ...change } };
}

export function withFaults(s: Scenario, faults: readonly Fault[]): Scenario {
  return { ...s, faults: [...faults] };
}

export function withoutNemesis(s: Scenario): Scenario {
  const { nemesis: _dropped, ...rest } = s;
  return { ...rest, faults: [...s.faults] };
}

/**
 * The run's random nemesis replaced by the faults it actually applied, as explicit faults at the same
 * virtual times (rounded to the microsecond the kernel counts in), merged with the scenario's own.
 */
export function nemesisAsFaults(s: Scenario, applied: readonly AppliedFault[]): Scenario {
  const sampled = applied.filter((a) => a.source === 'nemesis').map((a) => roundTimes(a.fault));
  const faults = [...s.faults, ...sampled].map((fault, order) => ({ fault, order }));
  faults.sort((a, b) => a.fault.at - b.fault.at || a.order - b.order);
  return withFaults(withoutNemesis(s), faults.map((f) => f.fault));
}

function roundTimes(fault: Fault): Fault {
  const us = (ms: number) => Math.round(ms * 1000) / 1000;
  const out = { ...fault, at: us(fault.at) } as Fault;
  if ('durationMs' in out && out.durationMs !== undefined) (out as { durationMs: number }).durationMs = us(out.durationMs);
  return out;
}

/** A cluster of `nodes` voters; faults naming a node beyond the new size lose that node or go. */
export function withNodes(s: Scenario, nodes: number): Scenario {
  const idMax = nodes + s.faults.filter((f) => f.fault === 'add-node').length;
  const faults = s.faults.map((f) => restrictFault(f, idMax)).filter((f): f is Fault => f !== undefined);
  return { ...s, cluster: { ...s.cluster, nodes }, faults };
}

function restrictFault(fault: Fault, idMax: number): Fault | undefined {
  const fits = (sel: NodeSel) => typeof sel !== 'number' || sel <= idMax;
  switch (fault.fault) {
    case 'partition': {
      const groups = fault.groups.map((g) => g.filter(fits)).filter((g) => g.length > 0);
      return groups.length >= 2 ? { ...fault, groups } : undefined;
    }
    case 'one-way':
    case 'link-degrade': {
      const from = fault.from.filter(fits);
      const to = fault.to.filter(fits);
      return from.length > 0 && to.length > 0 ? { ...fault, from, to } : undefined;
    }
    case 'clog':
      return fits(fault.from) && fits(fault.to) ? fault : undefined;
    case 'bridge':
      return fault.bridge === undefined || fits(fault.bridge) ? fault : undefined;
    case 'transfer-leader':
      return fault.to === undefined || fits(fault.to) ? fault : undefined;
    case 'heal':
    case 'add-node':
    case 'crash-new-leader':
      return fault;
    default:
      return fits(fault.node) ? fault : undefined;
  }
}

/** Total virtual time of a scenario's phases. */
export function durationMs(s: Scenario): number {
  return s.phases.faultsMs + s.phases.healMs + s.phases.livenessMs;
}
