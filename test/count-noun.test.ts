// Counts printed with their nouns: '1 rows', '1 jobs used', 'of its 3 row(s)', '3 CPU-only node'
// (a reason after a bare count) read wrongly. One helper gives the form the count asks for.
import { describe, expect, it } from 'vitest';
import { countOf, nounFor } from '../src/units/count-noun.js';
import { formatCount } from '../src/units/units.js';
import { formatCheckReport, type Finding } from '../src/experiment/check.js';

describe('countOf', () => {
  it('says the singular for exactly one, the plural otherwise (zero and fractions included)', () => {
    expect(countOf(1, 'row')).toBe('1 row');
    expect(countOf(3, 'row')).toBe('3 rows');
    expect(countOf(0, 'job')).toBe('0 jobs');
    expect(countOf(1.5, 'device')).toBe('1.5 devices');
  });

  it('takes an irregular plural, and the count as written', () => {
    expect(countOf(1, 'policy', 'policies')).toBe('1 policy');
    expect(countOf(2, 'policy', 'policies')).toBe('2 policies');
    expect(countOf(12345, 'job', 'jobs', formatCount(12345))).toBe('12,345 jobs');
    expect(nounFor(1, 'expectation')).toBe('expectation');
    expect(nounFor(4, 'expectation')).toBe('expectations');
  });
});

describe("check's total", () => {
  const finding = (outcome: 'pass' | 'fail'): Finding => ({ scenario: 's.yaml', kind: 'threshold', name: 'utilisation >= 50.00%', outcome, expected: '>= 50.00%', got: '60.00%' });
  const report = (...outcomes: ('pass' | 'fail')[]): string => formatCheckReport([{ file: 's.yaml', name: 's', seeds: [1], findings: outcomes.map(finding), runs: { header: [], rows: [] }, notes: [] }]);

  it("says '1 expectation met' and '1 of 1 expectation failed', not 'all 1 expectations'", () => {
    expect(report('pass')).toMatch(/\n1 expectation met\n$/);
    expect(report('fail')).toMatch(/\n1 of 1 expectation failed\n$/);
    expect(report('pass', 'pass')).toMatch(/\nall 2 expectations met\n$/);
    expect(report('pass', 'fail')).toMatch(/\n1 of 2 expectations failed\n$/);
  });
});
