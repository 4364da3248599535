// Statistics over replications (seeds): mean, sample standard deviation, and the 95% confidence
// interval of the mean: Student's t (replications are few: 3 to 30 seeds, so the normal
// approximation would understate it), intersected with the range the metric's values lie in.
// The mean of a non-negative metric is non-negative, so cutting the interval at 0 never removes
// the true mean and keeps the t interval's coverage; it only stops it claiming impossible values.

export interface MeanCi {
  n: number;
  mean: number;
  /** Sample standard deviation (n - 1); NaN for one replication. */
  std: number;
  ci95Low: number;
  ci95High: number;
}

/** Two-sided 97.5% quantiles of Student's t for 1..30 degrees of freedom. */
const T975 = [
  12.7062, 4.3027, 3.1824, 2.7764, 2.5706, 2.4469, 2.3646, 2.306, 2.2622, 2.2281, 2.201, 2.1788, 2.1604, 2.1448, 2.1314, 2.1199, 2.1098, 2.1009,
  2.093, 2.086, 2.0796, 2.0739, 2.0687, 2.0639, 2.0595, 2.0555, 2.0518, 2.0484, 2.0452, 2.0423,
];

/** t_{0.975, df}: the table to 30, then the Cornish-Fisher expansion around the normal quantile (error < 1e-4). */
export function tQuantile975(df: number): number {
  if (df < 1) return Number.NaN;
  if (df <= 30) return T975[Math.round(df) - 1]!;
  const z = 1.959963984540054;
  const z3 = z ** 3;
  const z5 = z ** 5;
  const z7 = z ** 7;
  return z + (z3 + z) / (4 * df) + (5 * z5 + 16 * z3 + 3 * z) / (96 * df ** 2) + (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * df ** 3);
}

/**
 * Mean and confidence interval of the finite values (NaN cells, metrics a run did not produce, are
 * left out). `bounds`: the closed range the values lie in (metric-table.ts); unbounded by default.
 */
export function meanCi(values: readonly number[], bounds: { min: number; max: number } = { min: -Infinity, max: Infinity }): MeanCi {
  const xs = values.filter((v) => Number.isFinite(v));
  const n = xs.length;
  if (n === 0) return { n, mean: Number.NaN, std: Number.NaN, ci95Low: Number.NaN, ci95High: Number.NaN };
  let sum = 0;
  for (const x of xs) sum += x;
  const mean = sum / n;
  if (n === 1) return { n, mean, std: Number.NaN, ci95Low: Number.NaN, ci95High: Number.NaN };
  let ss = 0;
  for (const x of xs) ss += (x - mean) ** 2;
  const std = Math.sqrt(ss / (n - 1));
  const half = (tQuantile975(n - 1) * std) / Math.sqrt(n);
  return { n, mean, std, ci95Low: Math.max(bounds.min, mean - half), ci95High: Math.min(bounds.max, mean + half) };
}
