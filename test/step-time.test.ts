// Step-time model: Llama 3 calibration check, monotonicity in the scale-out path, the
// decomposition's own invariants, and automatic / validated layouts.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { chunkedDpExposedS, stepTime, type StepTimeInput } from '../src/model/step-time.js';
import { allGatherTimeS, allReduceTimeS, reduceScatterTimeS } from '../src/model/collectives.js';
import { H100_NVLINK_BYTES_PER_S, H100_PEAK_BF16_FLOPS, NVLINK_EFFICIENCY, NVLINK_LATENCY_S } from '../src/model/calibration.js';
import { calibrationRuns } from '../src/model/calibration-runs.js';
import { DEVICE_CATALOGUE } from '../src/model/catalogue.js';
import { computeBreakdown, computeDeviceOf, FLASH1_RELATIVE_TO_FLASH2 } from '../src/model/layer-compute.js';
import { FLASH_OWN_FIGURES_ANCHOR_SEQ, flashSeqFactor } from '../src/model/flash-rate.js';
import { layerActivationBytes } from '../src/model/memory.js';
import { DEFAULT_VOCAB, sequenceParallelOf, tiedEmbeddingsOf } from '../src/model/shape-defaults.js';
import { autoLayout, defaultShape, divisorsUpTo, validateLayout } from '../src/model/training-layout.js';

const GB = 1e9;
const GiB = 2 ** 30;
/** A uniform kernel efficiency for tests of the communication terms. */
const KERNEL_EFFICIENCY = 0.55;

/** The Llama 3 405B row of the calibration set on `gpus` GPUs. */
function llama3Input(gpus: 8192 | 16384): StepTimeInput {
  return calibrationRuns().find((r) => r.name === `Llama 3 405B, ${gpus.toLocaleString('en-US')} GPUs`)!.input();
}

describe('Llama 3 405B (Llama 3 paper, Table 4)', () => {
  it('doubling DP at a fixed batch lowers MFU (fewer micro-batches, same bubble)', () => {
    const a = stepTime(llama3Input(8192));
    const b = stepTime(llama3Input(16384));
    expect(b.effectiveComputeRatio).toBeLessThan(a.effectiveComputeRatio);
    expect(b.bubbleS).toBeCloseTo(a.bubbleS, 9);
    expect(a.tokensPerStep).toBe(16_777_216);
    expect(a.stepS).toBeCloseTo(a.computeS + a.exposedCommS + a.bubbleS, 9);
  });
  it('a uniform kernel efficiency replaces the operator model when given (a job\'s efficiency override)', () => {
    const { compute: _c, ...base } = llama3Input(8192);
    const lo = stepTime({ ...base, kernelEfficiency: 0.5 });
    const hi = stepTime({ ...base, kernelEfficiency: 0.6 });
    expect(lo.computeS).toBeCloseTo((hi.computeS * 0.6) / 0.5, 6);
  });
});

/** A two-data-centre DP group: one hop of `latencyS` and `bandwidthBytesPerS` per rank. */
function twoSiteJob(latencyS: number, bandwidthBytesPerS: number): StepTimeInput {
  const shape = { ...defaultShape(70e9), globalBatchTokens: 4_194_304 };
  return {
    shape,
    layout: { tp: 8, pp: 4, dp: 32, microBatches: shape.globalBatchTokens / shape.seqLen / 32 },
    peakFlopsPerDevice: H100_PEAK_BF16_FLOPS,
    kernelEfficiency: KERNEL_EFFICIENCY,
    tp: { bandwidthBytesPerS: H100_NVLINK_BYTES_PER_S * NVLINK_EFFICIENCY, latencyS: NVLINK_LATENCY_S },
    pp: { bandwidthBytesPerS: 45 * GB, latencyS: 5e-6 },
    dp: { bandwidthBytesPerS, latencyS },
  };
}

describe('monotonicity in the scale-out path (two-data-centre sweep)', () => {
  const latencies = [10e-6, 100e-6, 1e-3, 2e-3, 5e-3, 10e-3];
  it('DP comm, step time rise and MFU falls as latency rises from 10 us to 10 ms', () => {
    const rs = latencies.map((l) => stepTime(twoSiteJob(l, 45 * GB)));
    for (let i = 1; i < rs.length; i++) {
      expect(rs[i]!.dpCommS).toBeGreaterThan(rs[i - 1]!.dpCommS);
      expect(rs[i]!.stepS).toBeGreaterThanOrEqual(rs[i - 1]!.stepS);
      expect(rs[i]!.effectiveComputeRatio).toBeLessThanOrEqual(rs[i - 1]!.effectiveComputeRatio);
    }
    expect(rs.at(-1)!.stepS).toBeGreaterThan(rs[0]!.stepS);
    expect(rs.at(-1)!.effectiveComputeRatio).toBeLessThan(rs[0]!.effectiveComputeRatio);
  });
  it('DP comm and step time fall as bandwidth rises', () => {
    const bws = [1, 5, 12.5, 25, 50, 100].map((g) => g * GB);
    const rs = bws.map((b) => stepTime(twoSiteJob(2e-3, b)));
    for (let i = 1; i < rs.length; i++) {
      expect(rs[i]!.dpCommS).toBeLessThan(rs[i - 1]!.dpCommS);
      expect(rs[i]!.stepS).toBeLessThanOrEqual(rs[i - 1]!.stepS);
      expect(rs[i]!.effectiveComputeRatio).toBeGreaterThanOrEqual(rs[i - 1]!.effectiveComputeRatio);
    }
    expect(rs[0]!.stepS).toBeGreaterThan(rs.at(-1)!.stepS);
  });
  it('holds for any pair of latencies and bandwidths (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e-6, max: 2e-2, noNaN: true }),
        fc.double({ min: 1e-6, max: 2e-2, noNaN: true }),
        fc.double({ min: 1e9, max: 1e11, noNaN: true }),
        (l1, l2, b) => {
          const [lo, hi] = l1 <= l2 ? [l1, l2] : [l2, l1];
          expect(stepTime(twoSiteJob(hi, b)).stepS).toBeGreaterThanOrEqual(stepTime(twoSiteJob(lo, b)).stepS);
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('decomposition', () => {
  it('a single device has no communication and no bubble; MFU = kernel efficiency x 6/(6+attention)', () => {
    const shape = { ...defaultShape(1.3e9), globalBatchTokens: 65536, seqLen: 2048 };
    const r = stepTime({
      shape,
      layout: { tp: 1, pp: 1, dp: 1, microBatches: 8 },
      peakFlopsPerDevice: 989e12,
      kernelEfficiency: 0.5,
      tp: { bandwidthBytesPerS: 1, latencyS: 1 },
      pp: { bandwidthBytesPerS: 1, latencyS: 1 },
      dp: { bandwidthBytesPerS: 1, latencyS: 1 },
    });
    expect(r.exposedCommS).toBe(0);
    expect(r.bubbleS).toBe(0);
    expect(r.scaleOutBytesPerStepPerDevice).toBe(0);
    expect(r.stepS).toBeCloseTo(r.hardwareFlopPerStep / (989e12 * 0.5), 12);
    expect(r.usefulFlopPerStep).toBe(6 * 1.3e9 * 65536);
    expect(r.effectiveComputeRatio).toBeCloseTo((0.5 * r.usefulFlopPerStep) / r.hardwareFlopPerStep, 12);
    expect(r.usefulFlopPerS).toBeCloseTo(r.usefulFlopPerStep / r.stepS, 3);
  });
  it('full recompute repeats every forward (hardware work x 4/3 of the layers) but still counts 6PT as useful', () => {
    const base = llama3Input(8192);
    const dev = computeDeviceOf(DEVICE_CATALOGUE['H100']!)!;
    const shape = { ...base.shape, activationRecompute: true, recompute: 'full' as const };
    const rc = stepTime({ ...base, shape, compute: computeBreakdown(shape, base.layout, dev) });
    const no = stepTime(base);
    // The output layer is not recomputed, so a little under 4/3.
    expect(rc.hardwareFlopPerStep / no.hardwareFlopPerStep).toBeGreaterThan(1.3);
    expect(rc.hardwareFlopPerStep / no.hardwareFlopPerStep).toBeLessThan(4 / 3);
    expect(rc.compute.recomputeS).toBeGreaterThan(0.2 * rc.compute.microBatchS);
    expect(rc.usefulFlopPerStep).toBe(no.usefulFlopPerStep);
    expect(rc.effectiveComputeRatio).toBeLessThan(no.effectiveComputeRatio);
  });
  it('interleaving divides the bubble by the virtual stages', () => {
    const base = llama3Input(8192);
    const v1 = stepTime({ ...base, layout: { ...base.layout, virtualStages: 1 } });
    const v4 = stepTime(base);
    // 1F1B: (pp - 1) times an average stage's micro-batch (the last stage's output layer spread
    // over stages) with its exposed communication; each chunk boundary adds a send/recv.
    const idle = (r: typeof v1): number => r.compute.averageStageMicroBatchS + r.microBatchS - r.compute.microBatchS;
    expect(v1.bubbleS).toBeCloseTo(15 * idle(v1), 9);
    expect(v4.bubbleS).toBeCloseTo((15 / 4) * idle(v4), 9);
    expect(v4.bubbleS).toBeLessThan(v1.bubbleS / 3);
  });
  it('layout.dpOverlap: 0 puts the whole gradient synchronisation on the critical path (a stack that reduces after the backward), 1 hides up to the window', () => {
    const base = llama3Input(8192);
    const overlapped = stepTime(base);
    const after = stepTime({ ...base, layout: { ...base.layout, dpOverlap: 0 } });
    const whole = stepTime({ ...base, layout: { ...base.layout, dpOverlap: 1 } });
    expect(after.dpCommS).toBe(overlapped.dpCommS);
    expect(after.dpExposedS).toBe(after.dpCommS);
    // Less the SMs NCCL's hidden reduction took from the compute beside it (nccl-sm-share.ts): nothing is hidden now.
    expect(overlapped.ncclSmShareS).toBeGreaterThan(after.ncclSmShareS);
    expect(after.stepS - overlapped.stepS).toBeCloseTo(after.dpCommS - overlapped.dpExposedS - (overlapped.ncclSmShareS - after.ncclSmShareS), 12);
    expect(whole.dpExposedS).toBeLessThanOrEqual(overlapped.dpExposedS);
    // The default is the calibrated fraction: leaving the field out and giving 0.9 are the same step.
    expect(stepTime({ ...base, layout: { ...base.layout, dpOverlap: 0.9 } }).stepS).toBe(overlapped.stepS);
  });
  it('layout.ppOverlap: 0 puts every pipeline send/recv on the critical path (and in the bubble), the default hides half', () => {
    const base = llama3Input(8192);
    const half = stepTime(base);
    const blocking = stepTime({ ...base, layout: { ...base.layout, ppOverlap: 0 } });
    expect(blocking.ppCommS).toBe(half.ppCommS);
    expect(blocking.ppExposedS).toBeCloseTo(half.ppCommS, 12);
    expect(half.ppExposedS).toBeCloseTo(half.ppCommS / 2, 12);
    expect(blocking.stepS).toBeGreaterThan(half.stepS);
    expect(stepTime({ ...base, layout: { ...base.layout, ppOverlap: 0.5 } }).stepS).toBe(half.stepS);
  });
  it('ZeRO-3 gathers the weights for every micro-batch: more DP traffic than ZeRO-2, hidden under the whole step', () => {
    const base = llama3Input(16384);
    const z2 = stepTime(base);
    const z3 = stepTime({ ...base, layout: { ...base.layout, zeroStage: 3 } });
    const m = base.layout.microBatches;
    // ZeRO-2: one weight gather (bf16) + one gradient reduce-scatter (fp32); ZeRO-3: 2m gathers.
    const gather = (z2.dpBytesPerStepPerDevice * 2) / (2 + 4);
    expect(z3.dpBytesPerStepPerDevice).toBeCloseTo(z2.dpBytesPerStepPerDevice + (2 * m - 1) * gather, -3);
    expect(z3.dpCommS).toBeGreaterThan((z2.dpCommS * m) / 2);
    expect(z3.dpExposedS).toBeGreaterThan(0);
  });
  it('ZeRO-3 exposes what no compute can hide: the root (embedding) and first layer gathered before every micro-batch\'s forward, their gradients reduce-scattered after the last backward', () => {
    // 7B shape on 64 ranks of a flat path, compute far longer than the collectives: before, all hid.
    const shape = { ...defaultShape(7e9), globalBatchTokens: 64 * 16 * 4096 };
    const dp = { bandwidthBytesPerS: 50 * GB, latencyS: 5e-6 };
    const input = (m: number): StepTimeInput => ({
      shape,
      layout: { tp: 1, pp: 1, dp: 64, microBatches: m, shardedDataParallel: true, zeroStage: 3 },
      peakFlopsPerDevice: H100_PEAK_BF16_FLOPS,
      kernelEfficiency: KERNEL_EFFICIENCY,
      tp: { bandwidthBytesPerS: H100_NVLINK_BYTES_PER_S * NVLINK_EFFICIENCY, latencyS: NVLINK_LATENCY_S },
      pp: { bandwidthBytesPerS: 45 * GB, latencyS: 5e-6 },
      dp,
    });
    // The word embedding, and the output layer unless tied to it (shape-weights.ts); the rest is the layers'.
    const embedding = (tiedEmbeddingsOf(shape) ? 1 : 2) * (shape.vocab ?? DEFAULT_VOCAB) * shape.hiddenSize;
    const layer = (shape.params - embedding) / shape.layers;
    const bytes = shape.precisionBytes;
    const grad = shape.gradientBytes ?? bytes;
    const ag = (p: number): number => allGatherTimeS(64, p * bytes, dp.bandwidthBytesPerS, dp.latencyS);
    const rs = (p: number): number => reduceScatterTimeS(64, p * grad, dp.bandwidthBytesPerS, dp.latencyS);
    for (const m of [1, 4]) {
      const r = stepTime(input(m));
      expect(r.dpCommS).toBeLessThan(0.9 * m * r.microBatchS);
      expect(r.dpExposedS).toBeCloseTo(m * (ag(embedding) + ag(layer)) + rs(layer) + rs(embedding), 12);
      expect(r.stepS).toBeCloseTo(r.computeS + r.exposedCommS + r.bubbleS, 12);
    }
    // ZeRO-2 gathers once a step, after the optimizer, under the next forward; only the word
    // embedding's reduce-scatter, its gradient the backward's last, is left after it.
    const wordEmbedding = (shape.vocab ?? DEFAULT_VOCAB) * shape.hiddenSize;
    expect(stepTime({ ...input(4), layout: { ...input(4).layout, zeroStage: 2 } }).dpExposedS).toBeCloseTo(rs(wordEmbedding), 12);
  });
  it('an overlapped reduction (ZeRO 0-2, plain 1F1B) starts on the word embedding\'s gradient only when the backward has produced it, last: at least that all-reduce is exposed', () => {
    // PyTorch DDP launches a bucket's all-reduce once all its gradients are ready, buckets in the
    // reverse of the parameters' order (the embedding's last); Megatron-Core's finish_grad_sync
    // waits on the last bucket before the optimizer. 7B shape, 64 ranks, compute far longer than the
    // whole reduction: before, all of it hid.
    const shape = { ...defaultShape(7e9), globalBatchTokens: 64 * 16 * 4096 };
    const dp = { bandwidthBytesPerS: 50 * GB, latencyS: 5e-6 };
    const input = (tp: number, dpOverlap?: number): StepTimeInput => ({
      shape,
      layout: { tp, pp: 1, dp: 64, microBatches: 4, ...(dpOverlap === undefined ? {} : { dpOverlap }) },
      peakFlopsPerDevice: H100_PEAK_BF16_FLOPS,
      kernelEfficiency: KERNEL_EFFICIENCY,
      tp: { bandwidthBytesPerS: H100_NVLINK_BYTES_PER_S * NVLINK_EFFICIENCY, latencyS: NVLINK_LATENCY_S },
      pp: { bandwidthBytesPerS: 45 * GB, latencyS: 5e-6 },
      dp,
    });
    const grad = shape.gradientBytes ?? shape.precisionBytes;
    const wordEmbedding = (shape.vocab ?? DEFAULT_VOCAB) * shape.hiddenSize;
    for (const tp of [1, 2]) {
      const r = stepTime(input(tp));
      expect(r.dpCommS).toBeLessThan(0.9 * r.compute.microBatchS * r.compute.backwardShare);
      // vocab / tp x hidden gradients, all-reduced alone over the 64 data-parallel ranks.
      expect(r.dpExposedS).toBeCloseTo(allReduceTimeS(64, (wordEmbedding / tp) * grad, dp.bandwidthBytesPerS, dp.latencyS), 12);
      expect(r.stepS).toBeCloseTo(r.computeS + r.exposedCommS + r.bubbleS, 12);
      // A whole overlap hides no more of it; none hides nothing.
      expect(stepTime(input(tp, 1)).dpExposedS).toBe(r.dpExposedS);
      expect(stepTime(input(tp, 0)).dpExposedS).toBe(r.dpCommS);
    }
  });
  it('sharded (ZeRO 1-2, plain 1F1B): the gradients reduce-scatter behind the last backward, the weights gather behind the first forward, and neither window lends the other its slack', () => {
    // Megatron-Core's distributed optimizer: reduce-scatters launched in the last micro-batch's
    // backward (no_sync before it), finished before the optimizer (finish_grad_sync); the updated weights
    // gathered after it, bucket by bucket in the next step's first forward (_finish_param_sync_helper).
    // A gather longer than the forward cannot run during the backward before it: the weights are not
    // updated yet. What chunkedDpExposedS charges at one chunk. 7B on 64 ranks of a flat path, the
    // network set so that the gather takes 1.3 x the forward's hidden share and the reduce-scatter fits.
    const shape = { ...defaultShape(7e9), globalBatchTokens: 64 * 4 * 4096 };
    const input = (bandwidthBytesPerS: number): StepTimeInput => ({
      shape,
      layout: { tp: 1, pp: 1, dp: 64, microBatches: 4, shardedDataParallel: true, zeroStage: 1 },
      peakFlopsPerDevice: H100_PEAK_BF16_FLOPS,
      kernelEfficiency: KERNEL_EFFICIENCY,
      tp: { bandwidthBytesPerS: H100_NVLINK_BYTES_PER_S * NVLINK_EFFICIENCY, latencyS: NVLINK_LATENCY_S },
      pp: { bandwidthBytesPerS: 45 * GB, latencyS: 5e-6 },
      dp: { bandwidthBytesPerS, latencyS: 5e-6 },
    });
    const { microBatchS, backwardShare } = stepTime(input(50 * GB)).compute;
    const b = microBatchS * backwardShare;
    const f = microBatchS - b;
    const bytes = shape.precisionBytes;
    const grad = shape.gradientBytes ?? bytes;
    const bucket = shape.params / shape.layers;
    const bw = ((63 / 64) * shape.params * bytes) / (1.3 * 0.9 * f);
    const gather = shape.layers * allGatherTimeS(64, bucket * bytes, bw, 5e-6);
    const reduce = shape.layers * reduceScatterTimeS(64, bucket * grad, bw, 5e-6);
    expect(gather).toBeGreaterThan(0.9 * f);
    expect(reduce).toBeLessThan(0.9 * b);
    const r = stepTime(input(bw));
    expect(r.dpCommS).toBeCloseTo(gather + reduce, 12);
    // Pooled, the two would hide in one window of b + f: only the word embedding's tail left.
    expect(gather + reduce).toBeLessThan(0.9 * (b + f));
    const tail = reduceScatterTimeS(64, (shape.vocab ?? DEFAULT_VOCAB) * shape.hiddenSize * grad, bw, 5e-6);
    expect(r.dpExposedS).toBeCloseTo(Math.max(tail, reduce - 0.9 * b) + (gather - 0.9 * f), 12);
    expect(r.dpExposedS).toBeCloseTo(Math.max(tail, chunkedDpExposedS(reduce, 0, 0.9, 1, 1, b, f)) + chunkedDpExposedS(0, gather, 0.9, 1, 1, b, f), 12);
  });
  it('hierarchical DP sends 1/k of the flat bytes over the scale-out network', () => {
    const shape = defaultShape(7e9);
    const common = {
      shape,
      layout: { tp: 1, pp: 1, dp: 64, microBatches: 16 },
      peakFlopsPerDevice: 989e12,
      kernelEfficiency: 0.55,
      tp: { bandwidthBytesPerS: 360 * GB, latencyS: 1e-6 },
      pp: { bandwidthBytesPerS: 45 * GB, latencyS: 5e-6 },
    };
    const flat = stepTime({ ...common, dp: { bandwidthBytesPerS: 45 * GB, latencyS: 5e-6 } });
    const hier = stepTime({
      ...common,
      dp: { bandwidthBytesPerS: 45 * GB, latencyS: 5e-6, hierarchical: { devicesPerNode: 8, intraBandwidthBytesPerS: 360 * GB, intraLatencyS: 1e-6 } },
    });
    // Flat: 2(63/64) S by ring or 2S by tree, whichever is faster; hierarchical: ring over the
    // 8 nodes on S/8, i.e. 2(7/8) S/8.
    const gradBytes = shape.params * shape.precisionBytes;
    expect(hier.dpBytesPerStepPerDevice).toBeCloseTo((2 * (7 / 8) * gradBytes) / 8, -3);
    expect(flat.dpBytesPerStepPerDevice).toBeGreaterThanOrEqual(((2 * 63) / 64) * gradBytes * (1 - 1e-9));
    expect(hier.dpBytesPerStepPerDevice).toBeLessThan(flat.dpBytesPerStepPerDevice / 8);
    expect(hier.dpCommS).toBeLessThan(flat.dpCommS);
  });
});

describe('training shapes and layouts', () => {
  it('defaultShape uses published family shapes and interpolates between them', () => {
    expect(defaultShape(7e9)).toMatchObject({ layers: 32, hiddenSize: 4096, seqLen: 4096 });
    expect(defaultShape(70e9)).toMatchObject({ layers: 80, hiddenSize: 8192 });
    expect(defaultShape(405e9)).toMatchObject({ layers: 126, hiddenSize: 16384, seqLen: 8192 });
    const s = defaultShape(30e9 * 0.8);
    const ratio = s.hiddenSize / s.layers;
    expect(ratio).toBeGreaterThan(80);
    expect(ratio).toBeLessThan(140);
    expect(12 * s.layers * s.hiddenSize ** 2).toBeGreaterThan(0.8 * 24e9);
    expect(12 * s.layers * s.hiddenSize ** 2).toBeLessThan(1.2 * 24e9);
  });
  it('7B on one 8-GPU node: TP8 PP1 DP1; on 64 GPUs: TP8 DP8', () => {
    expect(autoLayout(8, 8, defaultShape(7e9), 80 * GB)).toMatchObject({ tp: 8, pp: 1, dp: 1, fits: true });
    expect(autoLayout(64, 8, defaultShape(7e9), 80 * GB)).toMatchObject({ tp: 8, pp: 1, dp: 8, fits: true });
  });
  it('405B on 16,384 H100 needs pipeline stages', () => {
    const l = autoLayout(16384, 8, defaultShape(405e9), 80 * GB);
    expect(l.tp).toBe(8);
    expect(l.pp).toBeGreaterThan(1);
    expect(l.fits).toBe(true);
    expect(l.tp * l.pp * l.dp).toBe(16384);
  });
  it('products always equal the device count, tp stays inside a node', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20000 }),
        fc.constantFrom(1, 2, 4, 6, 8, 16),
        fc.constantFrom(1e9, 7e9, 13e9, 70e9, 175e9, 405e9, 1e12),
        fc.constantFrom(16 * GiB, 80 * GB, 141 * GB),
        (devices, perNode, params, mem) => {
          const l = autoLayout(devices, perNode, defaultShape(params), mem);
          expect(l.tp * l.pp * l.dp).toBe(devices);
          expect(l.tp).toBeLessThanOrEqual(Math.min(8, perNode));
          expect(perNode % l.tp).toBe(0);
          expect(l.microBatches).toBeGreaterThanOrEqual(1);
          // A replica takes at least one sequence whenever some pipeline depth allows it (13,346
          // devices one to a node, 2 x 6,673, leave a 1B model no such layout).
          const shape = defaultShape(params);
          const sequences = shape.globalBatchTokens / shape.seqLen;
          const problems = validateLayout(l, devices, perNode, shape).problems;
          if (l.dp > Math.round(sequences)) {
            const pps = divisorsUpTo(devices / l.tp, shape.layers);
            expect(pps.some((p) => devices / (l.tp * p) <= Math.round(sequences))).toBe(false);
            expect(problems).toEqual([expect.stringMatching(/^dp = \d+ data-parallel replicas, but the global batch holds/)]);
          } else expect(problems).toEqual([]);
        },
      ),
      { numRuns: 300 },
    );
  });
  it('validateLayout reports every problem', () => {
    const check = validateLayout({ tp: 16, pp: 3, dp: 2, microBatches: 0 }, 64, 8, defaultShape(7e9));
    expect(check.problems).toMatchInlineSnapshot(`
      [
        "micro_batches must be a positive integer, got 0",
        "tp x pp x dp = 16 x 3 x 2 = 96, but the job has 64 devices",
        "tp = 16 exceeds the 8 devices of a node; tensor parallelism needs the intra-node interconnect",
      ]
    `);
    expect(check.notes).toContain('32 layers do not divide evenly into 3 pipeline chunks; the step time takes each chunk at the average 10.67 layers, the last stage also holding the output layer, where a real partition has chunks of 11 or moves layers off the output stage');
  });
  it('validateLayout: every pipeline stage and chunk needs a layer', () => {
    // 32 stages over GPT-3 XL's 24 layers; 12 stages x 3 virtual over 32 layers.
    expect(validateLayout({ tp: 1, pp: 32, dp: 1, microBatches: 64 }, 32, 8, defaultShape(1.3e9)).problems).toEqual([
      "pp = 32 exceeds the model's 24 layers: every pipeline stage needs at least one",
    ]);
    expect(validateLayout({ tp: 1, pp: 16, dp: 1, microBatches: 64, virtualStages: 3 }, 16, 8, defaultShape(7e9)).problems).toEqual([
      "pp x virtual_stages = 16 x 3 = 48 model chunks exceed the model's 32 layers: every chunk needs at least one",
    ]);
  });
});

describe('head_dim: heads of a width other than hidden / heads (Qwen3, GPT-OSS)', () => {
  const h100 = computeDeviceOf(DEVICE_CATALOGUE.H100!)!;
  // Qwen3-30B-A3B's attention on a dense stand-in: 32 query heads of 128 on a 2048-wide model, 4 KV heads.
  const base = { ...defaultShape(7e9), layers: 48, hiddenSize: 2048, heads: 32, kvHeads: 4, seqLen: 4096, globalBatchTokens: 64 * 4096, attention: 'flash' as const };
  const layout = { tp: 1, pp: 1, dp: 8, microBatches: 8 };
  it('head_dim = hidden / heads is the default, to the bit', () => {
    expect(computeBreakdown({ ...base, headDim: 64 }, layout, h100)).toEqual(computeBreakdown(base, layout, h100));
  });
  it('wider heads widen the projections and the attention core: 2 x 2048 x (4096 + 1024 + 4096) FLOPs per token for QKV and output', () => {
    const narrow = computeBreakdown(base, layout, h100);
    const wide = computeBreakdown({ ...base, headDim: 128 }, layout, h100);
    const tokens = base.globalBatchTokens / layout.dp;
    // Projections: (a dh + 2 kv dh) x h + h x a dh per token, forward; x3 with the backward.
    const proj = (dh: number): number => 2 * 2048 * (32 * dh + 2 * 4 * dh + 32 * dh);
    // Causal FlashAttention core: 2 s a dh per token forward (half of 4 s a dh), x3.5 with its backward.
    const core = (dh: number): number => 0.5 * 4 * 4096 * 32 * dh;
    const perToken = (dh: number): number => base.layers * (3 * proj(dh) + 3 * core(dh));
    expect(wide.hardwareFlopPerDevice - narrow.hardwareFlopPerDevice).toBeCloseTo(tokens * (perToken(128) - perToken(64)), -6);
    expect(wide.gemmS).toBeGreaterThan(narrow.gemmS);
    // Twice the FLOPs, each at FlashAttention-2's rate for its head dim (flash-rate.ts: head dim 64's
    // curve runs 0.89-0.91 of head dim 128's), read at H100's own figures' sequence.
    const rate = (dh: number): number => flashSeqFactor('flash', 4096, FLASH_OWN_FIGURES_ANCHOR_SEQ, dh);
    expect(rate(64)).toBeLessThan(rate(128));
    expect(wide.attentionS).toBeCloseTo((2 * narrow.attentionS * rate(64)) / rate(128), 9);
  });
});

describe('attention: flash1 (FlashAttention-1-class kernels)', () => {
  // MPT-1B's shape at 8,192 tokens on an A100 40GB (the MosaicML sanity set's kind) and on an H100 (its own FlashAttention-2 figures).
  const base = { ...defaultShape(1.3e9), layers: 24, hiddenSize: 2048, heads: 16, seqLen: 8192, globalBatchTokens: 64 * 8192, attention: 'flash' as const, recompute: 'none' as const, dropout: 0 };
  const layout = { tp: 1, pp: 1, dp: 8, microBatches: 4 };
  it('times the attention core at 0.44 of FlashAttention-2’s rate at 2k, each kernel on its own curve by sequence (Dao 2023 figure 4(d)), and nothing else', () => {
    for (const kind of ['A100-40GB', 'H100']) {
      const dev = computeDeviceOf(DEVICE_CATALOGUE[kind]!)!;
      const fa2 = computeBreakdown(base, layout, dev);
      const fa1 = computeBreakdown({ ...base, attention: 'flash1' }, layout, dev);
      // At 8,192 tokens FlashAttention runs 80 TFLOP/s against FlashAttention-2's 182, where at 2k it is
      // 69 against 155 (the 0.44): the ratio at 8k is 0.44 x (80 / 69) / (182 / 155), on any kind.
      expect(fa1.attentionS).toBeCloseTo(fa2.attentionS / (FLASH1_RELATIVE_TO_FLASH2 * (80 / 69) / (182 / 155)), 12);
      const at2k = { ...base, seqLen: 2048, globalBatchTokens: 64 * 2048 };
      expect(computeBreakdown({ ...at2k, attention: 'flash1' }, layout, dev).attentionS).toBeCloseTo(computeBreakdown(at2k, layout, dev).attentionS / FLASH1_RELATIVE_TO_FLASH2, 12);
      expect(fa1.gemmS).toBe(fa2.gemmS);
      expect(fa1.elementwiseS).toBe(fa2.elementwiseS);
      expect(fa1.hardwareFlopPerDevice).toBe(fa2.hardwareFlopPerDevice);
      expect(fa1.microBatchS - fa2.microBatchS).toBeCloseTo(fa1.attentionS - fa2.attentionS, 12);
    }
    expect(FLASH1_RELATIVE_TO_FLASH2).toBe(0.44);
  });
  it('keeps no scores, as flash: activations, and the sequence-parallel default, are flash’s', () => {
    expect(layerActivationBytes({ ...base, attention: 'flash1' }, 8192, 1, 'none')).toBe(layerActivationBytes(base, 8192, 1, 'none'));
    expect(layerActivationBytes({ ...base, attention: 'standard' }, 8192, 1, 'none')).toBeGreaterThan(layerActivationBytes(base, 8192, 1, 'none'));
    expect(sequenceParallelOf({ ...base, attention: 'flash1' })).toBe(true);
  });
});

describe('multi-head latent attention (model.mla: DeepSeek-V2, V3)', () => {
  const h100 = computeDeviceOf(DEVICE_CATALOGUE.H100!)!;
  // DeepSeek-V3's attention on a dense stand-in: 128 heads on 7168, q rank 1536, kv rank 512, qk 128 + 64, v 128.
  const base = { ...defaultShape(70e9), layers: 8, hiddenSize: 7168, heads: 128, seqLen: 4096, globalBatchTokens: 16 * 4096, attention: 'flash' as const };
  const mla = { qLoraRank: 1536, kvLoraRank: 512, qkNopeHeadDim: 128, qkRopeHeadDim: 64, vHeadDim: 128 };
  const layout = { tp: 1, pp: 1, dp: 8, microBatches: 2 };
  it('its projections and core, FLOP for FLOP: low-rank queries, one latent for keys and values, a 192-wide score and 128-wide value core', () => {
    const mha = computeBreakdown(base, layout, h100);
    const latent = computeBreakdown({ ...base, mla }, layout, h100);
    const tokens = base.globalBatchTokens / layout.dp;
    const h = 7168;
    const projMla = 2 * (h * 1536 + 1536 * 128 * 192 + h * (512 + 64) + 512 * 128 * (128 + 128) + 128 * 128 * h);
    const projMha = 2 * (h * 3 * h + h * h);
    // Causal FlashAttention core, forward: s / 2 keys per query, 2 FLOPs per multiply-add, scores and values.
    const core = (qk: number, v: number): number => 0.5 * 2 * 4096 * 128 * (qk + v);
    const perToken = 3 * (projMla - projMha) + 3 * (core(192, 128) - core(56, 56));
    expect(latent.hardwareFlopPerDevice - mha.hardwareFlopPerDevice).toBeCloseTo(tokens * base.layers * perToken, -6);
    // FLOP for FLOP, each at FlashAttention-2's rate for its heads' width (the wider of the score and
    // value widths: 192, held at head dim 128's curve; the dense stand-in's 56 on head dim 64's).
    const rate = (dh: number): number => flashSeqFactor('flash', 4096, FLASH_OWN_FIGURES_ANCHOR_SEQ, dh);
    expect(latent.attentionS / mha.attentionS).toBeCloseTo(((320 / 112) * rate(56)) / rate(192), 6);
  });
  it('its down-projections are replicated over the tensor group, its up-projections split', () => {
    const one = computeBreakdown({ ...base, mla }, layout, h100);
    const two = computeBreakdown({ ...base, mla }, { ...layout, tp: 2 }, h100);
    const tokens = base.globalBatchTokens / layout.dp;
    // h -> q rank and h -> kv rank + rope, forward and both backward GEMMs, on every rank.
    const replicated = tokens * base.layers * 3 * 2 * (7168 * 1536 + 7168 * 576);
    // Everything else (up-projections, output, core, FFN, output layer) halves per rank.
    expect(two.hardwareFlopPerDevice).toBeCloseTo((one.hardwareFlopPerDevice - replicated) / 2 + replicated, -6);
  });
});
