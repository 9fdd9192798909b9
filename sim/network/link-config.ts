// The behaviour of one directed link (from -> to). A network has a default and per-link overrides.
import { KvlabError } from '../../core/types.ts';
import { validateLatencyModel, type LatencyModel } from './latency.ts';

export interface LinkConfig {
  readonly latency: LatencyModel;
  /** Probability a frame is lost. */
  readonly dropProbability: number;
  /** Probability the network delivers an extra copy of a frame. */
  readonly duplicateProbability: number;
  /** Probability a frame gets an extra delay so that later frames overtake it. */
  readonly reorderProbability: number;
  /** A reordered frame's extra delay is uniform in (0, reorderDelayMsMax]. */
  readonly reorderDelayMsMax: number;
  /**
   * True (the default): the link is one TCP connection, frames arrive in send order (only reordered
   * frames and duplicates leave it). False: every frame travels on its own latency draw, so later
   * frames overtake earlier ones whenever their draw is shorter (datagrams over many paths).
   */
  readonly fifo: boolean;
  /** Added to every frame's latency draw (a degraded link; the scenario's `link-degrade` fault ramps it). */
  readonly extraLatencyMs: number;
  /** Bytes in flight on the link (sent, not yet delivered or dropped); beyond it frames drop (`inflight-cap`). */
  readonly inflightBytesMax: number;
  /** Frames held on a clogged link; beyond it frames drop (`clog-overflow`). */
  readonly clogFramesMax: number;
}

export const defaultLinkConfig: LinkConfig = {
  latency: { kind: 'uniform', msMin: 0.5, msMax: 1.5 },
  dropProbability: 0,
  duplicateProbability: 0,
  reorderProbability: 0,
  reorderDelayMsMax: 10,
  extraLatencyMs: 0,
  fifo: true,
  inflightBytesMax: 64 * 1024 * 1024,
  clogFramesMax: 10_000,
};

/** Throws a KvlabError naming `field` and the problem if `config` is invalid. */
export function validateLinkConfig(config: LinkConfig, field: string): void {
  validateLatencyModel(config.latency, `${field}.latency`);
  for (const name of ['dropProbability', 'duplicateProbability', 'reorderProbability'] as const) {
    const p = config[name];
    if (!(typeof p === 'number' && p >= 0 && p <= 1)) {
      throw new KvlabError('invalidLink', `${field}.${name} must be a probability in [0, 1], got ${String(p)}`);
    }
  }
  if (!(config.reorderDelayMsMax > 0 && Number.isFinite(config.reorderDelayMsMax))) {
    throw new KvlabError('invalidLink', `${field}.reorderDelayMsMax must be a finite number > 0, got ${config.reorderDelayMsMax}`);
  }
  if (typeof config.fifo !== 'boolean') throw new KvlabError('invalidLink', `${field}.fifo must be true or false, got ${String(config.fifo)}`);
  if (!(config.extraLatencyMs >= 0 && Number.isFinite(config.extraLatencyMs))) {
    throw new KvlabError('invalidLink', `${field}.extraLatencyMs must be a finite number >= 0, got ${config.extraLatencyMs}`);
  }
  for (const name of ['inflightBytesMax', 'clogFramesMax'] as const) {
    const n = config[name];
    if (!(Number.isInteger(n) && n >= 0)) throw new KvlabError('invalidLink', `${field}.${name} must be an integer >= 0, got ${String(n)}`);
  }
}
