// zod types for quantities with units: they accept '5us' or a bare SI number and output SI numbers,
// so every schema field that has a unit parses it through src/units and nowhere else.
import { z } from 'zod';
import { parseQuantity, UnitError, type QuantityKind } from '../units/units.js';
import { MAX_TIME_S } from './limits.js';

export interface QuantityBounds {
  /** Refuse 0 (and then anything below `min`). */
  positive?: boolean;
  /** Inclusive bounds in SI base units; each kind has defaults (KIND_BOUNDS), these override them. */
  min?: number;
  max?: number;
}

/**
 * Physical bounds every field of a kind gets unless it says otherwise. They refuse only what no
 * real system has, and keep every product the simulator forms (power x time x price, devices x peak
 * x time, bytes / bandwidth) finite:
 * - duration: at most MAX_TIME_S (1e10 s, about 317 years), the longest span simulated; a field
 *   where a longer time means "never" (an MTBF) lifts it;
 * - rate: a positive rate is at least 1 bit/s;
 * - flops: a positive peak is at least 1 FLOP/s and at most 1e21 FLOP/s (1 ZFLOP/s: a thousand
 *   times a 2025 rack-scale system);
 * - power: at most 10 MW (per device or node: a whole rack draws about 0.1 MW);
 * - size: at most 1e24 bytes (1 YB);
 * - count: at most 1e18 (parameters, tokens, batch sizes: five orders beyond today's largest runs).
 */
const KIND_BOUNDS: Partial<Record<QuantityKind, { min?: number; max?: number }>> = {
  duration: { max: MAX_TIME_S },
  rate: { min: 1 / 8 },
  flops: { min: 1, max: 1e21 },
  power: { max: 1e7 },
  size: { max: 1e24 },
  count: { max: 1e18 },
};

const UNIT_OF: Record<QuantityKind, string> = {
  duration: 's',
  size: 'B',
  rate: 'B/s',
  flops: 'FLOP/s',
  flop: 'FLOP',
  power: 'W',
  energy: 'J',
  count: '',
  frequency: '/s',
};

function quantity(kind: QuantityKind, opts: QuantityBounds = {}) {
  const min = opts.min ?? (opts.positive ? KIND_BOUNDS[kind]?.min : undefined);
  const max = opts.max ?? KIND_BOUNDS[kind]?.max;
  const show = (x: number): string => `${x.toPrecision(3).replace(/\.?0+(e|$)/, '$1')}${UNIT_OF[kind] ? ` ${UNIT_OF[kind]}` : ''}`;
  // The kind travels into the JSON Schema (`x-quantity`), where the scenario reference reads it.
  return z.union([z.string(), z.number()]).meta({ 'x-quantity': kind }).transform((v, ctx) => {
    try {
      const x = parseQuantity(v, kind);
      if (opts.positive && !(x > 0)) {
        ctx.addIssue({ code: 'custom', message: `expected a positive ${kind}, got '${v}'` });
        return z.NEVER;
      }
      if ((min !== undefined && x < min) || (max !== undefined && x > max)) {
        const range = min !== undefined && max !== undefined ? `between ${show(min)} and ${show(max)}` : min !== undefined ? `at least ${show(min)}` : `at most ${show(max!)}`;
        ctx.addIssue({ code: 'custom', message: `expected a ${kind} ${range}, got '${v}' (${show(x)})` });
        return z.NEVER;
      }
      return x;
    } catch (e) {
      ctx.addIssue({ code: 'custom', message: e instanceof UnitError ? e.message : String(e) });
      return z.NEVER;
    }
  });
}

/** Seconds (at most MAX_TIME_S unless `max` says otherwise). */
export const duration = (opts?: QuantityBounds) => quantity('duration', opts);
/**
 * Seconds between recurring things (arrivals, failures, checkpoints, autoscaler looks, repairs) or
 * a limit on a latency (SLOs), where a longer time means rarer, or beyond the run "never": only
 * finite, not bounded by MAX_TIME_S.
 */
export const interval = (opts?: QuantityBounds) => quantity('duration', { ...opts, max: Number.MAX_VALUE });
/** Bytes. */
export const size = (opts?: QuantityBounds) => quantity('size', opts);
/** Bytes per second. */
export const rate = (opts?: QuantityBounds) => quantity('rate', opts);
/** FLOP per second. */
export const flops = (opts?: QuantityBounds) => quantity('flops', opts);
/** FLOP. */
export const flop = (opts?: QuantityBounds) => quantity('flop', opts);
/** Watts. */
export const power = (opts?: QuantityBounds) => quantity('power', opts);
/** A plain count, optionally with k/M/B/T suffix (parameters, tokens). */
export const count = (opts?: QuantityBounds) => quantity('count', opts);
/** Events per second, written '10/h'. */
export const frequency = (opts?: QuantityBounds) => quantity('frequency', opts);

/**
 * A plain number in a documented range: the message names the whole range ('expected a value in
 * [1, 10]'), not only the side that was crossed. `above` makes the lower bound exclusive.
 */
export function boundedNumber(min: number, max: number, opts: { above?: boolean } = {}) {
  const message = `expected a value in ${opts.above ? '(' : '['}${min}, ${max}]`;
  return (opts.above ? z.number().gt(min, { message }) : z.number().gte(min, { message })).lte(max, { message });
}

/**
 * A list of names in which each appears once: a name listed twice is nearly always a slip for
 * another (`[east, east]` for `[east, west]`), so it is refused at its item rather than read as a
 * set. `key` says when two spellings name the same thing (device kinds ignore case).
 */
export function distinctList<T extends z.ZodType<string, unknown>>(item: T, key: (name: string) => string = (n) => n) {
  return z
    .array(item)
    .min(1)
    .superRefine((names, ctx) => {
      const first = new Map<string, number>();
      names.forEach((n, i) => {
        const k = key(n);
        const at = first.get(k);
        if (at === undefined) first.set(k, i);
        else ctx.addIssue({ code: 'custom', path: [i], message: `'${n}' is listed twice (items ${at} and ${i}): list each once` });
      });
    });
}
