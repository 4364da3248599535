// A lognormal draw given a `min` or `max` on the wrong side of its median: most draws are then cut
// to that bound, so what the run samples is mostly one value, and neither the median nor the
// sigma the scenario states describes it (median 45min with max 1s: every job runs 1 s). Legal,
// so warned rather than refused, with the share of draws the bound takes.
import type { Distribution } from '../scenario/distribution.js';
import { lowerNormalTail, upperNormalTail } from '../engine/normal.js';
import type { PathKey } from '../scenario/errors.js';

/** The share of draws a lognormal's min (below) and max (above) take, as `sample` clamps them. */
export function clampedShares(d: Distribution): { belowMin: number; aboveMax: number } {
  if (d.distribution !== 'lognormal') return { belowMin: 0, aboveMax: 0 };
  const z = (x: number): number => Math.log(x / d.median) / d.sigma;
  const belowMin = d.min === undefined ? 0 : d.sigma > 0 ? lowerNormalTail(z(d.min)) : d.median < d.min ? 1 : 0;
  const aboveMax = d.max === undefined ? 0 : d.sigma > 0 ? upperNormalTail(z(d.max)) : d.median > d.max ? 1 : 0;
  return { belowMin, aboveMax };
}

const percent = (share: number): string => (share >= 0.995 ? '>99%' : `${Number((100 * share).toPrecision(2))}%`);

/** Warn at a lognormal's `min` or `max` when it takes half the draws or more (it sits at or across the median). */
export function warnClampDominance(
  d: Distribution | undefined,
  at: readonly PathKey[],
  warn: (path: readonly PathKey[], message: string) => void,
  show: (value: number) => string = String,
): void {
  if (d === undefined || d.distribution !== 'lognormal') return;
  const { belowMin, aboveMax } = clampedShares(d);
  if (d.min !== undefined && belowMin >= 0.5) {
    warn([...at, 'min'], `min ${show(d.min)} is not below the median ${show(d.median)}: ${percent(belowMin)} of the draws are raised to it, so the values drawn are mostly ${show(d.min)}, not a lognormal of that median`);
  }
  if (d.max !== undefined && aboveMax >= 0.5) {
    warn([...at, 'max'], `max ${show(d.max)} is not above the median ${show(d.median)}: ${percent(aboveMax)} of the draws are cut to it, so the values drawn are mostly ${show(d.max)}, not a lognormal of that median`);
  }
}
