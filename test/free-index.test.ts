import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FreeIndex } from '../src/model/free-index.js';

describe('FreeIndex', () => {
  it('finds the leftmost position with enough free devices, like a scan (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 8 }), { minLength: 1, maxLength: 70 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 8 }))),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 9 }), fc.nat())),
        (free, updates, queries) => {
          const idx = new FreeIndex(free);
          const model = [...free];
          for (const [pos, v] of updates) {
            const p = pos % model.length;
            model[p] = v;
            idx.set(p, v);
          }
          for (const [need, from0] of queries) {
            const from = from0 % (model.length + 1);
            let expected = -1;
            for (let i = from; i < model.length; i++) {
              if (model[i]! >= need) {
                expected = i;
                break;
              }
            }
            expect(idx.leftmost(need, from)).toBe(expected);
          }
          expect(idx.max()).toBe(Math.max(...model));
        },
      ),
    );
  });

  it('finds the tightest position that holds a need, leftmost on ties, like a scan (property)', () => {
    fc.assert(
      fc.property(
        // Free counts past 31 share one mask bit: a few nodes of 32-40 devices take the walk.
        fc.array(fc.oneof(fc.integer({ min: 0, max: 8 }), fc.integer({ min: 29, max: 40 })), { minLength: 1, maxLength: 70 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 40 }))),
        fc.array(fc.integer({ min: 0, max: 42 })),
        (free, updates, needs) => {
          const idx = new FreeIndex(free);
          const model = [...free];
          const check = (): void => {
            for (const need of needs) {
              let expected = -1;
              for (let i = 0; i < model.length; i++) if (model[i]! >= need && (expected === -1 || model[i]! < model[expected]!)) expected = i;
              expect(idx.tightest(need)).toBe(expected);
            }
          };
          check();
          for (const [pos, v] of updates) {
            const p = pos % model.length;
            model[p] = v;
            idx.set(p, v);
          }
          check();
        },
      ),
    );
  });

  it('lists the first count positions with enough free devices, as repeated leftmost calls do (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 8 }), { minLength: 1, maxLength: 300 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 8 }))),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 0, max: 320 }), fc.integer({ min: 0, max: 3 }))),
        (free, updates, queries) => {
          const idx = new FreeIndex(free);
          for (const [pos, v] of updates) idx.set(pos % free.length, v);
          for (const [need, count, at] of queries) {
            const expected: number[] = [];
            for (let pos = idx.leftmost(need); pos !== -1 && expected.length < count; pos = idx.leftmost(need, pos + 1)) expected.push(pos);
            const out: number[] = new Array<number>(at).fill(-7);
            const n = idx.leftmostMany(need, count, out, at);
            expect(n).toBe(expected.length);
            expect(out.slice(0, at)).toEqual(new Array<number>(at).fill(-7));
            expect(out.slice(at, at + n)).toEqual(expected);
          }
        },
      ),
    );
  });
});
