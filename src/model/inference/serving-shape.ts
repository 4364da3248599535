// Whether an inference service's `params` and its layers x width describe one model (its weights
// come from the one, its KV cache from the other).
import { billions, shapeWeights } from '../shape-weights.js';
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
