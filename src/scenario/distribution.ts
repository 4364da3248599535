// Distributions in scenario files (fixed, exponential, lognormal, uniform, empirical) for sizes,
// durations and counts, and their sampling from a seeded stream.
import { z } from 'zod';
import type { RandomStream } from '../engine/random.js';

/**
 * A distribution of values parsed by `value` (a unit-aware quantity or a plain number). Accepts a
 * bare value as shorthand for `fixed`.
 */
export function distributionSchema<T extends z.ZodType<number, unknown>>(value: T) {
  const full = z.discriminatedUnion('distribution', [
    z.strictObject({ distribution: z.literal('fixed'), value }),
    z.strictObject({ distribution: z.literal('exponential'), mean: value }),
    z.strictObject({
      distribution: z.literal('lognormal'),
      /** Median of the distribution (= exp(mu)). */
      median: value,
      /** Standard deviation of the underlying normal. */
      sigma: z.number().nonnegative(),
      min: value.optional(),
      max: value.optional(),
    }),
    z.strictObject({ distribution: z.literal('uniform'), min: value, max: value }),
    z.strictObject({
      distribution: z.literal('empirical'),
      values: z.array(value).min(1),
      /** Relative weights, one per value; equal weights when absent. */
      weights: z.array(z.number().nonnegative()).optional(),
    }),
  ]);
  return z.union([value.transform((v) => ({ distribution: 'fixed' as const, value: v })), full]);
}

export type Distribution =
  | { distribution: 'fixed'; value: number }
  | { distribution: 'exponential'; mean: number }
  | { distribution: 'lognormal'; median: number; sigma: number; min?: number | undefined; max?: number | undefined }
  | { distribution: 'uniform'; min: number; max: number }
  | { distribution: 'empirical'; values: number[]; weights?: number[] | undefined };

export function sample(d: Distribution, rng: RandomStream): number {
  switch (d.distribution) {
    case 'fixed':
      return d.value;
    case 'exponential':
      return rng.exponential(d.mean);
    case 'lognormal': {
      let x = rng.lognormal(Math.log(d.median), d.sigma);
      if (d.min !== undefined && x < d.min) x = d.min;
      if (d.max !== undefined && x > d.max) x = d.max;
      return x;
    }
    case 'uniform':
      return rng.uniform(d.min, d.max);
    case 'empirical':
      return rng.pick(d.values, d.weights);
  }
}

/** Mean of the distribution (exact where closed-form; lognormal ignores min/max truncation). */
export function meanOf(d: Distribution): number {
  switch (d.distribution) {
    case 'fixed':
      return d.value;
    case 'exponential':
      return d.mean;
    case 'lognormal':
      return d.median * Math.exp((d.sigma * d.sigma) / 2);
    case 'uniform':
      return (d.min + d.max) / 2;
    case 'empirical': {
      const w = d.weights ?? d.values.map(() => 1);
      let s = 0;
      let t = 0;
      d.values.forEach((v, i) => {
        s += v * w[i]!;
        t += w[i]!;
      });
      return s / t;
    }
  }
}

/** Largest value the distribution can produce (Infinity when unbounded). */
export function maxOf(d: Distribution): number {
  switch (d.distribution) {
    case 'fixed':
      return d.value;
    case 'uniform':
      return d.max;
    case 'empirical':
      return Math.max(...d.values);
    case 'lognormal':
      return d.max ?? Infinity;
    case 'exponential':
      return Infinity;
  }
}
