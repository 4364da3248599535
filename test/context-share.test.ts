// The expected share of drawn requests a context window rejects and cuts, against the stream's own
// draws (sample, rounded to whole tokens, at least 1), for the distributions without a closed form
// for the sum: lognormal and exponential prompts and outputs, clamped and not.
import { describe, expect, it } from 'vitest';
import { contextShares } from '../src/model/inference/context-share.js';
import { sample, type Distribution } from '../src/scenario/distribution.js';
import { RandomStream } from '../src/engine/random.js';

const drawn = (prompt: Distribution, output: Distribution, window: number, n: number): { rejected: number; cut: number } => {
  const rng = new RandomStream(7, 'context-share');
  let rejected = 0;
  let cut = 0;
  for (let i = 0; i < n; i++) {
    const p = Math.max(1, Math.round(sample(prompt, rng)));
    const o = Math.max(1, Math.round(sample(output, rng)));
    if (p >= window) rejected++;
    else if (p + o > window) cut++;
  }
  return { rejected: rejected / n, cut: cut / n };
};

describe('contextShares', () => {
  const cases: [Distribution, Distribution, number][] = [
    [{ distribution: 'lognormal', median: 1500, sigma: 0.8 }, { distribution: 'exponential', mean: 400 }, 4096],
    [{ distribution: 'lognormal', median: 1500, sigma: 0.8, max: 5000 }, { distribution: 'lognormal', median: 300, sigma: 1, min: 10 }, 4096],
    [{ distribution: 'exponential', mean: 2000 }, { distribution: 'uniform', min: 10, max: 3000 }, 8192],
    [{ distribution: 'uniform', min: 1, max: 300_000 }, { distribution: 'empirical', values: [10, 20_000], weights: [3, 1] }, 250_000],
  ];
  it('matches the shares of 200,000 draws (to within 0.5 points)', () => {
    for (const [prompt, output, window] of cases) {
      const want = drawn(prompt, output, window, 200_000);
      const got = contextShares(prompt, output, window);
      expect(Math.abs(got.rejected - want.rejected), JSON.stringify(prompt)).toBeLessThan(0.005);
      expect(Math.abs(got.cut - want.cut), JSON.stringify(output)).toBeLessThan(0.005);
      expect(want.cut, 'a case with cuts').toBeGreaterThan(0.01);
    }
  });
});
