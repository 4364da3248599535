// Mixture-of-experts layers (GShard, Switch, Mixtral, DeepSeek-V3): what a model's `moe` block
// means for parameters, FLOPs and the expert-parallel all-to-all. Pure helpers shared by the
// compute, memory and step-time models.
import type { ParallelLayout, TrainingShape } from './training-layout.js';

/** A model's mixture-of-experts layers, as a scenario describes them. */
export interface MoeShape {
  /** Routed experts per MoE layer (E). */
  experts: number;
  /** Experts each token is routed to (k). */
  topK: number;
  /** Inner width of one expert's FFN (gated like the model's dense FFN). */
  expertFfnSize: number;
  /** Experts every token goes through besides the routed ones (DeepSeek's shared experts). */
  sharedExperts: number;
  /** Leading layers that keep a dense FFN (DeepSeek-V3: 3); the rest are MoE layers. */
  denseLayers: number;
  /**
   * Node-limited routing (DeepSeek-V2's device-limited and V3's node-limited routing): a token's
   * experts lie on at most this many nodes of its expert-parallel group. Absent: no limit.
   */
  maxNodes?: number;
}

/** FFN matrices of one expert or dense FFN: three when gated (SwiGLU), else two. */
function ffnMatrices(shape: TrainingShape): number {
  return shape.gatedMlp ? 3 : 2;
}

/** Number of MoE layers of a shape (0 for a dense model). */
export function moeLayers(shape: TrainingShape): number {
  return shape.moe ? Math.max(0, shape.layers - shape.moe.denseLayers) : 0;
}

/** Parameters of the routed experts, all MoE layers together (0 for a dense model). */
export function routedExpertParams(shape: TrainingShape): number {
  const moe = shape.moe;
  if (!moe) return 0;
  return moeLayers(shape) * moe.experts * ffnMatrices(shape) * shape.hiddenSize * moe.expertFfnSize;
}

/**
 * Parameters a token passes through: everything but the routed experts it is not sent to
 * (params - (E - k) / E of the routed experts). Useful work is 6 x these x tokens, the convention
 * MoE papers report MFU in (DeepSeek-V3: 37B activated of 671B).
 */
export function activeParams(shape: TrainingShape): number {
  const moe = shape.moe;
  if (!moe) return shape.params;
  return shape.params - (routedExpertParams(shape) * (moe.experts - moe.topK)) / moe.experts;
}

/** Expert-parallel degree of a layout (1 when absent). */
export function epOf(layout: ParallelLayout): number {
  return Math.max(1, layout.ep ?? 1);
}

/**
 * Expert tensor-parallel degree: each routed expert's matrices split over etp ranks. The layout's
 * `etp`, or tp when absent (Megatron-Core's `expert_tensor_parallel_size` defaults to the tensor
 * size).
 */
export function etpOf(layout: ParallelLayout): number {
  return Math.max(1, layout.etp ?? layout.tp);
}

/**
 * Expert-data-parallel degree: how many ranks hold the same routed experts. Megatron-Core's
 * parallel folding regroups a pipeline stage's tp x cp x dp ranks as etp x ep x edp for the
 * expert layers, so edp = tp x cp x dp / (etp x ep); with etp = tp it is dp x cp / ep.
 */
export function edpOf(layout: ParallelLayout): number {
  const ranks = Math.max(1, layout.tp) * Math.max(1, layout.cp ?? 1) * Math.max(1, layout.dp);
  return Math.max(1, ranks / (etpOf(layout) * epOf(layout)));
}

/**
 * Ranks of one expert-parallel group that share a node, given how many data-parallel ranks
 * (tensor groups) a node holds: the expert grid puts etp innermost, then ep (Megatron-Core's
 * expert rank order), so a node of dpRanksPerNode x tp devices holds dpRanksPerNode x tp / etp
 * consecutive ranks of the group, at most ep.
 */
export function epRanksPerNode(layout: ParallelLayout, dpRanksPerNode: number): number {
  return Math.min(epOf(layout), Math.max(1, Math.floor((dpRanksPerNode * Math.max(1, layout.tp)) / etpOf(layout))));
}

/**
 * Parameters one device holds, split into those replicated over the data-parallel group (all but
 * the routed experts: divided over tp x pp) and the routed experts (divided over etp x ep x pp,
 * and replicated over the edp ranks of their expert-data-parallel group).
 */
export function paramsPerDevice(shape: TrainingShape, layout: ParallelLayout): { dense: number; expert: number } {
  const tp = Math.max(1, layout.tp);
  const pp = Math.max(1, layout.pp);
  const expert = routedExpertParams(shape);
  return { dense: (shape.params - expert) / (tp * pp), expert: expert / (etpOf(layout) * pp * epOf(layout)) };
}

/**
 * What is wrong with a shape's MoE block on a layout, as scenario messages (none for a dense
 * model). Paths are relative to the job.
 */
export function moeProblems(shape: TrainingShape, layout: ParallelLayout | undefined): { path: string[]; message: string }[] {
  const out: { path: string[]; message: string }[] = [];
  const moe = shape.moe;
  const ep = layout ? epOf(layout) : 1;
  if (!moe) {
    if (ep > 1) out.push({ path: ['layout', 'ep'], message: `ep = ${ep} needs a mixture-of-experts model (\`model.moe\`); a dense model has no experts to spread` });
    if (layout?.etp !== undefined) out.push({ path: ['layout', 'etp'], message: `etp = ${layout.etp} needs a mixture-of-experts model (\`model.moe\`); a dense model has no experts to split` });
    return out;
  }
  if (moe.topK > moe.experts) out.push({ path: ['model', 'moe', 'top_k'], message: `top_k = ${moe.topK} exceeds the ${moe.experts} experts` });
  if (moe.denseLayers >= shape.layers) out.push({ path: ['model', 'moe', 'dense_layers'], message: `dense_layers = ${moe.denseLayers} leaves none of the ${shape.layers} layers as a mixture-of-experts layer` });
  const expert = routedExpertParams(shape);
  if (expert >= shape.params) {
    out.push({
      path: ['params'],
      message: `params = ${fmt(shape.params)} cannot hold the routed experts alone (${moeLayers(shape)} MoE layers x ${moe.experts} experts x ${ffnMatrices(shape)} x ${shape.hiddenSize} x ${moe.expertFfnSize} = ${fmt(expert)}); give the total parameter count`,
    });
  }
  if (layout && ep <= 1 && (layout.epDispatch !== undefined || layout.epOverlap !== undefined)) {
    out.push({ path: ['layout', layout.epDispatch !== undefined ? 'ep_dispatch' : 'ep_overlap'], message: 'ep_dispatch and ep_overlap describe the expert-parallel all-to-all, which needs ep > 1' });
  }
  if (layout && ep > 1 && moe.experts % ep !== 0) out.push({ path: ['layout', 'ep'], message: `ep = ${ep} must divide the ${moe.experts} experts (each rank holds experts / ep of them)` });
  if (layout) {
    const cp = Math.max(1, layout.cp ?? 1);
    const tp = Math.max(1, layout.tp);
    if (layout.etp === undefined) {
      if (ep > 1 && (layout.dp * cp) % ep !== 0) {
        out.push({
          path: ['layout', 'ep'],
          message: `ep = ${ep} must divide dp x cp = ${layout.dp * cp}: expert-parallel groups are formed from the data-parallel ranks while the experts are split over the tensor group (etp = tp = ${tp}); give \`etp\` (e.g. 1) to form them over tensor ranks too`,
        });
      }
    } else {
      const etp = layout.etp;
      const ranks = tp * cp * layout.dp;
      if (ranks % (etp * ep) !== 0) {
        out.push({ path: ['layout', 'etp'], message: `etp x ep = ${etp} x ${ep} = ${etp * ep} must divide tp x cp x dp = ${ranks}: the expert layers regroup a pipeline stage's ranks into etp x ep x expert-data-parallel (Megatron-Core's parallel folding)` });
      }
      if (moe.expertFfnSize % etp !== 0) out.push({ path: ['layout', 'etp'], message: `etp = ${etp} must divide the expert width moe.ffn_size = ${moe.expertFfnSize} (each rank holds 1/etp of every local expert)` });
    }
  }
  return out;
}

function fmt(n: number): string {
  return n >= 1e9 ? `${(n / 1e9).toPrecision(4)}B` : n.toPrecision(4);
}

/**
 * Expected load of the busiest of `ranks` expert-parallel ranks relative to the mean, when each
 * routes a mean of `meanCopies` token copies and routing is balanced only in expectation: each
 * token picks its k experts at random (Megatron-Core's `moe_router_force_load_balancing`, which
 * the NVIDIA benchmark runs use; a trained router with load balancing is at least this uneven).
 * A rank's load is then close to normal with variance meanCopies (1 - 1/ranks) (each copy lands
 * on the rank with probability 1/ranks), and the expected maximum of `ranks` such loads is
 * z x sigma above the mean, z the expected largest of `ranks` standard normals (Blom's
 * approximation, Phi^-1((N - 0.375) / (N + 0.25))). Every rank waits for the busiest at the
 * combine all-to-all, so its experts set the pace. 1 for a single rank.
 */
export function busiestRankLoad(meanCopies: number, ranks: number): number {
  if (!(ranks > 1) || !(meanCopies > 0)) return 1;
  const z = inverseNormal((ranks - 0.375) / (ranks + 0.25));
  return 1 + z * Math.sqrt((1 - 1 / ranks) / meanCopies);
}

/**
 * Inverse of the standard normal distribution function (Acklam's rational approximation,
 * relative error below 1.2e-9), for p in (0, 1).
 */
export function inverseNormal(p: number): number {
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  if (p < lo) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  if (p > 1 - lo) return -inverseNormal(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
}
