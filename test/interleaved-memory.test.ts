// Activations under Megatron's interleaved schedule (src/model/memory.ts, interleavedInFlight): the
// chunks each stage's warm-up leaves in flight, set by `microbatch_group_size_per_vp_stage` (N, pp by
// default), and the one-byte mask the embedding's dropout keeps (none without dropout).
import { describe, expect, it } from 'vitest';
import { interleavedInFlight, layerActivationBytes, memoryPerDevice } from '../src/model/memory.js';
import { validateLayout, type ParallelLayout, type TrainingShape } from '../src/model/training-layout.js';
import { scenarioFromText } from './helpers.js';

describe('interleavedInFlight: Megatron-Core get_pp_rank_microbatches and get_schedule_table', () => {
  it("the table of schedules.py's docstring (PP 2, N 3, M 5, VP 2): rank 0 runs 2 + 3 warm-up forwards, rank 1 three, then one more before the first backward", () => {
    // virtual_microbatch_id 0..9 -> model_chunk_id 0 0 0 1 1 1 0 0 1 1.
    expect(interleavedInFlight(2, 2, 5, 3, 0)).toEqual({ chunks: 6, firstChunk: 3, lastChunk: 3 });
    expect(interleavedInFlight(2, 2, 5, 3, 1)).toEqual({ chunks: 4, firstChunk: 3, lastChunk: 1 });
  });

  it('the SC21 schedule (N = pp): (pp - rank - 1) x 2 + (v - 1) x pp warm-up forwards, at most every chunk of every micro-batch', () => {
    // Nemotron-4 340B as the DGX Cloud recipe runs it: PP 8, VP 12, 16 micro-batches.
    expect(interleavedInFlight(8, 12, 16, 8, 0)).toEqual({ chunks: 103, firstChunk: 15, lastChunk: 8 });
    expect(interleavedInFlight(8, 12, 16, 8, 7)).toEqual({ chunks: 89, firstChunk: 8, lastChunk: 1 });
    // As many micro-batches as stages: every forward in the warm-up (m v chunks, the 1F1B count of layers).
    expect(interleavedInFlight(16, 4, 16, 16, 0)).toEqual({ chunks: 64, firstChunk: 16, lastChunk: 16 });
    // A larger group deepens the warm-up: (v - 1) x N.
    expect(interleavedInFlight(8, 12, 16, 16, 0).chunks).toBe(14 + 11 * 16 + 1);
  });
});

describe('memoryPerDevice under the interleaved schedule', () => {
  // Nemotron-4 340B's shape (arXiv 2406.11704), the DGX Cloud recipe's layout on 128 H100.
  const nemotron: TrainingShape = {
    params: 341e9, layers: 96, hiddenSize: 18432, heads: 96, kvHeads: 8, ffnSize: 73728, vocab: 256000, tiedEmbeddings: false,
    seqLen: 4096, globalBatchTokens: 32 * 4096, precisionBytes: 2, activationRecompute: false, attention: 'flash', sequenceParallel: true, dropout: 0,
  };
  const layout: ParallelLayout = { tp: 8, pp: 8, dp: 2, microBatches: 16, virtualStages: 12, shardedDataParallel: false, zeroStage: 1, microbatchGroupSize: 8 };

  it('the first stage holds the 103 one-layer chunks of its warm-up, where 1F1B would hold 8 micro-batches of 12 layers (96)', () => {
    const perLayer = layerActivationBytes(nemotron, 4096, 8, 'selective');
    const m = memoryPerDevice(nemotron, layout);
    expect(m.modelChunksInFlight).toBe(103);
    // No dropout: the embedding keeps nothing beside the first layer's input.
    expect(m.activationsBytes).toBeCloseTo(103 * perLayer, 0);
    // The group unstated: the warm-up's depth is a tunable, and 1F1B's count is charged (96 layers).
    const { microbatchGroupSize: _n, ...unstated } = layout;
    expect(memoryPerDevice(nemotron, unstated).modelChunksInFlight).toBeUndefined();
    expect(memoryPerDevice(nemotron, unstated).activationsBytes).toBeCloseTo(96 * perLayer, 0);
    const plain = memoryPerDevice(nemotron, { ...layout, virtualStages: 1 });
    expect(plain.modelChunksInFlight).toBeUndefined();
    expect(plain.activationsBytes).toBeCloseTo(96 * perLayer, 0);
    // A group of 16 micro-batches: 14 + 11 x 16 + 1 = 191 chunks.
    expect(memoryPerDevice(nemotron, { ...layout, microbatchGroupSize: 16 }).activationsBytes).toBeCloseTo(191 * perLayer, 0);
  });

  it("the embedding's dropout keeps a one-byte mask per element of its output (1/t with sequence parallelism) for each micro-batch in flight", () => {
    const gpt = { ...nemotron, dropout: 0.1 };
    const perLayer = layerActivationBytes(gpt, 4096, 8, 'selective');
    const m = memoryPerDevice(gpt, { ...layout, virtualStages: 1 });
    expect(m.activationsBytes).toBeCloseTo(8 * (12 * perLayer + (4096 * 18432) / 8), 0);
    // Interleaved: one mask per micro-batch of chunk 0 in flight (15 of the 103).
    expect(memoryPerDevice(gpt, layout).activationsBytes).toBeCloseTo(103 * perLayer + (15 * 4096 * 18432) / 8, 0);
  });
});

describe('microbatch_group_size_per_vp_stage', () => {
  const check = (l: Partial<ParallelLayout>): string[] => validateLayout({ tp: 8, pp: 8, dp: 2, microBatches: 16, virtualStages: 12, shardedDataParallel: false, ...l }, 128, 8).problems;

  it('is refused where Megatron refuses it: outside [pp, micro_batches], or a last group shorter than pp', () => {
    expect(check({ microbatchGroupSize: 8 })).toEqual([]);
    expect(check({ microbatchGroupSize: 16 })).toEqual([]);
    expect(check({ microbatchGroupSize: 4 })).toEqual(["microbatch_group_size_per_vp_stage = 4 must lie in [pp, micro_batches] = [8, 16], as Megatron's interleaved schedule requires"]);
    expect(check({ microbatchGroupSize: 17 })).toEqual(["microbatch_group_size_per_vp_stage = 17 must lie in [pp, micro_batches] = [8, 16], as Megatron's interleaved schedule requires"]);
    expect(check({ microbatchGroupSize: 12 })).toEqual([
      'microbatch_group_size_per_vp_stage = 12 leaves a last group of 4 micro-batches (micro_batches = 16), fewer than pp = 8, which Megatron\'s interleaved schedule refuses: give a group that divides micro_batches or leaves at least pp',
    ]);
    expect(check({ microBatches: 20, microbatchGroupSize: 10 })).toEqual([]);
  });

  it('is read from a scenario and refused with the field named', () => {
    const yaml = (n: number): string => `name: t
seed: 1
datacentres:
  - name: dc
    fabric: IB-NDR
    node_groups:
      - { name: h, count: 16, device: H100 }
workloads:
  - jobs:
      - name: run
        devices: 128
        params: 20B
        tokens: 1T
        model: { layers: 48, hidden_size: 6144, heads: 48, seq_len: 4096, global_batch: ${32 * 4096}, attention: flash, recompute: full }
        layout: { tp: 8, pp: 8, dp: 2, virtual_stages: 2, micro_batches: 16, microbatch_group_size_per_vp_stage: ${n} }
`;
    expect(() => scenarioFromText(yaml(16))).not.toThrow();
    expect(() => scenarioFromText(yaml(4))).toThrow(/layout\.microbatch_group_size_per_vp_stage: microbatch_group_size_per_vp_stage = 4 must lie in \[pp, micro_batches\] = \[8, 16\]/);
  });
});
