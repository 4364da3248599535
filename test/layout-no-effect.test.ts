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

describe('moe.max_nodes', () => {
  it('is said to change nothing without per-node dispatch', async () => {
    const { fitTrainingJob } = await import('../src/model/training-fit.js');
    const shape = { layers: 8, hidden_size: 1024, seq_len: 2048, global_batch: 2097152, moe: { experts: 8, top_k: 2, max_nodes: 2 } };
    const kinds = [{ index: 0, name: 'H100', memoryBytes: 80e9, devicesPerNode: 8 }];
    const off = fitTrainingJob({ devices: 16, params: 1.5e9, shape, layout: { tp: 1, dp: 16, ep: 8 } as never }, kinds);
    expect(off.notes.some((n) => n.path.join('.') === 'model.moe.max_nodes')).toBe(true);
    const on = fitTrainingJob({ devices: 16, params: 1.5e9, shape, layout: { tp: 1, dp: 16, ep: 8, ep_dispatch: 'per-node' } as never }, kinds);
    expect(on.notes.some((n) => n.path.join('.') === 'model.moe.max_nodes')).toBe(false);
  });
});
