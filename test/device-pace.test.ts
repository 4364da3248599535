// DevicePace answers a job's slowest device without reading the paces while none is slow: the count
// of slow devices must follow every set(), or a straggler's job would run at full speed.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DevicePace } from '../src/sim/device-pace.js';

const PACES = [1, 0.5, 0.25, 1, 0.9];

describe('DevicePace', () => {
  it('gives the lowest pace (at most 1) among the devices, as a scan of every pace does, after any sets', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(15), fc.constantFrom(...PACES)), { maxLength: 40 }),
        fc.array(fc.array(fc.nat(15), { maxLength: 6 }), { minLength: 1, maxLength: 8 }),
        (sets, queries) => {
          const pace = new DevicePace(16);
          const plain = new Array<number>(16).fill(1);
          for (const [dev, p] of sets) {
            pace.set(dev, p);
            plain[dev] = p;
            for (const devices of queries) expect(pace.slowest(devices)).toBe(Math.min(1, ...devices.map((d) => plain[d]!)));
          }
          for (let d = 0; d < 16; d++) expect(pace.get(d)).toBe(plain[d]);
        },
      ),
    );
  });

  it('a device slowed and set back to 1 leaves no trace; another still slow still counts', () => {
    const pace = new DevicePace(4);
    pace.set(1, 0.5);
    pace.set(2, 0.5);
    pace.set(1, 1);
    expect(pace.slowest([0, 1])).toBe(1);
    expect(pace.slowest([0, 1, 2])).toBe(0.5);
    pace.set(2, 0.5);
    pace.set(2, 1);
    expect(pace.slowest([2, 3])).toBe(1);
  });
});
