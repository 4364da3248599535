// Time of one matrix multiplication on a device: a roofline whose compute ceiling depends on the
// shape. Large GEMMs run at the device's measured large-GEMM efficiency (cuBLAS microbenchmarks,
// per device kind in the catalogue); smaller ones lose to tile quantisation (a partial tile costs
// a whole one), wave quantisation (the last wave of tiles leaves compute units idle) and a short
// K loop (each tile's prologue and epilogue are amortised over K / tile-K main-loop steps). Where
// the bytes a GEMM moves take longer at memory bandwidth than its FLOPs at the ceiling, it is
// memory-bound. Pure; called only when a job's compute breakdown is built (cached per shape).

/** What the compute model needs to know about a device kind at a job's precision. */
export interface ComputeDevice {
  /** Dense peak FLOP/s at the job's precision. */
  readonly peakFlops: number;
  /** HBM bandwidth (bytes/s). */
  readonly memoryBandwidth: number;
  /**
   * Fraction of peak a large, well-shaped GEMM sustains (cuBLAS/hipBLASLt microbenchmarks at
   * the board's power cap), before the shape penalties below.
   */
  readonly gemmEfficiency: number;
  /** Streaming multiprocessors / compute units: the width of one wave of output tiles. */
  readonly computeUnits: number;
  /**
   * Fractions of peak the fused (FlashAttention-class) attention kernel sustains forward and
   * backward, where measured for the kind; otherwise derived from `gemmEfficiency`.
   */
  readonly flashForward?: number;
  readonly flashBackward?: number;
  /** FP8 dense peak (FLOP/s) and the fraction of it a large FP8 GEMM sustains; absent without FP8 tensor cores. */
  readonly fp8?: { readonly peakFlops: number; readonly gemmEfficiency: number };
}

/**
 * Output tile shapes a GEMM library chooses from, with the relative throughput of each: smaller
 * tiles reuse each loaded operand fewer times, so they run below the large-tile ceiling. The
 * library picks the tile that finishes first (NVIDIA, "Matrix Multiplication Background User's
 * Guide", tile and wave quantisation; CUTLASS's default tile set 256x128, 128x128, 128x64).
 */
const TILES: ReadonlyArray<readonly [number, number, number]> = [
  [256, 128, 1],
  [128, 256, 1],
  [128, 128, 0.92],
  [128, 64, 0.8],
  [64, 128, 0.8],
];

/** The narrowest side of any tile above: fewer rows than this always leave a tile partly empty. */
export const SMALLEST_TILE_SIDE = Math.min(...TILES.map(([tm, tn]) => Math.min(tm, tn)));

/**
 * Main-loop-equivalent K of a tile's fixed cost (prologue filling the shared-memory pipeline,
 * epilogue writing the tile): a tile of reduction depth K runs at K / (K + GEMM_K_OVERHEAD) of the
 * large-K rate. Measured on an A100 40GB (fp16, cuBLAS through torch.bmm and F.linear, PyTorch
 * 1.13.1, slowest of 100 iterations; the sweeps behind Anthony et al., "The Case for Co-Designing
 * Model Architectures with Hardware", ICPP 2024: EleutherAI/cookbook commit fb3e361,
 * sizing/results/transformer_data/h_sweep.out, 2,048 x 2,048 attention scores per head, 128 heads,
 * micro-batch 4): the scores GEMM, whose K is the head dimension, runs 95, 113, 126, 137 and 142
 * TFLOP/s at K = 96, 128, 160, 192 and 224 (512 heads a call; 93-150 at 256 and 128):
 * K / (K + 160) of 0.8 x 312 gives all fifteen within 4% (rms 1.6%), K / (K + 128) 8-14% too fast.
 * The layer GEMMs of the same sweep with K = 1,024-2,048 (21 shapes, M = 8,192) agree: 4.0% too
 * fast on average at 128, 2.2% at 160 (docs/calibration.md, audit item 13; test/gemm-a100.test.ts).
 * The same sweep's head dims 8, 16, 24 and 32 (512 heads) run within 4% of it too (the range the
 * factor is measured over: K = 8-255). 128 before, from the shape of the
 * K-dimension figure of NVIDIA's Matrix Multiplication Background guide.
 */
export const GEMM_K_OVERHEAD = 160;

/**
 * The same fixed cost for GEMMs with one-byte (FP8) operands, in main-loop K: the prologue and the
 * epilogue (which writes the tile in 16-bit precision) take about as long as with 16-bit operands,
 * while each K step of the main loop takes half the time, so the fixed cost is worth at least twice
 * GEMM_K_OVERHEAD of K (2 x 160). Measured: DeepGEMM's FP8 GEMMs on an H800 (the H100 die, 132 SMs;
 * deepseek-ai/DeepGEMM pull request 74, best tile, M = 4,096) run 1,204 TFLOP/s at K = 2,048, 1,166
 * at K = 1,536 and 748 at K = 512 against 1,470 at K = 16,384 (N = 7,168 to 32,768): 0.82, 0.79 and
 * 0.51 of the long-K rate, which K / (K + 512) gives within 3% (0.82, 0.77, 0.51 relative to
 * K = 16,384), where 256 gives 0.90, 0.87, 0.68 and 128 0.95, 0.93, 0.81.
 */
export const GEMM_K_OVERHEAD_FP8 = 512;

/**
 * Depth of one main-loop step of a tile, in elements of K: the loop runs whole steps, so a K that is
 * not a multiple of it costs as the next multiple (the last step's shared-memory stage is loaded and
 * multiplied whole, its ragged end zero-filled). cuBLAS's and CUTLASS's Ampere and Hopper 16-bit
 * kernels step 32 or 64 at a time (kernel names `..._stages_32x5_...`, `..._stages_64x3_...`;
 * CUTLASS's default sm80 half-precision threadblock shapes 128x128x32 and 128x256x64); the smaller
 * is taken. Measured: the scores GEMM of the same A100 sweep (the one GEMM whose K, the head dim,
 * is not a multiple of 32 in practice; 128-512 heads a call) runs head dims 72, 80, 104 and 112 at
 * 68, 78, 86 and 96 TFLOP/s (512 heads): K rounded up to 96 and 128 gives 1.03, 0.99, 1.05 and 1.01
 * of that, where the unrounded K gave 1.13, 1.06, 1.15 and 1.06 (docs/calibration.md, "Short K below
 * the calibrated range"). FP8 operands use the same step in elements (their kernels
 * step at least 64 bytes, DeepGEMM 128 elements: a floor, not a measurement). Only a whole K is
 * rounded: an average over experts' token counts or a width estimated from params is left as it is
 * (their real values' raggedness is unknown; a real expert's ragged count pays about half a step).
 */
export const GEMM_K_STEP = 32;

/**
 * Fraction of HBM bandwidth that streaming kernels sustain: copy/triad benchmarks reach about
 * 1.7-1.8 of A100's 2.04 TB/s and 2.9-3.0 of H100's 3.35 TB/s (vendor and third-party STREAM-style
 * measurements), i.e. ~0.85-0.9.
 */
export const MEMORY_BANDWIDTH_EFFICIENCY = 0.85;

/** Fixed cost of launching and draining one kernel on the device (s). */
export const KERNEL_OVERHEAD_S = 4e-6;

/**
 * Seconds for `batch` independent M x N x K products (2 M N K FLOPs each) whose operands and
 * result are `bytesPerElement` wide.
 */
export function gemmTimeS(m: number, n: number, k: number, batch: number, bytesPerElement: number, dev: ComputeDevice): number {
  if (!(m > 0 && n > 0 && k > 0 && batch > 0)) return 0;
  const computeS = gemmComputeS(m, n, k, batch, bytesPerElement, dev);
  const memoryS = (bytesPerElement * batch * (m * k + k * n + m * n)) / (dev.memoryBandwidth * MEMORY_BANDWIDTH_EFFICIENCY);
  return Math.max(computeS, memoryS) + KERNEL_OVERHEAD_S;
}

/**
 * The compute side alone of gemmTimeS (no memory roofline, no kernel overhead): FLOPs at the
 * device's large-GEMM ceiling x the best tile's quantised utilisation x the short-K factor. For a
 * caller that keeps its own memory roofline (a serving replica reads each weight once an iteration).
 */
export function gemmComputeS(m: number, n: number, k: number, batch: number, bytesPerElement: number, dev: ComputeDevice): number {
  if (!(m > 0 && n > 0 && k > 0 && batch > 0)) return 0;
  const units = Math.max(1, dev.computeUnits);
  let best = 0;
  // Indexed, not for-of with destructuring: an iterator per call where the loop is not optimised
  // (the layout searches run this cold: about 30 MB of iterators in a 200k-job slice of scale-100k).
  for (let i = 0; i < TILES.length; i++) {
    const tile = TILES[i]!;
    const tm = tile[0];
    const tn = tile[1];
    const rel = tile[2];
    const tiles = Math.ceil(m / tm) * Math.ceil(n / tn) * batch;
    const waves = Math.ceil(tiles / units);
    const utilisation = (m * n * batch) / (waves * units * tm * tn);
    if (rel * utilisation > best) best = rel * utilisation;
  }
  // The main loop's whole steps (GEMM_K_STEP) and the tile's fixed cost, in K: k FLOPs of K run in the
  // time of kSteps + overhead. A K that is not whole is an average (tokens per expert) or a width
  // estimated from params, whose real values' raggedness is not known: it is not rounded.
  const kSteps = Number.isInteger(k) ? Math.ceil(k / GEMM_K_STEP) * GEMM_K_STEP : k;
  const kFactor = k / (kSteps + (bytesPerElement <= 1 ? GEMM_K_OVERHEAD_FP8 : GEMM_K_OVERHEAD));
  const flops = 2 * m * n * k * batch;
  return flops / (dev.peakFlops * dev.gemmEfficiency * best * kFactor);
}

/** Seconds for a memory-bound kernel that moves `bytes` through HBM. */
export function memoryBoundTimeS(bytes: number, dev: ComputeDevice): number {
  return bytes > 0 ? bytes / (dev.memoryBandwidth * MEMORY_BANDWIDTH_EFFICIENCY) + KERNEL_OVERHEAD_S : 0;
}
