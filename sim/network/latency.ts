// One-way frame latency models. Configured in milliseconds (fractions allowed), sampled in integer
// microseconds for the kernel.
import { KvlabError } from '../../core/types.ts';
import type { Random } from '../../core/env/random.ts';

export type BaseLatencyModel =
  | { readonly kind: 'constant'; readonly ms: number }
  | { readonly kind: 'uniform'; readonly msMin: number; readonly msMax: number }
  /** Exponential with mean `msMean`, optionally capped at `msMax`. */
  | { readonly kind: 'exponential'; readonly msMean: number; readonly msMax?: number };

/**
 * Mostly `base`; with probability `tailProbability` a Pareto delay instead (scale `tailMsMin`,
 * shape `tailAlpha`: smaller is heavier), capped at `tailMsMax`.
 */
export interface LongTailLatencyModel {
  readonly kind: 'longTail';
  readonly base: BaseLatencyModel;
  readonly tailProbability: number;
  readonly tailMsMin: number;
  readonly tailAlpha: number;
  readonly tailMsMax: number;
}

export type LatencyModel = BaseLatencyModel | LongTailLatencyModel;

/** Draws one latency in microseconds (an integer >= 0). */
export function sampleLatencyUs(model: LatencyModel, random: Random): number {
  return Math.round(sampleLatencyMs(model, random) * 1000);
}

function sampleLatencyMs(model: LatencyModel, random: Random): number {
  switch (model.kind) {
    case 'constant':
      return model.ms;
    case 'uniform':
      return model.msMin + random.next() * (model.msMax - model.msMin);
    case 'exponential': {
      const ms = -model.msMean * Math.log(1 - random.next());
      return model.msMax === undefined ? ms : Math.min(ms, model.msMax);
    }
    case 'longTail': {
      if (!random.chance(model.tailProbability)) return sampleLatencyMs(model.base, random);
      const ms = model.tailMsMin / Math.pow(1 - random.next(), 1 / model.tailAlpha);
      return Math.min(ms, model.tailMsMax);
    }
  }
}

/** The model's expected latency in ms (with caps taken into account). */
export function latencyMeanMs(model: LatencyModel): number {
  switch (model.kind) {
    case 'constant':
      return model.ms;
    case 'uniform':
      return (model.msMin + model.msMax) / 2;
    case 'exponential':
      // E[min(X, c)] = mean * (1 - e^(-c/mean))
      return model.msMax === undefined ? model.msMean : model.msMean * (1 - Math.exp(-model.msMax / model.msMean));
    case 'longTail': {
      const { tailMsMin: scale, tailAlpha: alpha, tailMsMax: cap } = model;
      // E[min(X, c)] for Pareto(scale, alpha), c >= scale, alpha != 1.
      const tailMean = (scale * alpha) / (alpha - 1) - (Math.pow(scale, alpha) * Math.pow(cap, 1 - alpha)) / (alpha - 1);
      return (1 - model.tailProbability) * latencyMeanMs(model.base) + model.tailProbability * tailMean;
    }
  }
}

/** Throws a KvlabError naming `field` and the problem if `model` is not a valid latency model. */
export function validateLatencyModel(model: LatencyModel, field: string): void {
  const fail = (reason: string): never => {
    throw new KvlabError('invalidLatency', `${field}: ${reason}`);
  };
  const nonNegative = (value: unknown, name: string): void => {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) fail(`${name} must be a finite number >= 0, got ${String(value)}`);
  };
  switch (model?.kind) {
    case 'constant':
      return nonNegative(model.ms, 'ms');
    case 'uniform':
      nonNegative(model.msMin, 'msMin');
      nonNegative(model.msMax, 'msMax');
      if (model.msMin > model.msMax) fail(`msMin (${model.msMin}) must be <= msMax (${model.msMax})`);
      return;
    case 'exponential':
      nonNegative(model.msMean, 'msMean');
      if (model.msMax !== undefined) nonNegative(model.msMax, 'msMax');
      return;
    case 'longTail':
      if (model.base?.kind === ('longTail' as string)) fail('base must not itself be longTail');
      validateLatencyModel(model.base, `${field}.base`);
      if (!(model.tailProbability >= 0 && model.tailProbability <= 1)) fail(`tailProbability must be in [0, 1], got ${model.tailProbability}`);
      if (!(model.tailMsMin > 0 && Number.isFinite(model.tailMsMin))) fail(`tailMsMin must be > 0, got ${model.tailMsMin}`);
      if (!(model.tailAlpha > 1)) fail(`tailAlpha must be > 1 (a finite mean), got ${model.tailAlpha}`);
      if (!(model.tailMsMax >= model.tailMsMin && Number.isFinite(model.tailMsMax))) fail(`tailMsMax must be finite and >= tailMsMin, got ${model.tailMsMax}`);
      return;
    default:
      fail(`kind must be one of constant, uniform, exponential, longTail, got ${JSON.stringify((model as { kind?: unknown })?.kind)}`);
  }
}
