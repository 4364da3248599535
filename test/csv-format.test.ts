// CSV numbers: the fast path of formatCell writes exactly what String(Number(v.toPrecision(10)))
// writes, for every double (property), so no output byte moved when it came in.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatCell, writeCell } from '../src/experiment/csv.js';
import { TextChunk } from '../src/experiment/text-chunk.js';

const reference = (v: number): string => {
  if (Number.isNaN(v)) return '';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  if (Number.isInteger(v) && Math.abs(v) < 1e15) return String(v);
  return String(Number(v.toPrecision(10)));
};

describe('formatCell on numbers', () => {
  it('matches the reference formula on any double (property)', () => {
    fc.assert(fc.property(fc.double(), (v) => {
        expect(formatCell(v)).toBe(reference(v));
      }), { numRuns: 20_000 });
  });
  it('matches it on the values metrics take (seconds, ratios, FLOP), property', () => {
    fc.assert(
      fc.property(fc.double({ min: -1e13, max: 1e13, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (a, b) => {
        expect(formatCell(a)).toBe(reference(a));
        expect(formatCell(b)).toBe(reference(b));
      }),
      { numRuns: 20_000 },
    );
  });
  it('matches it at the boundaries of plain and exponent notation', () => {
    for (const v of [1e-7, 1.5e-7, 9.9999999999e-7, 1e-6, 1.234e-6, 0.1, 0.5, 123.456, 9999999999.5, 1234567890.12, 1e15 + 0.5, 1e21, 1.5e21, -0.25, -1e-300, 5e-324, Number.MAX_VALUE, -0.0000001, 0.99999999999, 9.9999999995])
      expect(formatCell(v)).toBe(reference(v));
  });
});

describe('writeCell', () => {
  const written = (v: unknown): string => {
    const out = new TextChunk();
    out.append('x,');
    writeCell(out, v);
    out.appendCode(10);
    return out.take();
  };
  it('appends exactly what formatCell returns, for any double and the integers metrics count (property)', () => {
    fc.assert(fc.property(fc.double(), (v) => {
      expect(written(v)).toBe(`x,${formatCell(v)}\n`);
    }), { numRuns: 20_000 });
    fc.assert(fc.property(fc.integer({ min: -(2 ** 53), max: 2 ** 53 }), (v) => {
      expect(written(v)).toBe(`x,${formatCell(v)}\n`);
    }), { numRuns: 5_000 });
  });
  it('writes the edge cases and non-numbers as formatCell does, text beyond ASCII included', () => {
    for (const v of [0, -0, -1, 999999999999999, -999999999999999, 1e15, -1e15, 0.1, -0.00000000001, -1e-300, 1e21, Infinity, -Infinity, NaN, undefined, null, '', 'a,b', 'say "hi"', 'zürich', 'job-日本', true])
      expect(written(v)).toBe(`x,${formatCell(v)}\n`);
  });
  it('keeps its length in UTF-16 units and truncates back to an earlier length', () => {
    const out = new TextChunk();
    out.append('ab');
    const at = out.length;
    out.append('ü-x');
    out.append('cd', 1);
    expect(out.length).toBe(6);
    out.truncate(at);
    out.append('z');
    expect(out.take()).toBe('abz');
    expect(out.length).toBe(0);
  });
});
