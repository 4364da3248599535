// LastShape: a template has the last shape only when every field is equal and its lists are the
// same arrays; any other template becomes the last shape (answers kept for it are worked out anew).
import { describe, expect, it } from 'vitest';
import { LastShape } from '../src/sim/last-shape.js';

const kinds = [0, 1];
const rates = [1e15, 2e15];
const base = { allowedKinds: kinds, devices: 8, milli: undefined, cpuMilli: undefined, memoryMiB: undefined, kindRate: rates, efficiency: 0.5 };

describe('LastShape', () => {
  it('knows a template of the last shape, and nothing before the first', () => {
    const last = new LastShape();
    expect(last.same(base)).toBe(false);
    expect(last.same({ ...base })).toBe(true);
  });

  it('takes every other template as the new last shape', () => {
    const changes = [
      { allowedKinds: [0, 1] },
      { allowedKinds: undefined },
      { devices: 4 },
      { milli: 500 },
      { cpuMilli: 1000 },
      { memoryMiB: 2048 },
      { kindRate: [1e15, 2e15] },
      { efficiency: undefined },
      { efficiency: 0.6 },
    ];
    for (const change of changes) {
      const last = new LastShape();
      last.same(base);
      const other = { ...base, ...change };
      expect(last.same(other), JSON.stringify(change)).toBe(false);
      expect(last.same(other)).toBe(true);
      expect(last.same(base)).toBe(false);
    }
  });
});
