// CSV number cells written digit by digit (writeTenDigits through writeCell) are exactly the
// characters of String(Number(v.toPrecision(10))): for arbitrary doubles, for the values where a
// float shortcut could go wrong (near a tie at the tenth digit, at powers of ten, tiny and huge
// exponents, integers from 1e15), and on a sweep of a few million random doubles.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatCell, writeCell } from '../src/experiment/csv.js';
import { TextChunk } from '../src/experiment/text-chunk.js';
import { writeTenDigits } from '../src/experiment/ten-digits.js';

const reference = (v: number): string => {
  if (Number.isNaN(v)) return '';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  if (Number.isInteger(v) && Math.abs(v) < 1e15) return String(v);
  return String(Number(v.toPrecision(10)));
};

const chunk = new TextChunk();
const written = (v: number): string => {
  writeCell(chunk, v);
  return chunk.take();
};
/** What writeTenDigits alone writes ('' when it leaves the number to toPrecision). */
const fast = (v: number): string => (writeTenDigits(chunk, v) ? chunk.take() : '');

const f64 = new Float64Array(1);
const bits = new BigInt64Array(f64.buffer);
/** x moved by `ulps` representable doubles (same sign, |x| > 0). */
const nudge = (x: number, ulps: number): number => {
  f64[0] = x;
  bits[0] = bits[0]! + BigInt(ulps);
  return f64[0]!;
};

const check = (v: number): void => {
  expect(written(v), String(v)).toBe(reference(v));
  expect(written(-v), String(-v)).toBe(reference(-v));
};

/** Ten digits and an exponent: the decimal d x 10^(e-9) with 1e9 <= d < 1e10. */
const tenDigitDecimal = fc.tuple(fc.integer({ min: 1_000_000_000, max: 9_999_999_999 }), fc.integer({ min: -330, max: 310 }));

describe('writeTenDigits: the characters of String(Number(v.toPrecision(10)))', () => {
  it('on arbitrary doubles (property)', () => {
    fc.assert(fc.property(fc.double({ noNaN: true }), (v) => check(v)), { numRuns: 30_000 });
  });

  it('next to a tie at the tenth digit: the decimal ...5 in the eleventh place and a few ulps either side (property)', () => {
    fc.assert(
      fc.property(tenDigitDecimal, fc.integer({ min: -4, max: 4 }), ([d, e], ulps) => {
        const tie = Number(`${d}5e${e - 10}`);
        if (tie === 0 || !Number.isFinite(tie)) return;
        check(nudge(tie, ulps));
      }),
      { numRuns: 30_000 },
    );
  });

  it('on exact ties (k + 0.5 representable): toPrecision rounds them up', () => {
    for (const v of [1234567890.5, 1234567891.5, 9999999999.5, 1000000000.5, 0.1234567890625, 12345678.90625, 2 ** 33 + 0.5, 2 ** 32 + 0.5])
      check(v);
  });

  it('at and next to powers of ten and ten nines, every exponent', () => {
    for (let k = -330; k <= 310; k++) {
      for (const m of ['1', '9.999999999', '9.9999999995', '9.99999999949999', '9.99999999950001', '1.0000000005', '1.000000001', '5', '2.5']) {
        const x = Number(`${m}e${k}`);
        if (x === 0 || !Number.isFinite(x)) continue;
        for (let u = -3; u <= 3; u++) check(nudge(x, u));
      }
    }
  });

  it('on any decimal of ten digits at any exponent, and one ulp off it (property)', () => {
    fc.assert(
      fc.property(tenDigitDecimal, fc.integer({ min: -1, max: 1 }), ([d, e], ulps) => {
        const x = Number(`${d}e${e - 9}`);
        if (x === 0 || !Number.isFinite(x)) return;
        check(nudge(x, ulps));
      }),
      { numRuns: 30_000 },
    );
  });

  it('on tiny and huge magnitudes, subnormals included (property)', () => {
    fc.assert(fc.property(fc.double({ min: 0, max: 1e-5, noNaN: true }), (v) => check(v)), { numRuns: 10_000 });
    fc.assert(fc.property(fc.double({ min: 1e10, max: Number.MAX_VALUE, noNaN: true }), (v) => check(v)), { numRuns: 10_000 });
  });

  it('on integers from 1e15 (property)', () => {
    fc.assert(fc.property(fc.double({ min: 1e15, max: 1e25, noNaN: true }), (v) => check(Math.round(v))), { numRuns: 10_000 });
    fc.assert(fc.property(fc.integer({ min: 0, max: 2 ** 30 }), (i) => check(1e15 + i)), { numRuns: 5_000 });
    for (const v of [1e15, 1e15 + 1, 2 ** 53, 2 ** 53 + 2, 999999999999999.9, 1e21, 1e21 - 65536, 123456789012345680000]) check(v);
  });

  it('on the notation boundaries: plain from 1e-6 to below 1e21, exponent form outside', () => {
    for (const v of [1e-7, 1.5e-7, 9.9999999999e-7, 9.99999999949e-7, 1e-6, 1.234e-6, 0.1, 0.5, 123.456, 1234567890.12, 1e15 + 0.5, 1e20 + 1e6, 1.5e21, 9.9999999999e20, 1e-13, 9.99999999e-14, 1e31, 9.9999999999e30, 5e-324, Number.MAX_VALUE, Number.MIN_VALUE])
      check(v);
  });

  it('on a sweep of 2 million random doubles: 1.5M over 1e-8 .. 1e14 as metrics take, 0.5M from random bit patterns', () => {
    // xorshift32 (fixed seed, so a failure reproduces) filling a double's two halves.
    let x = 0x9e3779b9;
    const next32 = (): number => {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      return x >>> 0;
    };
    const halves = new Uint32Array(f64.buffer);
    const failures: string[] = [];
    let fastCount = 0;
    const sweep = (v: number): void => {
      const want = reference(v);
      const got = written(v);
      if (got !== want && failures.length < 10) failures.push(`${v}: ${got} != ${want}`);
    };
    for (let i = 0; i < 1_500_000; i++) {
      // Log-uniform magnitude, 53 random bits of mantissa, either sign.
      halves[0] = next32();
      halves[1] = (next32() & 0x000fffff) | 0x3ff00000; // [1, 2)
      const v = 10 ** (-8 + 22 * (f64[0]! - 1)) * (i & 1 ? -1 : 1);
      sweep(v);
      if ((i & 63) === 0 && fast(v) !== '') fastCount++;
    }
    for (let i = 0; i < 500_000; i++) {
      halves[0] = next32();
      halves[1] = next32();
      const v = f64[0]!;
      if (v === v) sweep(v);
    }
    expect(failures).toEqual([]);
    // The fast route is the one taken (else this test would say nothing about it).
    expect(fastCount).toBeGreaterThan(0.999 * (1_500_000 / 64));
  });

  it('leaves to toPrecision only what it cannot decide, and formatCell agrees with writeCell', () => {
    expect(fast(0.1)).toBe('0.1');
    expect(fast(-123.456)).toBe('-123.456');
    expect(fast(999.9999999999999)).toBe('1000'); // log10 says 3: the decade guess corrected
    expect(fast(0.09999999999999999)).toBe('0.1');
    expect(fast(1234567890.5)).toBe(''); // an exact tie
    expect(fast(5e-324)).toBe(''); // subnormal
    expect(fast(1e31)).toBe('');
    fc.assert(fc.property(fc.double(), (v) => {
      expect(written(v)).toBe(formatCell(v));
    }), { numRuns: 10_000 });
  });
});
