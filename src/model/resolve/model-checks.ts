// What a training job's model must satisfy wherever a job is described (listed, or drawn by a
// generator): its layout and memory on the kinds it may use (model/training-fit.ts), its size
// against its shape, and fields that another one would silently override.
import type { Distribution } from '../../scenario/distribution.js';
import type { ShapeOverrides } from '../job.js';
import { extrapolatedShapes } from '../extrapolated-shapes.js';
import { opRecomputeRefusal, type OpRecomputeModel } from '../op-recompute.js';
import { paramsShapeMismatch, setsModelSize } from '../shape-weights.js';
import { resolveShape } from '../training-layout.js';
import { poolKindsFor, type FitReporter, type PoolKind } from '../training-fit.js';
import type { PathKey } from '../../scenario/errors.js';
import type { ResolveContext } from './context.js';

export class ModelChecks {
  /** The pool's kinds, as the layout and memory checks read them. */
  readonly fitPool: readonly PoolKind[];

  constructor(
    pool: Parameters<typeof poolKindsFor>[0],
    private readonly ctx: ResolveContext,
  ) {
    this.fitPool = poolKindsFor(pool);
  }

  /** The layout and memory checks' reports, located under `at`. */
  reportAt(at: readonly PathKey[]): FitReporter {
    return {
      fail: (path, message) => this.ctx.fail([...at, ...path], message),
      warn: (path, message) => this.ctx.warn([...at, ...path], message),
    };
  }

  /**
   * A job's `efficiency` stands for every kernel at the kind's default-precision peak: FP8 GEMMs
   * would be silently ignored under it.
   */
  efficiencyWithFp8(j: { efficiency?: number | undefined; model?: { precision?: string | undefined } | undefined }, at: readonly PathKey[]): void {
    if (j.efficiency !== undefined && j.model?.precision === 'fp8') {
      this.ctx.fail(
        [...at, 'efficiency'],
        "`efficiency` sets one fraction of the kind's BF16 peak for every kernel, so `model.precision: fp8` would not change this job's speed: drop `efficiency` to time its layer GEMMs at the FP8 peak (the operator-level model), or drop `precision: fp8`",
      );
    }
  }

  /** FP8 parameters are FP8 weights: without `precision: fp8` they would be ignored; 16-bit remainders complete bf16 weights only. */
  fp8ParamsWithFp8(j: { model?: { precision?: string | undefined; fp8_params?: boolean | undefined; store_param_remainders?: boolean | undefined } | undefined }, at: readonly PathKey[]): void {
    if (j.model?.fp8_params === true && j.model.precision !== 'fp8') {
      this.ctx.fail([...at, 'model', 'fp8_params'], '`fp8_params` holds the layers\' weights in FP8, which only FP8 training (`precision: fp8`) does: add `precision: fp8` or drop `fp8_params`');
    }
    // Checked here, beside fp8_params, as it is the other option on what the optimizer keeps of the weights.
    if (j.model?.store_param_remainders === true && j.model.precision === 'fp16') {
      this.ctx.fail([...at, 'model', 'store_param_remainders'], '`store_param_remainders` keeps the 16 bits an fp32 master weight has beyond its bf16 parameter; fp16 weights are not its upper half (apex and Transformer Engine apply it to bf16 only): drop it, or say `precision: bf16`');
    } else if (j.model?.store_param_remainders === true && j.model.fp8_params === true) {
      this.ctx.fail([...at, 'model', 'store_param_remainders'], '`store_param_remainders` with `fp8_params`: NeMo then stores the master weights whole (`store_params: True`), as an FP8 weight has no bf16 upper half to complete: drop one of them');
    }
  }

  /**
   * `kernels: eager` counts the kernels of a Llama block as PyTorch eager runs them (RMSNorm in fp32,
   * RoPE through complex64, SiLU and its product; model/elementwise-kernels.ts): a model it does not
   * describe is refused rather than timed with kernels it does not run.
   */
  eagerKernels(
    j: { model?: { kernels?: string | undefined; gated_mlp?: boolean | undefined; dropout?: number | undefined; moe?: unknown; mla?: unknown; precision?: string | undefined } | undefined; layout?: { layer_norm?: string | undefined } | undefined },
    at: readonly PathKey[],
  ): void {
    const m = j.model;
    if (m?.kernels !== 'eager') return;
    const refuse = (why: string): void => this.ctx.fail([...at, 'model', 'kernels'], `\`kernels: eager\` counts the eager kernels of a Llama block (RMSNorm, RoPE, SwiGLU, residual adds, no dropout), ${why}`);
    if (m.gated_mlp !== true) refuse('so it needs `gated_mlp: true` (SiLU x mul); an ungated FFN\'s eager kernels are not counted');
    if (!(m.dropout === 0)) refuse(`so it needs \`dropout: 0\` (${m.dropout === undefined ? 'absent, dropout is 0.1' : `not ${m.dropout}`}); eager dropout kernels are not counted`);
    if (m.moe !== undefined) refuse("and not a mixture of experts' routing, permutation and expert activations");
    if (m.mla !== undefined) refuse("and not multi-head latent attention's latent norms and decoupled RoPE");
    if (m.precision === 'fp8') refuse("and not FP8 training's casts, which eager runs as separate amax, scale and cast kernels (torchao) where the model charges fused cast-transposes");
    if (j.layout?.layer_norm !== undefined) refuse('which replace the layer-norm kernels `layout.layer_norm` names: drop one of them');
  }

  /**
   * Multi-head latent attention sets its heads' widths and its keys and values itself: a `head_dim`
   * or `kv_heads` beside it would be ignored.
   */
  headDimWithMla(j: { model?: { head_dim?: number | undefined; kv_heads?: number | undefined; qk_norm?: boolean | undefined; mla?: unknown } | undefined }, at: readonly PathKey[]): void {
    if (j.model?.mla === undefined) return;
    if (j.model.head_dim !== undefined) {
      this.ctx.fail([...at, 'model', 'head_dim'], '`mla` gives the widths of its heads (qk_nope_head_dim + qk_rope_head_dim for queries and keys, v_head_dim for values), so `head_dim` would be ignored: drop one of them');
    }
    if (j.model.kv_heads !== undefined) {
      this.ctx.fail([...at, 'model', 'kv_heads'], '`mla` makes every head\'s keys and values from one compressed latent (kv_lora_rank), so `kv_heads` (grouped-query attention) would be ignored: drop one of them');
    }
    if (j.model.qk_norm === true) {
      this.ctx.fail([...at, 'model', 'qk_norm'], '`mla` normalises its compressed query and key latents, not each head (`qk_norm`), and those small norms are not modelled: drop `qk_norm`');
    }
  }

  /**
   * Per-op selective checkpointing (`recompute: op`) describes TorchTitan's dense Llama blocks only:
   * a model or layout it does not describe is refused at the field to change (op-recompute.ts).
   */
  opRecomputeApplies(j: { model?: OpRecomputeModel | undefined; layout?: { cp?: number | undefined } | undefined }, at: readonly PathKey[]): void {
    if (j.model === undefined) return;
    const refusal = opRecomputeRefusal(j.model, j.layout?.cp);
    if (refusal !== undefined) this.ctx.fail([...at, ...refusal.path], refusal.message);
  }

  /**
   * Useful work counts `params`; the step is timed on the shape: a model block that sizes the model
   * must describe the same one, and a model too small for a derived shape is refused (model/shape-weights.ts).
   */
  paramsMatchShape(params: number | undefined, model: ShapeOverrides | undefined, at: readonly PathKey[]): void {
    if (params === undefined) return;
    const problem = paramsShapeMismatch(params, resolveShape(params, model), setsModelSize(model));
    if (problem !== undefined) this.ctx.fail(at, problem);
  }

  /**
   * Kernels of the job's layer whose shape lies outside every measurement the step model was read
   * from (model/extrapolated-shapes.ts), warned once each: the step there is extrapolated, and
   * `explain` says the same. Not for a job whose `efficiency` times every kernel. The FP8 GEMMs'
   * per-rank widths need the layout: checked where the job gives one (`explain` checks the automatic one).
   */
  extrapolatedShapes(
    params: Distribution | number | undefined,
    j: { model?: ShapeOverrides | undefined; layout?: { tp?: number | undefined } | undefined; efficiency?: number | undefined },
    at: readonly PathKey[],
  ): void {
    if (params === undefined || j.efficiency !== undefined) return;
    const sizes =
      typeof params === 'number' ? [params] : params.distribution === 'fixed' ? [params.value] : params.distribution === 'empirical' ? params.values : params.distribution === 'uniform' ? [params.min, params.max] : [];
    const said = new Set<string>();
    for (const size of sizes) {
      const shape = resolveShape(size, j.model);
      for (const message of extrapolatedShapes(shape, j.layout?.tp, shape.fp8 === true)) {
        if (said.has(message)) continue;
        said.add(message);
        this.ctx.warn([...at, 'model'], message);
      }
    }
  }

  /** A generator's sizes: each value it can draw where they are listed, the ends of a uniform range. */
  generatorParamsMatchShape(params: Distribution | undefined, model: ShapeOverrides | undefined, at: readonly PathKey[]): void {
    if (params === undefined) return;
    if (params.distribution === 'fixed') this.paramsMatchShape(params.value, model, [...at, 'value']);
    else if (params.distribution === 'empirical') params.values.forEach((v, i) => this.paramsMatchShape(v, model, [...at, 'values', i]));
    else if (params.distribution === 'uniform') {
      this.paramsMatchShape(params.min, model, [...at, 'min']);
      this.paramsMatchShape(params.max, model, [...at, 'max']);
    }
  }

  /**
   * A job of fewer tokens than one step's global batch runs a fraction of a step: a token count
   * a thousand times short (1M for 1B), or a batch given for another model.
   */
  fewerTokensThanAStep(params: number, tokens: number | undefined, model: Parameters<typeof resolveShape>[1], at: readonly PathKey[]): void {
    if (tokens === undefined) return;
    const batch = resolveShape(params, model).globalBatchTokens;
    if (tokens >= batch) return;
    this.ctx.warn(
      at,
      `${tokens} tokens are fewer than one step's global batch of ${batch} tokens${model?.global_batch === undefined ? ' (the default; `model.global_batch` sets it)' : ''}: the job trains ${Number((tokens / batch).toPrecision(2))} of one step, which no real run does; \`tokens\` counts every training token of the job`,
    );
  }
}
