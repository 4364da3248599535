// FlashAttention's rate by sequence length: the kernels' published microbenchmark curves, as a
// factor on the rate the model's constants give at the sequence they were read at.

/**
 * Dao 2023 (FlashAttention-2, arXiv 2307.08691) figure 4(d), the flash-attention repository's
 * assets/flash2_a100_fwd_bwd_benchmark.png: A100 80GB, causal, head dim 128, forward + backward
 * TFLOP/s at sequences 512, 1k, 2k, 4k, 8k and 16k (batch x sequence = 16k tokens, 16 heads).
 * FlashAttention-2 99, 133, 155, 173, 182, 189; FlashAttention (flash-attn 0.x's CUDA kernel) 55,
 * 62, 69, 76, 80, 83. The rate rises with the sequence because each query tile's loop over the keys
 * grows (its fixed prologue and epilogue, and the causal mask's partly filled diagonal tiles, weigh
 * less); the batch x heads x query tiles, the occupancy, is the same at every point.
 */
export const FLASH_BENCHMARK_SEQ = [512, 1024, 2048, 4096, 8192, 16384] as const;
export const FLASH2_BENCHMARK_TFLOPS = [99, 133, 155, 173, 182, 189] as const;
export const FLASH1_BENCHMARK_TFLOPS = [55, 62, 69, 76, 80, 83] as const;

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
 * A benchmark curve at a sequence, relative to its value at 2k: linear in log2(sequence) between
 * the measured points, flat outside them (the figure stops at 16k, where FlashAttention-2 has all
 * but levelled off: 182 to 189 from 8k; below 512 nothing is measured).
 */
function curveAt(tflops: readonly number[], seqLen: number): number {
  const at2k = tflops[2]!;
  const seqs = FLASH_BENCHMARK_SEQ;
  if (!(seqLen > seqs[0]!)) return tflops[0]! / at2k;
  const last = seqs.length - 1;
  if (seqLen >= seqs[last]!) return tflops[last]! / at2k;
  let i = 0;
  while (seqLen > seqs[i + 1]!) i++;
  const x = (Math.log2(seqLen) - Math.log2(seqs[i]!)) / (Math.log2(seqs[i + 1]!) - Math.log2(seqs[i]!));
  return (tflops[i]! + x * (tflops[i + 1]! - tflops[i]!)) / at2k;
}

/**
 * The factor on a kernel's FlashAttention-2-derived rate at a sequence of `seqLen` keys, forward
 * and backward alike (figure 4 gives their sum only, for both kernels): the kernel's own curve at
 * `seqLen` over FlashAttention-2's at the sequence the rate was read at (`anchorSeq`). 1 for
 * `flash` at its anchor; for `flash1` it multiplies FLASH1_RELATIVE_TO_FLASH2, read at 2k.
 */
export function flashSeqFactor(kernel: 'flash' | 'flash1', seqLen: number, anchorSeq: number): number {
  const own = curveAt(kernel === 'flash1' ? FLASH1_BENCHMARK_TFLOPS : FLASH2_BENCHMARK_TFLOPS, seqLen);
  return own / curveAt(FLASH2_BENCHMARK_TFLOPS, anchorSeq);
}
