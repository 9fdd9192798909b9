// Workload knobs do what they say: a partial mix is rejected (not completed with default weights),
// lease reads need a lease cluster, ttl ranges are ordered, and the new weights default to 0.
import { describe, expect, it } from 'vitest';
import { ScenarioError, validateScenario } from '../../sim/scenario/validate.ts';

const base = { name: 'w', phases: { faultsMs: 1000, healMs: 500, livenessMs: 6000 } };

function rejection(workload: unknown, cluster: unknown = {}): ScenarioError {
  try {
    validateScenario({ ...base, cluster, workload }, 'w.json');
  } catch (error) {
    if (error instanceof ScenarioError) return error;
    throw error;
  }
  throw new Error(`accepted ${JSON.stringify(workload)}`);
}

describe('workload validation', () => {
  it('rejects a partial mix, naming the first missing weight', () => {
    const error = rejection({ mix: { get: 1 } });
    expect(error.field).toBe('workload.mix.put');
    expect(error.message).toMatch(/w\.json: workload\.mix\.put: found nothing.*write 0 for the kinds you do not want/);
    expect(rejection({ mix: { get: 1, put: 1, cas: 0 } }).field).toBe('workload.mix.delete');
  });

  it('accepts a complete mix as given, with the expiring kinds at 0 unless named', () => {
    const s = validateScenario({ ...base, workload: { mix: { get: 1, put: 0, delete: 0, cas: 0 } } }, 'w.json');
    expect(s.workload.mix).toEqual({ get: 1, put: 0, delete: 0, cas: 0 });
    const e = validateScenario({ ...base, workload: { mix: { get: 1, put: 0, delete: 0, cas: 0, putExpiring: 1, ttl: 1 }, ttlMs: [10, 20] } }, 'w.json');
    expect(e.workload.mix.putExpiring).toBe(1);
  });

  it('lease reads need cluster.reads "lease"', () => {
    const error = rejection({ reads: 'lease' });
    expect(error.field).toBe('workload.reads');
    expect(error.message).toMatch(/lease reads need cluster\.reads "lease"/);
    expect(() => validateScenario({ ...base, cluster: { reads: 'lease', checkQuorum: true }, workload: { reads: 'lease' } }, 'w.json')).not.toThrow();
  });

  it('a ttl range must be ordered, and a pipeline depth between 1 and 64', () => {
    expect(rejection({ ttlMs: [500, 100] }).field).toBe('workload.ttlMs');
    expect(rejection({ pipelineDepthMax: 0 }).field).toMatch(/^workload\.pipelineDepthMax/);
    expect(rejection({ pipelineDepthMax: 65 }).field).toMatch(/^workload\.pipelineDepthMax/);
  });
});
