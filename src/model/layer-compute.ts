// Compute time of a training step's kernels on one device, operator by operator: every GEMM of a
// transformer layer from its M, N, K (gemm.ts), attention (FlashAttention or the standard
// GEMM + softmax + dropout form), the memory-bound kernels (norms, activations, dropouts,
// residual adds) from the bytes they move, the output layer and loss, recomputation, and the
// optimizer step. No communication here: step-time.ts adds that. Depends only on the model, the
// layout and the device, so callers build it once per (job shape, layout, device kind).
import { gemmTimeS, memoryBoundTimeS, type ComputeDevice } from './gemm.js';
import { DEFAULT_HEAD_DIM, DEFAULT_VOCAB, zeroStageOf } from './memory.js';
import { recomputeOf, sequenceParallelOf, type ParallelLayout, type TrainingShape } from './training-layout.js';

export { DEFAULT_VOCAB } from './memory.js';

/**
 * Relative throughput of FlashAttention kernels against the device's large-GEMM ceiling, for
 * kinds without their own measured `flash_attention` figures. FlashAttention-2 (Dao 2023,
 * figures 4-6, A100, head dim 128, causal) reaches 60-70% of peak forward (about 0.75 of a large
 * GEMM's ~0.85) and 45-55% backward (~0.6). Hopper kinds carry their own figures: FlashAttention-2
 * reaches only ~35% of an H100's peak (Shah et al. 2024), well under these ratios.
 */
export const FLASH_FORWARD_RELATIVE = 0.75;
export const FLASH_BACKWARD_RELATIVE = 0.6;

/**
 * Bytes per element moved by the memory-bound kernels of a layer, forward, in units of the
 * activation width (2 for bf16); the mask of a dropout is one byte per element. Fused kernels as
 * Megatron-LM runs them: layer norm reads and writes (2); bias + dropout + residual add reads the
 * GEMM output and the residual and writes the sum (3) plus the mask; bias + GeLU reads and writes
 * the FFN activation (2); SwiGLU reads two halves and writes one (3); the standard attention's
 * fused scale-mask-softmax reads and writes the scores (2) and its dropout reads, writes (2) and
 * keeps a mask. Backward kernels read the saved input and the incoming gradient and write the
 * outgoing gradient: BACKWARD_BYTES_RATIO times the forward bytes.
 */
const NORM_ELEMS = 2;
const DROPOUT_ADD_ELEMS = 3;
const GELU_ELEMS = 2;
const SWIGLU_ELEMS = 3;
const SOFTMAX_ELEMS = 2;
const DROPOUT_ELEMS = 2;
export const BACKWARD_BYTES_RATIO = 2;
/**
 * Cross-entropy over the vocabulary, per logit: Megatron's vocab-parallel loss casts the logits
 * to fp32 and makes max, exp-sum and gradient passes: about 12 bytes forward and 8 backward.
 */
const LOSS_BYTES_PER_LOGIT = 20;
/**
 * Adam step per parameter held: read fp32 master weight, gradient and two moments (16 bytes),
 * write them back and the half-precision copy (14), as the fused multi-tensor Adam does.
 */
export const OPTIMIZER_BYTES_PER_PARAM = 30;

/** Kernel time of one step on one device, split by operator class. */
export interface ComputeBreakdown {
  /** One micro-batch (forward + backward, recompute included) on the slowest pipeline stage (s). */
  microBatchS: number;
  /** The same averaged over stages (what the pipeline bubble idles for) (s). */
  averageStageMicroBatchS: number;
  /** Share of a micro-batch that is backward (recompute included): the DP overlap window. */
  backwardShare: number;
  /** Per micro-batch on the slowest stage, by class (s): transformer-layer GEMMs. */
  gemmS: number;
  /** Attention core (FlashAttention, or score/value GEMMs + softmax + dropout). */
  attentionS: number;
  /** Norms, activations, dropouts, residual adds. */
  elementwiseS: number;
  /** Output layer and loss (last stage). */
  logitsS: number;
  /** Part of the above spent recomputing activations. */
  recomputeS: number;
  /** Optimizer step, once per step (s). */
  optimizerS: number;
  /** FLOPs the device executes per step (recompute included). */
  hardwareFlopPerDevice: number;
}

/**
 * Build the breakdown. Per tensor-parallel rank, for a micro-batch of n = b s tokens, each layer
 * runs (Megatron-LM, Shoeybi et al. 2019, Narayanan et al. 2021): QKV projection n x (h + 2 kv dh)/t
 * x h, attention, output projection n x h x h/t, FFN up n x (f or 2f)/t x h and down n x h x f/t.
 * Backward runs two GEMMs per forward GEMM: the input gradient (same M, N, K roles swapped) and
 * the weight gradient, whose reduction dimension is the n tokens. Attention: FlashAttention does
 * 4 b s^2 h/t FLOPs forward, halved for the causal mask, and 2.5 times that backward (it
 * recomputes the scores); standard attention runs b a/t batched s x s x dh and s x dh x s GEMMs
 * on the full square with the scores through memory. Recompute 'full' runs each layer's forward
 * again in the backward pass, 'selective' the standard attention core (nothing for FlashAttention,
 * which recomputes anyway). The last stage also runs the output layer n x V/t x h and the loss.
 */
export function computeBreakdown(shape: TrainingShape, layout: ParallelLayout, dev: ComputeDevice): ComputeBreakdown {
  const t = Math.max(1, layout.tp);
  const pp = Math.max(1, layout.pp);
  const dp = Math.max(1, layout.dp);
  const cp = Math.max(1, layout.cp ?? 1);
  const m = Math.max(1, layout.microBatches);
  const h = shape.hiddenSize;
  const s = shape.seqLen;
  const B = shape.precisionBytes;
  const heads = shape.heads ?? Math.max(1, Math.round(h / DEFAULT_HEAD_DIM));
  const kvHeads = shape.kvHeads ?? heads;
  const dh = h / heads;
  const gated = shape.gatedMlp ?? false;
  const f = shape.ffnSize ?? Math.round(h * (shape.ffnMultiplier ?? (gated ? 8 / 3 : 4)));
  const vocab = shape.vocab ?? DEFAULT_VOCAB;
  const recompute = recomputeOf(shape);
  const flash = shape.attention === 'flash';
  const sp = sequenceParallelOf(shape);

  const nSeq = shape.globalBatchTokens / (dp * m); // tokens per micro-batch
  const b = nSeq / s; // sequences per micro-batch
  // Context parallelism: a rank computes 1/cp of each sequence's tokens (its queries), attending
  // over the whole sequence's keys; load-balanced chunks give every rank the same causal work.
  const n = nSeq / cp;
  const sq = s / cp;
  const g = (mm: number, nn: number, kk: number, batch = 1): number => gemmTimeS(mm, nn, kk, batch, B, dev);
  // A forward GEMM and its two backward GEMMs (input gradient, weight gradient).
  const fwdBwd = (mm: number, nn: number, kk: number): [number, number] => [g(mm, nn, kk), g(mm, kk, nn) + g(kk, nn, mm)];

  // Layer GEMMs.
  const qkvN = (h + 2 * kvHeads * dh) / t;
  const ffnUpN = ((gated ? 2 : 1) * f) / t;
  const gemms = [fwdBwd(n, qkvN, h), fwdBwd(n, h, h / t), fwdBwd(n, ffnUpN, h), fwdBwd(n, h, f / t)];
  let gemmF = 0;
  let gemmB = 0;
  for (const [fw, bw] of gemms) {
    gemmF += fw;
    gemmB += bw;
  }

  // Attention core.
  const headsPerRank = heads / t;
  let attnF: number;
  let attnB: number;
  if (flash) {
    const flops = 0.5 * 4 * b * sq * s * dh * headsPerRank;
    attnF = flops / (dev.peakFlops * (dev.flashForward ?? dev.gemmEfficiency * FLASH_FORWARD_RELATIVE));
    attnB = (2.5 * flops) / (dev.peakFlops * (dev.flashBackward ?? dev.gemmEfficiency * FLASH_BACKWARD_RELATIVE));
  } else {
    const batch = b * headsPerRank;
    const scores = batch * sq * s;
    const qk = g(sq, s, dh, batch);
    const pv = g(sq, dh, s, batch);
    const soft = memoryBoundTimeS((SOFTMAX_ELEMS * B + DROPOUT_ELEMS * B + 1) * scores, dev);
    attnF = qk + pv + soft;
    // Backward: two GEMMs per forward GEMM, the softmax and dropout gradients.
    // dV = P^T dO, dK^T = Q^T dS over the rank's sq queries; dP = dO V^T, dQ = dS K.
    attnB = g(s, dh, sq, batch) + g(dh, s, sq, batch) + g(sq, s, dh, batch) + g(sq, dh, s, batch) + BACKWARD_BYTES_RATIO * soft;
  }

  // Memory-bound kernels on the residual stream (1/t of the tokens with sequence parallelism).
  const hElems = (sp ? n / t : n) * h;
  const fElems = (n * f) / t;
  const eltF =
    memoryBoundTimeS(2 * NORM_ELEMS * B * hElems, dev) +
    memoryBoundTimeS(2 * (DROPOUT_ADD_ELEMS * B + 1) * hElems, dev) +
    memoryBoundTimeS((gated ? SWIGLU_ELEMS : GELU_ELEMS) * B * fElems, dev);
  const eltB = BACKWARD_BYTES_RATIO * eltF;

  const layerF = gemmF + attnF + eltF;
  const layerB = gemmB + attnB + eltB;
  const layerR = recompute === 'full' ? layerF : recompute === 'selective' && !flash ? attnF : 0;
  const layers = shape.layers / pp;

  // Output layer and loss (vocab-parallel), on the last stage.
  const [outF, outB] = fwdBwd(n, vocab / t, h);
  const loss = memoryBoundTimeS((LOSS_BYTES_PER_LOGIT * n * vocab) / t, dev);
  const logitsS = outF + outB + loss;

  const layerS = layerF + layerB + layerR;
  const microBatchS = layers * layerS + logitsS;
  const averageStageMicroBatchS = layers * layerS + logitsS / pp;

  const paramsPerDevice = shape.params / (t * pp) / (zeroStageOf(layout) >= 1 ? dp * cp : 1);
  const optimizerS = memoryBoundTimeS(OPTIMIZER_BYTES_PER_PARAM * paramsPerDevice, dev);

  // Hardware FLOPs per device per step: layers' GEMMs (x3 for fwd + bwd), attention, output layer.
  const layerGemmFlop = 2 * n * h * (qkvN + h / t + ffnUpN) + 2 * n * (f / t) * h;
  const attnFlop = flash ? 0.5 * 4 * b * sq * s * dh * headsPerRank : 4 * b * sq * s * dh * headsPerRank;
  const fwdFlop = layerGemmFlop + attnFlop;
  const recomputeFlop = recompute === 'full' ? fwdFlop : recompute === 'selective' && !flash ? attnFlop : 0;
  const hardwareFlopPerDevice = m * (layers * (3 * fwdFlop + recomputeFlop) + (3 * 2 * n * (vocab / t) * h) / pp);

  return {
    microBatchS,
    averageStageMicroBatchS,
    backwardShare: (layers * (layerB + layerR) + outB + loss) / microBatchS,
    gemmS: layers * (gemmF + gemmB + (recompute === 'full' ? gemmF : 0)),
    attentionS: layers * (attnF + attnB + (recompute === 'none' || (flash && recompute === 'selective') ? 0 : attnF)),
    elementwiseS: layers * (eltF + eltB + (recompute === 'full' ? eltF : 0)),
    logitsS,
    recomputeS: layers * layerR,
    optimizerS,
    hardwareFlopPerDevice,
  };
}

/**
 * The compute model's view of a device kind, or undefined for a kind without a measured GEMM
 * efficiency (custom kinds, whole-server rows): those keep one efficiency for every kernel.
 */
export function computeDeviceOf(spec: {
  peak: number;
  memory_bandwidth: number;
  gemm_efficiency?: number | undefined;
  compute_units?: number | undefined;
  flash_attention?: { forward: number; backward: number } | undefined;
}): ComputeDevice | undefined {
  if (spec.gemm_efficiency === undefined) return undefined;
  const dev = { peakFlops: spec.peak, memoryBandwidth: spec.memory_bandwidth, gemmEfficiency: spec.gemm_efficiency, computeUnits: spec.compute_units ?? DEFAULT_COMPUTE_UNITS };
  return spec.flash_attention === undefined ? dev : { ...dev, flashForward: spec.flash_attention.forward, flashBackward: spec.flash_attention.backward };
}

/** Compute units assumed when a kind with a GEMM efficiency does not give its own. */
export const DEFAULT_COMPUTE_UNITS = 108;
