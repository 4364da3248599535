// Compute time of a training step's kernels on one device, operator by operator: every GEMM of a
// transformer layer from its M, N, K (gemm.ts), attention (FlashAttention or the standard
// GEMM + softmax + dropout form), the memory-bound kernels (norms, activations, dropouts,
// residual adds) from the bytes they move, the output layer and loss, recomputation, and the
// optimizer step. No communication here: step-time.ts adds that. Depends only on the model, the
// layout and the device, so callers build it once per (job shape, layout, device kind).
import { gemmTimeS, memoryBoundTimeS, type ComputeDevice } from './gemm.js';
import { groupedGemmTimeS } from './grouped-gemm.js';
import { siteGemms, withoutSms, type OverlapSites, type SiteGemm } from './tp-overlap.js';
import { layerNormS } from './layer-norm.js';
import { blockKernelsS, type BlockTensors } from './elementwise-kernels.js';
import { standardAttentionS } from './standard-attention.js';
import { FLASH_OWN_FIGURES_ANCHOR_SEQ, FLASH_RATIO_ANCHOR_SEQ, flashSeqFactor } from './flash-rate.js';
import { flash3Speedup } from './flash3-rate.js';
import { zeroStageOf } from './memory.js';
import { opRecomputedCastElemsPerToken, opRecomputedFlopPerToken, opRecomputedGemms } from './op-recompute.js';
import { busiestRankLoad, edpOf, epOf, etpOf, moeLayers } from './moe.js';
import { fullestStage, stageParamsPerDevice } from './shape-weights.js';
import type { MlaShape, ParallelLayout, TrainingShape } from './training-layout.js';
import { DEFAULT_HEAD_DIM, DEFAULT_VOCAB, dropoutOf, fusedAttentionOf, recomputeOf, sequenceParallelOf } from './shape-defaults.js';

/**
 * Relative throughput of FlashAttention kernels against the device's large-GEMM ceiling, for
 * kinds without their own measured `flash_attention` figures. FlashAttention-2 (Dao 2023,
 * figures 4-6, A100, head dim 128, causal) reaches 60-70% of peak forward (about 0.75 of a large
 * GEMM's ~0.85) and 45-55% backward (~0.6). Hopper kinds carry their own figures: FlashAttention-2
 * reaches only ~35% of an H100's peak (Shah et al. 2024), well under these ratios; B200 carries cuDNN's
 * Blackwell rate (NVIDIA's cudnn-frontend SDPA benchmark: catalogue.ts). Both ratios are rates at
 * 2k tokens (0.75 x A100's 0.8 x 312 = 187 TFLOP/s, FlashAttention-2's forward at 2k in figure 5(d));
 * flash-rate.ts moves them along the kernel's benchmark curve by sequence.
 */
export const FLASH_FORWARD_RELATIVE = 0.75;
export const FLASH_BACKWARD_RELATIVE = 0.6;

/**
 * FlashAttention-1-class kernels (`attention: flash1`: flash-attn 0.x's CUDA kernel and its
 * Triton port, 2022-2023) against FlashAttention-2's rate on the same device, forward and
 * backward alike. From the kernel microbenchmark of Dao 2023 (arXiv 2307.08691, figure 4(d); the
 * flash-attention repository's assets/flash2_a100_fwd_bwd_benchmark.png): A100 80GB, causal, head
 * dim 128, forward + backward TFLOP/s, sequences 2k, 4k, 8k, 16k: FlashAttention 69, 76, 80, 83
 * against FlashAttention-2 155, 173, 182, 189, ratios 0.445, 0.439, 0.440, 0.439 (FlashAttention
 * in Triton 68, 74, 78, 80: 0.439, 0.428, 0.429, 0.423). 0.44, the same shape the FA2 constants
 * above are read at. The figure gives forward + backward only, so one ratio scales both passes
 * (the Triton port's docstring says its forward is faster and its backward slower than the CUDA
 * kernel's). It applies to a kind's own `flash_attention` figures too: on an H100 (FA2 paper's
 * H100 figure (d), assets/flash2_h100_fwd_bwd_benchmark.png) FlashAttention reaches 108, 126,
 * 135, 137 against 265, 294, 308, 328 (0.408, 0.429, 0.438, 0.418): FA1 has no Hopper path and
 * runs at the same fraction of FA2 there, within 7%. Read at 2k: by sequence each kernel follows its
 * own curve of the same figure (flash-rate.ts; FA1 55 at 512 tokens, 0.56 of FA2's 99 there). At head
 * dim 64 FA1 is relatively faster (causal, 2k-16k: 77-97 against 140-171, 0.55-0.57), so rows of head
 * dim 64 are charged 12-17% too much attention time.
 */
export const FLASH1_RELATIVE_TO_FLASH2 = 0.44;

/**
 * Bytes per element moved by the memory-bound kernels of a layer, forward, in units of the
 * activation width (2 for bf16); the mask of a dropout is one byte per element. Fused kernels as
 * Megatron-LM runs them: layer norm reads and writes (2); bias + dropout + residual add reads the
 * GEMM output and the residual and writes the sum (3) plus the mask; bias + GeLU reads and writes
 * the FFN activation (2); SwiGLU reads two halves and writes one (3); the standard attention's
 * fused scale-mask-softmax reads and writes the scores (2) and its dropout reads, writes (2) and
 * keeps a mask. Backward kernels read the saved input and the incoming gradient and write the
 * outgoing gradient: BACKWARD_BYTES_RATIO times the forward bytes, except the two passes over the
 * attention scores, counted from their kernels below.
 */
const DROPOUT_ADD_ELEMS = 3;
const GELU_ELEMS = 2;
const SWIGLU_ELEMS = 3;
export const BACKWARD_BYTES_RATIO = 2;
/**
 * Cross-entropy over the vocabulary, bytes per logit (per tensor rank's share of the vocabulary),
 * as Megatron-LM's `_VocabParallelCrossEntropy` runs it on `output.float()` (megatron/mpu/
 * cross_entropy.py, the same at the SC21 artifact's commit 6985e58938, in 2022 and in
 * Megatron-Core's unfused `VocabParallelCrossEntropy`): forward the cast to fp32 (read 2, write 4),
 * the row max (read 4), subtracting it in place (read 4, write 4), exp in place (8), the row sum
 * (4), the division in place (8); backward the in-place scaling by the incoming gradient (8) and
 * the cast's backward (read 4, write 2). 52 bytes; the label gathers and the tensor group's
 * all-reduces of one value per token are left out. (20, an estimate, before.)
 */
export const LOSS_BYTES_PER_LOGIT = 52;
/**
 * The fused cross-entropy (`layout.cross_entropy: fused`): Megatron-Core's
 * `cross_entropy_loss_fusion` with `cross_entropy_fusion_impl: te`, Transformer Engine's Triton
 * `parallel_cross_entropy` (transformer_engine/pytorch/triton/cross_entropy.py, TE 2.1-2.17), on
 * the logits in their own precision: the online-softmax pass reads them (1 element), the loss pass
 * reads them again and writes the gradient in place (2), and the backward scales it in place by
 * the incoming per-token gradient (`element_mul_kernel`, 2; skipped only when that gradient is the
 * scalar 1, which Megatron-Core's per-token loss never is). 5 elements: 10 bytes a logit in bf16.
 */
export const FUSED_LOSS_ELEMS_PER_LOGIT = 5;
/**
 * The optimizer step per parameter held, as Megatron-LM's mixed-precision optimizer makes it
 * (`Float16OptimizerWithFloat16Params.step`, megatron/optimizer/optimizer.py, the same passes at
 * the SC21 artifact's commit 6985e58938 and in 2022; DeepSpeed's BF16_Optimizer makes the same
 * three): the gradient norm for clipping reads the fp32 gradients (4; `clip_grad_norm_fp32`,
 * every published run clips), the fused Adam reads the fp32 master weight, gradient and two
 * moments and writes weight and moments (16 + 12; apex FusedAdam), and the new weights are copied
 * to the half-precision model (`_copy_main_params_to_model_params`: read 4, write 2). 38 bytes;
 * the scaling of the gradients by the clip factor, made only when the norm exceeds it, is left out.
 */
export const OPTIMIZER_BYTES_PER_PARAM = 38;
/**
 * fp16 loss scaling (`model.precision: fp16`): the step first unscales the fp32 gradients and
 * checks them for inf/NaN (`torch._amp_foreach_non_finite_check_and_unscale_`: read 4, write 4).
 */
export const OPTIMIZER_FP16_UNSCALE_BYTES_PER_PARAM = 8;
/**
 * Gradients accumulated by autograd in half precision (`layout.grad_accumulation: autograd`) are
 * copied into the fp32 gradients the optimizer reads (`_copy_model_grads_to_main_grads`:
 * `model_param.grad.float()`, read 2, write 4); fused and fp32 accumulation keep them in fp32.
 */
export const OPTIMIZER_GRAD_COPY_BYTES_PER_PARAM = 6;
/**
 * Zeroing the fp32 gradient buffer once per step, before the first micro-batch accumulates into it
 * (write 4 bytes a parameter): Megatron-LM's `train_step` calls `zero_grad_buffer()` on its local DDP's
 * contiguous fp32 buffers (`MemoryBuffer.zero`, megatron/model/distributed.py; the buffer that
 * gradient_accumulation_fusion accumulates into, which Megatron-LM allows only with fp32
 * accumulation; Megatron-Core's DDP the same), DeepSpeed's BF16_Optimizer calls `clear_hp_grads()`
 * (`flat_gradients.zero_()`) after every step. With autograd accumulation the half-precision
 * gradients are set to None instead (`zero_grad(set_to_none=True)`): nothing to write. Gradients
 * sharded over data parallelism (ZeRO-2, 3) zero only their shard.
 */
export const GRAD_BUFFER_ZERO_BYTES_PER_PARAM = 4;

/**
 * Bytes a separate gradient-accumulation pass moves per parameter held: 'autograd' reads the
 * accumulated and the new half-precision gradient and writes the sum (2 + 2 + 2, PyTorch's
 * AccumulateGrad in-place add); 'fp32' reads the new half-precision gradient and the fp32 sum and
 * writes the sum (2 + 4 + 4, DeepSpeed BF16_Optimizer's hp_grad.add_(lp_grad)). 'fused' moves
 * nothing beyond what the weight-gradient GEMM writes anyway.
 */
export const GRAD_ACCUMULATION_BYTES_PER_PARAM = { fused: 0, autograd: 6, fp32: 10 } as const;

/**
 * The word embedding's backward, every micro-batch, on the stage that holds the embedding: PyTorch's
 * CUDA `embedding_dense_backward` (aten/src/ATen/native/cuda/Embedding.cu, and
 * `embedding_backward_cuda_kernel` in EmbeddingBackwardKernel.cu for more than 3,072 indices) returns
 * a dense gradient `at::zeros({num_weights, dim}, grad.options())` into which the tokens' rows are
 * added, so each backward writes the rank's whole vocab / tp x hidden gradient in the weight's
 * precision (2 bytes an element in fp16 or bf16) whichever stack runs it: Megatron-LM's
 * `VocabParallelEmbedding` calls `F.embedding`, as GPT-NeoX, DeepSpeed and FSDP models do.
 */
export const EMBEDDING_GRAD_ZERO_ELEMS = 1;
/**
 * With fused accumulation (`grad_accumulation: fused`, Megatron-LM's contiguous fp32 `main_grad`
 * buffers) no GEMM accumulates the embedding's gradient: the DDP's hook adds `.grad` into `main_grad`
 * after every backward (`param.main_grad.add_(param.grad.data)`: Megatron-LM's
 * `DistributedDataParallel._make_param_hook`, megatron/model/distributed.py, 2021-2023, "the gradient
 * function of linear layers is fused with GEMMs"; Megatron-Core's `_make_backward_post_hook`): read
 * the half-precision gradient and the fp32 sum, write the sum, 2 + 4 + 4 bytes an element. Autograd and
 * fp32 accumulation already charge that pass over every parameter a stage holds
 * (GRAD_ACCUMULATION_BYTES_PER_PARAM), the embedding among them; fully sharded data parallelism
 * (ZeRO-3, FSDP) keeps no `main_grad`.
 */
export const EMBEDDING_MAIN_GRAD_ADD_BYTES = 10;

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
  /**
   * A separate gradient-accumulation pass (layout.gradAccumulation 'autograd' or 'fp32'), averaged
   * per micro-batch; included in microBatchS. Absent or 0 when accumulation is fused.
   */
  gradAccumulationS?: number;
  /**
   * The word embedding's dense backward (its zeroed gradient, with fused accumulation the add into
   * main_grad), per micro-batch, when the slowest stage is the first (it always is with pp = 1);
   * included in microBatchS. Absent or 0 otherwise.
   */
  embeddingGradS?: number;
  /** Optimizer step, once per step (s). */
  optimizerS: number;
  /**
   * Transformer layers on the slowest pipeline stage, whose micro-batch `microBatchS` times (its
   * tensor-parallel traffic too): layers / pp, or a `layout.stageLayers` entry.
   */
  criticalStageLayers: number;
  /** FLOPs the device executes per step (recompute included). */
  hardwareFlopPerDevice: number;
  /**
   * Under layout.tpOverlap: one dense layer's GEMMs beside each tensor-parallel collective, whole and
   * as the overlap runs them (tp-overlap.ts, siteGemms); absent without the overlap.
   */
  tpOverlapGemms?: OverlapSites<SiteGemm>;
}

/**
 * Build the breakdown. Per tensor-parallel rank, for a micro-batch of n = b s tokens, each layer
 * runs (Megatron-LM, Shoeybi et al. 2019, Narayanan et al. 2021): QKV projection n x (a dh + 2 kv dh)/t
 * x h (a dh = h unless head_dim says otherwise), attention, output projection n x h x a dh/t, FFN up n x (f or 2f)/t x h and down n x h x f/t.
 * Backward runs two GEMMs per forward GEMM: the input gradient (same M, N, K roles swapped) and
 * the weight gradient, whose reduction dimension is the n tokens. Attention: FlashAttention does
 * 4 b s^2 h/t FLOPs forward, halved for the causal mask, and 2.5 times that backward (it
 * recomputes the scores); standard attention runs b a/t batched s x s x dh and s x dh x s GEMMs
 * on the full square with the scores through memory. Recompute 'full' runs each layer's forward
 * again in the backward pass, 'selective' the standard attention core (nothing for FlashAttention,
 * which recomputes anyway), 'op' every second matmul of the block that the backward reads and the
 * memory-bound passes before them (op-recompute.ts). The last stage also runs the output layer n x V/t x h and the loss.
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
  const dh = shape.headDim ?? h / heads;
  // Width of the attention's queries and outputs (the hidden size unless head_dim sets it apart).
  const qWidth = heads * dh;
  const gated = shape.gatedMlp ?? false;
  const f = shape.ffnSize ?? Math.round(h * (shape.ffnMultiplier ?? (gated ? 8 / 3 : 4)));
  const vocab = shape.vocab ?? DEFAULT_VOCAB;
  const recompute = recomputeOf(shape);
  const flash = fusedAttentionOf(shape);
  const sp = sequenceParallelOf(shape);
  const dropout = dropoutOf(shape);

  const nSeq = shape.globalBatchTokens / (dp * m); // tokens per micro-batch
  const b = nSeq / s; // sequences per micro-batch
  // Context parallelism: a rank computes 1/cp of each sequence's tokens (its queries), attending
  // over the whole sequence's keys; load-balanced chunks give every rank the same causal work.
  const n = nSeq / cp;
  const sq = s / cp;
  const g = (mm: number, nn: number, kk: number, batch = 1): number => gemmTimeS(mm, nn, kk, batch, B, dev);
  // A forward GEMM and its two backward GEMMs (input gradient, weight gradient).
  const fwdBwd = (mm: number, nn: number, kk: number): [number, number] => [g(mm, nn, kk), g(mm, kk, nn) + g(kk, nn, mm)];
  // The transformer layers' GEMMs: in FP8 (one-byte operands at the FP8 peak) when the job trains in FP8.
  const layerDev = layerGemmDevice(shape, dev);
  const lg = (mm: number, nn: number, kk: number, batch = 1): number => gemmTimeS(mm, nn, kk, batch, layerDev.bytes, layerDev.dev);
  const layerFwdBwd = (mm: number, nn: number, kk: number): [number, number] => [lg(mm, nn, kk), lg(mm, kk, nn) + lg(kk, nn, mm)];

  // Layer GEMMs: attention projections, then the FFN (dense, or a mixture of experts).
  const qkvN = (qWidth + 2 * kvHeads * dh) / t;
  const mla = shape.mla;
  const attnGemms = mla ? mlaProjections(mla, heads, h, n, t).map(([mm, nn, kk]) => layerFwdBwd(mm, nn, kk)) : [layerFwdBwd(n, qkvN, h), layerFwdBwd(n, h, qWidth / t)];
  // Per-head widths of the attention core: queries and keys, values (MLA: 192 and 128 for DeepSeek-V3).
  const dQK = mla ? mla.qkNopeHeadDim + mla.qkRopeHeadDim : dh;
  const dV = mla ? mla.vHeadDim : dh;
  const ffnUpN = ((gated ? 2 : 1) * f) / t;
  const denseFfnGemms = [layerFwdBwd(n, ffnUpN, h), layerFwdBwd(n, h, f / t)];
  const sum = (list: [number, number][]): [number, number] => list.reduce<[number, number]>((a, [fw, bw]) => [a[0] + fw, a[1] + bw], [0, 0]);
  const [gemmF, gemmB] = sum(attnGemms);
  const [denseFfnF, denseFfnB] = sum(denseFfnGemms);
  const moe = moeFfn(shape, layout, dev, n, t, sp);
  // Under a comm-GEMM overlap (layout.tpOverlap), each collective's GEMM as the overlap runs it (tp-overlap.ts).
  const tpOverlapGemms =
    layout.tpOverlap !== undefined && layout.tpOverlap !== 'none' && t > 1
      ? siteGemms(layout.tpOverlap, { n, tp: t, hidden: h, qkvN, projK: qWidth / t, fc1N: ffnUpN, fc2K: f / t }, (mm, nn, kk, sms) => gemmTimeS(mm, nn, kk, 1, layerDev.bytes, withoutSms(layerDev.dev, sms)))
      : undefined;

  // Attention core.
  const headsPerRank = heads / t;
  let attnF: number;
  let attnB: number;
  if (flash) {
    const flops = 0.5 * 4 * b * sq * s * (mla ? (dQK + dV) / 2 : dh) * headsPerRank;
    // The rate at this sequence (flash-rate.ts): the kernel's benchmark curve over FlashAttention-2's
    // at the sequence the kind's rate was read at, by the keys each query traverses (s, with or
    // without context parallelism).
    const kernel = shape.attention === 'flash1' ? 'flash1' : 'flash';
    const anchor = dev.flashForward !== undefined ? FLASH_OWN_FIGURES_ANCHOR_SEQ : FLASH_RATIO_ANCHOR_SEQ;
    // FlashAttention-2's rate by head dim too (flash-rate.ts, figure 4(c) against 4(d)): a kernel of
    // one source with one behaviour. `flash1` stays on its head dim 128 curve: it names flash-attn
    // 0.x's CUDA kernel and its Triton port, whose head-dim-64 rates part ways (1.05-1.17 of head dim
    // 128's on the CUDA kernel, 1.00-1.03 from 4k on the port), so no one curve describes both.
    const headDim = kernel === 'flash' ? Math.max(dQK, dV) : 128;
    const rate = (kernel === 'flash1' ? FLASH1_RELATIVE_TO_FLASH2 : 1) * flashSeqFactor(kernel, s, anchor, headDim);
    // FlashAttention-3 (Hopper only, refused elsewhere: training-fit.ts): FlashAttention-2's rate
    // times its published speed-up at this sequence, forward and backward apart (flash3-rate.ts).
    const fa3 = shape.attention === 'flash3' ? flash3Speedup(s) : { forward: 1, backward: 1 };
    attnF = flops / (dev.peakFlops * rate * fa3.forward * (dev.flashForward ?? dev.gemmEfficiency * FLASH_FORWARD_RELATIVE));
    attnB = (2.5 * flops) / (dev.peakFlops * rate * fa3.backward * (dev.flashBackward ?? dev.gemmEfficiency * FLASH_BACKWARD_RELATIVE));
  } else {
    ({ forwardS: attnF, backwardS: attnB } = standardAttentionS({ batch: b * headsPerRank, queries: sq, keys: s, dQK, dV, bytes: B, dropout }, dev));
  }

  // Memory-bound kernels on the residual stream (1/t of the tokens with sequence parallelism).
  const hElems = (sp ? n / t : n) * h;
  const fElems = (n * f) / t;
  // FP8: every layer GEMM's input is quantised (and transposed for the backward GEMMs) first.
  const cast = shape.fp8 && dev.fp8 ? FP8_CAST_BYTES : 0;
  // The layer's two norms, by the stack's kernels (layer-norm.ts; the persistent kernel's backward is
  // BACKWARD_BYTES_RATIO x its forward, as the other streaming kernels, so `normExtraB` is 0 there).
  const norms = layerNormS(2 * hElems, B, layout.layerNorm ?? 'persistent', dev.memoryBandwidth);
  // QK norm (`qk_norm`, Qwen3's `qk_layernorm`): Megatron-Core runs one more norm over every query
  // head and one over every key head (attention.py: TENorm over head_dim), two kernels by the same
  // family, on the rank's heads / t of the queries and kv_heads / t of the keys.
  const qkNorms = qkNormS(shape, n, t, heads, kvHeads, dh, layout, dev);
  const castF = memoryBoundTimeS(cast * n * (mla ? h + (mla.qLoraRank ?? 0) + mla.kvLoraRank + (heads * mla.vHeadDim) / t : h + qWidth / t), dev);
  const ffnCastF = memoryBoundTimeS(cast * n * (h + f / t), dev);
  // `kernels: eager` (elementwise-kernels.ts): the norms, RoPE, residual adds and gradient sums, and
  // the SwiGLU, counted kernel by kernel, forward and backward, in place of their fused charges below
  // (the loader allows it only for a dense, gated, dropout-free model with one-pass norms).
  const eagerTensors: BlockTensors = { residual: hElems, gathered: n * h, q: (n * qWidth) / t, k: (n * kvHeads * dh) / t, ffn: fElems };
  const eagerStream = shape.kernels === 'eager' ? blockKernelsS(eagerTensors, B, 'eager', 'stream', dev) : undefined;
  const eagerAct = shape.kernels === 'eager' ? blockKernelsS(eagerTensors, B, 'eager', 'activation', dev) : undefined;
  const normExtraB =
    (eagerStream ? eagerStream.backwardS - BACKWARD_BYTES_RATIO * eagerStream.forwardS : norms.backwardS - BACKWARD_BYTES_RATIO * norms.forwardS) + qkNorms.backwardS - BACKWARD_BYTES_RATIO * qkNorms.forwardS;
  const eltF = eagerStream
    ? eagerStream.forwardS + qkNorms.forwardS + castF
    : norms.forwardS +
      qkNorms.forwardS +
      // The two bias-dropout-residual adds: the same element passes without dropout, less its mask.
      memoryBoundTimeS(2 * (DROPOUT_ADD_ELEMS * B + (dropout ? 1 : 0)) * hElems, dev) +
      castF;
  const denseActF = (eagerAct ? eagerAct.forwardS : memoryBoundTimeS((gated ? SWIGLU_ELEMS : GELU_ELEMS) * B * fElems, dev)) + ffnCastF;
  const denseActB = eagerAct ? eagerAct.backwardS + BACKWARD_BYTES_RATIO * ffnCastF : BACKWARD_BYTES_RATIO * denseActF;
  // Per-op selective checkpointing (op-recompute.ts; dense layers only, the loader refuses it with
  // experts): every second matmul the backward reads, at the layers' GEMM rate, and the passes before
  // them: both norms, one residual add (no dropout), the activation and the recomputed GEMMs' casts.
  const opGemmR = recompute === 'op' ? opRecomputedGemms(shape, n, t).reduce((a, [mm, nn, kk]) => a + lg(mm, nn, kk), 0) : 0;
  const opEltR =
    recompute === 'op'
      ? norms.forwardS +
        memoryBoundTimeS(DROPOUT_ADD_ELEMS * B * hElems, dev) +
        memoryBoundTimeS((gated ? SWIGLU_ELEMS : GELU_ELEMS) * B * fElems, dev) +
        memoryBoundTimeS(cast * n * opRecomputedCastElemsPerToken(shape, t), dev)
      : 0;

  // A layer of each kind: forward, backward (memory-bound kernels BACKWARD_BYTES_RATIO x their
  // forward) and what recompute repeats. Dense models have only the first.
  const kindOfLayer = (ffnF: number, ffnB: number, ffnEltF: number, ffnEltB = BACKWARD_BYTES_RATIO * ffnEltF): { f: number; b: number; r: number } => {
    const layerF = gemmF + ffnF + attnF + eltF + ffnEltF;
    const layerB = gemmB + ffnB + attnB + BACKWARD_BYTES_RATIO * eltF + normExtraB + ffnEltB;
    return { f: layerF, b: layerB, r: recompute === 'full' ? layerF : recompute === 'selective' && !flash ? attnF : recompute === 'op' ? opGemmR + opEltR : 0 };
  };
  const denseLayer = kindOfLayer(denseFfnF, denseFfnB, denseActF, denseActB);
  const moeLayer = moe ? kindOfLayer(moe.gemmF, moe.gemmB, moe.eltF, moe.eltB) : denseLayer;
  // Layers per pipeline rank of each kind (the dense layers of an MoE model spread evenly: the
  // stage that holds them is a few percent faster, which the average stands for).
  const moeCount = moeLayers(shape);
  const denseLayers = (shape.layers - moeCount) / pp;
  const moeLayersPerRank = moeCount / pp;
  const layers = shape.layers / pp;
  const mix = (dense: number, moeValue: number): number => (moe ? (denseLayers * dense + moeLayersPerRank * moeValue) / layers : dense);
  const layerF = mix(denseLayer.f, moeLayer.f);
  const layerB = mix(denseLayer.b, moeLayer.b);
  const layerR = mix(denseLayer.r, moeLayer.r);

  // Output layer and loss (vocab-parallel), on the last stage.
  const [outF, outB] = fwdBwd(n, vocab / t, h);
  const lossBytesPerLogit = layout.crossEntropy === 'fused' ? FUSED_LOSS_ELEMS_PER_LOGIT * B : LOSS_BYTES_PER_LOGIT;
  const loss = memoryBoundTimeS((lossBytesPerLogit * n * vocab) / t, dev);
  const logitsS = outF + outB + loss;

  // A separate gradient-accumulation pass over the parameters a device holds, on every stage:
  // every micro-batch into fp32 gradients, every one but the first when autograd accumulates. A
  // stage's devices hold its layers' parameters, and the first and last stages the embedding and
  // the output layer (shape-weights.ts, stageParamsPerDevice; expert weights are replicated over
  // their expert-data-parallel group).
  const accumulation = layout.gradAccumulation ?? 'fused';
  const accumulationPasses = accumulation === 'fp32' ? 1 : accumulation === 'autograd' ? (m - 1) / m : 0;
  const accumulationOf = (stage: number): number => {
    if (!(accumulationPasses > 0)) return 0;
    const held = stageParamsPerDevice(shape, layout, stage);
    return accumulationPasses * memoryBoundTimeS(GRAD_ACCUMULATION_BYTES_PER_PARAM[accumulation] * (held.dense + held.expert), dev);
  };

  // The word embedding's dense backward on the first stage (the only one with pp = 1), every
  // micro-batch: its zeroed vocab / t x h gradient, and with fused accumulation the hook's add into
  // the fp32 main_grad (EMBEDDING_GRAD_ZERO_ELEMS, EMBEDDING_MAIN_GRAD_ADD_BYTES).
  const embeddingElems = (vocab / t) * h;
  const embeddingAdd = accumulation === 'fused' && zeroStageOf(layout) < 3 ? EMBEDDING_MAIN_GRAD_ADD_BYTES : 0;
  const embeddingGradS = memoryBoundTimeS((EMBEDDING_GRAD_ZERO_ELEMS * B + embeddingAdd) * embeddingElems, dev);

  const layerS = layerF + layerB + layerR;
  // The slowest stage: with the layers spread evenly the last (it also runs the output layer, and
  // holds it); with a partition of the scenario's own, whichever of its stages takes longest.
  const stages = layout.stageLayers !== undefined && layout.stageLayers.length === pp ? layout.stageLayers : undefined;
  let critical = layers;
  let stageS = -Infinity;
  let gradAccumulationS = 0;
  let criticalIsLast = false;
  let criticalIsFirst = false;
  let accumulationSum = 0;
  for (let i = 0; i < pp; i++) {
    // Spread evenly, the middle stages are alike: the first, one middle and the last are timed.
    const alike = stages === undefined && i > 1 && i < pp - 1;
    const acc = alike ? accumulationOf(1) : accumulationOf(i);
    accumulationSum += acc;
    if (alike) continue;
    const here = stages?.[i] ?? layers;
    const t = here * layerS + (i === pp - 1 ? logitsS : 0) + (i === 0 ? embeddingGradS : 0) + acc;
    if (t > stageS) {
      stageS = t;
      critical = here;
      gradAccumulationS = acc;
      criticalIsLast = i === pp - 1;
      criticalIsFirst = i === 0;
    }
  }
  // The breakdown by class below is of the slowest stage's layers.
  const share = critical / layers;
  const microBatchS = stageS;
  const averageStageMicroBatchS = layers * layerS + logitsS / pp + embeddingGradS / pp + accumulationSum / pp;

  // The optimizer step runs on every stage at once; the stage holding the most parameters decides.
  const held = stageParamsPerDevice(shape, layout, fullestStage(shape, layout));
  const sharded = zeroStageOf(layout) >= 1;
  const paramsHeld = held.dense / (sharded ? dp * cp : 1) + held.expert / (sharded ? edpOf(layout) : 1);
  const optimizerBytes =
    OPTIMIZER_BYTES_PER_PARAM + (shape.lossScaling ? OPTIMIZER_FP16_UNSCALE_BYTES_PER_PARAM : 0) + (accumulation === 'autograd' ? OPTIMIZER_GRAD_COPY_BYTES_PER_PARAM : 0);
  // The fp32 gradient buffer that fused and fp32 accumulation write into is zeroed once per step.
  const gradsSharded = zeroStageOf(layout) >= 2;
  const gradBufferHeld = held.dense / (gradsSharded ? dp * cp : 1) + held.expert / (gradsSharded ? edpOf(layout) : 1);
  const zeroBytes = accumulation === 'autograd' ? 0 : GRAD_BUFFER_ZERO_BYTES_PER_PARAM * gradBufferHeld;
  const optimizerS = memoryBoundTimeS(optimizerBytes * paramsHeld, dev) + memoryBoundTimeS(zeroBytes, dev);

  // Hardware FLOPs per device per step: layers' GEMMs (x3 for fwd + bwd), attention, output layer.
  const denseFfnFlop = 2 * n * h * ffnUpN + 2 * n * (f / t) * h;
  const ffnFlop = moe ? mix(denseFfnFlop, moe.flop) : denseFfnFlop;
  const projectionFlop = mla ? mlaProjections(mla, heads, h, n, t).reduce((a, [mm, nn, kk]) => a + 2 * mm * nn * kk, 0) : 2 * n * h * (qkvN + qWidth / t);
  const layerGemmFlop = projectionFlop + ffnFlop;
  const coreWidth = mla ? (dQK + dV) / 2 : dh;
  const attnFlop = flash ? 0.5 * 4 * b * sq * s * coreWidth * headsPerRank : 4 * b * sq * s * coreWidth * headsPerRank;
  const fwdFlop = layerGemmFlop + attnFlop;
  const recomputeFlop = recompute === 'full' ? fwdFlop : recompute === 'selective' && !flash ? attnFlop : recompute === 'op' ? (n * opRecomputedFlopPerToken(shape, t)) / t : 0;
  const hardwareFlopPerDevice = m * (layers * (3 * fwdFlop + recomputeFlop) + (3 * 2 * n * (vocab / t) * h) / pp);

  return {
    microBatchS,
    averageStageMicroBatchS,
    backwardShare: (critical * (layerB + layerR) + (criticalIsLast ? outB + loss : 0)) / microBatchS,
    gemmS: share * (layers * (gemmF + gemmB + (recompute === 'full' ? gemmF : opGemmR)) + denseLayers * (denseFfnF + denseFfnB + (recompute === 'full' ? denseFfnF : 0)) + (moe ? moeLayersPerRank * (moe.gemmF + moe.gemmB + (recompute === 'full' ? moe.gemmF : 0)) : 0)),
    attentionS: critical * (attnF + attnB + (recompute === 'none' || (flash && recompute === 'selective') ? 0 : attnF)),
    elementwiseS:
      share *
      (layers * ((1 + BACKWARD_BYTES_RATIO + (recompute === 'full' ? 1 : 0)) * eltF + normExtraB + opEltR) +
      (eagerAct ? denseLayers * (denseActF * (1 + (recompute === 'full' ? 1 : 0)) + denseActB) : denseLayers * denseActF * (1 + BACKWARD_BYTES_RATIO + (recompute === 'full' ? 1 : 0))) +
      (moe ? moeLayersPerRank * (moe.eltF * (1 + (recompute === 'full' ? 1 : 0)) + moe.eltB) : 0)),
    logitsS: criticalIsLast ? logitsS : 0,
    recomputeS: critical * layerR,
    ...(gradAccumulationS > 0 ? { gradAccumulationS } : {}),
    ...(criticalIsFirst && embeddingGradS > 0 ? { embeddingGradS } : {}),
    optimizerS,
    criticalStageLayers: critical,
    hardwareFlopPerDevice,
    ...(tpOverlapGemms ? { tpOverlapGemms } : {}),
  };
}

/**
 * The projection GEMMs (M, N, K per tensor rank) of multi-head latent attention (DeepSeek-V2 and
 * V3, arXiv 2405.04434 section 2.1): queries through a low-rank bottleneck (h -> q_lora_rank,
 * replicated over the tensor group, -> heads x (qk_nope + qk_rope) split over it; straight from h
 * without one), keys and values from one compressed latent (h -> kv_lora_rank + qk_rope,
 * replicated, -> heads x (qk_nope + v) split), and the output heads x v -> h. As Megatron-Core's
 * MLA runs them; the small norms on the latents are left out.
 */
function mlaProjections(mla: MlaShape, heads: number, h: number, n: number, t: number): [number, number, number][] {
  const qk = mla.qkNopeHeadDim + mla.qkRopeHeadDim;
  const q: [number, number, number][] = mla.qLoraRank !== undefined ? [[n, mla.qLoraRank, h], [n, (heads * qk) / t, mla.qLoraRank]] : [[n, (heads * qk) / t, h]];
  return [...q, [n, mla.kvLoraRank + mla.qkRopeHeadDim, h], [n, (heads * (mla.qkNopeHeadDim + mla.vHeadDim)) / t, mla.kvLoraRank], [n, h, (heads * mla.vHeadDim) / t]];
}

/**
 * Bytes per element that FP8 training's quantisation of a GEMM input moves: read in bf16 (2), write
 * in FP8 (1) and its transpose for the backward GEMMs (1), as Transformer Engine's cast-transpose
 * kernels do; backward (the gradients' casts) at BACKWARD_BYTES_RATIO x, as the other kernels.
 */
const FP8_CAST_BYTES = 4;

/**
 * The device and operand width the transformer layers' GEMMs run at: the FP8 peak and efficiency
 * with one-byte operands for an FP8 job (the loader refuses FP8 on a kind without FP8 tensor
 * cores), else the job's precision.
 */
function layerGemmDevice(shape: TrainingShape, dev: ComputeDevice): { dev: ComputeDevice; bytes: number } {
  if (!shape.fp8 || !dev.fp8) return { dev, bytes: shape.precisionBytes };
  return { dev: { ...dev, peakFlops: dev.fp8.peakFlops, gemmEfficiency: dev.fp8.gemmEfficiency }, bytes: 1 };
}

/**
 * Bytes per routed token element that dispatch and combine move through memory, forward: the
 * permutation that groups tokens by expert reads and writes them (2), the unpermutation with the
 * router-weighted sum reads and writes them again (2) (Megatron-Core's token permute/unpermute).
 */
const PERMUTE_ELEMS = 4;
/**
 * The permutation's backward, per routed copy, counted from Transformer Engine's fused permutation
 * kernels (`moe_permute_fusion`; transformer_engine/common/permutation, from grouped_gemm's): the
 * unpermutation's backward reads each token's incoming gradient once (1/k a copy), reads the k
 * saved expert outputs for the routing probabilities' gradient and writes the k copies' gradients
 * (2); the permutation's backward is an unpermutation without probabilities, reading the k copies'
 * gradients and writing the token's one (1 + 1/k). 3 + 2/k elements, where twice the forward's 4
 * (BACKWARD_BYTES_RATIO) gave 8: the backward of a row gather is the inverse scatter, with no
 * saved input to read but the probabilities'.
 */
const permuteBackwardElems = (topK: number): number => 3 + 2 / Math.max(1, topK);
/**
 * With Megatron-Core's all-to-all dispatcher (`MoEAlltoAllTokenDispatcher`,
 * megatron/core/transformer/moe/token_dispatcher.py) a rank that holds more than one expert
 * regroups the tokens it receives by local expert after the dispatch (`sort_chunks_by_idxs`, read
 * and write) and back before the combine (read and write): 4 more passes over the routed tokens.
 * The per-node (DeepEP/HybridEP) dispatch receives them laid out for the one permutation above.
 */
const SORT_CHUNKS_ELEMS = 4;
/**
 * Bytes per router logit (tokens x experts) that routing moves forward, as Megatron-Core's
 * router computes it in fp32 (`moe_router_dtype: fp32` in the published recipes; moe/router.py and
 * moe_utils.py, unfused path): the score function (softmax or sigmoid) reads and writes the logits
 * (8), top-k reads the scores (4), the routing writes the dense probabilities (4) and the one-byte
 * routing map (1), and the load-balancing loss reads the scores again (4). Backward moves
 * BACKWARD_BYTES_RATIO times as many, as the other memory-bound kernels.
 */
const ROUTER_BYTES_PER_LOGIT = 21;

/**
 * The FFN of one mixture-of-experts layer on one rank, per micro-batch of n tokens (per tensor
 * group), with balanced routing (the auxiliary or bias-based balancing every such run uses):
 * - the router, n' x E x h (n' = n / t with sequence parallelism);
 * - the routed experts: each of the E / ep local experts gets n k ep etp / (E t) tokens on average
 *   (the busiest rank's share, busiestRankLoad, is what the step waits for) (a stage's
 *   tokens, k experts each, spread over E experts of which each expert-tensor group of etp ranks
 *   holds E / ep; etp = t by default, n k ep / E), a grouped GEMM (grouped-gemm.ts: one GEMM per
 *   expert over TE's streams) of that many tokens by the expert's width / etp;
 * - the shared experts, a dense FFN of S expert widths on all n tokens;
 * - memory-bound: the router's scores, top-k and probabilities over n' x E logits, the activation
 *   over the experts' inner widths, and the token permutation before and after the experts (and
 *   the all-to-all dispatcher's regrouping by local expert).
 * Undefined for a dense model.
 */
export function moeFfn(
  shape: TrainingShape,
  layout: ParallelLayout,
  dev: ComputeDevice,
  n: number,
  t: number,
  sp: boolean,
): { gemmF: number; gemmB: number; eltF: number; eltB: number; flop: number } | undefined {
  const moe = shape.moe;
  if (!moe) return undefined;
  const h = shape.hiddenSize;
  const B = shape.precisionBytes;
  const gated = shape.gatedMlp ?? false;
  const fe = moe.expertFfnSize;
  const upFactor = gated ? 2 : 1;
  const ep = epOf(layout);
  const local = moe.experts / ep;
  const etp = etpOf(layout);
  const perExpert = (n * moe.topK * ep * etp) / (moe.experts * t);
  // Routing balanced in expectation leaves the busiest of the ep ranks (which all wait for at the
  // combine) with more than the mean of the n k / t copies each receives (moe.ts).
  const load = busiestRankLoad((n * moe.topK) / t, ep);
  const busiest = perExpert * load;
  // Routed token copies the busiest rank's experts take in (after the expert-tensor group's gather).
  const expertTokens = local * busiest;
  const layerDev = layerGemmDevice(shape, dev);
  const g = (mm: number, nn: number, kk: number, batch = 1): number => gemmTimeS(mm, nn, kk, batch, layerDev.bytes, layerDev.dev);
  const fwdBwd = (mm: number, nn: number, kk: number): [number, number] => [g(mm, nn, kk), g(mm, kk, nn) + g(kk, nn, mm)];
  // Each expert's forward, input-gradient and weight-gradient GEMMs, grouped over the local experts.
  const gg = (mm: number, nn: number, kk: number): number => groupedGemmTimeS(mm, nn, kk, local, layerDev.bytes, layerDev.dev);
  const groupedFwdBwd = (mm: number, nn: number, kk: number): [number, number] => [gg(mm, nn, kk), gg(mm, kk, nn) + gg(kk, nn, mm)];
  const routerTokens = sp ? n / t : n;
  const parts: [number, number][] = [
    fwdBwd(routerTokens, moe.experts, h),
    groupedFwdBwd(busiest, (upFactor * fe) / etp, h),
    groupedFwdBwd(busiest, h, fe / etp),
  ];
  const sharedWidth = moe.sharedExperts * fe;
  if (sharedWidth > 0) parts.push(fwdBwd(n, (upFactor * sharedWidth) / t, h), fwdBwd(n, h, sharedWidth / t));
  let gemmF = 0;
  let gemmB = 0;
  for (const [fw, bw] of parts) {
    gemmF += fw;
    gemmB += bw;
  }
  const innerElems = (expertTokens * fe) / etp + (n * sharedWidth) / t;
  const routedElems = (routerTokens * moe.topK * h);
  const cast = layerDev.bytes === 1 ? FP8_CAST_BYTES : 0;
  const sortElems = ep > 1 && local > 1 && (layout.epDispatch ?? 'all-to-all') === 'all-to-all' ? SORT_CHUNKS_ELEMS : 0;
  // Router, activation and casts: backward BACKWARD_BYTES_RATIO x forward, as the other kernels.
  const otherF =
    memoryBoundTimeS(ROUTER_BYTES_PER_LOGIT * routerTokens * moe.experts, dev) +
    memoryBoundTimeS((gated ? SWIGLU_ELEMS : GELU_ELEMS) * B * innerElems, dev) +
    memoryBoundTimeS(cast * (expertTokens * (h + fe / etp) + (sharedWidth > 0 ? n * (h + sharedWidth / t) : 0)), dev);
  // The permutation and the regrouping: their backward is the inverse permutation (the regrouping's
  // the same bytes as its forward; the unpermutation's reads the saved outputs for the probabilities).
  const eltF = otherF + memoryBoundTimeS((PERMUTE_ELEMS + sortElems) * B * routedElems, dev);
  const eltB = BACKWARD_BYTES_RATIO * otherF + memoryBoundTimeS((permuteBackwardElems(moe.topK) + sortElems) * B * routedElems, dev);
  const flop = 2 * routerTokens * moe.experts * h + (2 * n * (moe.topK * fe + sharedWidth) * (upFactor + 1) * h) / t;
  return { gemmF, gemmB, eltF, eltB, flop };
}

/**
 * Seconds of a layer's QK norm (`qk_norm`) on one rank for a micro-batch of n tokens, forward and
 * backward: two norms (the queries', heads x head_dim a token, and the keys', kv_heads x head_dim),
 * each a kernel of the stack's layer-norm family (layer-norm.ts) over the rank's 1/t of the heads.
 * Zero without `qk_norm`, and with MLA (refused at load: its norms are on the latents).
 */
export function qkNormS(shape: TrainingShape, n: number, t: number, heads: number, kvHeads: number, dh: number, layout: ParallelLayout, dev: ComputeDevice): { forwardS: number; backwardS: number } {
  if (shape.qkNorm !== true || shape.mla !== undefined) return { forwardS: 0, backwardS: 0 };
  const kernel = layout.layerNorm ?? 'persistent';
  const q = layerNormS((n * heads * dh) / t, shape.precisionBytes, kernel, dev.memoryBandwidth);
  const k = layerNormS((n * kvHeads * dh) / t, shape.precisionBytes, kernel, dev.memoryBandwidth);
  return { forwardS: q.forwardS + k.forwardS, backwardS: q.backwardS + k.backwardS };
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
  peak_by_precision?: { fp8?: number | undefined } | undefined;
  gemm_efficiency_fp8?: number | undefined;
}): ComputeDevice | undefined {
  if (spec.gemm_efficiency === undefined) return undefined;
  const fp8Peak = spec.peak_by_precision?.fp8;
  return {
    peakFlops: spec.peak,
    memoryBandwidth: spec.memory_bandwidth,
    gemmEfficiency: spec.gemm_efficiency,
    computeUnits: spec.compute_units ?? DEFAULT_COMPUTE_UNITS,
    ...(spec.flash_attention !== undefined ? { flashForward: spec.flash_attention.forward, flashBackward: spec.flash_attention.backward } : {}),
    ...(fp8Peak !== undefined ? { fp8: { peakFlops: fp8Peak, gemmEfficiency: spec.gemm_efficiency_fp8 ?? spec.gemm_efficiency } } : {}),
  };
}

/** Compute units assumed when a kind with a GEMM efficiency does not give its own. */
export const DEFAULT_COMPUTE_UNITS = 108;
