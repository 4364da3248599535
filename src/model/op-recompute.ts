// Per-op selective activation checkpointing (`recompute: op`): what TorchTitan's policy saves and
// recomputes in each transformer block, for the compute model (layer-compute.ts), the step's tensor
// traffic (step-time.ts) and memory (memory.ts).
//
// TorchTitan (`torchtitan/parallelisms/parallelize_llama.py` at 9dec370, December 2024;
// `torchtitan/models/llama3/parallelize_llama.py` at 820504e and e7c0cae, 2025, the same rule) wraps
// each block in a checkpoint whose policy (`_get_custom_policy`) counts the block's `aten.mm` calls in
// its forward and MUST_SAVEs the output of every op in `_save_list` (mm, SDPA's flash and
// memory-efficient kernels, the functional reduce-scatter, and for Float8 the amax's `max`) except
// every second mm; everything else is PREFER_RECOMPUTE. In Llama's order of matmuls (wq, wk, wv, wo,
// w1, w3, w2; a GPT block: wq, wk, wv, wo, w1, w2) the even ones, wk, wo and w3 (wo and w2), are not
// saved. Under torch.compile (the partitioner, torch/_functorch/partitioners.py `must_recompute`,
// treats PREFER_RECOMPUTE as MUST_RECOMPUTE and recomputes only what the backward reads) a recomputed
// matmul runs again only when its output is read: wk's (RoPE, then SDPA's backward) and w3's (the
// SwiGLU's backward and w2's input) always; wo's only without tensor parallelism, where the residual
// sum x + wo(...) is the second norm's input; with TP and sequence parallelism wo's output goes
// through the reduce-scatter, whose output is saved. A GPT block's w2 output is only summed into the
// block's output (the next block's saved input): never recomputed. Eager PyTorch instead reruns the
// block's forward up to the last tensor the backward needs, so with TP it runs wo again too (not
// modelled: the scenario describes the compiled block).
// Float8 (torchao's Float8Linear) is taken to count alike: the policy's dispatch mode sees torch.mm on
// its Float8Tensor before the subclass turns it into _scaled_mm.
// The block's input (the checkpoint's), the norms, RoPE, the activation and the residual add are
// recomputed: both norms, one add (x + wo, or x + the saved reduce-scatter), the activation, and
// with TP the all-gathers of the two norms' outputs (collectives other than the reduce-scatter are
// not in the list) are charged; RoPE, which the compute model charges nowhere, is not charged here either.
import type { TrainingShape } from './training-layout.js';
import { DEFAULT_HEAD_DIM } from './shape-defaults.js';

/** Bytes of SDPA's logsumexp, one fp32 value per query and head (saved with its output). */
const LOGSUMEXP_BYTES = 4;

/** All-gathers of a layer's tensor-parallel traffic run again in the recompute: the two norms' outputs. */
export const OP_TP_REGATHERS_PER_LAYER = 2;

/** The widths one layer's attention and FFN matmuls see. */
function widths(shape: TrainingShape): { h: number; q: number; kv: number; f: number; heads: number; gated: boolean } {
  const h = shape.hiddenSize;
  const heads = shape.heads ?? Math.max(1, Math.round(h / DEFAULT_HEAD_DIM));
  const kvHeads = shape.kvHeads ?? heads;
  const dh = shape.headDim ?? h / heads;
  const gated = shape.gatedMlp ?? false;
  const f = shape.ffnSize ?? Math.round(h * (shape.ffnMultiplier ?? (gated ? 8 / 3 : 4)));
  return { h, q: heads * dh, kv: kvHeads * dh, f, heads, gated };
}

/**
 * The forward GEMMs (M, N, K on one tensor rank, n tokens each) that a layer runs again in its
 * backward: wk (n x kv/t x h), wo (n x h x q/t) when tp = 1, and w3 (n x f/t x h) of a gated FFN.
 */
export function opRecomputedGemms(shape: TrainingShape, n: number, tp: number): [number, number, number][] {
  const t = Math.max(1, tp);
  const w = widths(shape);
  const gemms: [number, number, number][] = [[n, w.kv / t, w.h]];
  if (t === 1) gemms.push([n, w.h, w.q]);
  if (w.gated) gemms.push([n, w.f / t, w.h]);
  return gemms;
}

/** FLOPs a layer's recomputed GEMMs run per token, over the whole tensor group (2 x N x K summed). */
export function opRecomputedFlopPerToken(shape: TrainingShape, tp: number): number {
  const t = Math.max(1, tp);
  return opRecomputedGemms(shape, 1, t).reduce((a, [, nn, kk]) => a + 2 * nn * kk * t, 0);
}

/**
 * Elements per token (per tensor rank) whose FP8 casts the recomputed GEMMs repeat: each one's
 * input (wk's and w3's the norm's gathered output, h; wo's SDPA's output, q/t).
 */
export function opRecomputedCastElemsPerToken(shape: TrainingShape, tp: number): number {
  const t = Math.max(1, tp);
  const w = widths(shape);
  return w.h + (t === 1 ? w.q : 0) + (w.gated ? w.h : 0);
}

/**
 * Activation bytes one layer keeps for a micro-batch of `tokens` on one tensor rank: the block's
 * input (1/t of it with sequence parallelism), with TP the saved reduce-scatter after wo (1/t), and
 * the saved matmul outputs the backward reads: wq's (q/t), wv's (kv/t), w1's (f/t); SDPA's output
 * (q/t) and logsumexp (heads/t, fp32). Elements at the activation width (precisionBytes). In eager
 * mode PyTorch also holds the saved outputs the backward does not read (w2's, or its
 * reduce-scatter): h (h/t) more, not counted (the compiled backward's set).
 */
export function opLayerActivationBytes(shape: TrainingShape, tokens: number, tp: number, sp: boolean): number {
  const t = Math.max(1, tp);
  const w = widths(shape);
  const B = shape.precisionBytes;
  const input = w.h / (sp ? t : 1);
  const reduceScattered = t > 1 ? w.h / t : 0;
  const saved = (w.q + w.kv + w.q + w.f) / t;
  return tokens * ((input + reduceScattered + saved) * B + (w.heads / t) * LOGSUMEXP_BYTES);
}

/** What a job's model says that bears on `recompute: op` (its scenario fields). */
export interface OpRecomputeModel {
  recompute?: unknown;
  moe?: unknown;
  mla?: unknown;
  qk_norm?: boolean | undefined;
  attention?: string | undefined;
  dropout?: number | undefined;
  sequence_parallel?: boolean | undefined;
}

/**
 * Why `recompute: op` cannot describe this model, with the path of the field to change (under the job), or undefined when it
 * can. TorchTitan applies the policy to dense Llama blocks with SDPA's flash or memory-efficient
 * kernel, no dropout (it recomputes without preserving the RNG state) and, with TP, sequence
 * parallelism; a mixture of experts, latent attention, cuDNN's attention (not in the save list) and
 * context parallelism (one saved output per ring step) save other sets, not modelled.
 */
export function opRecomputeRefusal(model: OpRecomputeModel, cp: number | undefined): { path: readonly string[]; message: string } | undefined {
  if (model.recompute !== 'op') return undefined;
  const what = "`recompute: op` is TorchTitan's per-op selective checkpointing of dense Llama blocks";
  if (model.moe !== undefined) return { path: ['model', 'moe'], message: `${what}; a mixture of experts' routed matmuls and all-to-alls save another set, not modelled: say \`recompute: selective\` or \`full\`` };
  if (model.mla !== undefined) return { path: ['model', 'mla'], message: `${what}; latent attention's projections count other matmuls, not modelled: say \`recompute: selective\` or \`full\`` };
  if (model.qk_norm === true) return { path: ['model', 'qk_norm'], message: `${what}, which have no query and key norms; what it would recompute around them is not modelled: drop \`qk_norm\`, or say \`recompute: selective\` or \`full\`` };
  const attention = model.attention ?? 'standard';
  if (attention === 'standard') return { path: ['model', 'attention'], message: `${what} with SDPA's fused kernel, whose output its policy saves; standard attention's score matmuls are not in its save list: say \`attention: flash\` (or \`flash1\`), or another \`recompute\`` };
  if (attention === 'flash3') return { path: ['model', 'attention'], message: `${what}; its save list holds SDPA's flash and memory-efficient kernels, not cuDNN's or FlashAttention-3's, whose output it would recompute (not modelled): say \`attention: flash\`, or another \`recompute\`` };
  if (model.dropout !== 0) return { path: ['model', 'dropout'], message: `${what}, which it recomputes without preserving the RNG state: a model without dropout. Say \`dropout: 0\` (absent, dropout is 0.1)` };
  if (model.sequence_parallel === false) return { path: ['model', 'sequence_parallel'], message: `${what}; with tensor parallelism TorchTitan always runs sequence parallelism (its policy saves the reduce-scatters' outputs): drop \`sequence_parallel: false\`` };
  if (cp !== undefined && cp > 1) return { path: ['layout', 'cp'], message: `${what}; under context parallelism each ring step's attention output is saved and the keys and values are exchanged again, not modelled: say \`cp: 1\`, or \`recompute: full\` as TorchTitan's CP runs did` };
  return undefined;
}
