// The GEMM shape model (src/model/gemm.ts) against A100 kernel microbenchmarks at the shapes of
// GPT layers with hidden sizes of 1,024-16,384: the sweeps behind Anthony et al., "The Case for
// Co-Designing Model Architectures with Hardware" (ICPP 2024, arXiv 2401.14489), published as
// EleutherAI/cookbook commit fb3e361, sizing/results/transformer_data/h_sweep.out (script
// sizing/benchmarks/torch_transformer_flops.py: fp16, torch.bmm and F.linear on PyTorch 1.13.1, 128
// heads, micro-batch 4, sequence 2,048, tensor-parallel shares 1-8 of each GEMM; the slowest of 100
// timed iterations after 50 warm-up ones, so a rate is a lower bound). The sweep's board is an A100:
// its large GEMMs reach 262 TFLOP/s, beyond the V100 (125) and MI250X die (191.5) the paper also
// measured; and a 40 GB one (HBM2, 1,555 GB/s): its values GEMM, which streams the 2,048 x 2,048
// probabilities of every head, holds 1.24-1.27 TB/s at head dims 72-128, 0.80 of that board's
// bandwidth and 0.61 of the 80 GB board's.
import { describe, expect, it } from 'vitest';
import { DEVICE_CATALOGUE } from '../src/model/catalogue.js';
import { GEMM_K_OVERHEAD, GEMM_K_STEP, gemmTimeS } from '../src/model/gemm.js';
import { computeBreakdown, computeDeviceOf } from '../src/model/layer-compute.js';
import type { TrainingShape } from '../src/model/training-layout.js';

const a100 = computeDeviceOf(DEVICE_CATALOGUE['A100-40GB']!)!;
/** Modelled TFLOP/s of `batch` M x N x K products in fp16. */
const rate = (m: number, n: number, k: number, batch = 1): number => (2 * m * n * k * batch) / gemmTimeS(m, n, k, batch, 2, a100) / 1e12;

/** The scores GEMM Q K^T (2,048 x 2,048 per head, K = head dim), measured TFLOP/s: [heads a call, head dim, TFLOP/s]. */
const SCORES: ReadonlyArray<readonly [number, number, number]> = [
  [512, 96, 95.314], [512, 128, 112.976], [512, 160, 126.085], [512, 192, 136.543], [512, 224, 141.965],
  [256, 96, 93.978], [256, 128, 110.698], [256, 160, 125.328], [256, 192, 138.45], [256, 224, 150.344],
  [128, 96, 92.938], [128, 128, 109.739], [128, 160, 123.492], [128, 192, 137.471], [128, 224, 148.31],
];

/**
 * The same scores GEMM at head dims that are not multiples of 32, the main loop's step: [head dim,
 * TFLOP/s at 512, 256 and 128 heads a call]. 80 and 112 are head dims of published models.
 */
const SCORES_RAGGED_K: ReadonlyArray<readonly [number, readonly number[]]> = [
  [72, [68.366, 68.172, 66.665]],
  [80, [78.362, 78.247, 78.001]],
  [104, [85.536, 85.353, 84.134]],
  [112, [96.476, 94.652, 94.193]],
];

/** The scores GEMM at the shortest K the sweep times on the aligned path (multiples of 8), 512 heads a call: [head dim, TFLOP/s]. */
const SCORES_SHORT_K: ReadonlyArray<readonly [number, number]> = [[8, 10.235], [16, 20.058], [24, 29.821], [32, 39.543]];

/** The values GEMM P V (M 2,048, N = head dim, K 2,048): [head dim, TFLOP/s at 512, 256 and 128 heads a call]. */
const VALUES: ReadonlyArray<readonly [number, readonly number[]]> = [
  [96, [110.766, 109.97, 85.545]],
  [128, [144.043, 141.463, 139.748]],
];

/**
 * Layer GEMMs of the sweep with a reduction of 1,024-2,048 that ran at least 0.5 ms (M 8,192 tokens):
 * [N, K, TFLOP/s]; QKV and FFN-up at hidden sizes 1,408-2,048 (one rank), the output projection at
 * tensor-parallel shares 4 and 8 of hidden sizes 8,192-16,384.
 */
const SHORT_K_LAYER_GEMMS: ReadonlyArray<readonly [number, number, number]> = [
  [5632, 1408, 197.369], [4608, 1536, 201.487], [6144, 1536, 203.937], [4992, 1664, 227.968], [6656, 1664, 209.903],
  [5376, 1792, 208.316], [7168, 1792, 214.301], [5760, 1920, 211.165], [7680, 1920, 216.242], [6144, 2048, 219.242],
  [8192, 2048, 208.259], [8192, 2048, 216.511], [8192, 1024, 216.715], [9216, 1152, 215.153], [10240, 1280, 225.236],
  [11264, 1408, 196.055], [12288, 1536, 201.905], [13312, 1664, 238.33], [14336, 1792, 216.137], [15360, 1920, 241.149],
  [16384, 2048, 246.403],
];

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

describe('GEMM shape model against A100 microbenchmarks (Anthony et al. 2024, EleutherAI/cookbook h_sweep)', () => {
  it('the tile fixed cost is 160 of K (K / (K + 160)): the attention scores GEMM, K = head dim 96-224, within 5% of measured at 128-512 heads a call (K / (K + 128) was 8-14% too fast)', () => {
    for (const [heads, dh, measured] of SCORES) {
      const modelled = rate(2048, 2048, dh, heads);
      expect(Math.abs(modelled / measured - 1), `${heads} heads of ${dh}: ${modelled.toFixed(1)} vs ${measured}`).toBeLessThanOrEqual(0.05);
    }
    expect(GEMM_K_OVERHEAD).toBe(160);
  });

  it('a K that is not a multiple of the main loop\'s step (32) costs as the next multiple: the scores GEMM at head dims 72, 80, 104 and 112 within 8% each and 4% on average at 128-512 heads a call (the unrounded K made them 6-16% too fast, 10% on average)', () => {
    let sumLog = 0;
    let count = 0;
    for (const [dh, byHeads] of SCORES_RAGGED_K) {
      [512, 256, 128].forEach((heads, i) => {
        const measured = byHeads[i]!;
        const modelled = rate(2048, 2048, dh, heads);
        expect(Math.abs(modelled / measured - 1), `${heads} heads of ${dh}: ${modelled.toFixed(1)} vs ${measured}`).toBeLessThanOrEqual(0.08);
        sumLog += Math.log(modelled / measured);
        count++;
      });
    }
    expect(Math.abs(sumLog / count)).toBeLessThanOrEqual(0.04);
    expect(GEMM_K_STEP).toBe(32);
  });

  it('the short-K factor holds down to K = 8 on the aligned path: the scores GEMM at head dims 8-32 within 5% (512 heads a call)', () => {
    for (const [dh, measured] of SCORES_SHORT_K) {
      const modelled = rate(2048, 2048, dh, 512);
      expect(Math.abs(modelled / measured - 1), `512 heads of ${dh}: ${modelled.toFixed(1)} vs ${measured}`).toBeLessThanOrEqual(0.05);
    }
  });

  it('layer GEMMs with K = 1,024-2,048 run within 3% of measured on average (4.0% too fast at K / (K + 128)), each within 15%', () => {
    let sumLog = 0;
    for (const [n, k, measured] of SHORT_K_LAYER_GEMMS) {
      const modelled = rate(8192, n, k);
      expect(Math.abs(modelled / measured - 1), `N ${n} K ${k}: ${modelled.toFixed(1)} vs ${measured}`).toBeLessThanOrEqual(0.15);
      sumLog += Math.log(modelled / measured);
    }
    expect(Math.abs(sumLog / SHORT_K_LAYER_GEMMS.length)).toBeLessThanOrEqual(0.03);
  });

  it('the values GEMM is bound by reading the probabilities at the board bandwidth: within 8% of the median of the three calls at head dims 96 and 128', () => {
    // The median, because a slowest-of-100 rate can fall to one slow iteration (96 at 128 heads: 86
    // where 256 and 512 heads run 110-111).
    for (const [dh, measured] of VALUES) {
      const modelled = rate(2048, dh, 2048, 512);
      expect(Math.abs(modelled / median(measured) - 1), `head dim ${dh}: ${modelled.toFixed(1)} vs ${median(measured)}`).toBeLessThanOrEqual(0.08);
      // Memory-bound in the model: the time is the probabilities' bytes at the streaming rate.
      const bytes = 2 * 512 * (2048 * 2048 + 2 * 2048 * dh);
      expect(gemmTimeS(2048, dh, 2048, 512, 2, a100)).toBeCloseTo(bytes / (a100.memoryBandwidth * 0.85) + 4e-6, 6);
    }
  });
});

/**
 * Layout NN (torch.mm on contiguous operands: cuBLAS sees neither transposed), which is the layout of
 * a linear layer's input-gradient GEMM dX = dY W (F.linear's forward is TN, its weight gradient
 * dW = dY^T X NT): the cookbook's plain GEMM sweeps on the same A100 (EleutherAI/cookbook commit
 * 27dff48, sizing/results/gemm_data/mm/{ksweep_high,m_sweep}/a100.out, written by sizing/benchmarks/mm_flops.py's
 * benchmark_mm: fp16, torch.mm(A (m, n), B (n, k)), so the reduction is the middle figure; the
 * slowest of 200 timed calls after 50 warm-up ones).
 */
/** ksweep_high: M 2,304, reduction 4,096, N 1,536-6,144 (the points at multiples of 512): [N, TFLOP/s]. */
const NN_2304: ReadonlyArray<readonly [number, number]> = [
  [1536, 217.616], [2048, 210.421], [2560, 211.43], [3072, 234.955], [3584, 225.804],
  [4096, 223.613], [4608, 239.168], [5120, 223.642], [5632, 228.595], [6144, 231.572],
];
/**
 * m_sweep: a square output m x m over a reduction of 4,096, the weight-gradient-like shapes (a small
 * output, a long reduction), from two waves of 128 x 128 tiles up: [m, TFLOP/s].
 */
const NN_SQUARE: ReadonlyArray<readonly [number, number]> = [[2048, 193.158], [4096, 239.13], [8192, 251.538]];

describe('backward GEMMs: the input-gradient layout (NN) against the same A100, and how a layer shapes its backward', () => {
  it('NN GEMMs run at least as fast as the model says: M 2,304 x N 1,536-6,144 over K 4,096 within 10% each, 0.97 of measured on average; square outputs of 2,048-8,192 over K 4,096 at 0.92-0.95', () => {
    let sumLog = 0;
    for (const [n, measured] of NN_2304) {
      const q = rate(2304, n, 4096) / measured;
      expect(Math.abs(q - 1), `N ${n}: ${rate(2304, n, 4096).toFixed(1)} vs ${measured}`).toBeLessThanOrEqual(0.1);
      sumLog += Math.log(q);
    }
    const mean = Math.exp(sumLog / NN_2304.length);
    expect(mean).toBeLessThanOrEqual(1);
    expect(mean).toBeGreaterThanOrEqual(0.94);
    for (const [m, measured] of NN_SQUARE) {
      const q = rate(m, m, 4096) / measured;
      expect(q, `${m} x ${m}: ${rate(m, m, 4096).toFixed(1)} vs ${measured}`).toBeLessThanOrEqual(1);
      expect(q).toBeGreaterThanOrEqual(0.9);
    }
  });

  it('the one shape both sweeps time, 8,192 x 8,192 over K 4,096: NN 251.5 TFLOP/s (torch.mm; 263.0 through torch.bmm), TN 231.0-233.3 (F.linear, h_sweep): the input-gradient layout ran the faster of the two, and the model (239) sits between', () => {
    const modelled = rate(8192, 8192, 4096);
    expect(modelled).toBeGreaterThan(233.267);
    expect(modelled).toBeLessThan(251.538);
  });

  it('each layer GEMM costs its forward, an input gradient of the same M with N and K swapped, and a weight gradient whose reduction is the tokens (the 1.7B at 16 sequences: K 32,768)', () => {
    const shape: TrainingShape = {
      params: 1.7e9,
      layers: 24,
      hiddenSize: 2304,
      heads: 24,
      vocab: 51_200,
      seqLen: 2048,
      globalBatchTokens: 16 * 2048,
      precisionBytes: 2,
      activationRecompute: false,
      attention: 'standard',
    };
    const dev = computeDeviceOf(DEVICE_CATALOGUE['A100-80GB']!)!;
    const g = (m: number, n: number, k: number): number => gemmTimeS(m, n, k, 1, 2, dev);
    const tokens = 16 * 2048;
    const h = 2304;
    const layerGemms: [number, number][] = [[3 * h, h], [h, h], [4 * h, h], [h, 4 * h]];
    let perLayer = 0;
    for (const [n, k] of layerGemms) perLayer += g(tokens, n, k) + g(tokens, k, n) + g(k, n, tokens);
    const breakdown = computeBreakdown(shape, { tp: 1, pp: 1, dp: 1, microBatches: 1 }, dev);
    expect(breakdown.gemmS).toBeCloseTo(24 * perLayer, 9);
  });
});
