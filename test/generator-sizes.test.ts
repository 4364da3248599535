// A generator whose device counts exceed what the pool has of one kind makes jobs that are rejected
// when drawn. A listed job that big is refused at validate; a generator's used to pass validate
// silently and a run only counted its jobs as rejected (a lognormal of median 8, sigma 3 on a
// 64-device kind: a quarter of the jobs). Now every-draw-too-big is refused, a share is warned.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { RandomStream } from '../src/engine/random.js';
import { sample, type Distribution } from '../src/scenario/distribution.js';
import { shareAbove } from '../src/model/draw-share.js';
import { erfc } from '../src/engine/normal.js';
import { InputError } from '../src/scenario/errors.js';
import { runToCsv, scenarioFromText, bundled } from './helpers.js';
import { readdirSync } from 'node:fs';

const scenario = (devices: string, kinds = ''): string => `name: sizes
seed: 7
datacentres:
  - name: east
    node_groups:
      - { name: h, count: 8, device: H100 }
      - { name: a, count: 2, device: A100-80GB }
workloads:
  - generator:
      name: g
      count: 400
      arrival: { process: poisson, rate: 60/h }
      devices: ${devices}
      duration: 10min
      reference_device: H100${kinds}
`;

/** The share of draws the simulator's own sampler makes above `bound` (as it rounds them). */
function drawnShare(d: Distribution, bound: number, n: number, seed: number): number {
  const rng = new RandomStream(seed, 'draw-share-test');
  let over = 0;
  for (let i = 0; i < n; i++) if (Math.max(1, Math.round(sample(d, rng))) > bound) over++;
  return over / n;
}

const messagesOf = (text: string): string[] => {
  try {
    return scenarioFromText(text, 'sizes.yaml').warnings.map((w) => `${w.line}:${w.path}: ${w.message}`);
  } catch (e) {
    if (e instanceof InputError) return e.issues.map((i) => `error ${i.line}:${i.path}: ${i.message}`);
    throw e;
  }
};

describe('generator device counts beyond the pool', () => {
  it('erfc matches known values', () => {
    expect(erfc(0)).toBeCloseTo(1, 7);
    expect(erfc(1)).toBeCloseTo(0.157299207, 7);
    expect(erfc(-1)).toBeCloseTo(1.842700793, 7);
    expect(erfc(3) / 2.209049699858544e-5).toBeCloseTo(1, 5);
  });

  it('the share above a bound is exact for listed and uniform sizes', () => {
    expect(shareAbove({ distribution: 'fixed', value: 64.4 }, 64)).toBe(0); // rounds to 64
    expect(shareAbove({ distribution: 'fixed', value: 64.5 }, 64)).toBe(1); // rounds to 65
    expect(shareAbove({ distribution: 'empirical', values: [8, 16, 128], weights: [2, 1, 1] }, 64)).toBe(0.25);
    expect(shareAbove({ distribution: 'uniform', min: 0, max: 100 }, 64)).toBeCloseTo(0.355, 12);
  });

  it('the share above a bound agrees with the sampler the simulator draws from (property)', () => {
    const dist = fc.oneof(
      fc.record({ distribution: fc.constant('exponential' as const), mean: fc.double({ min: 1, max: 200, noNaN: true }) }),
      fc.record({
        distribution: fc.constant('lognormal' as const),
        median: fc.double({ min: 1, max: 200, noNaN: true }),
        sigma: fc.double({ min: 0.05, max: 3, noNaN: true }),
      }),
      fc.record({ distribution: fc.constant('uniform' as const), min: fc.double({ min: 0, max: 100, noNaN: true }), max: fc.double({ min: 100, max: 300, noNaN: true }) }),
    );
    fc.assert(
      fc.property(dist, fc.integer({ min: 1, max: 256 }), fc.integer({ min: 0, max: 1000 }), (d, bound, seed) => {
        const n = 20_000;
        const p = shareAbove(d as Distribution, bound);
        const seen = drawnShare(d as Distribution, bound, n, seed);
        // Five standard errors of a binomial share, plus a hair for p near 0 or 1.
        expect(Math.abs(seen - p)).toBeLessThanOrEqual(5 * Math.sqrt((p * (1 - p)) / n) + 2e-4);
      }),
      { numRuns: 40, seed: 20261204 },
    );
  });

  it('a generator every one of whose jobs is too big is refused at validate, at its devices line', () => {
    expect(messagesOf(scenario('100'))).toEqual([
      'error 13:workloads[0].generator.devices: every job it generates needs more than the 64 devices of one kind (any kind) the pool has at most; none could ever start',
    ]);
    // Limited to the A100s (16 devices), 32 is too big though the pool has 64 H100s.
    expect(messagesOf(scenario('32', '\n      device_kinds: [A100-80GB]'))).toEqual([
      'error 13:workloads[0].generator.devices: every job it generates needs more than the 16 devices of one kind (A100-80GB) the pool has at most; none could ever start',
    ]);
  });

  it("a share of too-big jobs is warned with the share, and a run rejects about that share", () => {
    const text = scenario('{ distribution: lognormal, median: 8, sigma: 3 }');
    const w = messagesOf(text);
    expect(w).toEqual([
      '13:workloads[0].generator.devices: about 24% of the jobs it generates will need more than the 64 devices of one kind (any kind) the pool has at most, and be rejected when drawn',
    ]);
    const run = runToCsv(scenarioFromText(text));
    const rejected = run.jobs.filter((j) => j.status === 'rejected').length;
    // 400 jobs at p = 0.24: the count lies within four standard errors (about 34) of 96.
    expect(Math.abs(rejected - 96)).toBeLessThan(34);
    expect(rejected).toBeGreaterThan(0);
    // A listed distribution's exact share; a bounded one within the pool says nothing.
    expect(messagesOf(scenario('{ distribution: empirical, values: [8, 128], weights: [3, 1] }'))[0]).toContain(': 25% of the jobs it generates');
    expect(messagesOf(scenario('{ distribution: uniform, min: 1, max: 64 }'))).toEqual([]);
    // An unbounded tail below 1 in 10,000 draws is not worth a line.
    expect(messagesOf(scenario('{ distribution: exponential, mean: 4 }'))).toEqual([]);
  });

  it('no bundled scenario draws jobs bigger than its pool', () => {
    for (const f of readdirSync('scenarios').filter((n) => n.endsWith('.yaml'))) {
      const messages = bundled(f.replace(/\.yaml$/, '')).warnings.map((w) => w.message);
      expect(messages.filter((m) => /of the jobs it generates will need more than/.test(m)), f).toEqual([]);
    }
  });
});
