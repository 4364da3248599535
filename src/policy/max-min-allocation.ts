// Gavel's heterogeneity-aware max-min fairness as a linear program (Narayanan et al., OSDI 2020,
// §4.1): an allocation X gives each job j a fraction of time X[j][k] on each device kind k; its
// effective throughput is sum_k T[j][k] X[j][k]. Each job's throughput is normalised by what it
// would get on an equal share of the pool (X_equal: 1/n of every kind's devices, time-sliced for
// its gang), divided by its weight, and the LP maximises the smallest normalised throughput:
//
//   maximise t  s.t.  t <= sum_k T[j][k] X[j][k] / (w_j throughput(j, X_equal))   for every job j
//                     sum_k X[j][k] <= 1                                          for every job j
//                     sum_j scale_j X[j][k] <= devices_k                          for every kind k
//                     X >= 0, and X[j][k] = 0 where j cannot run on k
//
// Jobs with equal rows (same scale, weight and throughputs up to a factor) are one class: by the
// symmetry of the problem some optimum gives them equal allocations, so the LP has a variable per
// class and kind, not per job. A max-min optimum is rarely unique (jobs above the minimum may take
// any leftover); a second LP keeps the minimum and maximises the sum of normalised throughputs, so
// leftover capacity goes where it is worth most and the answer does not depend on pivoting order.
// The heterogeneity-agnostic counterpart (Gavel's LAS, max-min over device time) is the same LP with
// T = 1 on every kind a job can use: the throughput matrix is ignored, device counts are not.
import { solveLp, type LinearConstraint } from './simplex.js';

/** Jobs that are alike for the LP. */
export interface AllocationClass {
  /** Jobs in the class. */
  readonly count: number;
  /** Devices each job holds while it runs (Gavel's scale factor). */
  readonly scale: number;
  /** Fairness weight (1 = equal); a job with weight 2 is entitled to twice the normalised throughput. */
  readonly weight: number;
  /** Throughput of one job on each kind (any unit, same for all kinds of a row); 0 where it cannot run. */
  readonly throughput: readonly number[];
}

export interface MaxMinAllocation {
  /** Per class, per kind: the time fraction of each job of the class. */
  readonly share: number[][];
  /** The smallest normalised, weighted throughput over the jobs (the LP's optimum). */
  readonly minimum: number;
  /** Per class: its throughput on the equal share, the normaliser. */
  readonly equalThroughput: number[];
}

/** Whether jobs of class `c` can use kind `k`: a positive throughput and enough devices for the gang. */
export function usable(c: AllocationClass, k: number, devices: readonly number[]): boolean {
  return (c.throughput[k] ?? 0) > 0 && devices[k]! >= c.scale;
}

/**
 * The equal-share allocation: each of the n jobs holds 1/n of every kind's devices, so a gang of
 * `scale` devices runs on kind k a fraction devices_k / (n scale) of the time, scaled down together
 * when the fractions would add to more than 1. Feasible by construction; kinds the class cannot use
 * are left out.
 */
export function equalShare(classes: readonly AllocationClass[], devices: readonly number[]): number[][] {
  const n = classes.reduce((s, c) => s + c.count, 0);
  return classes.map((c) => {
    const x = devices.map((d, k) => (usable(c, k, devices) ? d / (n * c.scale) : 0));
    const sum = x.reduce((a, b) => a + b, 0);
    return sum > 1 ? x.map((v) => v / sum) : x;
  });
}

/** Effective throughput of one job of `c` under its time fractions `x`. */
export function effectiveThroughput(c: AllocationClass, x: readonly number[]): number {
  let s = 0;
  for (let k = 0; k < x.length; k++) s += (c.throughput[k] ?? 0) * x[k]!;
  return s;
}

/** The smallest normalised, weighted throughput of allocation `share` (the LP's objective at it). */
export function minimumNormalised(classes: readonly AllocationClass[], share: readonly (readonly number[])[], equalThroughput: readonly number[]): number {
  let min = Infinity;
  classes.forEach((c, i) => {
    if (c.count > 0 && equalThroughput[i]! > 0) min = Math.min(min, effectiveThroughput(c, share[i]!) / (c.weight * equalThroughput[i]!));
  });
  return min;
}

/**
 * Solve the max-min LP for `classes` on a pool of `devices[k]` devices per kind. Classes that can
 * use no kind get no time and are left out of the minimum.
 */
export function maxMinAllocation(classes: readonly AllocationClass[], devices: readonly number[]): MaxMinAllocation {
  const kinds = devices.length;
  const equal = equalShare(classes, devices);
  const equalThroughput = classes.map((c, i) => effectiveThroughput(c, equal[i]!));
  const share = classes.map(() => new Array<number>(kinds).fill(0));
  // Variables: one per (live class, usable kind), then t.
  const live = classes.map((_, i) => i).filter((i) => classes[i]!.count > 0 && equalThroughput[i]! > 0);
  if (live.length === 0) return { share, minimum: 0, equalThroughput };
  const vars: { cls: number; kind: number }[] = [];
  for (const i of live) for (let k = 0; k < kinds; k++) if (usable(classes[i]!, k, devices)) vars.push({ cls: i, kind: k });
  const tVar = vars.length;
  const width = vars.length + 1;
  // Normalised coefficient of each variable: throughput / (weight x equal-share throughput).
  const coef = vars.map((v) => classes[v.cls]!.throughput[v.kind]! / (classes[v.cls]!.weight * equalThroughput[v.cls]!));
  const row = (): number[] => new Array<number>(width).fill(0);
  const base: LinearConstraint[] = [];
  for (const i of live) {
    const time = row();
    vars.forEach((v, j) => {
      if (v.cls === i) time[j] = 1;
    });
    base.push({ coefficients: time, relation: '<=', rhs: 1 });
  }
  for (let k = 0; k < kinds; k++) {
    const cap = row();
    let any = false;
    vars.forEach((v, j) => {
      if (v.kind === k) {
        cap[j] = classes[v.cls]!.count * classes[v.cls]!.scale;
        any = true;
      }
    });
    if (any) base.push({ coefficients: cap, relation: '<=', rhs: devices[k]! });
  }
  const normalised = (i: number): number[] => {
    const r = row();
    vars.forEach((v, j) => {
      if (v.cls === i) r[j] = coef[j]!;
    });
    return r;
  };
  // Stage 1: the largest minimum t.
  const minRows: LinearConstraint[] = live.map((i) => {
    const r = normalised(i).map((v) => -v);
    r[tVar] = 1;
    return { coefficients: r, relation: '<=', rhs: 0 };
  });
  const objective1 = row();
  objective1[tVar] = 1;
  const first = solveLp({ objective: objective1, constraints: [...minRows, ...base] });
  if (first.status !== 'optimal') throw new Error(`max-min allocation LP is ${first.status} (a bug: X = 0 is always feasible and t is bounded)`);
  const minimum = first.x[tVar]!;
  // Stage 2: keep every job at the minimum (less a hair for rounding), maximise the jobs' sum.
  const floor = minimum * (1 - 1e-12);
  const keep: LinearConstraint[] = live.map((i) => ({ coefficients: normalised(i), relation: '>=', rhs: floor }));
  const objective2 = row();
  for (const i of live) normalised(i).forEach((v, j) => (objective2[j]! += classes[i]!.count * v));
  const second = solveLp({ objective: objective2, constraints: [...keep, ...base] });
  const x = second.status === 'optimal' ? second.x : first.x;
  vars.forEach((v, j) => {
    share[v.cls]![v.kind] = Math.min(1, Math.max(0, x[j]!));
  });
  return { share, minimum: minimumNormalised(classes, share, equalThroughput), equalThroughput };
}
