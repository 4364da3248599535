// zod types for quantities with units: they accept '5us' or a bare SI number and output SI numbers,
// so every schema field that has a unit parses it through src/units and nowhere else.
import { z } from 'zod';
import { parseQuantity, UnitError, type QuantityKind } from '../units/units.js';

function quantity(kind: QuantityKind, opts: { positive?: boolean } = {}) {
  return z.union([z.string(), z.number()]).transform((v, ctx) => {
    try {
      const x = parseQuantity(v, kind);
      if (opts.positive && !(x > 0)) {
        ctx.addIssue({ code: 'custom', message: `expected a positive ${kind}, got '${v}'` });
        return z.NEVER;
      }
      return x;
    } catch (e) {
      ctx.addIssue({ code: 'custom', message: e instanceof UnitError ? e.message : String(e) });
      return z.NEVER;
    }
  });
}

/** Seconds. */
export const duration = (opts?: { positive?: boolean }) => quantity('duration', opts);
/** Bytes. */
export const size = (opts?: { positive?: boolean }) => quantity('size', opts);
/** Bytes per second. */
export const rate = (opts?: { positive?: boolean }) => quantity('rate', opts);
/** FLOP per second. */
export const flops = (opts?: { positive?: boolean }) => quantity('flops', opts);
/** FLOP. */
export const flop = (opts?: { positive?: boolean }) => quantity('flop', opts);
/** Watts. */
export const power = (opts?: { positive?: boolean }) => quantity('power', opts);
/** A plain count, optionally with k/M/B/T suffix (parameters, tokens). */
export const count = (opts?: { positive?: boolean }) => quantity('count', opts);
/** Events per second, written '10/h'. */
export const frequency = (opts?: { positive?: boolean }) => quantity('frequency', opts);
