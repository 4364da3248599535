// The engine's event heap gives events in (time, sequence) order under any mix of pushes and pops,
// ties in time included (property against a sorted list).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventHeap } from '../src/engine/event-heap.js';

describe('EventHeap', () => {
  it('pops the earliest (time, then sequence) of what is queued (property)', () => {
    const op = fc.oneof(fc.integer({ min: 0, max: 20 }).map((t) => ({ push: t / 4 })), fc.constant({ pop: true as const }), fc.constantFrom({ push: 0 }, { push: -0 }, { push: Infinity }));
    fc.assert(
      fc.property(fc.array(op, { maxLength: 300 }), (ops) => {
        const heap = new EventHeap<{ timeS: number; seq: number }>();
        const model: { timeS: number; seq: number }[] = [];
        let seq = 0;
        for (const o of ops) {
          if ('push' in o) {
            const ev = { timeS: o.push, seq: seq++ };
            heap.push(ev);
            model.push(ev);
            model.sort((a, b) => a.timeS - b.timeS || a.seq - b.seq);
          } else {
            expect(heap.pop()).toBe(model.shift());
          }
          expect(heap.size()).toBe(model.length);
          expect(heap.top()).toBe(model[0]);
        }
        while (model.length > 0) expect(heap.pop()).toBe(model.shift());
        expect(heap.pop()).toBeUndefined();
      }),
      { numRuns: 2000 },
    );
  });
});
