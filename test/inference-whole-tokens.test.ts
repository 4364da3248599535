// A request's tokens as written are whole numbers: 'output_tokens: 10.5' ran every request with 11
// (the draw rounded) without a word, 5% more decode than the mean the user stated. A request trace
// already refused such a row; a distribution's mean or median may still be fractional.
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../src/model/load-scenario.js';
import { toyScenario } from './inference-helpers.js';

const load = (o: Parameters<typeof toyScenario>[0]) => () => loadScenario(toyScenario(o), 'toy.yaml');

describe('token counts as written', () => {
  it('refuses a fractional fixed count, bare or as a fixed distribution, and an empirical value, at the field', () => {
    expect(load({ output: '10.5' })).toThrow(/toy\.yaml:\d+:\d+: services\[0\]\.streams\[0\]\.output_tokens: expected a whole number of tokens/);
    expect(load({ prompt: '{ distribution: fixed, value: 7.2 }' })).toThrow(/services\[0\]\.streams\[0\]\.prompt_tokens\.value: expected a whole number of tokens/);
    expect(load({ prompt: '{ distribution: empirical, values: [10, 2.5] }' })).toThrow(/services\[0\]\.streams\[0\]\.prompt_tokens\.values\[1\]: expected a whole number of tokens/);
    expect(load({ prompt: '100', extraStream: '        prefixes: { count: 3, tokens: 12.5 }\n' })).toThrow(/prefixes\.tokens: expected a whole number of tokens/);
  });

  it('takes whole counts, with units, and fractional means and medians', () => {
    expect(load({ prompt: '1.5k', output: '{ distribution: exponential, mean: 10.5 }' })).not.toThrow();
    expect(load({ output: '{ distribution: lognormal, median: 20.5, sigma: 1 }' })).not.toThrow();
  });
});
