// formatCount (size-estimate.ts) writes counts as `toLocaleString('en-US')` does, without Intl: a
// thread's first Intl number format costs 20-25 ms, paid by every run's worker while loading.
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { formatCount } from '../src/model/size-estimate.js';

const asBefore = (n: number): string => (!Number.isFinite(n) ? String(n) : n < 1e12 ? Math.round(n).toLocaleString('en-US') : n.toExponential(1).replace('e+', 'e'));

describe('formatCount', () => {
  afterEach(() => vi.restoreAllMocks());

  it('writes what toLocaleString wrote, for any number', () => {
    for (const n of [0, -0, 0.4, -0.4, 0.5, -0.5, 1.5, 999, 999.5, 1000, -1000, 1234567, 999_999_999_999, 999_999_999_999.6, 1e12, -1e15, -4.5e20, -1e21, -1e300, NaN, Infinity, -Infinity]) {
      expect(formatCount(n), String(n)).toBe(asBefore(n));
    }
    fc.assert(fc.property(fc.double(), (n) => formatCount(n) === asBefore(n)), { numRuns: 20_000 });
    fc.assert(fc.property(fc.integer({ min: -1e9, max: 1e9 }), (n) => formatCount(n) === asBefore(n)), { numRuns: 5_000 });
  });

  it('does not use Intl for a count below 1e21', () => {
    const spy = vi.spyOn(Number.prototype, 'toLocaleString');
    for (const n of [0, 7, 1234567, 5e11, -3e15]) formatCount(n);
    expect(spy).not.toHaveBeenCalled();
  });
});
