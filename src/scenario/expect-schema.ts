// The `expect:` block of a scenario: what `poolsim check` verifies in CI. Thresholds on result
// metrics (for the scenario's policy, or per named policy), relations between policies ("EASY's p95
// queueing delay at least 10% below FIFO's"), and the seeds to average over. Depends only on zod,
// the seed range and the unit parser, so the scenario schema can include it (`expect: expectSchema.optional()`).
import { z } from 'zod';
import { parseQuantity, UnitError } from '../units/units.js';
import { seedSchema } from './seed.js';

/** A bound: a number, a percentage ('30%' = 0.3), or a duration with units for *_s metrics ('1h'). */
const bound = z.union([z.number(), z.string()]).transform((v, ctx) => {
  if (typeof v === 'number') return v;
  const pct = /^\s*([+-]?\d+(?:\.\d+)?)\s*%\s*$/.exec(v);
  if (pct) return Number(pct[1]) / 100;
  try {
    return parseQuantity(v, 'duration');
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: `expected a number, a percentage ('30%') or a duration ('1h'): ${e instanceof UnitError ? e.message : String(e)}` });
    return z.NEVER;
  }
});

/** A relative margin: '10%' or 0.1. */
const margin = z.union([z.number().nonnegative(), z.string().regex(/^\s*\d+(?:\.\d+)?\s*%\s*$/, "expected a percentage such as '10%'")]).transform((v) => (typeof v === 'number' ? v : Number(v.trim().slice(0, -1)) / 100));

export const thresholdSchema = z
  .strictObject({ min: bound.optional(), max: bound.optional() })
  .refine((t) => t.min !== undefined || t.max !== undefined, 'give min, max or both');

/** A result column: `queueing_delay_p95_s`, or a service's `services.<name>.ttft_p99_s` (check resolves names). */
const metricName = z.string().regex(/^[A-Za-z0-9_.+-]+$/, 'expected a metric column name such as queueing_delay_p95_s or services.chat.ttft_p99_s');

export const relationSchema = z
  .strictObject({
    metric: metricName,
    /** The policy the relation is about. */
    policy: z.string().min(1),
    /** Its mean must be below this policy's mean by at least `at_least`... */
    below: z.string().min(1).optional(),
    /** ...or above it by at least `at_least`. */
    above: z.string().min(1).optional(),
    at_least: margin.default(0),
  })
  .refine((r) => (r.below === undefined) !== (r.above === undefined), 'give exactly one of `below: <policy>` or `above: <policy>`');

export const expectSchema = z.strictObject({
  /** Replications averaged over: seeds seed_base .. seed_base + seeds - 1. */
  seeds: z.number().int().positive().default(1),
  seed_base: seedSchema.default(1),
  /** Thresholds on the scenario's own policy's mean metrics. */
  metrics: z.record(metricName, thresholdSchema).default({}),
  /** Thresholds for other policies, run on the same seeds: `{ easy-backfill: { utilisation: { min: 0.7 } } }`. */
  policies: z.record(z.string().min(1), z.record(metricName, thresholdSchema)).default({}),
  relations: z.array(relationSchema).default([]),
});

export type Expectations = z.output<typeof expectSchema>;
export type Relation = z.output<typeof relationSchema>;
export type Threshold = z.output<typeof thresholdSchema>;
