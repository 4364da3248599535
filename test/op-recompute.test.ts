// Per-op selective activation checkpointing (`recompute: op`, src/model/op-recompute.ts): the
// matmuls TorchTitan's policy recomputes, by hand for a small shape; the memory it keeps against the
// other modes; the tensor group's second gathers; where it is refused; what explain shows.
import { describe, expect, it } from 'vitest';
import { DEVICE_CATALOGUE } from '../src/model/catalogue.js';
import { explainJob, explanationTable } from '../src/model/explain.js';
import { gemmTimeS } from '../src/model/gemm.js';
import { computeBreakdown, computeDeviceOf } from '../src/model/layer-compute.js';
import { layerActivationBytes, memoryPerDevice } from '../src/model/memory.js';
import { opLayerActivationBytes, opRecomputedFlopPerToken, opRecomputedGemms } from '../src/model/op-recompute.js';
import { stepTime } from '../src/model/step-time.js';
import type { ParallelLayout, TrainingShape } from '../src/model/training-layout.js';
import { InputError } from '../src/scenario/errors.js';
import { scenarioFromText } from './helpers.js';
import { h100Pool } from './h100-pool.js';

// A small Llama-like block: h 256, 4 heads of 64 (q 256), 2 KV heads (kv 128), SwiGLU of 512.
const small: TrainingShape = {
  params: 0,
  layers: 2,
  hiddenSize: 256,
  heads: 4,
  kvHeads: 2,
  ffnSize: 512,
  gatedMlp: true,
  seqLen: 1024,
  globalBatchTokens: 4096,
  precisionBytes: 2,
  activationRecompute: false,
  attention: 'flash',
  dropout: 0,
} as TrainingShape;
const layout = (tp: number): ParallelLayout => ({ tp, pp: 1, dp: 1, microBatches: 2 }) as ParallelLayout;
const h100 = computeDeviceOf(DEVICE_CATALOGUE['H100']!)!;

describe('recompute: op', () => {
  it('recomputes wk, wo and w3 without TP (in Llama order the even matmuls), wk and w3 with TP (wo feeds the saved reduce-scatter): FLOPs by hand', () => {
    // Per token, 2 N K: wk 2 x 256 x 128, wo 2 x 256 x 256, w3 2 x 256 x 512.
    expect(opRecomputedFlopPerToken(small, 1)).toBe(2 * (256 * 128 + 256 * 256 + 256 * 512));
    expect(opRecomputedFlopPerToken(small, 1)).toBe(458752);
    expect(opRecomputedFlopPerToken(small, 2)).toBe(2 * (256 * 128 + 256 * 512));
    expect(opRecomputedGemms(small, 2048, 2)).toEqual([
      [2048, 64, 256],
      [2048, 256, 256],
    ]);
    // A GPT block (wq, wk, wv, wo, w1, w2): wk and wo; w2's output is only summed into the block's output.
    expect(opRecomputedFlopPerToken({ ...small, gatedMlp: false }, 1)).toBe(2 * (256 * 128 + 256 * 256));
    // The breakdown's hardware FLOPs: 2 micro-batches of 2,048 tokens, 2 layers, over the FlashAttention run without it.
    for (const tp of [1, 2]) {
      const op = computeBreakdown({ ...small, recompute: 'op' }, layout(tp), h100);
      const sel = computeBreakdown({ ...small, recompute: 'selective' }, layout(tp), h100);
      expect(op.hardwareFlopPerDevice - sel.hardwareFlopPerDevice).toBe((2 * 2 * 2048 * opRecomputedFlopPerToken(small, tp)) / tp);
      // Charged at the layers' own GEMM rate: the recomputed GEMMs' time is the extra GEMM time.
      const gemms = opRecomputedGemms(small, 2048, tp).reduce((a, [m, n, k]) => a + gemmTimeS(m, n, k, 1, 2, h100), 0);
      expect(op.gemmS - sel.gemmS).toBeCloseTo(2 * gemms, 15);
      // And the memory-bound passes before them: more than the GEMMs alone, less than full recompute.
      expect(op.recomputeS).toBeGreaterThan(2 * gemms);
      expect(op.elementwiseS).toBeGreaterThan(sel.elementwiseS);
      const full = computeBreakdown({ ...small, recompute: 'full' }, layout(tp), h100);
      expect(op.recomputeS).toBeLessThan(full.recomputeS);
      expect(sel.recomputeS).toBe(0);
    }
  });

  it("keeps the block's input, wq's, wv's, w1's and SDPA's outputs and its logsumexp: by hand, and none >= selective >= op >= full", () => {
    // tp 1: (h + q + kv + q + f) x 2 bytes + heads x 4 bytes a token.
    expect(opLayerActivationBytes(small, 1000, 1, true)).toBe(1000 * ((256 + 256 + 128 + 256 + 512) * 2 + 4 * 4));
    // tp 2, sequence parallel: the input and the saved reduce-scatter after wo at 1/2 each, the saved outputs at 1/2.
    expect(opLayerActivationBytes(small, 1000, 2, true)).toBe(1000 * ((128 + 128 + (256 + 128 + 256 + 512) / 2) * 2 + 2 * 4));
    for (const [shape, tp] of [
      [small, 1],
      [small, 2],
      [{ ...small, hiddenSize: 4096, heads: 32, kvHeads: 8, ffnSize: 14336, seqLen: 8192 }, 1],
      [{ ...small, hiddenSize: 4096, heads: 32, kvHeads: 8, ffnSize: 14336, seqLen: 8192 }, 8],
    ] as const) {
      const at = (mode: 'none' | 'selective' | 'op' | 'full'): number => layerActivationBytes(shape, 16384, tp, mode);
      expect(at('none')).toBeGreaterThanOrEqual(at('selective'));
      expect(at('selective')).toBeGreaterThan(at('op'));
      expect(at('op')).toBeGreaterThan(at('full'));
    }
    // Llama 3.1 8B, tp 1: 27,648 elements and 128 bytes a token against the Megatron set's 34 x 4,096 (no dropout;
    // 32 less 3 for its keys and values, 8 groups of 128 kept where the count has 4,096, and 5 more for its SwiGLU FFN,
    // 3 x 14,336 x 2 bytes where GPT's 4h GeLU keeps 16 h: memory.ts, keptPerToken; 29 x 4,096 before it was counted).
    const llama8 = { ...small, hiddenSize: 4096, heads: 32, kvHeads: 8, ffnSize: 14336, seqLen: 8192 };
    expect(layerActivationBytes(llama8, 1, 1, 'op')).toBe(27648 * 2 + 128);
    expect(layerActivationBytes(llama8, 1, 1, 'selective')).toBe(34 * 4096);
    const m = (mode: 'selective' | 'op'): number => memoryPerDevice({ ...llama8, recompute: mode }, layout(1)).activationsBytes;
    expect(m('op')).toBeLessThan(m('selective'));
  });

  const scenario = (model: string, lay = '{ tp: 2, pp: 1, dp: 4 }'): string => `name: op
datacentres:
  - name: dc
    node_groups: [{ count: 1, device: H100 }]
workloads:
  - jobs:
      - { name: j, devices: 8, params: 1.8B, tokens: 10B, model: { layers: 24, hidden_size: 2048, heads: 16, seq_len: 2048, global_batch: 1M, gated_mlp: true, ${model} }, layout: ${lay} }
`;
  const refusal = (model: string, lay?: string): string => {
    try {
      scenarioFromText(scenario(model, lay));
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      return (e as Error).message;
    }
    throw new Error('accepted');
  };

  it('is refused where TorchTitan’s policy saves another set: standard or cuDNN attention, dropout, no sequence parallelism, context parallelism, experts, latent attention', () => {
    const ok = 'attention: flash, dropout: 0, recompute: op';
    expect(() => scenarioFromText(scenario(ok))).not.toThrow();
    expect(refusal('dropout: 0, recompute: op')).toContain("workloads[0].jobs[0].model.attention: `recompute: op` is TorchTitan's per-op selective checkpointing");
    expect(refusal('attention: flash3, dropout: 0, recompute: op')).toContain('model.attention: `recompute: op`');
    expect(refusal('attention: flash, recompute: op')).toContain('model.dropout: `recompute: op`');
    expect(refusal('attention: flash, dropout: 0.1, recompute: op')).toContain('Say `dropout: 0`');
    expect(refusal(`${ok}, sequence_parallel: false`)).toContain('model.sequence_parallel: `recompute: op`');
    expect(refusal(ok, '{ tp: 2, pp: 1, cp: 2, dp: 2 }')).toContain('workloads[0].jobs[0].layout.cp: `recompute: op`');
    expect(refusal(`${ok}, moe: { experts: 8, top_k: 2 }`)).toContain('model.moe: `recompute: op`');
    expect(refusal(`${ok}, mla: { kv_lora_rank: 128, qk_nope_head_dim: 64, qk_rope_head_dim: 32, v_head_dim: 64 }`)).toContain('model.mla: `recompute: op`');
  });

  it("under a job's one kernel efficiency the recomputed matmuls' FLOPs are added to the hardware work, not to the useful", () => {
    const shape: TrainingShape = { ...small, layers: 4, globalBatchTokens: 65536 };
    const paths = { tp: { bandwidthBytesPerS: 1e11, latencyS: 1e-6 }, pp: { bandwidthBytesPerS: 1e11, latencyS: 1e-6 }, dp: { bandwidthBytesPerS: 1e11, latencyS: 1e-6 } };
    const at = (recompute: 'selective' | 'op'): ReturnType<typeof stepTime> => stepTime({ shape: { ...shape, recompute }, layout: layout(1), peakFlopsPerDevice: 1e15, kernelEfficiency: 0.5, ...paths });
    const [sel, op] = [at('selective'), at('op')];
    // 4 layers x 65,536 tokens x 458,752 FLOPs a token.
    expect(op.hardwareFlopPerStep - sel.hardwareFlopPerStep).toBeCloseTo(4 * 65536 * 458752, -3);
    expect(op.usefulFlopPerStep).toBe(sel.usefulFlopPerStep);
    expect(op.compute.recomputeS).toBeCloseTo((op.compute.microBatchS * 4 * 65536 * 458752) / op.hardwareFlopPerStep, 12);
    expect(sel.compute.recomputeS).toBe(0);
  });

  it('the automatic layout tries no context parallelism with it (where `selective` takes cp 2, it keeps cp 1)', () => {
    const pool = (mode: string): string => h100Pool('a', `      - { name: f, devices: 16, params: 6B, tokens: 1B, model: { seq_len: 262144, global_batch: 4194304, attention: flash, dropout: 0, recompute: ${mode} } }`);
    expect(explainJob(scenarioFromText(pool('selective')), 'f').layout).toMatchObject({ tp: 8, cp: 2 });
    const op = explainJob(scenarioFromText(pool('op')), 'f');
    expect(op.layout).toMatchObject({ tp: 8, cp: 1 });
    expect(op.memory.fits).toBe(true);
  });

  it("with TP gathers the two norms' outputs again (4 all-gather/reduce-scatter pairs a layer and 2 more gathers), and explain shows its recompute time", () => {
    const op = explainJob(scenarioFromText(scenario('attention: flash, dropout: 0, recompute: op')), 'j');
    const sel = explainJob(scenarioFromText(scenario('attention: flash, dropout: 0, recompute: selective')), 'j');
    const ratio = op.step.exposed_tp_s / sel.step.exposed_tp_s;
    expect(ratio).toBeGreaterThan(1.2);
    expect(ratio).toBeLessThan(1.3);
    expect(op.step.micro_batch.recompute_s).toBeGreaterThan(0);
    expect(sel.step.micro_batch.recompute_s).toBe(0);
    expect(op.step.step_s).toBeGreaterThan(sel.step.step_s + op.step.micro_batch.recompute_s);
    expect(op.memory.total_gib).toBeLessThan(sel.memory.total_gib);
    const table = explanationTable(op);
    expect(table).toContain('recompute op');
    expect(table).toMatch(/of which recomputation\s*\|?\s*[1-9]/);
  });
});
