import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Engine, EngineError } from '../src/engine/engine.js';
import { RandomStream, RandomStreams } from '../src/engine/random.js';

describe('engine', () => {
  it('fires in (time, sequence) order', () => {
    const e = new Engine();
    const fired: string[] = [];
    e.at(2, () => fired.push('b'));
    e.at(1, () => fired.push('a'));
    e.at(2, () => fired.push('c'));
    e.at(1, () => {
      fired.push('a2');
      e.at(1, () => fired.push('a3')); // same time, scheduled later: fires after a2's peers
    });
    e.run();
    expect(fired).toEqual(['a', 'a2', 'a3', 'b', 'c']);
    expect(e.now).toBe(2);
  });

  it('skips cancelled events and stops at the horizon', () => {
    const e = new Engine();
    const fired: number[] = [];
    const ev = e.at(1, () => fired.push(1));
    e.at(5, () => fired.push(5));
    e.at(20, () => fired.push(20));
    e.cancel(ev);
    e.run(10);
    expect(fired).toEqual([5]);
    expect(e.now).toBe(10);
    e.run();
    expect(fired).toEqual([5, 20]);
  });

  it('refuses events in the past', () => {
    const e = new Engine();
    e.at(3, () => expect(() => e.at(2, () => {})).toThrow(EngineError));
    e.run();
  });

  it('keeps sequence counters per instance', () => {
    const a = new Engine();
    const b = new Engine();
    const order: string[] = [];
    b.at(0, () => {});
    b.at(0, () => {});
    a.at(1, () => order.push('x'));
    a.at(1, () => order.push('y'));
    a.run();
    expect(order).toEqual(['x', 'y']);
  });

  it('never lets time go backwards (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.double({ min: 0, max: 100, noNaN: true }), fc.boolean()), { maxLength: 200 }), (items) => {
        const e = new Engine();
        let last = -Infinity;
        let ok = true;
        const evs = items.map(([t, cancel]) => ({
          cancel,
          ev: e.at(t, () => {
            if (e.now < last) ok = false;
            last = e.now;
            if (e.now + 1 < 100) e.after(1, () => (ok = ok && e.now >= last));
          }),
        }));
        for (const x of evs) if (x.cancel) e.cancel(x.ev);
        e.run();
        return ok;
      }),
    );
  });
});

describe('random streams', () => {
  it('are reproducible per (seed, purpose) and independent of each other', () => {
    const a = new RandomStreams(7);
    const b = new RandomStreams(7);
    const xs = Array.from({ length: 5 }, () => a.stream('arrivals').next());
    b.stream('failures').next(); // drawing from another purpose first changes nothing
    const ys = Array.from({ length: 5 }, () => b.stream('arrivals').next());
    expect(ys).toEqual(xs);
    expect(new RandomStreams(8).stream('arrivals').next()).not.toBe(xs[0]);
  });

  it('samples with the right means', () => {
    const r = new RandomStream(1, 'test');
    const n = 200_000;
    let e = 0;
    let g = 0;
    let w = 0;
    for (let i = 0; i < n; i++) {
      e += r.exponential(2);
      g += r.gamma(3, 2);
      w += r.weibull(1, 5);
    }
    expect(e / n).toBeCloseTo(2, 1);
    expect(g / n).toBeCloseTo(6, 1);
    expect(w / n).toBeCloseTo(5, 1);
  });
});
