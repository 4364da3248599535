// Device memory of a training layout: weights, gradients, optimizer state (mixed-precision Adam,
// sharded over data parallel ranks when the layout says so) and activations, per device.
import { edpOf, etpOf, moeLayers } from './moe.js';
import { opLayerActivationBytes } from './op-recompute.js';
import { ffnWidthOf, stageParamsPerDevice } from './shape-weights.js';
import type { ParallelLayout, TrainingShape } from './training-layout.js';
import { DEFAULT_HEAD_DIM, DEFAULT_VOCAB, dropoutOf, fusedAttentionOf, sequenceParallelOf } from './shape-defaults.js';

/**
 * Which activations the backward pass keeps (Korthikanti et al. 2022, "Reducing Activation
 * Recomputation in Large Transformer Models", section 4 and Table 2):
 * - 'none': every activation of a layer, attention scores included: s b h (34 + 5 a s / h) bytes;
 * - 'selective': the a s^2 b attention scores, softmax and dropout are recomputed (section 5),
 *   leaving 34 s b h. FlashAttention (Dao et al. 2022) never stores them at all, so this is also
 *   what a FlashAttention stack keeps without any recomputation: the default;
 * - 'full': only each layer's input, 2 s b h, and the layer is recomputed in the backward pass;
 * - 'op': TorchTitan's per-op selective checkpointing, which keeps the layer's input, the outputs of
 *   every second matmul and SDPA's output (op-recompute.ts).
 * All with Megatron sequence parallelism, so a tensor-parallel group of t splits every term by t
 * (Table 2's "tensor + sequence parallel" rows).
 */
export type Recompute = 'none' | 'selective' | 'full' | 'op';

/** Bytes of fp32 master weights plus Adam's two moments per parameter (Rajbhandari et al., "ZeRO", SC 2020, section 3.1). */
export const ADAM_STATE_BYTES_PER_PARAM = 12;

/**
 * The same with the master weights kept as the 16 low bits a bf16 parameter lacks (apex
 * DistributedFusedAdam's and Transformer Engine FusedAdam's `store_param_remainders`, what NeMo's
 * distributed Adam sets on a bf16 model): 8 bytes of fp32 moments and 2 of remainder.
 */
export const ADAM_STATE_BYTES_WITH_REMAINDERS = 10;

/** What one device holds, in bytes. */
export interface DeviceMemory {
  /** Half-precision weights of the device's model shard (never sharded over data parallel ranks here). */
  weightsBytes: number;
  /** Gradients of the shard (sharded over data parallel ranks when the layout is sharded). */
  gradientsBytes: number;
  /** fp32 master weights and Adam moments (sharded over data parallel ranks when the layout is sharded). */
  optimizerBytes: number;
  /** Activations kept for the backward pass on the first pipeline stage, the fullest one. */
  activationsBytes: number;
  totalBytes: number;
  /** Activation bytes of one layer for one micro-batch. */
  activationBytesPerLayer: number;
  /** Micro-batches whose activations the first stage holds at once under 1F1B: min(micro-batches, pp). */
  microBatchesInFlight: number;
  /**
   * Under the interleaved schedule (virtual_stages v > 1, pp > 1): model chunks (of the stage's
   * layers / v each) whose activations the reported stage holds at its peak (interleavedInFlight); absent otherwise.
   */
  modelChunksInFlight?: number;
}

/**
 * Model chunks a pipeline rank holds activations for at its peak under Megatron's interleaved 1F1B
 * schedule (Megatron-Core `schedules.py`: `get_pp_rank_microbatches`, `get_schedule_table`; the SC21
 * commit 6985e58938's `megatron/schedules.py` is the case N = pp). Rank r runs (pp - r - 1) x 2 +
 * (v - 1) x N warm-up chunk forwards (N = `microbatch_group_size_per_vp_stage`, pp by default), at
 * most all m v of them, then one more forward before its first backward frees a chunk: that many
 * chunks in flight, taken in the schedule table's order (groups of N micro-batches, chunk 0 to v - 1
 * for each group). `firstChunk` is how many of them are chunk 0's (the first stage keeps each one's
 * embedding output); `lastChunk` chunk v - 1's.
 */
export function interleavedInFlight(pp: number, v: number, m: number, group: number, rank: number): { chunks: number; firstChunk: number; lastChunk: number } {
  const total = m * v;
  const warmup = Math.min(total, (pp - rank - 1) * 2 + (v - 1) * group);
  const chunks = Math.min(total, warmup + 1);
  let firstChunk = 0;
  let lastChunk = 0;
  for (let start = 0, k = 0; start < m && k < chunks; start += group) {
    // The last group takes every micro-batch left (get_schedule_table).
    const size = start + group >= m ? m - start : group;
    for (let c = 0; c < v && k < chunks; c++) {
      const here = Math.min(size, chunks - k);
      if (c === 0) firstChunk += here;
      if (c === v - 1) lastChunk += here;
      k += here;
    }
  }
  return { chunks, firstChunk, lastChunk };
}

/**
 * Memory per device of a dense transformer under a layout.
 *
 * Model state per parameter of the device's shard (params / (tp pp)): precisionBytes of weights,
 * gradientBytes of gradients (2, or 4 for fp32 gradients as Megatron and Llama 3 keep them) and
 * 12 of Adam state (10 with `storeParamRemainders`): 16 bytes with bf16 gradients, as ZeRO counts (section 3.1). ZeRO stages
 * (Rajbhandari et al. 2020, section 5): 1 divides the optimizer state by dp, 2 also the gradients
 * (`sharded: true`, as Llama 3 ran), 3 (FSDP with resharding) also the weights, plus the gathered
 * weights of the layer being computed and the next one (prefetch).
 *
 * Activations: one micro-batch of b s = global batch / (dp x micro-batches) tokens keeps
 * activationBytesPerLayer on each of the stage's L / pp layers, and under 1F1B the first stage
 * holds min(micro-batches, pp) of them at once: L layers' worth when the pipeline is full
 * (Korthikanti et al. 2022, section 4.2.3, independent of pp). Under Megatron's interleaved
 * schedule (v > 1) with its micro-batch group N stated (`layout.microbatchGroupSize`), a stage
 * holds the chunks of L / (pp v) layers its warm-up leaves in flight (interleavedInFlight:
 * (pp - 1) x 2 + (v - 1) N + 1 on the first stage, (v - 1) N + 1 on the last); unstated, the
 * warm-up's depth is a tunable (Llama 3 tuned it) and the stage is charged 1F1B's count. The last stage adds
 * the output layer's logits, kept in fp32 for the loss (n V / t x 4 bytes for the micro-batch in
 * its backward); the first stage the embedding dropout's one-byte mask of each micro-batch in flight
 * (none without dropout: the embedding's output is the first layer's input, counted with it).
 *
 * Parameters: each stage's share of the layers, and the vocab / tp x hidden word embedding on the
 * first stage and the output layer on the last (a copy of the embedding when tied:
 * shape-weights.ts, stageParamsPerDevice); the fuller of the first and last stages is reported.
 * Left out, being small or set by the framework: communication buffers, the CUDA context and
 * allocator fragmentation. This is
 * a floor: a layout it says does not fit cannot run; one within a few percent of the device's
 * memory may still not.
 */
export function memoryPerDevice(shape: TrainingShape, layout: ParallelLayout, recompute: Recompute = shape.recompute ?? (shape.activationRecompute ? 'full' : 'selective')): DeviceMemory {
  const tp = Math.max(1, layout.tp);
  const pp = Math.max(1, layout.pp);
  const dp = Math.max(1, layout.dp);
  const cp = Math.max(1, layout.cp ?? 1);
  // Weights are replicated over context-parallel ranks: ZeRO shards over dp x cp of them.
  const shards = dp * cp;
  const m = Math.max(1, layout.microBatches);
  const zero = zeroStageOf(layout);
  // Routed experts are divided over etp x ep x pp ranks and replicated over their
  // expert-data-parallel group, which ZeRO shards them over (moe.ts).
  const expertShards = edpOf(layout);
  const gradBytes = shape.gradientBytes ?? shape.precisionBytes;
  // FP8 training keeps a one-byte copy of the weights beside the bf16 ones (Transformer Engine);
  // with FP8 parameters the layers' weights are held in FP8 alone, the embedding in bf16 alone (no
  // FP8 copy: it runs no FP8 GEMM).
  const weightBytes = shape.precisionBytes + (shape.fp8 ? 1 : 0);
  const layerWeightBytes = shape.fp8 && shape.fp8Params ? 1 : weightBytes;
  const adamBytes = shape.storeParamRemainders === true ? ADAM_STATE_BYTES_WITH_REMAINDERS : ADAM_STATE_BYTES_PER_PARAM;
  // Model state of one device of a stage: its layers, and the embedding on the first stage and
  // the output layer on the last (shape-weights.ts, stageParamsPerDevice).
  const state = (stage: number): { weights: number; gradients: number; optimizer: number } => {
    const held = stageParamsPerDevice(shape, layout, stage);
    const paramsHeld = held.dense + held.expert;
    const stageLayerCount = layout.stageLayers?.[stage] ?? shape.layers / pp;
    const layerParams = (paramsHeld - held.embedding) / Math.max(1, stageLayerCount);
    return {
      weights:
        zero >= 3
          ? (held.dense / shards + held.expert / expertShards + 2 * layerParams) * layerWeightBytes
          : layerWeightBytes === weightBytes
            ? paramsHeld * weightBytes
            : (paramsHeld - held.embedding) * layerWeightBytes + held.embedding * shape.precisionBytes,
      gradients: zero >= 2 ? (held.dense * gradBytes) / shards + (held.expert * gradBytes) / expertShards : paramsHeld * gradBytes,
      optimizer: zero >= 1 ? (held.dense * adamBytes) / shards + (held.expert * adamBytes) / expertShards : paramsHeld * adamBytes,
    };
  };

  // A rank holds 1/cp of each sequence's tokens (the keys and values it gathers are transient).
  const microBatchTokens = shape.globalBatchTokens / (dp * m) / cp;
  const activationBytesPerLayer = layerActivationBytes(shape, microBatchTokens, tp, recompute, etpOf(layout));
  const microBatchesInFlight = Math.min(m, pp);
  const sp = sequenceParallelOf(shape);
  // The embedding's dropout keeps its one-byte mask for the backward (PyTorch's native_dropout, a bool
  // mask); with dropout 0 it returns its input and keeps nothing (ATen `_dropout_impl`: p == 0). Its
  // output is the first layer's input, counted with the layer; the lookup's backward needs only the
  // token ids.
  const embeddingBytes = dropoutOf(shape) ? (microBatchTokens * shape.hiddenSize) / (sp ? tp : 1) : 0;
  // A partition of the scenario's own (layout.stageLayers) puts its own layer counts on the first and last stages.
  const firstLayers = layout.stageLayers?.[0] ?? shape.layers / pp;
  const lastLayers = layout.stageLayers?.[pp - 1] ?? shape.layers / pp;
  const logitsBytes = (microBatchTokens * (shape.vocab ?? DEFAULT_VOCAB) * 4) / tp;
  const v = Math.max(1, layout.virtualStages ?? 1);
  // Interleaved: the chunks each stage's warm-up leaves in flight, of layers / v each (interleavedInFlight).
  // The last stage's logits are of chunk v - 1's micro-batch in its backward, one at a time (its
  // steady state runs that chunk's forward and then its backward).
  // Only a stated group charges the warm-up's chunks: its depth is a tunable of the schedule (Llama 3
  // tuned N, paper section 3.3.2; Megatron-Core's default N = pp holds up to (1 + (pp - 1) / (pp v))
  // times 1F1B's count on the first stage), and charged at N = pp it refused runs that ran (Llama 3
  // 405B at 8,192 GPUs described with Megatron's dropout: 79.8 GiB of 79.6). Unstated, a stage is
  // charged 1F1B's count, as Korthikanti et al.'s section 4.2.3 does.
  const group = layout.microbatchGroupSize;
  const firstInFlight = pp > 1 && v > 1 && group !== undefined ? interleavedInFlight(pp, v, m, group, 0) : undefined;
  const lastInFlight = pp > 1 && v > 1 && group !== undefined ? interleavedInFlight(pp, v, m, group, pp - 1) : undefined;
  const firstStage = firstInFlight
    ? firstInFlight.chunks * (firstLayers / v) * activationBytesPerLayer + firstInFlight.firstChunk * embeddingBytes
    : microBatchesInFlight * (firstLayers * activationBytesPerLayer + embeddingBytes);
  const lastStage = (lastInFlight ? lastInFlight.chunks * (lastLayers / v) : lastLayers) * activationBytesPerLayer + logitsBytes;
  // One stage is both when pp = 1; else the fuller of the first and the last.
  const first = state(0);
  const sum = (s: { weights: number; gradients: number; optimizer: number }, activations: number): number => s.weights + s.gradients + s.optimizer + activations;
  const last = pp === 1 ? first : state(pp - 1);
  const lastFuller = pp > 1 && sum(last, lastStage) > sum(first, firstStage);
  const fullest = lastFuller ? last : first;
  const activationsBytes = pp === 1 ? firstStage + logitsBytes : lastFuller ? lastStage : firstStage;
  return {
    weightsBytes: fullest.weights,
    gradientsBytes: fullest.gradients,
    optimizerBytes: fullest.optimizer,
    activationsBytes,
    totalBytes: sum(fullest, activationsBytes),
    activationBytesPerLayer,
    microBatchesInFlight,
    ...(firstInFlight && lastInFlight ? { modelChunksInFlight: lastFuller ? lastInFlight.chunks : firstInFlight.chunks } : {}),
  };
}

/** The ZeRO stage of a layout: `zeroStage`, else 2 when sharded, else 0. */
export function zeroStageOf(layout: ParallelLayout): 0 | 1 | 2 | 3 {
  return layout.zeroStage ?? (layout.shardedDataParallel ? 2 : 0);
}

/**
 * Activation bytes one transformer layer keeps for a micro-batch of `tokens` = s b tokens with
 * tensor parallelism of degree `tp`: what keptPerToken counts, with sequence parallelism all of it
 * split over the t ranks, without it the norms' inputs, the two GEMM inputs they feed and the dropout
 * masks repeated on every rank (Korthikanti et al. 2022, Table 2: s b h (10 + 24 / t + 5 a s / (h t))
 * for GPT's widths). Full recomputation keeps only the layer input, 2 s b h (/ t with sequence
 * parallelism); per-op selective checkpointing what its policy saves (op-recompute.ts).
 */
export function layerActivationBytes(shape: TrainingShape, tokens: number, tp: number, recompute: Recompute, etp = tp): number {
  const scale = shape.precisionBytes / 2;
  const sp = sequenceParallelOf(shape);
  if (recompute === 'full') return (2 * tokens * shape.hiddenSize * scale) / (sp ? tp : 1);
  if (recompute === 'op') return opLayerActivationBytes(shape, tokens, tp, sp);
  const kept = keptPerToken(shape, recompute);
  return tokens * (kept.replicated / (sp ? tp : 1) + kept.split / tp) + moeActivationDelta(shape, tokens, tp, etp) * scale + qkNormActivationBytes(shape, tokens, tp) * scale;
}

/**
 * Bytes one dense transformer layer keeps per token for its backward, operator by operator as
 * Korthikanti et al. 2022 count them (section 4.1: 11 s b h + 5 a s^2 b for the attention block,
 * 19 s b h for the MLP, 4 s b h for the two layer norms, 34 s b h + 5 a s^2 b in all for GPT's
 * 4h-wide GeLU MLP with 2-byte activations and 1-byte dropout masks), at the widths the model has:
 * - each layer norm's input, h elements (`replicated`: repeated on every tensor rank without
 *   sequence parallelism), and the GEMM input it feeds (the QKV and first FFN GEMMs' inputs, h);
 * - the queries and keys the score GEMM reads and the values the output GEMM reads (q, kv, kv
 *   wide: grouped-query keys and values at their own width under a fused kernel, at every head's
 *   width under standard attention, which expands them first), and the attention output, the
 *   projection's input (q); split over the tensor group;
 * - the scores' softmax output, dropout mask (1 byte) and dropout output, a s per token each,
 *   only for standard attention without recomputation (selective recomputation reruns them,
 *   section 5; a fused kernel never stores them); without dropout the softmax output alone;
 * - the MLP's inner tensors, split over the tensor group: a GeLU MLP of width f keeps the GeLU's
 *   input and output (the second GEMM's input), 2 f; a gated MLP (SwiGLU: three GEMMs) keeps the
 *   gate and up GEMMs' outputs, the activation's input, 2 f, and its output, the down GEMM's input,
 *   f (Megatron's fused bias-SwiGLU saves its input and recomputes the SiLU in the backward);
 * - the attention's and the MLP's dropout masks, one byte per element of h (`replicated`).
 * Elements are precisionBytes wide; masks one byte. Without dropout (`model.dropout: 0`) the masks
 * and the scores' dropout output go. With latent attention (MLA) the attention tensors are taken h
 * wide (its own widths are not modelled here).
 */
export function keptPerToken(shape: TrainingShape, recompute: 'none' | 'selective'): { replicated: number; split: number } {
  const h = shape.hiddenSize;
  const B = shape.precisionBytes;
  const heads = shape.heads ?? Math.max(1, Math.round(h / DEFAULT_HEAD_DIM));
  const dropout = dropoutOf(shape);
  const mask = dropout ? 1 : 0;
  const fused = fusedAttentionOf(shape);
  const { q, kv } = attentionWidths(shape, heads);
  const f = ffnWidthOf(shape);
  // Two norms' inputs, the two GEMM inputs they feed, two dropout masks.
  const replicated = 4 * h * B + 2 * h * mask;
  const scores = recompute === 'none' && !fused ? heads * shape.seqLen * (dropout ? 2 * B + 1 : B) : 0;
  const attention = (q + kv + kv + q) * B + scores;
  const mlp = (shape.gatedMlp ?? false ? 3 : 2) * f * B;
  return { replicated, split: attention + mlp };
}

/**
 * Widths (elements per token) of the queries and attention output (q: heads x head_dim) and of the
 * keys and values the attention keeps (kv): under a fused attention kernel (FlashAttention,
 * cuDNN's) the kv_heads x head_dim the projection made (grouped-query attention: Ainslie et al.
 * 2023); an unfused kernel (Megatron's standard attention) expands them to every head first
 * (repeat_interleave before its batched GEMMs), so it keeps them q wide. h and h with MLA (its own
 * widths, not modelled here).
 */
function attentionWidths(shape: TrainingShape, heads: number): { q: number; kv: number } {
  const h = shape.hiddenSize;
  if (shape.mla !== undefined) return { q: h, kv: h };
  const dh = shape.headDim ?? h / heads;
  const q = heads * dh;
  return { q, kv: fusedAttentionOf(shape) ? (shape.kvHeads ?? heads) * dh : q };
}

/**
 * What a QK norm (`qk_norm`) keeps beyond the count above (2-byte units): the norms' inputs, the
 * queries and keys before they are normalised, (heads + kv_heads) x head_dim a token, 2 bytes each,
 * split over the tensor group (the normalised ones are the attention's, already counted). Zero
 * without `qk_norm` or with MLA.
 */
function qkNormActivationBytes(shape: TrainingShape, tokens: number, tp: number): number {
  if (shape.qkNorm !== true || shape.mla !== undefined) return 0;
  const heads = shape.heads ?? Math.max(1, Math.round(shape.hiddenSize / DEFAULT_HEAD_DIM));
  const kvHeads = shape.kvHeads ?? heads;
  const dh = shape.headDim ?? shape.hiddenSize / heads;
  return (2 * tokens * (heads + kvHeads) * dh) / tp;
}

/**
 * What a mixture-of-experts layer keeps beyond a dense one, averaged over the model's layers
 * (2-byte units): the routed copies of each token's input (k of them instead of one, 2 k h bytes
 * per token) and the experts' inner activations ((k + S) expert widths where the dense count has
 * the dense FFN's width: 4 bytes per inner element, 6 gated), split over the tensor group. With an expert tensor group
 * of etp ranks other than tp, a rank keeps etp / tp as many routed copies (its expert-tensor
 * group's gather of the tokens it was sent); the inner activations per rank do not change.
 */
function moeActivationDelta(shape: TrainingShape, tokens: number, tp: number, etp = tp): number {
  const moe = shape.moe;
  if (!moe) return 0;
  const h = shape.hiddenSize;
  const inner = shape.gatedMlp ? 6 : 4;
  // The experts' inner activations replace what the dense count (keptPerToken) gives a layer's FFN
  // of the dense width, 4 or 6 bytes an element of it, on the MoE layers: a model of MoE layers only
  // keeps nothing at the dense `ffn_size` it does not use, its dense layers (`dense_layers`) keep it.
  const perToken = 2 * h * ((moe.topK * etp) / tp - 1) + inner * ((moe.topK + moe.sharedExperts) * moe.expertFfnSize - ffnWidthOf(shape));
  return (tokens * perToken * (moeLayers(shape) / shape.layers)) / tp;
}
