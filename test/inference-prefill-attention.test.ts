// Prefill attention at the fused kernel's rate (src/model/inference/prefill-attention.ts): the training
// side's FlashAttention-2 forward figure for the kind, at the 16-bit peak beside FP8 GEMMs, along the
// published forward curve by the sequence the iteration's pairs amount to.
import { describe, expect, it } from 'vitest';
import { attentionS, causalPairs, mixedStepS, prefillS } from '../src/model/inference/replica-model.js';
import { equivalentSeq, FLASH2_FORWARD_A100_TFLOPS, FLASH2_FORWARD_H100_TFLOPS, prefillAttentionFactor, RATIO_CURVE } from '../src/model/inference/prefill-attention.js';
import { oneReplicaService, serviceTiming } from './one-replica-service.js';

const service = (device: string, tp: number, model: string, extra = ''): string => oneReplicaService('attn', device, tp, model, extra);
const timingOf = (text: string) => serviceTiming(text, 'attn.yaml');
const LLAMA7 = '{ params: 6.74B, layers: 32, hidden_size: 4096 }';
const flops = (n: number, prior = 0): number => 4 * 32 * 4096 * causalPairs(n, prior);

describe('prefill attention at the fused kernel rate', () => {
  it('H100 FP8: attention runs in 16 bits at the kind\'s FlashAttention-2 forward figure (0.35 of 989 TFLOP/s at 16k), not at 0.55 of the FP8 peak', () => {
    const t = timingOf(service('H100', 1, LLAMA7.replace(' }', ', precision_bytes: 1 }')));
    expect(attentionS(t, causalPairs(16384, 0), 16384)).toBeCloseTo(flops(16384) / (989e12 * 0.35), 12);
    // At 2k, FlashAttention-2 forward on H100 runs at 298 of its 335 TFLOP/s at 16k (FlashAttention-3 paper's figure).
    expect(attentionS(t, causalPairs(2048, 0), 2048)).toBeCloseTo(flops(2048) / ((989e12 * 0.35 * 298) / 335), 12);
    // What it was: the FP8 peak at the kind's whole-iteration efficiency, 3.5x faster at 2k.
    expect(flops(2048) / (1979e12 * 0.55) / attentionS(t, causalPairs(2048, 0), 2048)).toBeLessThan(0.3);
  });

  it('A100: gemm_efficiency x 0.75 of 312 TFLOP/s at 2k (figure 5(d)\'s 187), along the A100 forward curve, flat past 16k', () => {
    const t = timingOf(service('A100-80GB', 1, LLAMA7));
    const at2k = 312e12 * 0.8 * 0.75;
    expect(attentionS(t, causalPairs(2048, 0), 2048)).toBeCloseTo(flops(2048) / at2k, 12);
    expect(attentionS(t, causalPairs(512, 0), 512)).toBeCloseTo(flops(512) / ((at2k * 132) / 187), 12);
    expect(attentionS(t, causalPairs(128, 0), 128)).toBeCloseTo(flops(128) / ((at2k * 132) / 187), 12);
    expect(attentionS(t, causalPairs(1e6, 0), 1e6)).toBeCloseTo(flops(1e6) / ((at2k * 197) / 187), 6);
  });

  it('a chunk after earlier ones runs at the rate of a causal sequence of as many keys a query; a batch at the rate of its mean', () => {
    expect(equivalentSeq(causalPairs(3000, 0), 3000)).toBeCloseTo(3000, 9);
    expect(equivalentSeq(causalPairs(1000, 2000), 1000)).toBeCloseTo(5000, 9);
    const t = timingOf(service('A100-80GB', 1, LLAMA7));
    const chunk = attentionS(t, causalPairs(1000, 2000), 1000);
    expect(chunk).toBeCloseTo(flops(1000, 2000) / (312e12 * 0.8 * 0.75 * prefillAttentionFactor(RATIO_CURVE, 5000)), 12);
    // A mixed iteration of 3 decodes and that chunk: the chunk's 1,000 tokens are the queries.
    expect(mixedStepS(t, 1003, 0, causalPairs(1000, 2000), 1000) - mixedStepS(t, 1003, 0, 0, 1000)).toBeCloseTo(chunk, 12);
    // Two prompts of 1,000 and 3,000 tokens prefilled together: the pairs over 4,000 queries.
    const pairs = causalPairs(1000, 0) + causalPairs(3000, 0);
    expect(prefillS(t, 4000, pairs) - prefillS(t, 4000, 0)).toBeCloseTo(attentionS(t, pairs, 4000), 12);
    expect(equivalentSeq(pairs, 4000)).toBeCloseTo(2500, 9);
  });

  it('the curves are the published forward figures: flat outside 512-16k, log-linear between', () => {
    expect(prefillAttentionFactor(RATIO_CURVE, 2048)).toBe(1);
    expect(prefillAttentionFactor(RATIO_CURVE, 100)).toBeCloseTo(FLASH2_FORWARD_A100_TFLOPS[0] / 187, 12);
    expect(prefillAttentionFactor(RATIO_CURVE, Math.sqrt(2048 * 4096))).toBeCloseTo((187 + 198) / 2 / 187, 12);
    expect(FLASH2_FORWARD_H100_TFLOPS[5]).toBe(335);
  });

  it("a replica's own efficiency keeps attention at its peak x efficiency at every sequence", () => {
    const t = timingOf(service('A100-80GB', 1, LLAMA7, ', efficiency: 0.5'));
    expect(t.attentionCurve).toBeUndefined();
    expect(attentionS(t, causalPairs(512, 0), 512)).toBeCloseTo(flops(512) / (312e12 * 0.5), 12);
  });
});
