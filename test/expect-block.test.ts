// An `expect:` block's refusals name the value found, in a scenario (under `expect`) as in a bare
// --expect file.
import { describe, expect, it } from 'vitest';
import { parseExpectFile, readExpectations, resolveExpectations } from '../src/experiment/expectations.js';
import { SUMMARY_METRIC_COLUMNS } from '../src/experiment/metric-table.js';
import { InputError } from '../src/scenario/errors.js';

function problems(read: () => unknown): string[] {
  try {
    read();
  } catch (e) {
    if (e instanceof InputError) return e.issues.map((i) => `${i.line}: ${i.path}: ${i.message}`);
    throw e;
  }
  throw new Error('expected the block to be refused');
}

const BLOCK = `seeds: 0
relations:
  - { metric: utilisation, policy: fifo, below: sjf, at_least: -1 }
`;

describe('expect blocks', () => {
  it("a scenario's block says the value it refused, not 'nothing'", () => {
    // The values were looked up without the block's `expect` prefix: "got nothing" for 0 and -1.
    const text = `name: x\nexpect:\n${BLOCK.replace(/^/gm, '  ')}`;
    expect(problems(() => readExpectations(text, 'x.yaml'))).toEqual([
      '3: expect.seeds: expected a value > 0, got 0',
      '5: expect.relations[0].at_least: expected a value >= 0, got -1',
    ]);
  });

  it('an --expect file says the same, bare or under `expect:`', () => {
    // Its problems are said when it is resolved, with those of its meaning (none here).
    const resolve = (text: string) => () => resolveExpectations(parseExpectFile(text, 'e.yaml'), SUMMARY_METRIC_COLUMNS);
    expect(problems(resolve(BLOCK))).toEqual([
      '1: seeds: expected a value > 0, got 0',
      '3: relations[0].at_least: expected a value >= 0, got -1',
    ]);
    expect(problems(resolve(`expect:\n${BLOCK.replace(/^/gm, '  ')}`))).toEqual([
      '2: expect.seeds: expected a value > 0, got 0',
      '4: expect.relations[0].at_least: expected a value >= 0, got -1',
    ]);
  });

  it('an --expect file with structural and meaning problems reports all of them at once, none twice', () => {
    // The meaning problems (a fraction written as 50, an unknown metric, a margin asking for a value
    // under 0) came only once the structural ones (seeds 0, min 'abc', a misspelt key, a negative
    // margin) were fixed: two rounds. The parts with a structural problem are left out of the meaning
    // checks, so a relation with a bad margin says nothing of its metric, and the others keep their index.
    const text = `seeds: 0
metrics:
  utilisation: { min: 50 }
  queueing_delay_p95_s: { max: abc }
  effective_compute_ratio_pool: { min: 0.3 }
relations:
  - { metric: nonsense_s, policy: b, below: a, at_least: -1 }
  - { metric: utilisation_x, policy: b, above: a }
  - { metric: utilisation, policy: b, below: a, at_least: 150% }
colour: red
`;
    expect(problems(() => resolveExpectations(parseExpectFile(text, 'e.yaml'), SUMMARY_METRIC_COLUMNS))).toEqual([
      '1: seeds: expected a value > 0, got 0',
      "3: metrics.utilisation.min: 50 is outside the values utilisation can take (a fraction in [0, 1]); write 0.5 or '50%'",
      "4: metrics.queueing_delay_p95_s.max: expected a number, a percentage ('30%') or a duration ('1h'): expected a duration such as '800ns', '5us', '1.5ms', '30s', '2h' or '7d', got 'abc'",
      '7: relations[0].at_least: expected a value >= 0, got -1',
      expect.stringMatching(/^8: relations\[1\]\.metric: unknown metric 'utilisation_x'; expected one of: /),
      "9: relations[2].at_least: 150% below 'a' asks for utilisation under 0 ('a''s x (1 - 150%)), but utilisation is a fraction in [0, 1]: it can never hold; 100% at most (which asks for 0)",
      "10: colour: unknown key 'colour'; expected one of: seeds, seed_base, metrics, policies, relations",
    ]);
  });

  it('a block that is not a mapping, or whose metrics are not, says only that', () => {
    expect(problems(() => parseExpectFile('metrics: 5\nrelations:\n  - { metric: nonsense_s, policy: b, above: a }\n', 'e.yaml'))).toEqual([
      '1: metrics: expected a mapping, got 5',
    ]);
  });
});
