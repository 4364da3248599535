// FlashAttention's rate by sequence length and head dimension: the kernels' published
// microbenchmark curves, as a factor on the rate the model's constants give at the sequence and
// head dim they were read at.

/**
 * Dao 2023 (FlashAttention-2, arXiv 2307.08691) figure 4(d), the flash-attention repository's
 * assets/flash2_a100_fwd_bwd_benchmark.png: A100 80GB, causal, head dim 128, forward + backward
 * TFLOP/s at sequences 512, 1k, 2k, 4k, 8k and 16k (batch x sequence = 16k tokens, 2k / head dim
 * heads). FlashAttention-2 99, 133, 155, 173, 182, 189; FlashAttention (flash-attn 0.x's CUDA kernel)
 * 55, 62, 69, 76, 80, 83. The rate rises with the sequence because each query tile's loop over the
 * keys grows (its fixed prologue and epilogue, and the causal mask's partly filled diagonal tiles,
 * weigh less); the batch x heads x query tiles, the occupancy, is the same at every point.
 */
export const FLASH_BENCHMARK_SEQ = [512, 1024, 2048, 4096, 8192, 16384] as const;
export const FLASH2_BENCHMARK_TFLOPS = [99, 133, 155, 173, 182, 189] as const;
export const FLASH1_BENCHMARK_TFLOPS = [55, 62, 69, 76, 80, 83] as const;
/**
 * The same figure's panel (c): causal, head dim 64, the same sequences. FlashAttention-2 88, 119,
 * 140, 156, 165, 171 (0.89-0.91 of its head dim 128 rate: the work per score outside the matmuls,
 * the softmax, is the same at either head dim, against half the matmul FLOPs); FlashAttention 58,
 * 70, 77, 87, 92, 97 (1.05-1.17 of its head dim 128 rate: its head dim 128 kernels run key blocks of
 * 128 where head dim 64 runs 256, fmha_api.cpp's `blocksize_c`).
 * The H100 figure (assets/flash2_h100_fwd_bwd_benchmark.png, (c) over (d)) gives the same ratios within
 * 5% for FlashAttention-2 (0.87-0.89) and for FlashAttention but at 2k (1.06-1.14; 1.26 at 2k, 13% over
 * A100's 1.12). The A100 ratios stand for every kind.
 */
export const FLASH2_BENCHMARK_TFLOPS_HD64 = [88, 119, 140, 156, 165, 171] as const;
export const FLASH1_BENCHMARK_TFLOPS_HD64 = [58, 70, 77, 87, 92, 97] as const;

/**
 * Sequence the constants of kinds without their own `flash_attention` figures were read at:
 * FLASH_FORWARD_RELATIVE 0.75 x A100's 0.8 x 312 TFLOPS = 187 TFLOP/s, figure 5(d)'s FlashAttention-2
 * forward at 2k (132, 164, 187, 198, 200, 197 at 512 .. 16k); FLASH1_RELATIVE_TO_FLASH2 was read at 2k
 * too (69 / 155, the same 0.44 to 16k).
 */
export const FLASH_RATIO_ANCHOR_SEQ = 2048;
/**
 * Sequence a kind's own `flash_attention` figures are read at: the Hopper figures are
 * FlashAttention-2's "up to" rate (~335 TFLOP/s forward, Shah et al. 2024), which its benchmarks reach
 * at their longest sequence, 16k.
 */
export const FLASH_OWN_FIGURES_ANCHOR_SEQ = 16384;

/**
 * The width of the kernel a head dim runs on, between the measured 64 and 128: FlashAttention-2
 * instantiates its kernels at head dims 32, 64, 96, 128, 160, ... 256 and runs a head dim on the
 * smallest that holds it (csrc/flash_attn/src/static_switch.h, HEADDIM_SWITCH; flash_api.cpp rounds
 * to 32 up to 128), so 80 runs the 96 kernel and 112 the 128 one; FlashAttention-1 has 32, 64 and 128
 * only (fmha_api.cpp: `d <= 64`, `d <= 128`) and its Triton port pads to the next power of two
 * (flash_attn_triton.py: `BLOCK_HEADDIM = max(triton.next_power_of_2(d), 16)`), so 80, 96 and 112
 * run the 128 kernels. The padded columns are multiplied as the real ones are.
 */
function kernelHeadDim(kernel: 'flash' | 'flash1', headDim: number): number {
  if (kernel === 'flash' && headDim <= 96) return 96;
  return 128;
}

/**
 * A benchmark curve's TFLOP/s at a sequence: linear in log2(sequence) between the measured points,
 * flat outside them (the figure stops at 16k, where FlashAttention-2 has all but levelled off: 182
 * to 189 from 8k; below 512 nothing is measured).
 */
function curveTflops(tflops: readonly number[], seqLen: number): number {
  return benchmarkCurveAt(FLASH_BENCHMARK_SEQ, tflops, seqLen);
}

/**
 * A published benchmark's values (`values`, measured at sequences `seqs`, ascending) at `seqLen`:
 * linear in log2(sequence) between the measured points, held flat outside them. The one reading of
 * the attention kernels' curves: training (here), FlashAttention-3's (flash3-rate.ts) and a
 * prefill's forward (inference/prefill-attention.ts).
 */
export function benchmarkCurveAt(seqs: readonly number[], values: readonly number[], seqLen: number): number {
  if (!(seqLen > seqs[0]!)) return values[0]!;
  const last = seqs.length - 1;
  if (seqLen >= seqs[last]!) return values[last]!;
  let i = 0;
  while (seqLen > seqs[i + 1]!) i++;
  const x = (Math.log2(seqLen) - Math.log2(seqs[i]!)) / (Math.log2(seqs[i + 1]!) - Math.log2(seqs[i]!));
  return values[i]! + x * (values[i + 1]! - values[i]!);
}

/**
 * A kernel's rate at a sequence and head dim, in TFLOP/s of the head dim's own FLOPs on the figure's
 * A100, relative to its head dim 128 rate at 2k (so 1 there). Head dims of 64 and below take the
 * head dim 64 curve and 128 and above the head dim 128 curve, held flat: no figure gives
 * forward + backward beyond them (the FlashAttention-3 paper's figure 5 gives FlashAttention-2's
 * forward at head dim 256 on H100, 278 TFLOP/s at 2k against 298 at 128, but no backward).
 * Between them the kernel the head dim runs on (kernelHeadDim) is read off a curve interpolated
 * between the two measured ones linearly in log2(head dim), as the sequence is (96: 0.585 of the way
 * from 64 to 128), and its rate counts only the head dim's own columns of the kernel's width.
 */
function rateAt(kernel: 'flash' | 'flash1', seqLen: number, headDim: number): number {
  const hd128 = kernel === 'flash1' ? FLASH1_BENCHMARK_TFLOPS : FLASH2_BENCHMARK_TFLOPS;
  const hd64 = kernel === 'flash1' ? FLASH1_BENCHMARK_TFLOPS_HD64 : FLASH2_BENCHMARK_TFLOPS_HD64;
  const at2k = hd128[2]!;
  if (!(headDim < 128)) return curveTflops(hd128, seqLen) / at2k;
  if (!(headDim > 64)) return curveTflops(hd64, seqLen) / at2k;
  const width = kernelHeadDim(kernel, headDim);
  const low = curveTflops(hd64, seqLen);
  const high = curveTflops(hd128, seqLen);
  const onKernel = width >= 128 ? high : low + Math.log2(width / 64) * (high - low);
  return (onKernel * (headDim / width)) / at2k;
}

/**
 * The factor on a kernel's FlashAttention-2-derived rate at a sequence of `seqLen` keys and head
 * dim `headDim` (128, the constants' own, when not given), forward and backward alike (figure 4 gives
 * their sum only, for both kernels): the kernel's own rate there over FlashAttention-2's at head dim
 * 128 and the sequence the rate was read at (`anchorSeq`). 1 for `flash` at its anchor and head dim
 * 128; for `flash1` it multiplies FLASH1_RELATIVE_TO_FLASH2, read at 2k and head dim 128. The step
 * model (layer-compute.ts) passes the head dim for `flash` (and `flash3`, which multiplies it) and
 * 128 for `flash1`, whose CUDA kernel and Triton port differ at head dim 64 (docs/calibration.md,
 * "FlashAttention's rate by head dim").
 */
export function flashSeqFactor(kernel: 'flash' | 'flash1', seqLen: number, anchorSeq: number, headDim = 128): number {
  return rateAt(kernel, seqLen, headDim) / rateAt('flash', anchorSeq, 128);
}
