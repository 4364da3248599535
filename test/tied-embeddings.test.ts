// Tied input and output embeddings (`model.tied_embeddings`): where the word embedding and the
// output layer sit on a pipeline, what a device of each stage holds, and the all-reduce of a tied
// embedding's gradients between the first and last stages (Megatron-LM's embedding group,
// DeepSpeed's ReduceTiedGrads), docs/calibration.md.
import { describe, expect, it } from 'vitest';
import { allReduceTimeS } from '../src/model/collectives.js';
import { explainJob, explanationTable } from '../src/model/explain.js';
import { computeBreakdown, computeDeviceOf } from '../src/model/layer-compute.js';
import { DEVICE_CATALOGUE } from '../src/model/catalogue.js';
import { memoryPerDevice } from '../src/model/memory.js';
import { fullestStage, stageParamsPerDevice } from '../src/model/shape-weights.js';
import { stepTime, type CommPath } from '../src/model/step-time.js';
import type { ParallelLayout, TrainingShape } from '../src/model/training-layout.js';
import { scenarioFromText } from './helpers.js';

// A GPT-3 175B shape (Narayanan et al. 2021's count, the embedding once).
const V = 51_200;
const H = 12_288;
const E = V * H;
const gpt3: TrainingShape = {
  params: 175e9,
  layers: 96,
  hiddenSize: H,
  heads: 96,
  vocab: V,
  seqLen: 2048,
  globalBatchTokens: 64 * 2048,
  precisionBytes: 2,
  activationRecompute: true,
  attention: 'standard',
};
const layout = (o: Partial<ParallelLayout>): ParallelLayout => ({ tp: 8, pp: 8, dp: 4, microBatches: 16, ...o });
const sumOver = (s: TrainingShape, l: ParallelLayout): number => {
  let total = 0;
  for (let i = 0; i < l.pp; i++) total += stageParamsPerDevice(s, l, i).dense * l.tp;
  return total;
};

describe('what a device of each pipeline stage holds', () => {
  it('one stage holds params / tp, tied or not: params counts the matrix once tied, twice untied', () => {
    for (const tiedEmbeddings of [true, false]) {
      const s = { ...gpt3, tiedEmbeddings };
      const one = stageParamsPerDevice(s, layout({ pp: 1 }), 0);
      expect(one.dense).toBeCloseTo(175e9 / 8, -2);
      expect(one.embedding).toBeCloseTo(((tiedEmbeddings ? 1 : 2) * E) / 8, -2);
    }
  });
  it('several stages: the first holds the embedding and the last the output layer, a second copy of it when tied', () => {
    const l = layout({});
    const body = 175e9 - E;
    const first = stageParamsPerDevice(gpt3, l, 0);
    const middle = stageParamsPerDevice(gpt3, l, 3);
    const last = stageParamsPerDevice(gpt3, l, 7);
    expect(middle.embedding).toBe(0);
    expect(middle.dense).toBeCloseTo(body / 64, -2);
    expect(first.dense).toBeCloseTo(body / 64 + E / 8, -2);
    expect(last.dense).toBeCloseTo(first.dense, -2);
    // The pipeline holds params + one more copy when tied, params when untied.
    expect(sumOver(gpt3, l)).toBeCloseTo(175e9 + E, -4);
    const untied = { ...gpt3, params: 175e9 + E, tiedEmbeddings: false };
    expect(sumOver(untied, l)).toBeCloseTo(175e9 + E, -4);
    expect(stageParamsPerDevice(untied, l, 0).dense).toBeCloseTo(first.dense, -2);
    // The old even spread put params / (tp pp) on every device, E / tp (1 - 1/pp) short of the first stage.
    expect(first.dense - 175e9 / 64).toBeCloseTo((E / 8) * (1 - 1 / 8), -2);
  });
  it('a partition of the scenario own gives each stage its layers; the fullest stage is the one holding most', () => {
    const l = layout({ pp: 4, stageLayers: [18, 26, 26, 26] });
    expect(stageParamsPerDevice(gpt3, l, 1).dense).toBeCloseTo(((175e9 - E) * 26) / 96 / 8, -2);
    // The last stage: as many layers as the middle ones, and the output layer.
    expect(fullestStage(gpt3, l)).toBe(3);
    expect(fullestStage(gpt3, layout({ pp: 4, stageLayers: [18, 30, 24, 24] }))).toBe(1);
    expect(fullestStage(gpt3, layout({ pp: 4 }))).toBe(0);
  });
  it('memory per device counts the first stage with its embedding (weights, gradients, Adam state)', () => {
    const l = layout({ dp: 1 });
    const first = stageParamsPerDevice(gpt3, l, 0);
    const m = memoryPerDevice(gpt3, l);
    expect(m.weightsBytes).toBeCloseTo(2 * first.dense, -3);
    expect(m.optimizerBytes).toBeCloseTo(12 * first.dense, -3);
  });
});

describe('the tied embedding gradient all-reduce between the first and last stages', () => {
  const a100 = DEVICE_CATALOGUE['A100-80GB']!;
  const dev = computeDeviceOf(a100)!;
  const intra: CommPath = { bandwidthBytesPerS: 234e9, latencyS: 1e-6, scaleOut: false };
  const fabric: CommPath = { bandwidthBytesPerS: 23e9, latencyS: 5e-6 };
  const time = (s: TrainingShape, l: ParallelLayout) => stepTime({ shape: s, layout: l, peakFlopsPerDevice: dev.peakFlops, compute: computeBreakdown(s, l, dev), tp: intra, pp: fabric, dp: fabric });

  it('vocab / tp x hidden elements over the two stages, on the pipeline path, in fp32 with fused or fp32 accumulation and in the model precision with autograd', () => {
    const cases: [ParallelLayout['gradAccumulation'], number][] = [
      [undefined, 4],
      ['fused', 4],
      ['fp32', 4],
      ['autograd', 2],
    ];
    for (const [gradAccumulation, bytes] of cases) {
      const l = layout(gradAccumulation ? { gradAccumulation } : {});
      const st = time(gpt3, l);
      expect(st.embeddingSyncS).toBeCloseTo(allReduceTimeS(2, (E / 8) * bytes, fabric.bandwidthBytesPerS, fabric.latencyS), 12);
      // Never hidden: in the exposed pipeline term and the step.
      expect(st.ppExposedS).toBeGreaterThanOrEqual(st.embeddingSyncS);
    }
    // gradient_bytes, when given, is the element the gradient buffer holds.
    expect(time({ ...gpt3, gradientBytes: 2 }, layout({})).embeddingSyncS).toBeCloseTo(allReduceTimeS(2, (E / 8) * 2, fabric.bandwidthBytesPerS, fabric.latencyS), 12);
  });
  it('none with one stage or an output layer of its own, and the step is that much shorter', () => {
    expect(time(gpt3, layout({ pp: 1, dp: 32 })).embeddingSyncS).toBe(0);
    const untied = { ...gpt3, params: 175e9 + E, tiedEmbeddings: false };
    const a = time(gpt3, layout({}));
    const b = time(untied, layout({}));
    expect(b.embeddingSyncS).toBe(0);
    // Same parameters on every device (the untied params counts the output layer): only the all-reduce differs.
    expect(a.stepS - b.stepS).toBeCloseTo(a.embeddingSyncS, 9);
  });
  it('a scenario says tied_embeddings: false, and explain times it without the all-reduce', () => {
    const text = (tied: string): string => `name: tied
seed: 1
datacentres:
  - name: dc
    fabric: IB-HDR
    node_groups:
      - { name: a100, count: 64, device: A100-80GB }
workloads:
  - jobs:
      - name: gpt
        devices: 512
        params: 175B
        tokens: 10B
        model: { layers: 96, hidden_size: 12288, heads: 96, vocab: 51200, seq_len: 2048, global_batch: 3145728, attention: standard, recompute: full${tied} }
        layout: { tp: 8, pp: 8, dp: 8 }
`;
    const tied = explainJob(scenarioFromText(text('')), 'gpt');
    const untied = explainJob(scenarioFromText(text(', tied_embeddings: false')), 'gpt');
    expect(untied.shape.tiedEmbeddings).toBe(false);
    expect(tied.step.exposed_pp_s).toBeGreaterThan(untied.step.exposed_pp_s);
    // The all-reduce is its own figure (part of exposed PP) and its own row of the table.
    expect(untied.step.embedding_sync_s).toBe(0);
    expect(tied.step.embedding_sync_s).toBeGreaterThan(0);
    expect(tied.step.embedding_sync_s).toBeLessThanOrEqual(tied.step.exposed_pp_s);
    const sync = explanationTable(tied).split('\n').find((l) => l.includes('of which tied embedding all-reduce'));
    expect(sync).toBeDefined();
    expect(sync).toContain(`${(tied.step.embedding_sync_s * 1e3).toFixed(2)} ms`);
    expect(explanationTable(untied)).not.toContain('tied embedding all-reduce');
    expect(() => scenarioFromText(text(', tied_embeddings: 1'))).toThrow(/tied_embeddings/);
  });
});
