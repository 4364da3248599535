// FlashAttention-3's rate on Hopper by sequence length: its published speed-up over FlashAttention-2
// in the same benchmark, forward and backward, as a factor on the rate `attention: flash` gives.

import { benchmarkCurveAt } from './flash-rate.js';

/**
 * Shah et al. 2024 (FlashAttention-3, arXiv 2407.08608), H100 80GB SXM5, BF16, head dim 128,
 * batch x sequence = 16k tokens, 2,048 hidden: TFLOP/s at sequences 512, 1k, 2k, 4k, 8k and 16k, as
 * printed above the bars. Figure 5, forward with the causal mask: FlashAttention-2 191, 260, 298,
 * 319, 333, 335; FlashAttention-3 292, 423, 521, 579, 602, 616 (cuDNN's fused attention 315, 410,
 * 484, 518, 529, 539). Figure 6, backward (the paper gives it without the causal mask only):
 * FlashAttention-2 214, 260, 291, 310, 318, 322; FlashAttention-3 316, 424, 501, 542, 559, 561
 * (cuDNN 305, 408, 465, 499, 518, 516). FlashAttention-3 needs Hopper's warpgroup MMA (wgmma) and
 * tensor memory accelerator (TMA); the paper's kernels run on nothing else.
 */
export const FLASH3_BENCHMARK_SEQ = [512, 1024, 2048, 4096, 8192, 16384] as const;
export const FLASH3_FORWARD_TFLOPS = { flash2: [191, 260, 298, 319, 333, 335], flash3: [292, 423, 521, 579, 602, 616] } as const;
export const FLASH3_BACKWARD_TFLOPS = { flash2: [214, 260, 291, 310, 318, 322], flash3: [316, 424, 501, 542, 559, 561] } as const;

/** One curve at a sequence: linear in log2(sequence) between the measured points, flat outside them. */
function at(values: readonly number[], seqLen: number): number {
  return benchmarkCurveAt(FLASH3_BENCHMARK_SEQ, values, seqLen);
}

/**
 * FlashAttention-3's rate over FlashAttention-2's at a sequence of `seqLen` keys, forward and
 * backward, each from its own figure (1.81 and 1.76 at 8k; 1.53 and 1.48 at 512).
 */
export function flash3Speedup(seqLen: number): { readonly forward: number; readonly backward: number } {
  const f = FLASH3_FORWARD_TFLOPS;
  const b = FLASH3_BACKWARD_TFLOPS;
  return { forward: at(f.flash3, seqLen) / at(f.flash2, seqLen), backward: at(b.flash3, seqLen) / at(b.flash2, seqLen) };
}
