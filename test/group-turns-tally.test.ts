// groupPerRankBw keeps its tallies by link in reused arrays (a rate read asks it for every multi-node
// job at every change of the network's rates; two Maps a call were 1.7% of scale-100k's profile).
// The answer must be the Maps' to the bit: the same per-link sums in the same order, the links
// asked about (availOf may flush the network) in the order first crossed, nothing left over from
// the call before, and a call made from inside availOf answered on its own tallies. This is a speed
// change: the reference below is the code it replaced, so these pass on that code too; they fail
// if the arrays are not emptied between calls (checked by leaving out LinkTally.end's reset) or a
// nested call shares them.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { groupPerRankBw } from '../src/model/network/group-turns.js';

/** The Map-based groupPerRankBw this replaced, with the links it asked availOf about, in order. */
function reference(
  count: number,
  linksOf: (i: number) => readonly number[],
  capOf: (i: number) => number,
  ranksOf: (i: number) => number,
  availOf: (link: number, groupFlows: number) => number,
): number {
  let bw = Infinity;
  const ranksOnLink = new Map<number, number>();
  const flowsOnLink = new Map<number, number>();
  for (let i = 0; i < count; i++) {
    const ranks = ranksOf(i);
    bw = Math.min(bw, capOf(i) / ranks);
    for (const l of linksOf(i)) {
      ranksOnLink.set(l, (ranksOnLink.get(l) ?? 0) + ranks);
      flowsOnLink.set(l, (flowsOnLink.get(l) ?? 0) + 1);
    }
  }
  for (const [l, ranks] of ranksOnLink) bw = Math.min(bw, Math.max(0, availOf(l, flowsOnLink.get(l)!)) / ranks);
  return bw;
}

const group = fc.record({
  // Routes over links 0..199 (past the tally's first 64, so it grows), a link possibly twice.
  routes: fc.array(fc.array(fc.integer({ min: 0, max: 199 }), { maxLength: 6 }), { maxLength: 12 }),
  caps: fc.array(fc.double({ min: 1e-3, max: 1e12, noNaN: true }), { minLength: 12, maxLength: 12 }),
  ranks: fc.array(fc.oneof(fc.integer({ min: 1, max: 64 }), fc.double({ min: 0.01, max: 8, noNaN: true })), { minLength: 12, maxLength: 12 }),
  capacity: fc.array(fc.double({ min: -1, max: 1e12, noNaN: true }), { minLength: 200, maxLength: 200 }),
});

type Group = typeof group extends fc.Arbitrary<infer G> ? G : never;

function ask(g: Group, f: typeof groupPerRankBw, asked: string[], nested?: () => void): number {
  return f(
    g.routes.length,
    (i) => g.routes[i]!,
    (i) => g.caps[i]!,
    (i) => g.ranks[i]!,
    (l, flows) => {
      asked.push(`${l}:${flows}`);
      nested?.();
      return g.capacity[l]! / flows;
    },
  );
}

describe('groupPerRankBw on reused tallies: the Maps’ answer to the bit', () => {
  it('matches the Map version call after call, asking availOf the same links with the same counts in the same order', () => {
    fc.assert(
      fc.property(fc.array(group, { minLength: 1, maxLength: 5 }), (groups) => {
        for (const g of groups) {
          const mine: string[] = [];
          const theirs: string[] = [];
          expect(Object.is(ask(g, groupPerRankBw, mine), ask(g, reference, theirs))).toBe(true);
          expect(mine).toEqual(theirs);
        }
      }),
      { seed: 52, numRuns: 300 },
    );
  });

  it('answers a call made from inside availOf on its own tallies, and the outer call as if it had not been made', () => {
    fc.assert(
      fc.property(group, group, (outer, inner) => {
        const innerAnswers: number[] = [];
        const nested = (): void => void innerAnswers.push(ask(inner, groupPerRankBw, []));
        const mine: string[] = [];
        const theirs: string[] = [];
        expect(Object.is(ask(outer, groupPerRankBw, mine, nested), ask(outer, reference, theirs))).toBe(true);
        expect(mine).toEqual(theirs);
        const want = ask(inner, reference, []);
        for (const a of innerAnswers) expect(Object.is(a, want)).toBe(true);
      }),
      { seed: 53, numRuns: 200 },
    );
  });
});
