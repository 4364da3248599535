// The word embedding's dense backward, every micro-batch, on the stage that holds the embedding:
// PyTorch's zeroed vocab / tp x hidden gradient, and with fused accumulation the DDP hook's add into
// the fp32 main_grad (docs/calibration.md, audit item 19).
import { describe, expect, it } from 'vitest';
import { DEVICE_CATALOGUE } from '../src/model/catalogue.js';
import { explainJob, explanationTable } from '../src/model/explain.js';
import { memoryBoundTimeS } from '../src/model/gemm.js';
import { computeBreakdown, computeDeviceOf, EMBEDDING_GRAD_ZERO_ELEMS, EMBEDDING_MAIN_GRAD_ADD_BYTES } from '../src/model/layer-compute.js';
import type { ParallelLayout, TrainingShape } from '../src/model/training-layout.js';
import { scenarioFromText } from './helpers.js';

const V = 51_200;
const H = 2_304;
// Narayanan et al. 2021's 1.7B: the embedding is a large share of a small model.
const small: TrainingShape = {
  params: 1.7e9,
  layers: 24,
  hiddenSize: H,
  heads: 24,
  vocab: V,
  seqLen: 2048,
  globalBatchTokens: 512 * 2048,
  precisionBytes: 2,
  activationRecompute: true,
  attention: 'standard',
};
const a100 = computeDeviceOf(DEVICE_CATALOGUE['A100-80GB']!)!;
const layout = (o: Partial<ParallelLayout>): ParallelLayout => ({ tp: 2, pp: 1, dp: 32, microBatches: 8, ...o });

describe("the word embedding's gradient a micro-batch", () => {
  it('fused accumulation (ZeRO 0-2): the zeroed half-precision gradient and the add into fp32 main_grad, 12 bytes an element of vocab / tp x hidden', () => {
    const c = computeBreakdown(small, layout({}), a100);
    const expected = memoryBoundTimeS((EMBEDDING_GRAD_ZERO_ELEMS * 2 + EMBEDDING_MAIN_GRAD_ADD_BYTES) * (V / 2) * H, a100);
    expect(EMBEDDING_GRAD_ZERO_ELEMS * 2 + EMBEDDING_MAIN_GRAD_ADD_BYTES).toBe(12);
    expect(c.embeddingGradS).toBeCloseTo(expected, 12);
    // 59M elements at 0.85 of 2,039 GB/s: about 0.41 ms, in the micro-batch.
    expect(1000 * c.embeddingGradS!).toBeCloseTo(0.41, 2);
    expect(computeBreakdown(small, layout({ zeroStage: 1, shardedDataParallel: true }), a100).embeddingGradS).toBeCloseTo(expected, 12);
  });

  it('autograd and fp32 accumulation already add every parameter each micro-batch, FSDP keeps no main_grad: the zeroing alone', () => {
    const zeroOnly = memoryBoundTimeS(2 * (V / 2) * H, a100);
    for (const l of [layout({ gradAccumulation: 'autograd' }), layout({ gradAccumulation: 'fp32' }), layout({ zeroStage: 3, shardedDataParallel: true })]) {
      expect(computeBreakdown(small, l, a100).embeddingGradS).toBeCloseTo(zeroOnly, 12);
    }
  });

  it('on the first stage only: with the last stage the slower one (the output layer and loss) the micro-batch leaves it out, the bubble takes its share', () => {
    const one = computeBreakdown(small, layout({ pp: 1 }), a100);
    const four = computeBreakdown(small, layout({ pp: 4, dp: 8, microBatches: 32 }), a100);
    expect(four.embeddingGradS).toBeUndefined();
    // The average stage (what the bubble idles for) carries a quarter of it.
    const perMb = one.embeddingGradS!;
    const layers = small.layers / 4;
    const layerS = (one.microBatchS - one.logitsS - perMb) / small.layers;
    expect(four.averageStageMicroBatchS).toBeCloseTo(layers * layerS + one.logitsS / 4 + perMb / 4, 9);
  });

  it('explain shows it as a row of the micro-batch and in --json', () => {
    const yaml = `name: emb
seed: 1
datacentres:
  - name: dc
    fabric: IB-HDR
    node_groups:
      - { name: a100, count: 4, device: A100-80GB }
workloads:
  - jobs:
      - name: small
        devices: 32
        params: 1.7B
        tokens: 10B
        model: { layers: 24, hidden_size: 2304, heads: 24, vocab: 51200, seq_len: 2048, global_batch: 1048576, attention: standard, recompute: full }
        layout: { tp: 2, pp: 1, dp: 16, micro_batch_size: 4 }
`;
    const e = explainJob(scenarioFromText(yaml), 'small');
    expect(e.step.micro_batch.embedding_grad_s).toBeGreaterThan(0);
    expect(explanationTable(e)).toContain("word embedding's gradient");
  });
});
