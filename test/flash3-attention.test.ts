// `attention: flash3`: FlashAttention-3's published speed-up over FlashAttention-2 on H100 (Shah et al.
// 2024, flash3-rate.ts), forward and backward apart, on kinds with Hopper's instructions only.
import { describe, expect, it } from 'vitest';
import { explainJob } from '../src/model/explain.js';
import { flash3Speedup } from '../src/model/flash3-rate.js';
import { InputError } from '../src/scenario/errors.js';
import { scenarioFromText } from './helpers.js';

const scenario = (device: string, attention: string, seq = 8192): string => `name: flash3
seed: 1
datacentres:
  - name: dc
    fabric: IB-NDR
    node_groups:
      - { name: g, count: 1, device: ${device} }
workloads:
  - jobs:
      - name: dense
        devices: 8
        params: 8.03B
        tokens: 1T
        model: { layers: 32, hidden_size: 4096, heads: 32, kv_heads: 8, ffn_size: 14336, gated_mlp: true, vocab: 128256, tied_embeddings: false, seq_len: ${seq}, global_batch: ${128 * seq}, attention: ${attention}, precision: bf16, recompute: none }
        layout: { tp: 1, pp: 1, dp: 8, micro_batch_size: 1, zero: 3 }
`;

describe('attention: flash3', () => {
  it("the paper's figures: 602/333 forward and 559/318 backward at 8k, 292/191 and 316/214 at 512, flat outside 512..16k", () => {
    const at8k = flash3Speedup(8192);
    expect(at8k.forward).toBeCloseTo(602 / 333, 12);
    expect(at8k.backward).toBeCloseTo(559 / 318, 12);
    expect(flash3Speedup(256)).toEqual(flash3Speedup(512));
    expect(flash3Speedup(512).forward).toBeCloseTo(292 / 191, 12);
    expect(flash3Speedup(65536)).toEqual(flash3Speedup(16384));
    // Between the points, linear in log2(sequence): 6k lies 0.585 of the way from 4k to 8k.
    const x = Math.log2(6144 / 4096);
    expect(flash3Speedup(6144).forward).toBeCloseTo((579 + x * (602 - 579)) / (319 + x * (333 - 319)), 12);
  });

  it('on H100 it times attention at the speed-up and nothing else: the GEMMs and memory-bound passes are the same', () => {
    for (const seq of [2048, 8192]) {
      const fa2 = explainJob(scenarioFromText(scenario('H100', 'flash', seq)), 'dense').step.micro_batch;
      const fa3 = explainJob(scenarioFromText(scenario('H100', 'flash3', seq)), 'dense').step.micro_batch;
      expect(fa3.gemm_s).toBe(fa2.gemm_s);
      expect(fa3.elementwise_s).toBe(fa2.elementwise_s);
      const up = flash3Speedup(seq);
      // Forward and backward each at their own speed-up: the whole lies between the two.
      expect(fa3.attention_s).toBeLessThan(fa2.attention_s / Math.min(up.forward, up.backward) + 1e-12);
      expect(fa3.attention_s).toBeGreaterThan(fa2.attention_s / Math.max(up.forward, up.backward) - 1e-12);
    }
    // H200 and H800 have the same die: the same speed-up.
    for (const kind of ['H200', 'H800']) {
      expect(() => explainJob(scenarioFromText(scenario(kind, 'flash3')), 'dense')).not.toThrow();
    }
  });

  it("is refused on kinds without Hopper's wgmma and TMA, with the kind and what to say instead", () => {
    for (const kind of ['A100-80GB', 'B200']) {
      let err: unknown;
      try {
        scenarioFromText(scenario(kind, 'flash3'));
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(InputError);
      expect((err as Error).message).toContain('no FlashAttention-3 there');
      expect((err as Error).message).toContain('attention: flash');
    }
  });
});
