import { describe, expect, it } from 'vitest';
import { validateLayout } from '../src/model/training-layout.js';

describe('layout fields that change nothing', () => {
  it('says sharded: true changes nothing with one data-parallel replica', () => {
    const base = { tp: 8, pp: 8, dp: 1, microBatches: 8 };
    const sharded = validateLayout({ ...base, shardedDataParallel: true }, 64, 8);
    expect(sharded.problems).toEqual([]);
    expect(sharded.notes.some((n) => n.startsWith('sharded: true has no effect with dp = 1'))).toBe(true);
    const plain = validateLayout({ ...base, dp: 2 , shardedDataParallel: true }, 128, 8);
    expect(plain.notes.some((n) => n.startsWith('sharded: true'))).toBe(false);
  });
});
