// Distributions in scenario files (fixed, exponential, lognormal, uniform, empirical) for sizes,
// durations and counts, and their sampling from a seeded stream.
import { z } from 'zod';
import type { RandomStream } from '../engine/random.js';
import { boundedNumber } from './quantity.js';
import { lowerNormalTail, upperNormalTail } from '../engine/normal.js';

/**
 * A distribution of values parsed by `value` (a unit-aware quantity or a plain number). Accepts a
 * bare value as shorthand for `fixed`. `drawn`, when given, parses the values drawn as they are
 * written (a fixed value, an empirical one's values): whole numbers of a quantity whose draws are
 * rounded, while a mean or a median may be any number.
 */
export function distributionSchema<T extends z.ZodType<number, unknown>>(value: T, drawn: z.ZodType<number, unknown> = value) {
  const full = z.discriminatedUnion('distribution', [
    z.strictObject({ distribution: z.literal('fixed'), value: drawn }),
    z.strictObject({ distribution: z.literal('exponential'), mean: value }),
    z.strictObject({
      distribution: z.literal('lognormal'),
      /** Median of the distribution (= exp(mu)). */
      median: value,
      /** Standard deviation of the underlying normal, at most 10 (values then already span 40 orders of magnitude). */
      sigma: boundedNumber(0, 10),
      min: value.optional(),
      max: value.optional(),
    }),
    z.strictObject({ distribution: z.literal('uniform'), min: value, max: value }),
    z.strictObject({
      distribution: z.literal('empirical'),
      values: z.array(drawn).min(1),
      /** Relative weights, one per value (finite, >= 0, not all zero); equal weights when absent. */
      weights: z.array(z.number().nonnegative()).optional(),
    }),
  ]).superRefine((parsed, ctx) => {
    const d = parsed as Distribution;
    // Problems a single field's type cannot see: fields that must agree with each other.
    if (d.distribution === 'empirical' && d.weights !== undefined) {
      if (d.weights.length !== d.values.length) {
        ctx.addIssue({ code: 'custom', path: ['weights'], message: `expected one weight per value: ${d.values.length} value(s), ${d.weights.length} weight(s)` });
      } else if (!d.weights.some((w) => w > 0)) {
        ctx.addIssue({ code: 'custom', path: ['weights'], message: 'every weight is zero: at least one value needs a positive weight' });
      } else if (!Number.isFinite(d.weights.reduce((a, b) => a + b, 0))) {
        ctx.addIssue({ code: 'custom', path: ['weights'], message: 'the weights add up beyond the largest number poolsim can hold: scale them down' });
      }
    }
    if ((d.distribution === 'uniform' || d.distribution === 'lognormal') && d.min !== undefined && d.max !== undefined && d.min > d.max) {
      ctx.addIssue({ code: 'custom', path: ['min'], message: `min (${d.min}) is above max (${d.max})` });
    }
  });
  return z.union([drawn.transform((v) => ({ distribution: 'fixed' as const, value: v })), full]);
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

/** Mean of the distribution as `sample` draws it (a lognormal clamped at its min and max, as drawn). */
export function meanOf(d: Distribution): number {
  switch (d.distribution) {
    case 'fixed':
      return d.value;
    case 'exponential':
      return d.mean;
    case 'lognormal':
      return clampedLognormalMean(d.median, d.sigma, d.min, d.max);
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

/**
 * E[min(max(X, lo), hi)] for X lognormal with median m and log-sd s: the clamped draws at lo and hi
 * plus the body, E[X; lo <= X <= hi] = m e^(s^2/2) (Phi(zhi - s) - Phi(zlo - s)) with
 * z = ln(x/m)/s. Without the clamp a wide lognormal's mean runs far beyond anything drawn
 * (median 45 min, s = 9, max 2 d: 3e13 years unclamped, under 2 days as drawn).
 */
export function clampedLognormalMean(median: number, sigma: number, min?: number, max?: number): number {
  const lo = min ?? 0;
  const hi = max ?? Infinity;
  if (!(sigma > 0) || lo >= hi) return Math.min(Math.max(median, lo), hi);
  const zLo = lo > 0 ? Math.log(lo / median) / sigma : -Infinity;
  const zHi = hi < Infinity ? Math.log(hi / median) / sigma : Infinity;
  // The body's probability under the tilted normal, from whichever tails keep its precision.
  const a = zLo - sigma;
  const b = zHi - sigma;
  const body = a >= 0 ? upperNormalTail(a) - upperNormalTail(b) : lowerNormalTail(b) - lowerNormalTail(a);
  const below = lo > 0 ? lo * lowerNormalTail(zLo) : 0;
  const above = hi < Infinity ? hi * upperNormalTail(zHi) : 0;
  return below + above + median * Math.exp((sigma * sigma) / 2) * Math.max(0, body);
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

/** Smallest value the distribution can produce (0 when it reaches down to zero). */
export function minOf(d: Distribution): number {
  switch (d.distribution) {
    case 'fixed':
      return d.value;
    case 'uniform':
      return d.min;
    case 'empirical':
      return Math.min(...d.values);
    case 'lognormal':
      return d.min ?? 0;
    case 'exponential':
      return 0;
  }
}
