// Activation memory of grouped-query attention (memory.ts, keptPerToken): under a fused
// attention kernel the keys and values a layer keeps for its backward are kv_heads x head_dim wide,
// not h (Korthikanti et al. 2022 count them as 2 s b h each, for multi-head attention), and the
// queries and attention output heads x head_dim.
import { describe, expect, it } from 'vitest';
import { layerActivationBytes, memoryPerDevice } from '../src/model/memory.js';
import { resolveShape, type ParallelLayout } from '../src/model/training-layout.js';

// Nemotron-4 340B (arXiv 2406.11704, Table 1): 96 heads of 192 in 8 key/value groups on 18,432.
const NEMOTRON = { layers: 96, hidden_size: 18432, heads: 96, kv_heads: 8, ffn_size: 73728, vocab: 256000, tied_embeddings: false, seq_len: 4096, global_batch: 131072, dropout: 0 } as const;
const TOKENS = 4096;
const SBH = TOKENS * 18432;

describe('grouped-query attention keeps keys and values kv_heads x head_dim wide', () => {
  it('Nemotron-4 340B under FlashAttention at tp 8 with sequence parallelism: (32 - 4 + 4 x 1536 / 18432) s b h / 8, not 32 s b h / 8', () => {
    const shape = resolveShape(341e9, { ...NEMOTRON, attention: 'flash3' });
    // Queries and output 2 s b h each, keys and values 2 s b h x 1,536 / 18,432 each.
    expect(layerActivationBytes(shape, TOKENS, 8, 'selective')).toBeCloseTo((SBH * (28 + 4 / 12)) / 8, 0);
  });

  it('multi-head attention of width h is unchanged: 32 s b h / t without dropout, 34 with', () => {
    const mha = resolveShape(341e9, { ...NEMOTRON, kv_heads: 96, attention: 'flash3' });
    expect(layerActivationBytes(mha, TOKENS, 8, 'selective')).toBeCloseTo((SBH * 32) / 8, 0);
    const dropout = resolveShape(341e9, { ...NEMOTRON, kv_heads: 96, attention: 'flash3', dropout: 0.1 });
    expect(layerActivationBytes(dropout, TOKENS, 8, 'selective')).toBeCloseTo((SBH * 34) / 8, 0);
  });

  it('standard (unfused) attention expands keys and values to every head before its GEMMs: kept h wide', () => {
    const std = resolveShape(341e9, { ...NEMOTRON, attention: 'standard', sequence_parallel: true });
    expect(layerActivationBytes(std, TOKENS, 8, 'selective')).toBeCloseTo((SBH * 32) / 8, 0);
  });

  it('queries and output heads x head_dim wide when that is not h (GPT-3 XL: 24 heads of 128 on 2,048)', () => {
    const xl = resolveShape(1.3e9);
    const sbh = TOKENS * 2048;
    // q = kv = 3072 / 2048 = 1.5: queries, keys, values and output 2 x 1.5 s b h each, 12 where
    // Korthikanti's count has 8; the FFN the shape derives from 1.3B parameters is 6,016 wide (the
    // wider attention leaves less for it), 4 x 6016 / 2048 = 11.75 s b h where a 4h FFN keeps 16
    // (was 34 + 4 = 38, the FFN taken 4h wide); the norms, their GEMM inputs and masks 10.
    expect(xl.ffnSize).toBe(6016);
    expect(layerActivationBytes(xl, TOKENS, 1, 'selective')).toBeCloseTo(sbh * (10 + 12 + (4 * 6016) / 2048), 0);
  });

  it('the first stage of the DGX Cloud 128-GPU recipe (tp 8, pp 8, vp 12, dp 2, one sequence a micro-batch): 77.6 GiB of 79.6, 79.4 with Megatron-Core\'s interleaved warm-up at its default group stated (103 one-layer chunks, not 96 layers)', () => {
    const shape = resolveShape(341e9, { ...NEMOTRON, attention: 'flash3' });
    const layout: ParallelLayout = { tp: 8, pp: 8, dp: 2, microBatches: 16, virtualStages: 12, zeroStage: 1 };
    const gib = (b: number): string => (b / 2 ** 30).toFixed(1);
    const at = (m: ReturnType<typeof memoryPerDevice>): string[] => [m.weightsBytes, m.gradientsBytes, m.optimizerBytes, m.activationsBytes, m.totalBytes].map(gib);
    expect(at(memoryPerDevice(shape, layout))).toEqual(['10.7', '10.7', '32.2', '23.9', '77.6']);
    expect(at(memoryPerDevice(shape, { ...layout, microbatchGroupSize: 8 }))).toEqual(['10.7', '10.7', '32.2', '25.6', '79.4']);
  });
});
