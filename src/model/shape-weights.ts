// The weights a model's shape holds, counted from the matrices the operator model times
// (layer-compute.ts): the attention projections (multi-head, grouped-query or latent), the FFN
// (dense, gated, or routed and shared experts with their router), and the embedding and output
// layer. Norm scales and biases (a few times the width per layer) are left out. A scenario gives a
// job's size twice, as `params` (what useful work counts) and as the shape (what the step is timed
// on); this count is how the loader sees that the two describe the same model.
import { epOf, etpOf, routedExpertParams } from './moe.js';
import type { ParallelLayout, TrainingShape } from './training-layout.js';
import { DEFAULT_HEAD_DIM, DEFAULT_VOCAB, tiedEmbeddingsOf } from './shape-defaults.js';

export interface ShapeWeights {
  /** Every transformer layer together (attention and FFN or experts). */
  readonly layers: number;
  /** The token embedding (vocab x hidden). */
  readonly embedding: number;
  /** With the output layer sharing the embedding's matrix (GPT-2, GPT-NeoX's predecessors). */
  readonly tied: number;
  /** With an output layer of its own (Megatron-LM's default, Llama). */
  readonly untied: number;
}

/** Weights of one layer's attention projections. */
function attentionWeights(shape: TrainingShape, heads: number): number {
  const h = shape.hiddenSize;
  const mla = shape.mla;
  if (mla) {
    const qk = mla.qkNopeHeadDim + mla.qkRopeHeadDim;
    const q = mla.qLoraRank !== undefined ? h * mla.qLoraRank + mla.qLoraRank * heads * qk : h * heads * qk;
    return q + h * (mla.kvLoraRank + mla.qkRopeHeadDim) + mla.kvLoraRank * heads * (mla.qkNopeHeadDim + mla.vHeadDim) + heads * mla.vHeadDim * h;
  }
  const kvHeads = shape.kvHeads ?? heads;
  const dh = shape.headDim ?? h / heads;
  return h * (heads * dh + 2 * kvHeads * dh) + heads * dh * h;
}

/** The dense FFN's inner width: `ffnSize`, else the multiplier's (4, or 8/3 gated) times the width. */
export function ffnWidthOf(shape: TrainingShape): number {
  return shape.ffnSize ?? Math.round(shape.hiddenSize * (shape.ffnMultiplier ?? ((shape.gatedMlp ?? false) ? 8 / 3 : 4)));
}

export function shapeWeights(shape: TrainingShape): ShapeWeights {
  const h = shape.hiddenSize;
  const heads = shape.heads ?? Math.max(1, Math.round(h / DEFAULT_HEAD_DIM));
  const gated = shape.gatedMlp ?? false;
  const matrices = gated ? 3 : 2;
  const f = ffnWidthOf(shape);
  const moe = shape.moe;
  const moeCount = moe ? Math.max(0, shape.layers - moe.denseLayers) : 0;
  const denseCount = shape.layers - moeCount;
  const attention = attentionWeights(shape, heads);
  const denseLayer = attention + matrices * h * f;
  const moeLayer = moe ? attention + h * moe.experts + (moe.experts + moe.sharedExperts) * matrices * h * moe.expertFfnSize : 0;
  const layers = denseCount * denseLayer + moeCount * moeLayer;
  const embedding = (shape.vocab ?? DEFAULT_VOCAB) * h;
  return { layers, embedding, tied: layers + embedding, untied: layers + 2 * embedding };
}

/** What one device of a pipeline stage holds, in parameters (stageParamsPerDevice). */
export interface StageParams {
  /** Everything but the routed experts, on this tensor rank: the stage's share of the layers, and its embedding or output layer. */
  readonly dense: number;
  /** The routed experts on this rank (split over etp x ep, replicated over their expert-data-parallel group). */
  readonly expert: number;
  /** Of `dense`, the word embedding and output layer this rank holds (vocab / tp x hidden each). */
  readonly embedding: number;
}

/**
 * The parameters one device of pipeline stage `stage` (0 to pp - 1) holds. `params` counts the
 * vocab x hidden word embedding once when the output layer shares it (`tiedEmbeddings`, the
 * default) and twice when the output layer has its own; the rest (the transformer layers, and
 * the routed experts apart) is spread over the stages by their layers (`layout.stageLayers`, else
 * evenly). With one stage the device holds the embedding and, untied, the output layer; with
 * several the first stage holds the embedding and the last the output layer, which for a tied
 * model is a second copy of the embedding (Megatron-LM's `initialize_word_embeddings` builds it on
 * the last stage; DeepSpeed's `TiedLayerSpec` the same), with gradients and optimizer state of its
 * own: the pipeline holds params + vocab x hidden. Vocabulary-parallel, so vocab / tp of each on a
 * tensor rank. Norms, biases and position embeddings are left with the layers.
 */
export function stageParamsPerDevice(shape: TrainingShape, layout: ParallelLayout, stage: number): StageParams {
  const tp = Math.max(1, layout.tp);
  const pp = Math.max(1, layout.pp);
  const expert = routedExpertParams(shape);
  const matrix = (shape.vocab ?? DEFAULT_VOCAB) * shape.hiddenSize;
  const counted = tiedEmbeddingsOf(shape) ? matrix : 2 * matrix;
  const body = Math.max(0, shape.params - expert - counted);
  const share = (layout.stageLayers?.[stage] ?? shape.layers / pp) / shape.layers;
  const embedding = (pp === 1 ? counted : (stage === 0 ? matrix : 0) + (stage === pp - 1 ? matrix : 0)) / tp;
  return { dense: (body * share) / tp + embedding, expert: (expert * share) / (etpOf(layout) * epOf(layout)), embedding };
}

/** The stage whose devices hold the most parameters (the first when several hold as many). */
export function fullestStage(shape: TrainingShape, layout: ParallelLayout): number {
  const pp = Math.max(1, layout.pp);
  let best = 0;
  let most = -Infinity;
  for (let i = 0; i < pp; i++) {
    // Without a partition of the scenario's own only the first and last stages differ.
    if (layout.stageLayers === undefined && i > 0 && i < pp - 1) continue;
    const s = stageParamsPerDevice(shape, layout, i);
    if (s.dense + s.expert > most) {
      most = s.dense + s.expert;
      best = i;
    }
  }
  return best;
}

/**
 * How far `params` may lie outside the shape's count (tied to untied embedding) before the two are
 * taken to describe different models: beyond the norms and biases left out (under 1%) and the
 * defaults a description may lean on (a Llama given without its GQA heads and gated FFN counts
 * 12 h^2 per layer instead of 12.75 h^2: 6%), a quarter covers a shape given roughly; a 7B
 * `params` on a 70B shape (ten times) or an FFN width off by a factor of two is not.
 */
export const PARAMS_SHAPE_TOLERANCE = 1.25;

/** Model fields that set the weights' count (the rest, such as sequence and batch, do not). */
const SIZE_FIELDS = ['layers', 'hidden_size', 'heads', 'kv_heads', 'head_dim', 'mla', 'ffn_size', 'gated_mlp', 'vocab', 'moe'] as const;

/** Whether a model block sets any field that changes the weights' count. */
export function setsModelSize(model: object | undefined): boolean {
  return model !== undefined && SIZE_FIELDS.some((k) => (model as Record<string, unknown>)[k] !== undefined);
}

/** A parameter count as people write it: 175B, 350M. */
export function billions(n: number): string {
  if (n >= 1e9) return `${Number((n / 1e9).toPrecision(4))}B`;
  if (n >= 1e6) return `${Number((n / 1e6).toPrecision(4))}M`;
  return `${Number(n.toPrecision(4))}`;
}

/**
 * Why `params` and the shape timed for it describe different models, or undefined when they agree
 * within PARAMS_SHAPE_TOLERANCE. Useful work counts `params`; the step is timed on the shape, so
 * a mismatch would print an effective compute ratio off by their ratio. `given`: whether the
 * scenario sized the shape (else poolsim derived it from params, which only fails for models
 * smaller than one 128-wide layer beside its embedding).
 */
export function paramsShapeMismatch(params: number, shape: TrainingShape, given = true): string | undefined {
  const w = shapeWeights(shape);
  if (params >= w.tied / PARAMS_SHAPE_TOLERANCE && params <= w.untied * PARAMS_SHAPE_TOLERANCE) return undefined;
  const heads = shape.heads ?? Math.max(1, Math.round(shape.hiddenSize / DEFAULT_HEAD_DIM));
  const dims = `${shape.layers} layer${shape.layers === 1 ? '' : 's'} x ${shape.hiddenSize} wide, ${heads} head${heads === 1 ? '' : 's'}${shape.moe ? `, ${shape.moe.experts} experts` : ''}`;
  const holds = `${billions(w.tied)}-${billions(w.untied)} weights (embedding tied or not)`;
  if (!given) {
    return `params ${billions(params)} is too small a model to derive a shape for: the smallest poolsim derives (${dims}, vocabulary ${shape.vocab ?? DEFAULT_VOCAB}) holds ${holds}, so its step time would not be this model's; give the model's shape (model: layers, hidden_size, vocab) or a larger params`;
  }
  return (
    `params ${billions(params)} and the model's shape (${dims}) describe different models: ` +
    `the shape holds ${holds}, more than ${Math.round((PARAMS_SHAPE_TOLERANCE - 1) * 100)}% away; ` +
    `useful work counts params and the step is timed on the shape, so the effective compute ratio would be off by their ratio. Correct params or the shape (layers, hidden_size, ffn_size, heads, vocab)`
  );
}

