// The share of a generator's draws of a whole-number size (devices) that land above a bound, as
// the generator makes them: the draw rounded to the nearest whole number, at least 1
// (sim/simulation.ts). Exact for fixed, empirical and uniform sizes; from the closed-form tail for
// exponential and lognormal ones (truncated at their min and max as the sampler clamps them).
import type { Distribution } from '../scenario/distribution.js';
import { upperNormalTail } from '../engine/normal.js';

/** P(max(1, round(X)) > bound) for a whole-number bound >= 1. */
export function shareAbove(d: Distribution, bound: number): number {
  // round(x) > bound  <=>  x >= bound + 0.5 (Math.round takes .5 up); the floor of 1 cannot exceed a bound >= 1.
  const c = bound + 0.5;
  switch (d.distribution) {
    case 'fixed':
      return d.value >= c ? 1 : 0;
    case 'empirical': {
      let over = 0;
      let total = 0;
      d.values.forEach((v, i) => {
        const w = d.weights?.[i] ?? 1;
        total += w;
        if (v >= c) over += w;
      });
      return total > 0 ? over / total : 0;
    }
    case 'uniform':
      if (d.max <= d.min) return d.min >= c ? 1 : 0;
      return Math.min(1, Math.max(0, (d.max - c) / (d.max - d.min)));
    case 'exponential':
      return d.mean > 0 ? Math.exp(-c / d.mean) : 0;
    case 'lognormal': {
      if (d.max !== undefined && d.max < c) return 0;
      if (d.min !== undefined && d.min >= c) return 1;
      if (d.sigma === 0) return d.median >= c ? 1 : 0;
      return upperNormalTail((Math.log(c) - Math.log(d.median)) / d.sigma);
    }
  }
}
