// The physics of one inference replica (a model copy on `tp` tensor-parallel devices): prefill and
// decode-step times from the device's peak, memory bandwidth and interconnect, and its KV-cache
// capacity. Pure functions over plain numbers; the simulator (sim/inference) drives them.
//
// Sources and simplifications:
// - FLOPs: 2 x params per token for the weight GEMMs, forward only (Kaplan et al. 2020, "Scaling
//   laws", sec. 2.1; design.md), plus attention's own: a query attending to m keys costs, per layer,
//   m x q_width multiply-adds for QK^T and as many for softmax x V, so 4 x layers x hidden x m FLOPs
//   (q_width = query heads x head_dim = hidden in every shape poolsim takes; GQA shrinks the KV, not
//   the queries). Over a causal prompt of n tokens (token i attends to i keys) that is
//   4 L h n(n+1)/2 ~ 2 L h n^2: the count FlashAttention's benchmarks use, 4 x seqlen^2 x heads x
//   head_dim per layer halved for causal masking (Dao 2023, FlashAttention-2, benchmarks/
//   benchmark_flash_attention.py `flops`; Chinchilla, Hoffmann et al. 2022, App. F counts the full
//   4 n^2 h without the causal half). Next to 2P n it is L h n / P: 4% of a 7B model's prefill at
//   2k tokens, 30% of a 70B model's at 32k, 2.1x an 8B model's at 128k, 17x at 1M (docs/calibration.md,
//   "Inference replica check": MInference's 1M-token prefill on an A100 takes ~30 min, 2P alone says
//   1.4 min). Prefill attention is compute-bound (n FLOPs per KV byte) and runs at the fused kernel's
//   rate where the kind has a GEMM model (attentionS): the training side's FlashAttention-2 forward
//   figure for the kind (layer-compute.ts) at the 16-bit peak (TensorRT-LLM's FP8 context attention is
//   an opt-in of later releases, `use_fp8_context_fmha`, off by default; vLLM's FlashAttention runs in
//   16 bits), along FlashAttention-2's forward curve by sequence (prefill-attention.ts). Otherwise at
//   the replica's peak x efficiency.
//   Decode attention is left on the memory side: one query per sequence does 4 L h FLOPs per context
//   token against 2 L kv_width x bytes of KV read, 1 (MHA) to 8 (GQA-8) FLOPs per byte, far below the
//   ~150-300 FLOPs per byte at which an A100 or H100 turns compute-bound, so its time is the KV read.
// - The weight GEMMs' time (computeS) is the training side's GEMM model (gemm.ts, docs/calibration.md
//   "The model"), GEMM by GEMM for the shapes servingGemmShape gives (QKV, attention out, FFN up and
//   down, output layer, per tensor-parallel rank): the kind's gemm_efficiency x tile and wave
//   quantisation x the short-K factor, a kernel overhead each. 128-token prefills fill under half a
//   wave of tiles and run at half the large-GEMM rate, which one efficiency for every shape missed
//   (17-33% fast on A100). Kinds without a GEMM model and replicas with their own `efficiency` keep
//   2 x params FLOPs per token at peak x efficiency.
// - Prefill is compute-bound: all prompt tokens go through the model in one pass (Pope et al.
//   2022, "Efficiently scaling transformer inference", sec. 2; Agrawal et al. 2024, Sarathi-Serve).
// - A decode step reads every weight once and the KV cache of every running sequence once, and
//   computes 2P FLOPs per sequence: time = max(memory time, compute time) (roofline; Pope et al.
//   sec. 3; Yuan et al. 2024, "LLM inference unveiled: survey and roofline model insights").
//   Small batches are memory-bound, so throughput rises with batch until compute takes over.
// - KV cache per token = 2 (K and V) x layers x kv width x bytes, kv width = hidden size, or
//   kv_heads x head_dim with grouped-query attention (Ainslie et al. 2023, GQA); bytes are the
//   activations' (activationBytes): the weights' width, 16 bits for sub-byte weights (W4A16).
// - KV-cache memory = tp x device memory x memory_utilisation - weights, as vLLM sizes it
//   (`gpu_memory_utilization`, default 0.9; Kwon et al. 2023, PagedAttention); the rest is
//   activations and allocator slack.
// - An iteration also pays a fixed time per layer the rooflines above leave out (kernel launches
//   and tails, the small kernels between GEMMs, synchronisations): ITERATION_OVERHEAD_PER_LAYER_S,
//   measured on served decode at batch 1-8 (docs/calibration.md, "Inference replica check").
// - Tensor parallelism (Megatron-LM, Shoeybi et al. 2019): two all-reduces per layer of
//   tokens x hidden x activation bytes each, ring-costed with the alpha-beta model on the node's interconnect:
//   2(tp-1) hops of latency plus 2(tp-1)/tp of the buffer at bandwidth x efficiency.

import { gemmComputeS, KERNEL_OVERHEAD_S, SMALLEST_TILE_SIDE, type ComputeDevice } from '../gemm.js';
import { equivalentSeq, prefillAttentionFactor, type PrefillAttentionCurve } from './prefill-attention.js';
import type { ServingGemmShape } from './serving-shape.js';

/**
 * Fixed time an iteration pays per layer beyond the weight and KV reads and the FLOPs: the step
 * time at batch 1-8 that published serving measurements show above the roofline, divided by the
 * layers. Four decode rows, two engines, three GPU setups, 8B and 70B models (docs/calibration.md,
 * "Inference replica check"): NVIDIA NIM 1.8.0 (TensorRT-LLM) Llama-3.3-70B FP8 on 2 x H100, ITL
 * 18.58 and 18.91 ms at concurrency 1, 62 and 67 us a layer; vLLM's latency benchmark, batch 8, on
 * H200: Llama-3.1-8B 71 us, Llama-3-70B at TP4 75 us. Their mean, 69 us, rounded to 70: 2.2 ms an
 * iteration for 32 layers, 5.6 ms for 80. The same per layer at 8B and 70B and at TP 1, 2 and 4,
 * so a per-layer floor, not a share of the reads (those ran at 45-58% of bandwidth against 78% for a
 * KV-bound batch of 60); engines differ (TensorRT-LLM's static batch 60 on A100 shows ~20 us), so
 * a scenario that knows its engine gives `step_overhead`.
 */
export const ITERATION_OVERHEAD_PER_LAYER_S = 70e-6;

/**
 * The operator-level compute model of a replica (the training side's, gemm.ts): the model's GEMMs
 * per rank and the device they run on. An iteration of M tokens takes, per rank, the sum over its
 * GEMMs of their compute time at M rows (the device's large-GEMM ceiling x tile and wave
 * quantisation x the short-K factor) plus a kernel's launch and drain each.
 */
export interface ReplicaGemms {
  readonly shape: ServingGemmShape;
  readonly device: ComputeDevice;
  /** Operand width: 1 where the GEMMs run at an 8-bit peak (FP8 or INT8 tensor cores), else 2. */
  readonly operandBytes: number;
  /** gemmsS by token count, filled as iterations ask (they repeat a few batch and prompt sizes). */
  readonly memo: Map<number, number>;
}

/** The served model, as the replica model needs it. */
export interface InferenceModel {
  params: number;
  /** Bytes per weight (2 for fp16/bf16, 1 for fp8/int8, 0.5 for 4-bit); activations and KV: activationBytes. */
  precisionBytes: number;
  layers: number;
  hiddenSize: number;
  /** Bytes of KV cache per token of context (all layers, K and V). */
  kvBytesPerToken: number;
  /** What the GEMM shapes need beyond the above: the KV projections' width (kv_heads x head_dim, or hidden). */
  shape?: { kvWidth: number };
}

/** A replica's hardware: `tp` devices of one kind in one node. Per-device figures. */
export interface ReplicaHardware {
  tp: number;
  /** Dense peak at the served precision (FLOP/s per device). */
  peakFlops: number;
  /** Fraction of peak the replica's matrix multiplies reach. */
  computeEfficiency: number;
  memoryBytes: number;
  memoryBandwidthBytesPerS: number;
  /** Fraction of memory bandwidth a decode step achieves (model bandwidth utilisation). */
  memoryEfficiency: number;
  /** Fraction of device memory the serving engine may use (weights + KV cache). */
  memoryUtilisation: number;
  /** Intra-node interconnect (tensor-parallel all-reduces); unused when tp = 1. */
  interconnectBandwidthBytesPerS: number;
  interconnectLatencyS: number;
  interconnectEfficiency: number;
  /** Fixed time per iteration: scheduling, sampling, kernel launches. */
  stepOverheadS: number;
  /**
   * Prefill attention's kernel, when the kind has a GEMM model and the replica no `efficiency` of its
   * own: FlashAttention-2-class at `efficiency` of `peakFlops` (the 16-bit peak: the serving stacks
   * ran attention in 16 bits beside FP8 GEMMs) at the curve's anchor sequence, along the forward
   * curve by sequence. Without, attention runs at peakFlops x computeEfficiency at every sequence.
   */
  attention?: { peakFlops: number; efficiency: number; curve: PrefillAttentionCurve };
  /**
   * The GEMMs and the device's GEMM model, when the kind has one (a catalogue kind's
   * `gemm_efficiency`) and the replica gives no `efficiency` of its own: then an iteration's weight
   * FLOPs are timed GEMM by GEMM; without, as 2 x params FLOPs per token at peak x computeEfficiency.
   */
  gemms?: ReplicaGemms;
}

/**
 * The replica's timing, derived once per replica:
 *   decode step (batch b, total context C) = max(weightReadS + kvReadSPerToken x C, computeS(b))
 *                                            + fixedS + perTokenCommS x b
 *   prefill of n prompt tokens, p pairs     = max(weightReadS, computeS(n) + attentionS(p, n)) + fixedS + perTokenCommS x n
 * computeS(n) is the weight GEMMs' time at n tokens: operator by operator (gemms), or, for a kind
 * without a GEMM model or a replica with its own `efficiency`, computeSPerToken x n.
 */
export interface ReplicaTiming {
  weightReadS: number;
  kvReadSPerToken: number;
  computeSPerToken: number;
  /** Per-iteration overhead plus the latency part of the tensor-parallel all-reduces. */
  fixedS: number;
  /** Bandwidth part of the tensor-parallel all-reduces, per token in the iteration. */
  perTokenCommS: number;
  /**
   * Prefill attention, per (query, key) pair of the iteration's prompt tokens (causalPairs): 4 x layers
   * x hidden FLOPs, at the attention curve's anchor sequence where there is one (attentionCurve).
   */
  attentionSPerPair: number;
  /** The forward curve the attention rate follows by sequence (prefill-attention.ts); absent: one rate. */
  attentionCurve?: PrefillAttentionCurve;
  /** Tokens of KV cache the replica can hold (Infinity when the KV cache is modelled as free). */
  kvCapacityTokens: number;
  /**
   * The weight GEMMs timed operator by operator (ReplicaHardware.gemms), and the factor their time
   * takes at the replica's pace (1 / pace): when present, computeS uses them, not computeSPerToken.
   */
  gemms?: { readonly model: ReplicaGemms; readonly timeFactor: number };
}

export function weightsBytes(m: InferenceModel): number {
  return m.params * m.precisionBytes;
}

/**
 * Bytes of an activation element of a model whose weights are `precisionBytes` wide: what its KV
 * cache and its tensor-parallel all-reduces hold. The weights' width from one byte up (16-bit models;
 * FP8 and INT8 serving with its KV cache in 8 bits, as TensorRT-LLM's FP8 rows run), and 2 below
 * one byte: 4-bit and other sub-byte weights (AWQ, GPTQ) are weight-only formats whose kernels
 * dequantise them into 16-bit GEMMs (W4A16), so the activations and the KV cache they make are
 * 16-bit (vLLM's `kv_cache_dtype: auto` stores the model's activation dtype; docs/calibration.md,
 * "Sub-byte weights keep a 16-bit KV cache").
 */
export function activationBytes(precisionBytes: number): number {
  return precisionBytes < 1 ? 2 : precisionBytes;
}

/**
 * KV bytes per token: 2 x layers x kvWidth x activation bytes, kvWidth = kvHeads x headDim (GQA) or
 * hidden; `precisionBytes` is the weights' width (activationBytes).
 */
export function kvBytesPerToken(layers: number, hiddenSize: number, precisionBytes: number, kvHeads?: number, headDim?: number): number {
  const width = kvHeads !== undefined && headDim !== undefined ? kvHeads * headDim : hiddenSize;
  return 2 * layers * width * activationBytes(precisionBytes);
}

/** KV-cache capacity in bytes: what the engine's memory share leaves after the weights (may be <= 0). */
export function kvCapacityBytes(m: InferenceModel, hw: ReplicaHardware): number {
  return hw.tp * hw.memoryBytes * hw.memoryUtilisation - weightsBytes(m);
}

export function replicaTiming(m: InferenceModel, hw: ReplicaHardware): ReplicaTiming {
  const memRate = hw.tp * hw.memoryBandwidthBytesPerS * hw.memoryEfficiency;
  const flopRate = hw.tp * hw.peakFlops * hw.computeEfficiency;
  let commFixedS = 0;
  let commPerTokenS = 0;
  if (hw.tp > 1) {
    const allReduces = 2 * m.layers;
    commFixedS = allReduces * 2 * (hw.tp - 1) * hw.interconnectLatencyS;
    const busRate = hw.interconnectBandwidthBytesPerS * hw.interconnectEfficiency;
    commPerTokenS = (allReduces * (2 * (hw.tp - 1)) / hw.tp) * m.hiddenSize * activationBytes(m.precisionBytes) / busRate;
  }
  const kvBytes = kvCapacityBytes(m, hw);
  const attention = hw.attention;
  const attentionRate = attention !== undefined ? hw.tp * attention.peakFlops * attention.efficiency : flopRate;
  return {
    weightReadS: weightsBytes(m) / memRate,
    kvReadSPerToken: m.kvBytesPerToken / memRate,
    computeSPerToken: (2 * m.params) / flopRate,
    fixedS: hw.stepOverheadS + commFixedS,
    perTokenCommS: commPerTokenS,
    attentionSPerPair: (4 * m.layers * m.hiddenSize) / attentionRate,
    ...(attention !== undefined ? { attentionCurve: attention.curve } : {}),
    kvCapacityTokens: m.kvBytesPerToken > 0 ? Math.max(0, Math.floor(kvBytes / m.kvBytesPerToken)) : Infinity,
    ...(hw.gemms !== undefined ? { gemms: { model: hw.gemms, timeFactor: 1 } } : {}),
  };
}

/**
 * Seconds of weight-GEMM compute in an iteration of `tokens` tokens (not the attention core, not
 * the memory roofline): operator by operator where the replica has a GEMM model, else
 * computeSPerToken x tokens.
 */
export function computeS(t: ReplicaTiming, tokens: number): number {
  if (t.gemms === undefined) return t.computeSPerToken * tokens;
  return tokens > 0 ? gemmsS(t.gemms.model, tokens) * t.gemms.timeFactor : 0;
}

/**
 * Seconds of prefill attention over `pairs` (query, key) pairs of `promptTokens` queries: at the
 * kernel's rate for the sequence those pairs amount to (equivalentSeq) where the replica has an
 * attention curve, else at one rate.
 */
export function attentionS(t: ReplicaTiming, pairs: number, promptTokens: number): number {
  if (!(pairs > 0)) return 0;
  const curve = t.attentionCurve;
  if (curve === undefined) return t.attentionSPerPair * pairs;
  return (t.attentionSPerPair * pairs) / prefillAttentionFactor(curve, equivalentSeq(pairs, promptTokens));
}

/** Token counts a model's memo keeps before it starts over. */
const GEMMS_MEMO_LIMIT = 4096;

/**
 * An iteration's GEMMs at M = tokens, per rank: compute time at the shape's efficiency plus a kernel
 * overhead each. Fewer tokens than a tile's narrowest side (decode at a small batch) are not padded to
 * it: the skinny GEMMs of decode run kernels that put the tokens on a narrow side of the tile
 * (TensorRT-LLM's and vLLM's swap-AB and split-K kernels, mma's n8), so below SMALLEST_TILE_SIDE rows the
 * compute time is the smallest tile's per row, times the rows. Those iterations are memory-bound anyway
 * (one token's 2 FLOPs per weight against the weight's read); padding one decoding sequence to 64 rows
 * would charge a 70B model's step 64 tokens of FLOPs, as long as its weight read.
 */
export function gemmsS(g: ReplicaGemms, tokens: number): number {
  const memo = g.memo;
  const hit = memo.get(tokens);
  if (hit !== undefined) return hit;
  const { shape, device, operandBytes } = g;
  const rows = Math.max(tokens, SMALLEST_TILE_SIDE);
  const share = tokens / rows;
  let layerS = 0;
  for (const [n, k] of shape.layer) layerS += gemmComputeS(rows, n, k, 1, operandBytes, device) * share + KERNEL_OVERHEAD_S;
  const s = shape.layers * layerS + gemmComputeS(rows, shape.output[0], shape.output[1], 1, operandBytes, device) * share + KERNEL_OVERHEAD_S;
  if (memo.size >= GEMMS_MEMO_LIMIT) memo.clear();
  memo.set(tokens, s);
  return s;
}

/**
 * The timing of a replica on devices at `pace` of nominal (a straggler among them: the replica's
 * tensor-parallel iterations wait for it): its kernels, compute and memory alike, take 1 / pace as
 * long; the per-iteration overhead (host-side scheduling) and the interconnect's collectives do not.
 */
export function atPace(t: ReplicaTiming, pace: number): ReplicaTiming {
  if (pace === 1) return t;
  return {
    ...t,
    weightReadS: t.weightReadS / pace,
    kvReadSPerToken: t.kvReadSPerToken / pace,
    computeSPerToken: t.computeSPerToken / pace,
    attentionSPerPair: t.attentionSPerPair / pace,
    ...(t.gemms !== undefined ? { gemms: { model: t.gemms.model, timeFactor: t.gemms.timeFactor / pace } } : {}),
  };
}

/**
 * (query, key) pairs of attention when `newTokens` prompt tokens follow `priorTokens` whose KV is
 * already there (a cached prefix, earlier chunks): each new token attends to the prior ones and,
 * causally, to the new ones up to itself.
 */
export function causalPairs(newTokens: number, priorTokens: number): number {
  return newTokens * priorTokens + (newTokens * (newTokens + 1)) / 2;
}

/** Time of one decode iteration for `batch` sequences holding `contextTokens` of KV in total. */
export function decodeStepS(t: ReplicaTiming, batch: number, contextTokens: number): number {
  return Math.max(t.weightReadS + t.kvReadSPerToken * contextTokens, computeS(t, batch)) + t.fixedS + t.perTokenCommS * batch;
}

/**
 * Time of a prefill iteration over `promptTokens` tokens (all requests admitted together) whose
 * attention spans `pairs` (query, key) pairs: the sum of each prompt's causalPairs.
 */
export function prefillS(t: ReplicaTiming, promptTokens: number, pairs: number): number {
  return Math.max(t.weightReadS, computeS(t, promptTokens) + attentionS(t, pairs, promptTokens)) + t.fixedS + t.perTokenCommS * promptTokens;
}

/**
 * Time of a mixed iteration (chunked prefill, Sarathi-Serve / vLLM): `tokens` tokens go through the
 * model together (one per decoding sequence plus the prompt chunks scheduled), reading the weights
 * once and `contextTokens` of KV (the decoding sequences' contexts and the chunked prompts' earlier
 * chunks), the prompt chunks' attention spanning `pairs` (query, key) pairs (each chunk's
 * causalPairs over its earlier chunks and cached prefix; the decodes' attention is their KV read).
 * `promptTokens` of the tokens are the chunks' (the queries of those pairs). The roofline of
 * decodeStepS and prefillS, of which both are the special cases (tokens = batch, pairs =
 * promptTokens = 0; contextTokens = 0).
 */
export function mixedStepS(t: ReplicaTiming, tokens: number, contextTokens: number, pairs: number, promptTokens: number): number {
  return Math.max(t.weightReadS + t.kvReadSPerToken * contextTokens, computeS(t, tokens) + attentionS(t, pairs, promptTokens)) + t.fixedS + t.perTokenCommS * tokens;
}

/** Decode throughput (tokens/s) of a full batch of `batch` sequences with `contextPerSeq` tokens each. */
export function decodeTokensPerS(t: ReplicaTiming, batch: number, contextPerSeq: number): number {
  return batch / decodeStepS(t, batch, batch * contextPerSeq);
}

/**
 * Decode steps of one batch between two changes of its membership. Step k (k = 0, 1, ...) sees a
 * context of C0 + k b tokens (each sequence appends one token per step), so its time is
 *   tau_k = max(alpha + beta k, gamma) + delta,  alpha = A + B C0, beta = B b, gamma = D b.
 * Memory time grows with k, so the first k* steps are compute-bound and the rest memory-bound;
 * the cumulative time is linear then quadratic in the step count, and both it and its inverse
 * are closed-form. This is exact iteration-level timing without an event per step.
 */
export class DecodeSegment {
  alpha = 0;
  beta = 0;
  gamma = 0;
  delta = 0;
  /** Leading compute-bound steps (Infinity when the batch stays compute-bound). */
  kStar = 0;
  private sKStar = 0;

  /** Re-aim the segment at a new batch: `batch` sequences with `contextTokens` of KV in total. */
  reset(t: ReplicaTiming, batch: number, contextTokens: number): void {
    this.alpha = t.weightReadS + t.kvReadSPerToken * contextTokens;
    this.beta = t.kvReadSPerToken * batch;
    this.gamma = computeS(t, batch);
    this.delta = t.fixedS + t.perTokenCommS * batch;
    if (this.alpha >= this.gamma) this.kStar = 0;
    else this.kStar = this.beta > 0 ? Math.ceil((this.gamma - this.alpha) / this.beta) : Infinity;
    this.sKStar = Number.isFinite(this.kStar) ? this.kStar * (this.gamma + this.delta) : Infinity;
  }

  /** Time taken by the first `n` steps. */
  timeOf(n: number): number {
    const m = Math.min(n, this.kStar);
    const rest = n - m;
    // sum over k = m .. n-1 of (alpha + beta k)
    const quad = rest > 0 ? rest * this.alpha + (this.beta * (n * (n - 1) - m * (m - 1))) / 2 : 0;
    return n * this.delta + m * this.gamma + quad;
  }

  /** The largest n with timeOf(n) <= elapsedS: steps fully completed after `elapsedS`. */
  stepsWithin(elapsedS: number): number {
    if (!(elapsedS > 0)) return 0;
    let n: number;
    if (elapsedS < this.sKStar) {
      n = Math.floor(elapsedS / (this.gamma + this.delta));
    } else {
      // timeOf(n) for n >= k*: (beta/2) n^2 + (alpha + delta - beta/2) n + c0, with
      // c0 = k* gamma - k* alpha - beta k*(k*-1)/2.
      const k = this.kStar;
      const a = this.beta / 2;
      const b = this.alpha + this.delta - this.beta / 2;
      const c = k * this.gamma - k * this.alpha - (this.beta * k * (k - 1)) / 2 - elapsedS;
      const x = a > 0 ? (-b + Math.sqrt(Math.max(0, b * b - 4 * a * c))) / (2 * a) : -c / b;
      n = Math.max(k, Math.floor(x));
    }
    // Rounding guard: land exactly on the largest n with timeOf(n) <= elapsed.
    while (n > 0 && this.timeOf(n) > elapsedS) n--;
    while (this.timeOf(n + 1) <= elapsedS) n++;
    return n;
  }
}
