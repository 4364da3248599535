// Samples answers its first quantiles by selection instead of sorting: the same numbers as from
// the sorted samples (numpy's linear interpolation), whatever the values (property).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../src/model/load-scenario.js';
import { Simulation } from '../src/sim/simulation.js';
import { lastSelectionWork, Moments, Samples } from '../src/sim/stats.js';

function sortedQuantile(values: readonly number[], q: number): number {
  const v = Float64Array.from(values).sort();
  const pos = q * (v.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, v.length - 1);
  return v[lo]! + (v[hi]! - v[lo]!) * (pos - lo);
}

const value = fc.oneof(
  fc.double({ noNaN: true }),
  fc.integer({ min: -3, max: 3 }),
  fc.constantFrom(0, -0, Infinity, -Infinity, 5e-324),
);

describe('Samples', () => {
  it('gives each quantile and the max as the sorted samples do, before and after the switch to sorting (property)', () => {
    fc.assert(
      fc.property(fc.array(value, { minLength: 1, maxLength: 300 }), fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 8 }), (values, qs) => {
        const s = new Samples();
        for (const x of values) s.add(x);
        for (const q of [...qs, 0, 1, 0.5]) expect(Object.is(s.quantile(q), sortedQuantile(values, q)) || s.quantile(q) === sortedQuantile(values, q)).toBe(true);
        expect(s.max()).toBe(Math.max(...values));
      }),
      { numRuns: 3000 },
    );
  });

  it('selects in large samples nearly in order (completion times: a rising trend plus noise)', () => {
    const s = new Samples();
    const values: number[] = [];
    let t = 0;
    for (let i = 0; i < 200_000; i++) {
      t += ((i * 7919) % 613) / 1e6;
      const x = t + ((i * 104729) % 1000) / 1000;
      values.push(x);
      s.add(x);
    }
    for (const q of [0.5, 0.95, 0.99, 0.01]) expect(s.quantile(q)).toBe(sortedQuantile(values, q));
  });

  it('selects in large samples full of ties (zero waits) and keeps NaN last', () => {
    const s = new Samples();
    const values: number[] = [];
    for (let i = 0; i < 100_000; i++) {
      const x = i % 3 === 0 ? 0 : ((i * 7919) % 1000) / 7;
      values.push(x);
      s.add(x);
    }
    for (const q of [0.5, 0.95, 0.99, 0.3]) expect(s.quantile(q)).toBe(sortedQuantile(values, q));
    const n = new Samples();
    for (const x of [3, 1, Number.NaN, 2]) n.add(x);
    expect(n.max()).toBeNaN();
    expect(n.quantile(0)).toBe(1);
    expect(n.quantile(1)).toBeNaN();
  });

  it('answers as the sorted samples so far when questions come between adds (the order, NaN and max are scanned lazily; property)', () => {
    const step = fc.oneof(value.map((x) => ({ add: x })), fc.constant({ add: Number.NaN }), fc.double({ min: 0, max: 1, noNaN: true }).map((q) => ({ q })), fc.constant({ max: true }));
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 400 }), (steps) => {
        const s = new Samples();
        const values: number[] = [];
        for (const st of steps) {
          if ('add' in st) {
            s.add(st.add);
            values.push(st.add);
          } else if (values.length === 0) continue;
          else if ('q' in st) {
            const want = sortedQuantile(values, st.q);
            const got = s.quantile(st.q);
            expect(Object.is(got, want) || got === want).toBe(true);
          } else expect(s.max()).toBe(values.some((x) => Number.isNaN(x)) ? Number.NaN : Math.max(...values));
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('Moments', () => {
  it('gives the count, mean and max of Samples, the signs of zeros and NaN included (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(value, fc.constant(Number.NaN)), { maxLength: 200 }), (values) => {
        const m = new Moments();
        const s = new Samples();
        for (const x of values) {
          m.add(x);
          s.add(x);
        }
        expect(m.count).toBe(s.count);
        expect(Object.is(m.mean(), s.mean())).toBe(true);
        expect(Object.is(m.max(), s.max())).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });
  it('takes room for the samples expected at once: no array grown and copied on the way (fresh memory faults in at ~15 us a page here)', () => {
    const expected = 300_000;
    const sized = new Samples(expected);
    const plain = new Samples();
    const first = (sized as unknown as { data: Float64Array }).data;
    expect(first.length).toBe(expected);
    for (let i = 0; i < expected; i++) {
      const x = ((i * 7919) % 1009) / 7;
      sized.add(x);
      plain.add(x);
    }
    expect((sized as unknown as { data: Float64Array }).data).toBe(first);
    for (const q of [0, 0.5, 0.95, 0.99, 1]) expect(sized.quantile(q)).toBe(plain.quantile(q));
    expect(sized.mean()).toBe(plain.mean());
    expect(sized.max()).toBe(plain.max());
    // Past what was expected it grows as before, answers unchanged.
    sized.add(-1);
    plain.add(-1);
    expect(sized.count).toBe(expected + 1);
    expect(sized.quantile(0)).toBe(-1);
    expect(sized.quantile(0.5)).toBe(plain.quantile(0.5));
    // What no run needs at once is not taken: the room is capped.
    expect((new Samples(1e12) as unknown as { data: Float64Array }).data.length).toBe(1 << 21);
  });
  it("a run's queueing and JCT samples take room for its generated and listed jobs at the start", () => {
    const resolved = loadScenario(
      `name: sized
datacentres: [{ name: dc, node_groups: [{ count: 2, device: H100 }] }]
workloads:
  - generator: { count: 50000, arrival: { process: poisson, rate: 1/s }, devices: 1, duration: { distribution: fixed, value: 1s }, reference_device: H100 }
  - jobs: [{ name: one, devices: 1, duration: 1h, reference_device: H100 }]
`,
      'sized.yaml',
    );
    const metrics = (new Simulation(resolved, {}) as unknown as { metrics: { queueing: { data: Float64Array }; jct: { data: Float64Array } } }).metrics;
    expect(metrics.queueing.data.length).toBe(50_001);
    expect(metrics.jct.data.length).toBe(50_001);
  });
});

describe('Samples selection', () => {
  it('selects a later quantile only between the places earlier ones fixed (p99 after p50 partitions the upper half)', () => {
    const values: number[] = [];
    // Ties at 0.5, not at +0: zeros are counted, not stored (the test below), and would leave p50 outside the stored samples' middle.
    for (let i = 0; i < 200_000; i++) values.push(i % 3 === 0 ? 0.5 : ((i * 7919) % 100_003) / 7);
    const work = (qs: number[]): number[] => {
      const s = new Samples();
      for (const x of values) s.add(x);
      return qs.map((q) => {
        expect(s.quantile(q)).toBe(sortedQuantile(values, q));
        return lastSelectionWork();
      });
    };
    const [, p99AfterP50] = work([0.5, 0.99]);
    const [p99Alone] = work([0.99]);
    const [, , p95Between] = work([0.5, 0.99, 0.95]);
    expect(p99AfterP50).toBeLessThan(0.6 * p99Alone!);
    expect(p95Between).toBeLessThan(0.6 * p99Alone!);
  });
});

describe('Samples of +0', () => {
  it('counts +0s without storing them (69% of W1\'s queueing delays), and answers as the sorted samples with them', () => {
    const s = new Samples();
    const values: number[] = [];
    for (let i = 0; i < 30_000; i++) {
      const x = i % 10 < 7 ? 0 : i % 10 === 7 ? -0 : i % 10 === 8 ? -((i * 7919) % 1009) / 3 : (1 + ((i * 104729) % 1013)) / 7;
      values.push(x);
      s.add(x);
    }
    // Stored: the -0s, the negatives and the positives, not the 21,000 +0s.
    expect((s as unknown as { n: number }).n).toBe(9_000);
    expect(s.count).toBe(30_000);
    for (const q of [0, 0.05, 0.1, 0.1 + 1e-9, 0.2, 0.5, 0.8, 0.9, 0.95, 0.99, 1]) {
      const got = s.quantile(q);
      const want = sortedQuantile(values, q);
      expect(Object.is(got, want) || got === want).toBe(true);
    }
    expect(Object.is(s.max(), Math.max(...values))).toBe(true);
    // Only +0 and -0: the max is +0, a quantile 0 whatever the sign.
    const z = new Samples();
    for (const x of [-0, 0, -0]) z.add(x);
    expect(Object.is(z.max(), 0)).toBe(true);
    expect(z.quantile(0.5)).toBe(0);
    expect(z.mean()).toBe(0);
  });
});
