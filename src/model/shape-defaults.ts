// What a training model is taken to be where its description is silent: the vocabulary, the width
// of a head, dropout, tied embeddings, recomputation and sequence parallelism. A leaf of the
// training model (shape resolution, memory, weights and kernels all read it), so that none of
// them imports another for a default.
import type { Recompute } from './memory.js';
import type { TrainingShape } from './training-layout.js';

/** Vocabulary assumed when a model gives none (GPT-2's BPE padded to a multiple of 1024, as Megatron-LM pads it). */
export const DEFAULT_VOCAB = 51_200;

/** Width of one attention head where the model does not say: 128 in GPT-3, Llama 2 and 3, MT-NLG. */
export const DEFAULT_HEAD_DIM = 128;

/** The shape's attention heads: as given, else hidden_size / DEFAULT_HEAD_DIM (at least 1), what every kernel times. */
export function headsOf(shape: TrainingShape): number {
  return shape.heads ?? Math.max(1, Math.round(shape.hiddenSize / DEFAULT_HEAD_DIM));
}

/**
 * Whether the shape's attention is a fused FlashAttention kernel of any class ('flash',
 * 'flash1', 'flash3'): the scores never reach memory and the causal half is skipped; only the rate differs.
 */
export function fusedAttentionOf(shape: TrainingShape): boolean {
  return shape.attention === 'flash' || shape.attention === 'flash1' || shape.attention === 'flash3';
}

/**
 * Whether a shape runs Megatron sequence parallelism: as given, else with FlashAttention of
 * either class (the stacks since 2022-2023, where both are standard: Megatron-LM's
 * --use-flash-attn ran FlashAttention-1 with it) and not with standard attention (the stack of
 * the runs of 2020-2022).
 */
export function sequenceParallelOf(shape: TrainingShape): boolean {
  return shape.sequenceParallel ?? fusedAttentionOf(shape);
}

/** Megatron-LM's dropout probability, what a model without `dropout` is taken to run. */
export const DEFAULT_DROPOUT = 0.1;

/** Whether the shape runs dropout kernels (see TrainingShape.dropout). */
export function dropoutOf(shape: TrainingShape): boolean {
  return (shape.dropout ?? DEFAULT_DROPOUT) > 0;
}

/** Whether the shape's output layer shares the embedding's matrix (see TrainingShape.tiedEmbeddings). */
export function tiedEmbeddingsOf(shape: TrainingShape): boolean {
  return shape.tiedEmbeddings ?? true;
}

/** The recomputation mode of a shape (see TrainingShape.recompute). */
export function recomputeOf(shape: TrainingShape): Recompute {
  return shape.recompute ?? (shape.activationRecompute ? 'full' : 'selective');
}
