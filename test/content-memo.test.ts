// ContentMemo (src/model/content-memo.ts): a key by content that never joins two values that differ
// as data, copies that equal their original, and the automatic layout search asked once per
// different question, each caller getting an answer of its own.
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ContentMemo, contentKey, copyData } from '../src/model/content-memo.js';
import { fastestLayout, type LayoutEnv } from '../src/model/layout-search.js';
import { resolveShape } from '../src/model/training-layout.js';

/** Small plain values, so that two draws are often equal or nearly so. */
const small: fc.Arbitrary<unknown> = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(0, -0, 1, 0.1, NaN, Infinity, -Infinity, '', '0', 'a', true, false, undefined, null),
    fc.array(tie('v'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom('a', 'b', '0', '__proto__x'), tie('v'), { maxKeys: 3 }),
  ),
})).v;

describe('contentKey', () => {
  it('gives two values one key only when they are equal as data, properties in the same order', () => {
    fc.assert(
      fc.property(small, small, (a, b) => {
        const ka = contentKey(a);
        const kb = contentKey(b);
        expect(ka).toBeDefined();
        if (ka === kb) {
          expect(isDeepStrictEqual(a, b)).toBe(true);
          expect(JSON.stringify(a)).toBe(JSON.stringify(b));
        }
        expect(contentKey(copyData(a))).toBe(ka);
        expect(isDeepStrictEqual(copyData(a), a)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('tells apart what JSON would join', () => {
    const keys = [0, -0, NaN, null, undefined, Infinity, '0', [undefined], [null], {}, { a: undefined }, { a: 1, b: 2 }, { b: 2, a: 1 }, [1, [2]], [[1], 2]].map(contentKey);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('refuses what is not plain data', () => {
    class Point {
      x = 1;
    }
    const withGetter = Object.defineProperty({}, 'x', { get: () => 1, enumerable: true });
    const hidden = Object.defineProperty({}, 'x', { value: 1, enumerable: false });
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    for (const v of [() => 1, new Point(), new Map(), withGetter, hidden, { [Symbol('s')]: 1 }, cyclic, [1, , 3], 1n]) {
      expect(contentKey(v)).toBeUndefined();
      expect(copyData(v)).toBeUndefined();
    }
  });

  it('copies freeze where the original was frozen', () => {
    const c = copyData(Object.freeze({ a: Object.freeze([1]), b: { c: 2 } }))!;
    expect(Object.isFrozen(c)).toBe(true);
    expect(Object.isFrozen(c.a)).toBe(true);
    expect(Object.isFrozen(c.b)).toBe(false);
  });
});

describe('ContentMemo', () => {
  it('asks the function once per content, and hands each caller its own copy', () => {
    let calls = 0;
    const memo = new ContentMemo((n: number, o: { k: number[] }) => {
      calls++;
      return { sum: n + o.k.reduce((s, x) => s + x, 0), parts: [n] };
    });
    const first = memo.call(1, { k: [2, 3] });
    first.parts.push(99);
    const second = memo.call(1, { k: [2, 3] });
    expect(calls).toBe(1);
    expect(second).toEqual({ sum: 6, parts: [1] });
    expect(memo.call(1, { k: [3, 2] })).toEqual({ sum: 6, parts: [1] });
    expect(calls).toBe(2);
    expect(memo.call(-0, { k: [] }).parts[0]).toBe(-0);
    expect(memo.call(0, { k: [] }).parts[0]).toBe(0);
    expect(calls).toBe(4);
  });

  it('asks every time for arguments that are not plain data', () => {
    let calls = 0;
    const memo = new ContentMemo((m: Map<string, number>) => (calls++, { n: m.size }));
    memo.call(new Map());
    memo.call(new Map());
    expect(calls).toBe(2);
  });
});

describe('fastestLayout through its memo', () => {
  const env = (): LayoutEnv => ({
    devicesPerNode: 8,
    memoryBytes: 80 * 2 ** 30,
    peakFlops: 989e12,
    device: undefined,
    efficiency: 0.5,
    intra: { bandwidthBytesPerS: 450e9, latencyS: 1e-6, scaleOut: false },
    scaleOut: { bandwidthBytesPerS: 50e9, latencyS: 5e-6 },
  });

  it('answers equal questions alike, whatever a caller did to an earlier answer', () => {
    const fresh = (): ReturnType<typeof fastestLayout> => fastestLayout(64, resolveShape(70e9, undefined), env());
    const a = fresh();
    const expected = structuredClone(a);
    a.tp = 999;
    a.memory.totalBytes = -1;
    const b = fresh();
    expect(b).toEqual(expected);
    expect(b).not.toBe(a);
  });
});
