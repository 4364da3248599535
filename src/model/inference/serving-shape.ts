// Whether an inference service's `params` and its layers x width describe one model (its weights
// come from the one, its KV cache from the other), and the GEMMs such a model runs per layer.
import { billions, shapeWeights } from '../shape-weights.js';
import { DEFAULT_VOCAB } from '../shape-defaults.js';
import { resolveShape, type TrainingShape } from '../training-layout.js';

/**
 * A served model's size beside its layers and width: an inference `model` gives no FFN width or
 * vocabulary, so its weights are known only to within the FFNs models use (8/3 h gated to 4 h, and
 * grouped-query heads): a factor of two either way still tells a 7B `params` on an 80 x 8192 shape
 * (a 70B model's KV cache, a 7B model's weights) from a description that is only rough.
 */
export const SERVING_PARAMS_SHAPE_FACTOR = 2;

/** Why a served model's params and layers x width describe different models, or undefined. */
export function servingParamsMismatch(params: number, layers: number, hiddenSize: number, kvHeads?: number, headDim?: number): string | undefined {
  const shape = resolveShapeFor(params, layers, hiddenSize, kvHeads, headDim);
  const w = shapeWeights(shape);
  if (params >= w.tied / SERVING_PARAMS_SHAPE_FACTOR && params <= w.untied * SERVING_PARAMS_SHAPE_FACTOR) return undefined;
  return (
    `params ${billions(params)} and ${layers} layers x ${hiddenSize} wide describe different models: such a model holds about ${billions(w.tied)}-${billions(w.untied)} weights, ` +
    `more than ${SERVING_PARAMS_SHAPE_FACTOR} times away; a replica's weights and step come from params and its KV cache from the layers and width, so its memory and latencies would belong to neither. Correct params, layers or hidden_size`
  );
}

function resolveShapeFor(params: number, layers: number, hiddenSize: number, kvHeads?: number, headDim?: number): TrainingShape {
  return resolveShape(params, { layers, hidden_size: hiddenSize, ...(kvHeads !== undefined ? { kv_heads: kvHeads } : {}), ...(headDim !== undefined ? { head_dim: headDim } : {}) });
}

/**
 * A served model's GEMMs per layer, per tensor-parallel rank, as [N, K] with M the iteration's
 * tokens (Megatron-LM's split: QKV and FFN up column-parallel, attention out and FFN down
 * row-parallel), and the output layer's. From what a service's `model` gives: the query width is
 * the hidden size (as the replica model's attention takes it), the KV width kv_heads x head_dim
 * (the hidden size without grouped-query attention), the vocabulary DEFAULT_VOCAB counted once
 * (the output layer; the input embedding is a lookup, no GEMM), and the FFN what `params` leaves:
 * (params - vocab x hidden) / layers - the attention projections, as a gated FFN (up 2f, down f:
 * Llama, Mistral, Qwen; an ungated 4 h FFN of the same weights has the same FLOPs and GEMMs as
 * wide). So the GEMMs' FLOPs are 2 x params per token, the count the replica charged before, and
 * only their shapes are new.
 */
export interface ServingGemmShape {
  /** Each layer's GEMMs per rank: [N, K]. */
  readonly layer: readonly (readonly [number, number])[];
  readonly layers: number;
  /** The output layer per rank: [N, K]. */
  readonly output: readonly [number, number];
}

export function servingGemmShape(params: number, layers: number, hiddenSize: number, tp: number, kvWidth: number): ServingGemmShape {
  const h = hiddenSize;
  const t = Math.max(1, tp);
  const qkvN = h + 2 * kvWidth;
  const attention = h * qkvN + h * h;
  const ffnWeights = Math.max(0, (params - DEFAULT_VOCAB * h) / Math.max(1, layers) - attention);
  const f = ffnWeights / (3 * h);
  const layer: [number, number][] = [
    [qkvN / t, h],
    [h, h / t],
  ];
  if (f > 0) layer.push([(2 * f) / t, h], [h, f / t]);
  return { layer, layers, output: [DEFAULT_VOCAB / t, h] };
}
