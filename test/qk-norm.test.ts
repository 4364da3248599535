// QK norm (`model.qk_norm`, Qwen3's `qk_layernorm`): Megatron-Core runs TENorm over every query head
// and every key head before the attention core (megatron/core/transformer/attention.py), two more
// norm kernels a layer. Checked by hand here: its time on one H100, what it adds to a step's
// memory-bound passes and to a layer's kept activations, and its refusals.
import { describe, expect, it } from 'vitest';
import { DEVICE_CATALOGUE } from '../src/model/catalogue.js';
import { computeBreakdown, computeDeviceOf, qkNormS } from '../src/model/layer-compute.js';
import { layerActivationBytes } from '../src/model/memory.js';
import { layoutFromSpec, resolveShape } from '../src/model/training-layout.js';
import { InputError } from '../src/scenario/errors.js';
import { scenarioFromText } from './helpers.js';

const h100 = computeDeviceOf(DEVICE_CATALOGUE['H100']!)!;
// Qwen3-30B-A3B's attention (32 query heads and 4 key/value heads of 128 on a 2,048-wide model), here on a dense FFN.
const QWEN3_ATTENTION = { layers: 48, hidden_size: 2048, heads: 32, kv_heads: 4, head_dim: 128, ffn_size: 6144, gated_mlp: true, vocab: 151936, seq_len: 4096, global_batch: 4096 * 8, attention: 'flash' as const };

describe('QK norm', () => {
  it('is two norm kernels over the rank\'s query and key heads, at the persistent kernel\'s bytes (2 elements forward, 4 backward) and 4 us a launch', () => {
    const shape = resolveShape(1.5e9, { ...QWEN3_ATTENTION, qk_norm: true });
    const layout = layoutFromSpec({ tp: 1, pp: 1, dp: 8, micro_batches: 1, virtual_stages: 1, sharded: false }, shape);
    // 4,096 tokens: queries 4,096 x 32 x 128 = 16,777,216 values, keys 4,096 x 4 x 128 = 2,097,152, 2 bytes each.
    // H100 streams at 0.85 x 3.35 TB/s = 2.8475 TB/s: forward 2 x 2 x 16,777,216 / 2.8475e12 = 23.568 us
    // + 4 us, and 2.946 us + 4 us for the keys: 34.51 us; backward twice that (4 elements, two launches each).
    const { forwardS, backwardS } = qkNormS(shape, 4096, 1, 32, 4, 128, layout, h100);
    expect(forwardS * 1e6).toBeCloseTo(34.51, 2);
    expect(backwardS * 1e6).toBeCloseTo(69.03, 2);
    // Over two tensor ranks each holds half the heads: the bytes halve, the launches stay.
    const tp2 = qkNormS(shape, 4096, 2, 32, 4, 128, layout, h100);
    expect(tp2.forwardS * 1e6).toBeCloseTo((23.568 + 2.946) / 2 + 8, 2);
    // Without the field, or with MLA (its norms are on the latents), nothing.
    const plain = resolveShape(1.5e9, QWEN3_ATTENTION);
    expect(qkNormS(plain, 4096, 1, 32, 4, 128, layout, h100)).toEqual({ forwardS: 0, backwardS: 0 });
  });

  it('adds its forward and backward to every layer\'s memory-bound passes, and its input to each layer\'s kept activations', () => {
    const withNorm = resolveShape(1.5e9, { ...QWEN3_ATTENTION, qk_norm: true });
    const without = resolveShape(1.5e9, QWEN3_ATTENTION);
    const spec = { tp: 1, pp: 1, dp: 8, micro_batches: 1, virtual_stages: 1, sharded: false };
    const a = computeBreakdown(withNorm, layoutFromSpec(spec, withNorm), h100);
    const b = computeBreakdown(without, layoutFromSpec(spec, without), h100);
    // 48 layers x (34.51 + 69.03) us = 4.970 ms a micro-batch, all of it memory-bound passes.
    expect((a.elementwiseS - b.elementwiseS) * 1e3).toBeCloseTo(4.97, 2);
    expect(a.microBatchS - b.microBatchS).toBeCloseTo(a.elementwiseS - b.elementwiseS, 12);
    expect(a.gemmS).toBe(b.gemmS);
    expect(a.attentionS).toBe(b.attentionS);
    // Kept for the backward: the queries and keys before the norm, 4,096 x (32 + 4) x 128 x 2 bytes = 37.7 MB a layer.
    expect(layerActivationBytes(withNorm, 4096, 1, 'none') - layerActivationBytes(without, 4096, 1, 'none')).toBe(4096 * 36 * 128 * 2);
    expect(layerActivationBytes(withNorm, 4096, 2, 'none') - layerActivationBytes(without, 4096, 2, 'none')).toBe((4096 * 36 * 128 * 2) / 2);
  });

  it('is refused beside mla and with recompute: op, at qk_norm, with nothing run', () => {
    const scenario = (model: string): string => `name: qk
seed: 1
datacentres:
  - name: dc
    node_groups:
      - { name: h100, count: 1, device: H100 }
workloads:
  - jobs: [{ name: j, devices: 8, params: 7B, tokens: 1B, model: ${model} }]
`;
    const refusal = (model: string): string => {
      try {
        scenarioFromText(scenario(model));
      } catch (e) {
        expect(e).toBeInstanceOf(InputError);
        return (e as Error).message;
      }
      return '';
    };
    expect(refusal('{ layers: 8, hidden_size: 7168, heads: 128, qk_norm: true, mla: { kv_lora_rank: 512, qk_nope_head_dim: 128, qk_rope_head_dim: 64, v_head_dim: 128 }, attention: flash }')).toContain(
      'workloads[0].jobs[0].model.qk_norm: `mla` normalises its compressed query and key latents',
    );
    expect(refusal('{ layers: 32, hidden_size: 4096, qk_norm: true, attention: flash, dropout: 0, recompute: op }')).toContain('workloads[0].jobs[0].model.qk_norm: `recompute: op` is TorchTitan');
    expect(refusal('{ layers: 32, hidden_size: 4096, qk_norm: true, attention: flash }')).toBe('');
    expect(refusal('{ layers: 32, hidden_size: 4096, qk_norm: 1, attention: flash }')).toMatch(/model\.qk_norm/);
  });
});
