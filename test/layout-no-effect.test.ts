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
    // The jobs give a layout: the automatic layout's search (layoutEnv) is never run.
    const kinds = [{ index: 0, name: 'H100', memoryBytes: 80e9, devicesPerNode: 8, layoutEnv: undefined as never }];
    const off = fitTrainingJob({ devices: 16, params: 1.5e9, shape, layout: { tp: 1, dp: 16, ep: 8 } as never }, kinds);
    expect(off.notes.some((n) => n.path.join('.') === 'model.moe.max_nodes')).toBe(true);
    const on = fitTrainingJob({ devices: 16, params: 1.5e9, shape, layout: { tp: 1, dp: 16, ep: 8, ep_dispatch: 'per-node' } as never }, kinds);
    expect(on.notes.some((n) => n.path.join('.') === 'model.moe.max_nodes')).toBe(false);
  });
});

describe('ffn_size beside an all-MoE model', () => {
  it('is said to change nothing when every layer is a MoE layer and the experts have their own width', async () => {
    const { fitTrainingJob } = await import('../src/model/training-fit.js');
    const { explainJob } = await import('../src/model/explain.js');
    const { scenarioFromText } = await import('./helpers.js');
    // The jobs give a layout: the automatic layout's search (layoutEnv) is never run.
    const kinds = [{ index: 0, name: 'H100', memoryBytes: 80e9, devicesPerNode: 8, layoutEnv: undefined as never }];
    const notes = (moe: Record<string, number>, ffn?: number): string[] =>
      fitTrainingJob({ devices: 16, params: 1.5e9, shape: { layers: 8, hidden_size: 1024, seq_len: 2048, global_batch: 2097152, ...(ffn !== undefined ? { ffn_size: ffn } : {}), moe: { experts: 8, top_k: 2, ...moe } }, layout: { tp: 1, dp: 16, ep: 8 } as never }, kinds)
        .notes.filter((n) => n.path.join('.') === 'model.ffn_size')
        .map((n) => n.message);
    expect(notes({ ffn_size: 512 }, 4096)).toEqual([expect.stringMatching(/^ffn_size = 4096 has no effect: every layer is a mixture-of-experts layer/)]);
    // The experts take ffn_size when they have no width of their own; dense layers use it.
    expect(notes({}, 4096)).toEqual([]);
    expect(notes({ ffn_size: 512, dense_layers: 1 }, 4096)).toEqual([]);
    // And it does change nothing: step and memory of two widths are equal.
    const text = (ffn: number): string => `name: m
seed: 1
datacentres:
  - name: dc
    node_groups:
      - { name: h, count: 2, device: H100 }
workloads:
  - jobs:
      - name: gpt
        devices: 16
        params: 160M
        tokens: 1e10
        model: { layers: 8, hidden_size: 1024, ffn_size: ${ffn}, seq_len: 2048, global_batch: 2097152, recompute: selective, moe: { experts: 8, top_k: 2, ffn_size: 512 } }
        layout: { tp: 1, dp: 16, ep: 8 }
`;
    const [a, b] = [4096, 16384].map((f) => explainJob(scenarioFromText(text(f)), 'gpt'));
    expect(a!.step).toEqual(b!.step);
    expect(a!.memory).toEqual(b!.memory);
  });
});
