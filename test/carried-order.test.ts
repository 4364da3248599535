// The multifactor pass's carried sort order (src/policy/carried-order.ts) against a sort from
// scratch, over random sequences of passes: jobs leave from anywhere in the line, new ones join at
// its end, a re-queued job may appear twice, and priorities change between passes (sometimes
// reordering the line, sometimes not); with the match of the two lines found, and told.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { carriedOrder } from '../src/policy/carried-order.js';

interface Job {
  id: number;
}

describe('carried sort order of a waiting line', () => {
  it('is what a sort from scratch gives, pass after pass', () => {
    const pass = fc.record({
      leave: fc.array(fc.nat(), { maxLength: 6 }),
      join: fc.nat({ max: 5 }),
      requeue: fc.boolean(),
      // Most passes keep the order of priorities (all age alike); some shuffle them.
      reprioritise: fc.oneof(fc.constant(false), fc.constant(false), fc.constant(true)),
      // A few jobs' priorities move (age factors reaching their cap): the last order in a few runs.
      nudge: fc.array(fc.tuple(fc.nat(), fc.integer({ min: -3, max: 3 })), { maxLength: 4 }),
      seed: fc.nat(),
    });
    fc.assert(
      fc.property(fc.array(pass, { minLength: 1, maxLength: 25 }), fc.integer({ min: 0, max: 60 }), (passes, crowd) => {
        let nextId = 0;
        const priority = new Map<number, number>();
        let line: Job[] = [];
        let prevLine: Job[] = [];
        let prevN = 0;
        let prevOrder = new Uint32Array(0);
        // Lines long enough that a few crossed priorities are merged as runs, not sorted from scratch.
        for (let j = 0; j < crowd; j++) {
          priority.set(nextId, nextId % 7);
          line.push({ id: nextId++ });
        }
        for (const p of passes) {
          // The match the test knows: entry k of the last line stays (at its filtered position) unless it left.
          const pos = new Int32Array(prevN);
          let kept = 0;
          for (let k = 0; k < prevN; k++) pos[k] = p.leave.includes(k) ? -1 : kept++;
          line = line.filter((_, i) => !p.leave.includes(i));
          for (let j = 0; j < p.join; j++) {
            const job = { id: nextId++ };
            priority.set(job.id, (p.seed * 7 + job.id * 13) % 5);
            line.push(job);
          }
          if (p.requeue && line.length > 0) line.push(line[p.seed % line.length]!);
          if (p.reprioritise) for (const [id] of priority) priority.set(id, (p.seed + id * 31) % 4);
          for (const [k, by] of p.nudge) if (line.length > 0) priority.set(line[k % line.length]!.id, priority.get(line[k % line.length]!.id)! + by);
          const n = line.length;
          const cmp = (a: number, b: number): number => priority.get(line[b]!.id)! - priority.get(line[a]!.id)! || line[a]!.id - line[b]!.id;
          const got = [...carriedOrder(line, n, prevLine, prevN, prevOrder, cmp, new Uint32Array(n))].map((i) => line[i]!.id);
          const want = Array.from({ length: n }, (_, i) => i)
            .sort(cmp)
            .map((i) => line[i]!.id);
          expect(got).toEqual(want);
          // Told the match instead of finding it, the same answer.
          const told = [...carriedOrder(line, n, prevLine, prevN, prevOrder, cmp, new Uint32Array(n), { pos, kept })].map((i) => line[i]!.id);
          expect(told).toEqual(want);
          prevLine = [...line];
          prevN = n;
          prevOrder = Uint32Array.from(Array.from({ length: n }, (_, i) => i).sort(cmp));
        }
      }),
      { numRuns: 600 },
    );
  });

  it('is what a sort from scratch gives on long lines with a few entries out of place (merges by search and block copies)', () => {
    // Hundreds of entries, so that a merge's searches step far and copy blocks longer than its
    // short-copy loop; the last order is this pass's with a few entries moved (priorities crossed).
    const arb = fc.record({
      n: fc.integer({ min: 1, max: 500 }),
      levels: fc.integer({ min: 1, max: 1000 }),
      seed: fc.nat(),
      moves: fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 6 }),
      leave: fc.array(fc.nat(), { maxLength: 4 }),
      join: fc.nat({ max: 4 }),
    });
    fc.assert(
      fc.property(arb, ({ n, levels, seed, moves, leave, join }) => {
        const prio = (id: number): number => (id * 2654435761 + seed) % levels;
        const prevLine = Array.from({ length: n }, (_, id) => ({ id }));
        const byPrio = (l: Job[]) => (a: number, b: number) => prio(l[b]!.id) - prio(l[a]!.id) || l[a]!.id - l[b]!.id;
        const order = Array.from({ length: n }, (_, i) => i).sort(byPrio(prevLine));
        for (const [from, to] of moves) order.splice(to % n, 0, order.splice(from % n, 1)[0]!);
        const line = prevLine.filter((_, i) => !leave.includes(i));
        for (let j = 0; j < join; j++) line.push({ id: n + j });
        const cmp = byPrio(line);
        const got = [...carriedOrder(line, line.length, prevLine, n, Uint32Array.from(order), cmp, new Uint32Array(line.length))].map((i) => line[i]!.id);
        const want = Array.from({ length: line.length }, (_, i) => i)
          .sort(cmp)
          .map((i) => line[i]!.id);
        expect(got).toEqual(want);
      }),
      { numRuns: 400 },
    );
  });
});
