// NCCL's double binary tree (src/graph/trees.cc) and the latency of a tree pass over it: over two
// sites a path crosses the link twice, so a tree all-reduce pays 4L there, not 2L.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { btreeParent, doubleTreePassS, ringTreePassS, secondTreeParent } from '../src/model/network/nccl-tree.js';

const parents = (n: number, f: (n: number, r: number) => number): number[] => Array.from({ length: n }, (_, r) => f(n, r));

describe("NCCL's trees", () => {
  it("match trees.cc's illustrations", () => {
    // 0 -> 8 -> {4, 12}; 4 -> {2, 6}; 12 -> {10, 13}; 2 -> {1, 3}; 6 -> {5, 7}; 10 -> {9, 11}.
    expect(parents(14, btreeParent)).toEqual([-1, 2, 4, 2, 8, 6, 4, 6, 0, 10, 12, 10, 8, 12]);
    // Even n, the mirror: 11 -> 3 -> {1, 7}; 1 -> {0, 2}; 7 -> {5, 9}; 5 -> {4, 6}; 9 -> {8, 10}.
    expect(parents(12, secondTreeParent)).toEqual([1, 3, 1, 11, 5, 7, 5, 3, 9, 7, 9, -1]);
    // Odd n, the shift: 1 -> 9 -> {5, 0}; 5 -> {3, 7}; 0 -> 11; 3 -> {2, 4}; 7 -> {6, 8}; 11 -> {10, 12}.
    expect(parents(13, secondTreeParent)).toEqual([9, -1, 3, 5, 3, 9, 7, 5, 7, 1, 11, 0, 11]);
  });

  it('are trees of depth ceil(log2 n): one root, every position reaches it', () => {
    for (let n = 2; n <= 130; n++) {
      for (const f of [btreeParent, secondTreeParent]) {
        const p = parents(n, f);
        expect(p.filter((x) => x === -1)).toHaveLength(1);
        let deepest = 0;
        for (let r = 0; r < n; r++) {
          let d = 0;
          for (let at = r; p[at] !== -1; at = p[at]!) expect(++d).toBeLessThan(n);
          deepest = Math.max(deepest, d);
        }
        expect(deepest).toBe(Math.ceil(Math.log2(n)));
      }
      expect(doubleTreePassS(n, () => 1)).toBe(Math.ceil(Math.log2(n)));
    }
  });

  it('cross a link between two contiguous halves at least twice on some path', () => {
    const crossings = (n: number, split: number): number => doubleTreePassS(n, (a, b) => ((a < split) !== (b < split) ? 1 : 0));
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 256 }), (half) => {
        expect(crossings(2 * half, half)).toBeGreaterThanOrEqual(2);
      }),
    );
    // Twice on powers of two; more where the halves do not align with the in-order subtrees.
    for (const n of [4, 8, 16, 64, 256]) expect(crossings(n, n / 2)).toBe(2);
    expect(crossings(6, 3)).toBe(3);
    expect(crossings(86, 43)).toBe(7);
    // Latencies add along the path: 2 x 10 ms plus the hops inside the sites.
    expect(doubleTreePassS(16, (a, b) => ((a < 8) !== (b < 8) ? 0.01 : 2e-6))).toBeCloseTo(0.02 + 2 * 2e-6, 12);
  });

  it('time a ring within one site by its depth and alpha, one over sites by its routes', () => {
    const nodes = [4, 5, 6, 7];
    // Within a site: depth 2 x alpha, no less than the slowest hop; no route asked for.
    const noRoute = (): number => {
      throw new Error('no route expected');
    };
    expect(ringTreePassS(4, (i) => nodes[i]!, 1e-6, 3e-6, () => 0, noRoute)).toBe(3e-6);
    expect(ringTreePassS(4, (i) => nodes[i]!, 2e-6, 3e-6, () => 0, noRoute)).toBe(4e-6);
    const twoSites = (order: number[]): number => ringTreePassS(4, (i) => order[i]!, 0.002, 0.002, (n) => (n < 6 ? 0 : 1), (a, b) => ((a < 6) !== (b < 6) ? 0.002 : 2e-6));
    // Site by site, 4 -> 6 -> 5 (positions 0 -> 2 -> 1): the link twice.
    expect(twoSites([4, 5, 6, 7])).toBeCloseTo(0.004 + 0, 12);
    // Alternating sites, 4 -> 5 -> 6 (positions 0 -> 2 -> 1): once, as the mirror tree's paths.
    expect(twoSites([4, 6, 5, 7])).toBeCloseTo(0.002 + 2e-6, 12);
  });
});
