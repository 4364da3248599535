// The standard (non-fused) attention core of one layer on one device: the batched scores and
// values GEMMs on the full s x s square, and the passes over the scores through memory (Megatron-
// LM's fused scale-mask-softmax, the attention dropout) forward and backward. Pure.
import { gemmTimeS, memoryBoundTimeS, type ComputeDevice } from './gemm.js';

/** Elements per score element the forward passes move: the softmax reads and writes the scores (2), its dropout reads and writes them (2) and keeps a one-byte mask. */
const SOFTMAX_ELEMS = 2;
const DROPOUT_ELEMS = 2;
/**
 * Backward of the passes over the attention scores, in elements of the scores, as the kernels
 * run them: the softmax backward reads the probabilities and the incoming gradient and writes the
 * outgoing one (3; Megatron-LM's scaled_masked_softmax backward); the dropout backward reads the
 * gradient and the one-byte mask and writes the gradient (2 and the mask; PyTorch's masked scale).
 * 11 bytes per score element in half precision, where twice the forward's would be 18.
 */
const SOFTMAX_BACKWARD_ELEMS = 3;
const DROPOUT_BACKWARD_ELEMS = 2;
/**
 * Fraction of the streaming bandwidth (MEMORY_BANDWIDTH_EFFICIENCY) that the passes over the
 * standard attention's scores sustain: the softmax reduces every row (max and sum) and the
 * dropout draws a Philox random number per element, where a copy only streams. Measured on A100
 * by the given set's own paper: Korthikanti et al. 2022, Table 4, time per transformer layer of
 * the 22B model (TP 8, micro-batch 4, 64 heads of 96, s = 2048): selective recomputation (which
 * reruns exactly the attention core's forward: the two batched GEMMs, the softmax and the
 * dropout) costs 13.2 - 11.9 = 1.3 ms (13.1 - 11.8 with sequence parallelism). The model's batched
 * GEMMs take 0.42 ms of it, so the score passes (1.2 GB) take about 0.88 ms: 0.68 of A100's
 * 2,039 GB/s, 0.8 of the 0.85 a copy reaches (0.77-0.83 over the table's rounding). PyTorch's
 * dropout and softmax measured on an H200 run at 0.57-0.74 and 0.36-0.45 of the streaming rate
 * (docs/calibration.md, the audit's item 5): the same direction.
 */
export const SCORE_PASS_BANDWIDTH_RELATIVE = 0.8;

/** One attention core's shape on one device. */
export interface AttentionCoreShape {
  /** Independent (sequence, head) pairs: sequences per micro-batch x heads on the rank. */
  readonly batch: number;
  /** Queries per sequence on the rank (the sequence, or 1/cp of it). */
  readonly queries: number;
  /** Keys per sequence (the whole sequence). */
  readonly keys: number;
  /** Head width of queries and keys, and of values (equal unless MLA sets them apart). */
  readonly dQK: number;
  readonly dV: number;
  /** Bytes per element of the activations (2 in half precision). */
  readonly bytes: number;
  /** Whether an attention dropout runs between the softmax and the values GEMM. */
  readonly dropout: boolean;
}

/** Seconds of the standard attention core forward and backward (without recomputation). */
export function standardAttentionS(shape: AttentionCoreShape, dev: ComputeDevice): { forwardS: number; backwardS: number } {
  const { batch, queries: sq, keys: s, dQK, dV, bytes: B, dropout } = shape;
  const g = (mm: number, nn: number, kk: number): number => gemmTimeS(mm, nn, kk, batch, B, dev);
  const scores = batch * sq * s;
  const qk = g(sq, s, dQK);
  const pv = g(sq, dV, s);
  // The score passes at their own sustained bandwidth (SCORE_PASS_BANDWIDTH_RELATIVE).
  const scoreDev: ComputeDevice = { ...dev, memoryBandwidth: dev.memoryBandwidth * SCORE_PASS_BANDWIDTH_RELATIVE };
  // Without dropout the probabilities go straight to the values GEMM: no dropout pass, no mask.
  const soft = memoryBoundTimeS((SOFTMAX_ELEMS * B + (dropout ? DROPOUT_ELEMS * B + 1 : 0)) * scores, scoreDev);
  const softBackward = memoryBoundTimeS((SOFTMAX_BACKWARD_ELEMS * B + (dropout ? DROPOUT_BACKWARD_ELEMS * B + 1 : 0)) * scores, scoreDev);
  // Backward: two GEMMs per forward GEMM, the softmax and dropout gradients.
  // dV = P^T dO, dK^T = Q^T dS over the rank's sq queries; dP = dO V^T, dQ = dS K.
  const backwardS = g(s, dV, sq) + g(dQK, s, sq) + g(sq, s, dV) + g(sq, dQK, s) + softBackward;
  return { forwardS: qk + pv + soft, backwardS };
}
