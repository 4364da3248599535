// Whether an inference service's `params` and its layers x width describe one model (its weights
// come from the one, its KV cache from the other), and the GEMMs such a model runs per layer.
import { billions, shapeWeights } from '../shape-weights.js';
import { DEFAULT_HEAD_DIM, DEFAULT_VOCAB } from '../shape-defaults.js';
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

/**
 * Why a replica of `tp` devices cannot serve a model whose width the service gives, or undefined:
 * each tensor-parallel rank computes whole attention heads and holds whole key/value heads, as vLLM
 * requires (ModelConfig.verify_with_parallel_config: the heads divide by tensor_parallel_size;
 * QKVParallelLinear: the KV heads divide by it, or it by them, each KV head then copied on
 * tp / kv_heads ranks). The heads are hidden_size / head_dim (the replica's query width is the
 * hidden size), 128 wide where head_dim is not given, as a training layout assumes.
 */
export function servingTpProblem(tp: number, hiddenSize: number, kvHeads?: number, headDim?: number): string | undefined {
  const width = headDim ?? DEFAULT_HEAD_DIM;
  const heads = hiddenSize / width;
  if (Number.isInteger(heads) && heads % tp !== 0) {
    const why = headDim !== undefined ? `hidden_size ${hiddenSize} / head_dim ${headDim}` : `hidden_size ${hiddenSize} / ${DEFAULT_HEAD_DIM}, assumed: give head_dim (and kv_heads) if the heads are not ${DEFAULT_HEAD_DIM} wide`;
    return `tensor_parallel ${tp} does not divide the model's ${heads} attention heads (${why}): each rank computes whole heads, and vLLM refuses such a replica; give a tensor_parallel that divides ${heads}`;
  }
  if (kvHeads !== undefined && kvHeads % tp !== 0 && tp % kvHeads !== 0) {
    return `tensor_parallel ${tp} neither divides the model's ${kvHeads} key/value heads nor is a multiple of them: each rank holds whole KV heads (copied on tp / kv_heads ranks when tp is larger), and vLLM refuses such a replica`;
  }
  return undefined;
}
