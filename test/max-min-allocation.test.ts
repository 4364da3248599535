// The simplex (src/policy/simplex.ts) on textbook programs, and Gavel's max-min LP
// (src/policy/max-min-allocation.ts) on cases solved by hand and by property: every allocation is
// feasible and no feasible allocation (the equal share, random ones) has a larger minimum.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { equalShare, maxMinAllocation, minimumNormalised, usable, type AllocationClass } from '../src/policy/max-min-allocation.js';
import { solveLp } from '../src/policy/simplex.js';

describe('simplex', () => {
  it('solves textbook programs: optimum, infeasible, unbounded, >= and = rows, degenerate rows', () => {
    // Hillier & Lieberman's Wyndor Glass: max 3x + 5y, x <= 4, 2y <= 12, 3x + 2y <= 18 -> (2, 6), 36.
    const w = solveLp({ objective: [3, 5], constraints: [
      { coefficients: [1, 0], relation: '<=', rhs: 4 },
      { coefficients: [0, 2], relation: '<=', rhs: 12 },
      { coefficients: [3, 2], relation: '<=', rhs: 18 },
    ] });
    expect(w.status).toBe('optimal');
    if (w.status === 'optimal') {
      expect(w.x[0]).toBeCloseTo(2, 12);
      expect(w.x[1]).toBeCloseTo(6, 12);
      expect(w.value).toBeCloseTo(36, 12);
    }
    // Minimise x + y (max -x - y) with x + 2y >= 4, 3x + y >= 6 -> (1.6, 1.2), 2.8; and x = y forces (1.5, 1.5).
    const d = solveLp({ objective: [-1, -1], constraints: [
      { coefficients: [1, 2], relation: '>=', rhs: 4 },
      { coefficients: [3, 1], relation: '>=', rhs: 6 },
    ] });
    expect(d.status === 'optimal' && [d.x[0], d.x[1], -d.value]).toEqual([expect.closeTo(1.6, 12), expect.closeTo(1.2, 12), expect.closeTo(2.8, 12)]);
    const e = solveLp({ objective: [-1, -1], constraints: [
      { coefficients: [1, 2], relation: '>=', rhs: 4 },
      { coefficients: [3, 1], relation: '>=', rhs: 6 },
      { coefficients: [1, -1], relation: '=', rhs: 0 },
    ] });
    expect(e.status === 'optimal' && [e.x[0], e.x[1]]).toEqual([expect.closeTo(1.5, 12), expect.closeTo(1.5, 12)]);
    // A negative right-hand side is the same row flipped: -x <= -3 is x >= 3.
    const f = solveLp({ objective: [-1], constraints: [{ coefficients: [-1], relation: '<=', rhs: -3 }] });
    expect(f.status === 'optimal' && f.x[0]).toBeCloseTo(3, 12);
    expect(solveLp({ objective: [1], constraints: [{ coefficients: [1], relation: '>=', rhs: 2 }, { coefficients: [1], relation: '<=', rhs: 1 }] }).status).toBe('infeasible');
    expect(solveLp({ objective: [1, 0], constraints: [{ coefficients: [-1, 1], relation: '<=', rhs: 1 }] }).status).toBe('unbounded');
    // Beale's cycling example (Dantzig's rule cycles on it without an anti-cycling rule): max 3/4 x4 - 20 x5 + 1/2 x6 - 6 x7.
    const b = solveLp({ objective: [0.75, -20, 0.5, -6], constraints: [
      { coefficients: [0.25, -8, -1, 9], relation: '<=', rhs: 0 },
      { coefficients: [0.5, -12, -0.5, 3], relation: '<=', rhs: 0 },
      { coefficients: [0, 0, 1, 0], relation: '<=', rhs: 1 },
    ] });
    expect(b.status === 'optimal' && b.value).toBeCloseTo(1.25, 12);
  });
});

const close = (a: number, b: number, eps = 1e-7): boolean => Math.abs(a - b) <= eps * Math.max(1, Math.abs(b));

describe("Gavel's max-min LP", () => {
  it('by hand: one V100 and one K80, job A 3x faster on the V100, jobs B and C equally fast on both', () => {
    // n = 3: the equal share is 1/3 of each GPU: A's equal throughput (3 + 1)/3, B's and C's 2/3.
    // With A on the V100 for a fraction a (A gains 3x there, B and C gain nothing), B and C share the
    // rest: b = 1 - a/2 each. Normalised: A 9a/4, B 3(1 - a/2)/2; equal at a = 1/2: minimum 9/8.
    const classes: AllocationClass[] = [
      { count: 1, scale: 1, weight: 1, throughput: [3, 1] },
      { count: 2, scale: 1, weight: 1, throughput: [1, 1] },
    ];
    const r = maxMinAllocation(classes, [1, 1]);
    expect(r.minimum).toBeCloseTo(9 / 8, 9);
    expect(r.equalThroughput[0]).toBeCloseTo(4 / 3, 12);
    expect(r.share[0]![0]).toBeCloseTo(0.5, 9);
    expect(r.share[0]![1]).toBeCloseTo(0, 9);
    expect(r.share[1]![0]).toBeCloseTo(0.25, 9);
    expect(r.share[1]![1]).toBeCloseTo(0.5, 9);
    // The agnostic LP (T = 1 where a job can run): equal time, 2/3 each, minimum 1.
    const agnostic = maxMinAllocation(classes.map((c) => ({ ...c, throughput: [1, 1] })), [1, 1]);
    expect(agnostic.minimum).toBeCloseTo(1, 9);
    for (const s of agnostic.share) expect(s[0]! + s[1]!).toBeCloseTo(2 / 3, 9);
  });

  it('by hand: weights split time in proportion; a gang too wide for a kind gets none of it', () => {
    // Two jobs, one GPU, weights 1 and 3: x1 / (1 x 1/2) = x2 / (3 x 1/2), x1 + x2 = 1.
    const w = maxMinAllocation([{ count: 1, scale: 1, weight: 1, throughput: [1] }, { count: 1, scale: 1, weight: 3, throughput: [1] }], [1]);
    expect(w.share[0]![0]).toBeCloseTo(0.25, 9);
    expect(w.share[1]![0]).toBeCloseTo(0.75, 9);
    expect(w.minimum).toBeCloseTo(0.5, 9);
    // 4 V100s and 2 K80s; a 4-GPU gang G (can use only the V100s) and a 1-GPU job J, both 2x
    // faster on a V100. Equal share (n = 2): G may hold 4/2 V100s, i.e. run half the time
    // (throughput 2 x 1/2 = 1); J 4/2 V100s and 2/2 K80s, fractions 2 and 1 capped to a total of 1:
    // 2/3 and 1/3 (throughput 5/3). LP: G normalised 2g; J (2v + k) / (5/3) with v + k <= 1, at
    // most 1.2 (v = 1); the V100s hold 4g + v <= 4, so g = 3/4 leaves G at 1.5. Minimum 1.2.
    const g = maxMinAllocation([{ count: 1, scale: 4, weight: 1, throughput: [2, 1] }, { count: 1, scale: 1, weight: 1, throughput: [2, 1] }], [4, 2]);
    expect(usable({ count: 1, scale: 4, weight: 1, throughput: [2, 1] }, 1, [4, 2])).toBe(false);
    expect(g.equalThroughput[0]).toBeCloseTo(1, 12);
    expect(g.equalThroughput[1]).toBeCloseTo(2 * (2 / 3) + 1 / 3, 12);
    expect(g.share[0]![1]).toBe(0);
    expect(g.minimum).toBeCloseTo(1.2, 9);
    expect(g.share[1]![0]).toBeCloseTo(1, 9);
    expect(g.share[0]![0]).toBeCloseTo(0.75, 9);
  });

  const classArb = fc.record({
    count: fc.integer({ min: 1, max: 4 }),
    scale: fc.constantFrom(1, 2, 4),
    weight: fc.constantFrom(1, 1, 2, 0.5),
    throughput: fc.array(fc.oneof(fc.constant(0), fc.double({ min: 0.05, max: 20, noNaN: true })), { minLength: 3, maxLength: 3 }),
  });
  const caseArb = fc.record({
    classes: fc.array(classArb, { minLength: 1, maxLength: 6 }),
    devices: fc.array(fc.integer({ min: 0, max: 12 }), { minLength: 3, maxLength: 3 }),
    random: fc.array(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 3, maxLength: 3 }), { minLength: 6, maxLength: 6 }),
  });

  /** Scale a random allocation down until it is feasible (each job <= 1, each kind <= its devices). */
  const feasible = (classes: readonly AllocationClass[], devices: readonly number[], raw: readonly (readonly number[])[]): number[][] => {
    const x = classes.map((c, i) => raw[i]!.map((v, k) => (usable(c, k, devices) ? v : 0)));
    for (const row of x) {
      const s = row.reduce((a, b) => a + b, 0);
      if (s > 1) row.forEach((v, k) => (row[k] = v / s));
    }
    devices.forEach((d, k) => {
      const load = classes.reduce((s, c, i) => s + c.count * c.scale * x[i]![k]!, 0);
      if (load > d) for (const row of x) row[k] = (row[k]! * d) / load;
    });
    return x;
  };

  it('property: feasible, and no feasible allocation (equal share, random) has a larger minimum', () => {
    fc.assert(
      fc.property(caseArb, ({ classes, devices, random }) => {
        const r = maxMinAllocation(classes, devices);
        // Feasible: time fractions in [0, 1] summing to at most 1; no kind over its devices; none where unusable.
        classes.forEach((c, i) => {
          const row = r.share[i]!;
          expect(row.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(1 + 1e-9);
          row.forEach((v, k) => {
            expect(v).toBeGreaterThanOrEqual(0);
            if (!usable(c, k, devices)) expect(v).toBe(0);
          });
        });
        devices.forEach((d, k) => expect(classes.reduce((s, c, i) => s + c.count * c.scale * r.share[i]![k]!, 0)).toBeLessThanOrEqual(d * (1 + 1e-9) + 1e-12));
        if (!classes.some((_, i) => r.equalThroughput[i]! > 0)) return;
        // The equal share gives every job 1 / weight; the optimum is at least that.
        const eq = minimumNormalised(classes, equalShare(classes, devices), r.equalThroughput);
        expect(eq).toBeGreaterThan(0);
        expect(r.minimum).toBeGreaterThanOrEqual(eq * (1 - 1e-7));
        const other = minimumNormalised(classes, feasible(classes, devices, random), r.equalThroughput);
        expect(r.minimum).toBeGreaterThanOrEqual(other * (1 - 1e-7));
        // And a mix of the optimum with a random feasible allocation is no better (the LP's optimum is global).
        const mixed = r.share.map((row, i) => row.map((v, k) => 0.5 * v + 0.5 * feasible(classes, devices, random)[i]![k]!));
        expect(close(r.minimum, Math.max(r.minimum, minimumNormalised(classes, mixed, r.equalThroughput)), 1e-7)).toBe(true);
      }),
      { numRuns: 400, seed: 15 },
    );
  });
});
