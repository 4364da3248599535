// A lognormal draw with `min` or `max` is clamped by the sampler, but the run-size estimate took its
// mean unclamped: a generator of median 45 min, sigma 9, max 2 d was refused at validate as jobs
// that "would run about 3.32e+13 years each on average", though none runs over 2 days. The mean is
// now the clamped draw's. Bounds that take most of the draws, and generators that can submit
// nothing, are warned.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { RandomStream } from '../src/engine/random.js';
import { clampedLognormalMean, meanOf, sample, type Distribution } from '../src/scenario/distribution.js';
import { clampedShares } from '../src/model/clamp-dominance.js';
import { InputError } from '../src/scenario/errors.js';
import { scenarioFromText } from './helpers.js';
import { readFileSync } from 'node:fs';

/** E[clamp(m e^(sZ), lo, hi)] by Simpson's rule over z, split at the clamp's kinks: no erfc involved. */
function integrated(m: number, s: number, lo: number, hi: number): number {
  const f = (z: number): number => Math.min(Math.max(m * Math.exp(s * z), lo), hi) * Math.exp((-z * z) / 2) / Math.sqrt(2 * Math.PI);
  const ends = [-12, 12 + s];
  const kinks = [lo > 0 ? Math.log(lo / m) / s : -Infinity, hi < Infinity ? Math.log(hi / m) / s : Infinity].filter((z) => z > ends[0]! && z < ends[1]!);
  const points = [ends[0]!, ...kinks.sort((a, b) => a - b), ends[1]!];
  let total = 0;
  for (let i = 0; i + 1 < points.length; i++) {
    const a = points[i]!;
    const b = points[i + 1]!;
    const n = 4000;
    const h = (b - a) / n;
    let acc = f(a) + f(b);
    for (let k = 1; k < n; k++) acc += (k % 2 === 1 ? 4 : 2) * f(a + k * h);
    total += (acc * h) / 3;
  }
  return total;
}

describe('the mean of a clamped lognormal', () => {
  it('is the unclamped mean without bounds', () => {
    expect(clampedLognormalMean(2700, 1.2)).toBeCloseTo(2700 * Math.exp(0.72), 6);
    expect(meanOf({ distribution: 'lognormal', median: 10, sigma: 0.5 })).toBeCloseTo(10 * Math.exp(0.125), 9);
  });

  it('is the bound itself when the bound takes every draw, and the median when sigma is 0', () => {
    expect(clampedLognormalMean(2700, 1.2, 1, 1)).toBe(1);
    expect(clampedLognormalMean(2700, 0, undefined, 100)).toBe(100);
    expect(clampedLognormalMean(2700, 0, 3000)).toBe(3000);
    expect(clampedLognormalMean(2700, 0)).toBe(2700);
  });

  it('matches numerical integration of the clamped density for any median, sigma and bounds', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -3, max: 6, noNaN: true }),
        fc.double({ min: 0.05, max: 10, noNaN: true }),
        fc.option(fc.double({ min: -4, max: 4, noNaN: true }), { nil: undefined }),
        fc.option(fc.double({ min: -4, max: 4, noNaN: true }), { nil: undefined }),
        (logM, s, zLo, zHi) => {
          const m = 10 ** logM;
          // Bounds placed in the distribution's own scale (z of -4..4), in order.
          let lo = zLo === undefined ? undefined : m * Math.exp(s * zLo);
          let hi = zHi === undefined ? undefined : m * Math.exp(s * zHi);
          if (lo !== undefined && hi !== undefined && lo > hi) [lo, hi] = [hi, lo];
          // Without a max, a wide lognormal's mean sits in a tail (z near s) that the integral's range covers.
          const got = clampedLognormalMean(m, s, lo, hi);
          const want = integrated(m, s, lo ?? 0, hi ?? Infinity);
          expect(Math.abs(got - want) / want).toBeLessThan(2e-6);
        },
      ),
      { numRuns: 150, seed: 20261205 },
    );
  });

  it('is what the sampler draws on average', () => {
    const d: Distribution = { distribution: 'lognormal', median: 2700, sigma: 3, max: 172800 };
    const rng = new RandomStream(5, 'clamped-mean');
    const n = 200_000;
    let sum = 0;
    for (let i = 0; i < n; i++) sum += sample(d, rng);
    expect(sum / n / meanOf(d)).toBeCloseTo(1, 1);
    // Unclamped, the mean would be 2700 e^4.5: 1.4 times the largest value ever drawn.
    expect(2700 * Math.exp(4.5)).toBeGreaterThan(1.4 * 172800);
    expect(meanOf(d)).toBeLessThan(172800);
  });

  it('gives the share of draws each bound takes', () => {
    expect(clampedShares({ distribution: 'lognormal', median: 100, sigma: 1, max: 100 }).aboveMax).toBeCloseTo(0.5, 6);
    expect(clampedShares({ distribution: 'lognormal', median: 100, sigma: 1, min: 100 * Math.E }).belowMin).toBeCloseTo(0.841345, 5);
    expect(clampedShares({ distribution: 'uniform', min: 1, max: 2 })).toEqual({ belowMin: 0, aboveMax: 0 });
  });
});

const scenario = (duration: string, generator = ''): string => `name: clamp
seed: 3
datacentres:
  - name: east
    node_groups:
      - { name: h, count: 4, device: H100 }
workloads:
  - generator:
      name: g
      until: 1d
      arrival: { process: poisson, rate: 2/h }
      devices: 1
      duration: ${duration}
      reference_device: H100${generator}
`;

const messagesOf = (text: string): string[] => {
  try {
    return scenarioFromText(text, 'clamp.yaml').warnings.map((w) => `${w.line}:${w.path}: ${w.message}`);
  } catch (e) {
    if (e instanceof InputError) return e.issues.map((i) => `error ${i.line}:${i.path}: ${i.message}`);
    throw e;
  }
};

describe('validate on clamped draws', () => {
  it('accepts a wide lognormal whose max keeps every job short (it refused it as running 3e13 years)', () => {
    expect(messagesOf(scenario('{ distribution: lognormal, median: 45min, sigma: 9, max: 2d }'))).toEqual([]);
    // Without the max the same jobs do run that long on average, and stay refused.
    expect(messagesOf(scenario('{ distribution: lognormal, median: 45min, sigma: 9 }'))[0]).toMatch(/^error 9:workloads\[0\]\.generator: its jobs would run about .* years each on average/);
  });

  it('warns at a max below the median and a min above it, with the share they take', () => {
    expect(messagesOf(scenario('{ distribution: lognormal, median: 45min, sigma: 1.2, max: 1s }'))).toEqual([
      '13:workloads[0].generator.duration.max: max 1s is not above the median 45min: >99% of the draws are cut to it, so the values drawn are mostly 1s, not a lognormal of that median',
    ]);
    expect(messagesOf(scenario('{ distribution: lognormal, median: 45min, sigma: 1.2, min: 2h }'))).toEqual([
      '13:workloads[0].generator.duration.min: min 2h is not below the median 45min: 79% of the draws are raised to it, so the values drawn are mostly 2h, not a lognormal of that median',
    ]);
    // A cap in the tail is what caps are for: no line.
    expect(messagesOf(scenario('{ distribution: lognormal, median: 45min, sigma: 1.2, min: 1min, max: 2d }'))).toEqual([]);
  });

  it('warns when a generator can submit nothing', () => {
    expect(messagesOf(scenario('10min').replace('until: 1d', 'until: 0s'))).toEqual(['10:workloads[0].generator.until: until (0s) is not after start (0s): this generator submits no job']);
    expect(messagesOf(scenario('10min', '\n      start: 2h').replace('until: 1d', 'until: 1h'))).toEqual(['10:workloads[0].generator.until: until (60min) is not after start (2h): this generator submits no job']);
    expect(messagesOf(`horizon: 1h\n${scenario('10min', '\n      start: 3h')}`.replace('      until: 1d\n', ''))).toEqual([
      '15:workloads[0].generator.start: start (3h) is not before the horizon (60min): this generator submits no job',
    ]);
    expect(messagesOf(scenario('10min'))).toEqual([]);
  });

  it('warns when a request stream can send nothing', () => {
    const diurnal = readFileSync(new URL('../scenarios/inference-diurnal.yaml', import.meta.url), 'utf8');
    const late = diurnal.replace(/( +)region: eu\n/, '$1region: eu\n$1start: 2d\n');
    expect(late).not.toBe(diurnal);
    expect(messagesOf(late)).toEqual(['48:services[0].streams[0].start: start (2d) is not before the horizon (24h): this stream sends no request']);
    expect(messagesOf(diurnal.replace(/( +)region: eu\n/, '$1region: eu\n$1start: 2h\n$1until: 1h\n'))).toEqual([
      '49:services[0].streams[0].until: until (60min) is not after start (2h): this stream sends no request',
    ]);
    expect(messagesOf(diurnal)).toEqual([]);
  });
});
