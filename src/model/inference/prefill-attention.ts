// The rate of a prefill's attention kernel by sequence: FlashAttention-2's published forward curves,
// as a factor on the rate the kind's constants give at the sequence they were read at.

import { benchmarkCurveAt } from '../flash-rate.js';

/**
 * FlashAttention-2 forward, causal, head dim 128, TFLOP/s at sequences 512, 1k, 2k, 4k, 8k and 16k
 * (batch x sequence = 16k tokens). A prefill is a forward pass only, so these, not the forward +
 * backward curve the training side follows (flash-rate.ts, Dao 2023 figure 4(d)), which rises
 * further (99 to 189 on A100 where the forward goes 132 to 197: the backward gains more with the
 * sequence).
 * - A100 80GB: Dao 2023 (arXiv 2307.08691) figure 5(d): 132, 164, 187, 198, 200, 197, the figure
 *   FLASH_FORWARD_RELATIVE was read from at 2k (0.75 x 0.8 x 312 = 187 TFLOP/s).
 * - H100 80GB SXM5: Shah et al. 2024 (FlashAttention-3, arXiv 2407.08608), the forward figure's
 *   causal head-dim-128 panel, FlashAttention-2's bars (the flash-attention repository's
 *   assets/flash3_fp16_fwd.png): 191, 260, 298, 319, 333, 335; the Hopper kinds' own
 *   `flash_attention.forward` 0.35 x 989 = 346 is its 16k end.
 */
export const PREFILL_FLASH_SEQ = [512, 1024, 2048, 4096, 8192, 16384] as const;
export const FLASH2_FORWARD_A100_TFLOPS = [132, 164, 187, 198, 200, 197] as const;
export const FLASH2_FORWARD_H100_TFLOPS = [191, 260, 298, 319, 333, 335] as const;

/** A forward curve and the sequence the kind's attention rate was read at on it. */
export interface PrefillAttentionCurve {
  readonly tflops: readonly number[];
  readonly anchorSeq: number;
}

/** Kinds whose rate is FLASH_FORWARD_RELATIVE x gemm_efficiency: read on A100's curve at 2k. */
export const RATIO_CURVE: PrefillAttentionCurve = { tflops: FLASH2_FORWARD_A100_TFLOPS, anchorSeq: 2048 };
/**
 * Kinds with their own `flash_attention` figures (the Hopper kinds; B200, whose are cuDNN's at 16k): read on
 * H100's curve at 16k, the only forward curve published for a kind with own figures.
 */
export const OWN_FIGURES_CURVE: PrefillAttentionCurve = { tflops: FLASH2_FORWARD_H100_TFLOPS, anchorSeq: 16384 };

/** A curve at a sequence: linear in log2(sequence) between the measured points, flat outside them. */
function curveAt(tflops: readonly number[], seqLen: number): number {
  return benchmarkCurveAt(PREFILL_FLASH_SEQ, tflops, seqLen);
}

/**
 * The factor on the kind's attention rate for a prefill whose queries traverse, on average, as many
 * keys as a causal sequence of `seqLen` (the benchmark's sequence): the curve there over the curve
 * at the rate's anchor.
 */
export function prefillAttentionFactor(curve: PrefillAttentionCurve, seqLen: number): number {
  return curveAt(curve.tflops, seqLen) / curveAt(curve.tflops, curve.anchorSeq);
}

/**
 * The benchmark sequence equivalent to an iteration's prompt attention: `pairs` (query, key) pairs
 * over `promptTokens` queries. A causal prompt of n tokens has n(n+1)/2 pairs, so 2 pairs / n - 1 = n;
 * a chunk of n tokens after p earlier ones traverses p + (n+1)/2 keys a query, as a causal sequence
 * of 2p + n does. The kernel's time is a fixed cost per query tile plus one per (query, key) block,
 * so a batch of prompts of different lengths runs at the rate of this mean.
 */
export function equivalentSeq(pairs: number, promptTokens: number): number {
  return promptTokens > 0 ? (2 * pairs) / promptTokens - 1 : 0;
}
