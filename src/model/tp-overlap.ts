// Tensor-parallel communication overlapped with the GEMMs it feeds or drains (layout.tp_overlap):
// what a decomposed comm-GEMM overlap hides of each sequence-parallel all-gather and reduce-scatter,
// bounded by the GEMM it runs beside, and what the decomposition costs that GEMM. Pure.
import type { ComputeDevice } from './gemm.js';
import type { TrainingShape } from './training-layout.js';

/**
 * How a stack overlaps its tensor-parallel collectives with the layer GEMMs (ParallelLayout.tpOverlap).
 * 'none': every collective waits for its GEMM or the GEMM for it (Megatron-LM without
 * `--tp-comm-overlap`, PyTorch's synchronous TP); the model's timing before this field.
 * 'ring-exchange': Transformer Engine's userbuffers as Megatron-Bridge's FP8 H100 recipes configure
 * it (`userbuffers_fp8_h100_h12288_tp4_mbs1_seqlen2048`, `..._h8192_tp4_...`, `..._h16384_tp8_cp2_...`):
 * every forward GEMM's gather or reduce-scatter and the backward's gradient gathers by ring exchange
 * (the GEMM in tp chunks of the sequence, the chunks moved peer to peer by the copy engines), the
 * backward's reduce-scatters in bulk beside the weight-gradient GEMM on a few SMs.
 * 'pipelined': the same, but the projection's and FC2's forward reduce-scatters pipelined instead
 * (`method: pipeline`, the GEMM in 4 splits, the reduce-scatter kernels on 24 and 16 SMs: the bf16
 * recipes, MLPerf v3.0's GPT-3 175B on 24 and 20).
 * 'async': PyTorch's async TP (torch._inductor's micro-pipeline TP, SymmetricMemory): every
 * all-gather-matmul and matmul-reduce-scatter, forward and backward, decomposed into tp chunks
 * whose transfers run on the copy engines.
 */
export type TpOverlap = 'none' | 'ring-exchange' | 'pipelined' | 'async';

export const TP_OVERLAP_MODES: readonly TpOverlap[] = ['none', 'ring-exchange', 'pipelined', 'async'];

/**
 * How one collective runs beside its GEMM. 'chunked': the GEMM that produces or consumes the
 * collective's buffer is split along the tokens into `chunks` (tp for ring exchange and async TP,
 * `num_splits` for TE's pipeline), chunk i's GEMM running while chunk i+1 moves: a two-stage
 * pipeline (Wang et al., ASPLOS 2023, "Overlap communication with dependent computation via
 * decomposition in large deep learning models", section 3). 'bulk': the collective runs beside a
 * GEMM that does not depend on it (TE's `method: bulk`), nothing split. `sms`: streaming
 * multiprocessors the communication kernels occupy, which the GEMM runs without (TE's `num_sm`;
 * ring exchange on the copy engines takes none).
 */
export interface OverlapMethod {
  readonly kind: 'chunked' | 'bulk';
  /** Chunks of a 'chunked' overlap; 0: the tensor-parallel degree. */
  readonly chunks: number;
  readonly sms: number;
}

/** A layer's eight sequence-parallel collectives, each with the GEMM that can hide it. */
export interface OverlapSites<T> {
  /** Forward: all-gather before QKV, reduce-scatter after the projection, all-gather before FC1, reduce-scatter after FC2. */
  readonly qkvFprop: T;
  readonly projFprop: T;
  readonly fc1Fprop: T;
  readonly fc2Fprop: T;
  /** Backward: the output gradient's all-gathers before the projection's and FC2's input-gradient GEMMs. */
  readonly projDgrad: T;
  readonly fc2Dgrad: T;
  /** Backward: the reduce-scatters of QKV's and FC1's input gradients, beside their weight-gradient GEMMs. */
  readonly qkvWgrad: T;
  readonly fc1Wgrad: T;
}

const ring: OverlapMethod = { kind: 'chunked', chunks: 0, sms: 0 };

/**
 * The sites of each mode. Ring exchange: `RingExchangeOverlapCfg` (num_sm 1 is the launch's, the
 * transfers are copy-engine copies); bulk reduce-scatters on 4 SMs (the GPT-3 175B FP8 H100 config's
 * `qkv_wgrad` and `fc1_wgrad`; the 70B's are 24 and 4, the 405B's 24 and 2). Pipelined: the 70B bf16
 * H100 config's `proj_fprop` (24 SMs) and `fc2_fprop` (16 SMs), 4 splits. Async: every site chunked
 * over tp on the copy engines (PyTorch's `_fused_all_gather_matmul` and `_fused_matmul_reduce_scatter`).
 * Sources: NVIDIA-NeMo/Megatron-Bridge `src/megatron/bridge/training/comm_overlap.py`.
 */
export const OVERLAP_SITES: Readonly<Record<Exclude<TpOverlap, 'none'>, OverlapSites<OverlapMethod>>> = {
  'ring-exchange': {
    qkvFprop: ring,
    projFprop: ring,
    fc1Fprop: ring,
    fc2Fprop: ring,
    projDgrad: ring,
    fc2Dgrad: ring,
    qkvWgrad: { kind: 'bulk', chunks: 1, sms: 4 },
    fc1Wgrad: { kind: 'bulk', chunks: 1, sms: 4 },
  },
  pipelined: {
    qkvFprop: ring,
    projFprop: { kind: 'chunked', chunks: 4, sms: 24 },
    fc1Fprop: ring,
    fc2Fprop: { kind: 'chunked', chunks: 4, sms: 16 },
    projDgrad: ring,
    fc2Dgrad: ring,
    qkvWgrad: { kind: 'bulk', chunks: 1, sms: 4 },
    fc1Wgrad: { kind: 'bulk', chunks: 1, sms: 4 },
  },
  async: { qkvFprop: ring, projFprop: ring, fc1Fprop: ring, fc2Fprop: ring, projDgrad: ring, fc2Dgrad: ring, qkvWgrad: ring, fc1Wgrad: ring },
};

/** One site's GEMM: alone on the whole device (what the compute model charges), and as the overlap runs it (split, fewer SMs). */
export interface SiteGemm {
  readonly wholeS: number;
  readonly overlappedS: number;
  readonly chunks: number;
  readonly kind: 'chunked' | 'bulk';
}

/**
 * A collective of `commS` beside its GEMM. Chunked: k chunks of the GEMM (overlappedS in all) and
 * of the transfer in a two-stage pipeline, max(C, G') + min(C, G') / k: one chunk of the shorter
 * stage stays exposed at an edge (the first chunk's transfer, or the last chunk's GEMM). Bulk: the
 * two side by side, max(C, G'). What is left of the collective is exposedS = that - G'; hiddenS =
 * C - exposedS, never more than the GEMM it hides behind; costS = G' - G, the GEMM's own slowdown.
 */
export function overlapSite(commS: number, gemm: SiteGemm): { exposedS: number; hiddenS: number; costS: number } {
  const c = Math.max(0, commS);
  const g = gemm.overlappedS;
  const k = Math.max(1, gemm.chunks);
  const together = gemm.kind === 'bulk' ? Math.max(c, g) : Math.max(c, g) + Math.min(c, g) / k;
  const exposedS = Math.max(0, together - g);
  return { exposedS, hiddenS: c - exposedS, costS: g - gemm.wholeS };
}

/** Per tensor rank, the GEMM dimensions of one dense layer (layer-compute.ts): M = n tokens of the micro-batch. */
export interface LayerGemmDims {
  readonly n: number;
  readonly tp: number;
  readonly hidden: number;
  /** QKV's output width per rank, (a dh + 2 kv dh) / t. */
  readonly qkvN: number;
  /** The projection's reduction width per rank, a dh / t. */
  readonly projK: number;
  /** FC1's output width per rank ((1 or 2) f / t). */
  readonly fc1N: number;
  /** FC2's reduction width per rank, f / t. */
  readonly fc2K: number;
}

/** Seconds of an M x N x K GEMM with `sms` streaming multiprocessors taken from it. */
export type GemmTimer = (m: number, n: number, k: number, sms: number) => number;

/**
 * The device with `sms` of its compute units taken: a wave is narrower and the peak scales with
 * the units left (the communication kernels' CTAs do not share an SM with the GEMM's).
 */
export function withoutSms(dev: ComputeDevice, sms: number): ComputeDevice {
  const units = Math.max(1, dev.computeUnits);
  const left = Math.max(1, units - Math.max(0, sms));
  if (left === units) return dev;
  const f = left / units;
  return { ...dev, computeUnits: left, peakFlops: dev.peakFlops * f, ...(dev.fp8 ? { fp8: { ...dev.fp8, peakFlops: dev.fp8.peakFlops * f } } : {}) };
}

/**
 * Each site's GEMM for one layer under `mode`: the whole GEMM, and the overlapped one (a chunked
 * GEMM runs `chunks` GEMMs of M = n / chunks, each at its own tile and wave efficiency, on the
 * SMs the communication leaves). The forward GEMM of a site is M = n x N x K; an input-gradient
 * GEMM n x K x N; a weight-gradient GEMM K x N x n (layer-compute.ts's three per forward GEMM).
 */
export function siteGemms(mode: Exclude<TpOverlap, 'none'>, d: LayerGemmDims, time: GemmTimer): OverlapSites<SiteGemm> {
  const cfg = OVERLAP_SITES[mode];
  const site = (method: OverlapMethod, m: number, n: number, k: number, tokensAreM: boolean): SiteGemm => {
    const chunks = method.kind === 'bulk' ? 1 : method.chunks === 0 ? d.tp : method.chunks;
    const wholeS = time(m, n, k, 0);
    // Only a GEMM whose M is the tokens is split along them; a weight gradient reduces over them.
    const overlappedS = method.kind === 'chunked' && tokensAreM ? chunks * time(m / chunks, n, k, method.sms) : time(m, n, k, method.sms);
    return { wholeS, overlappedS, chunks, kind: method.kind };
  };
  // async chunks its backward reduce-scatters over the input-gradient GEMM that produces them.
  const wgradOrDgrad = (method: OverlapMethod, nOut: number, k: number): SiteGemm => (method.kind === 'bulk' ? site(method, k, nOut, d.n, false) : site(method, d.n, k, nOut, true));
  return {
    qkvFprop: site(cfg.qkvFprop, d.n, d.qkvN, d.hidden, true),
    projFprop: site(cfg.projFprop, d.n, d.hidden, d.projK, true),
    fc1Fprop: site(cfg.fc1Fprop, d.n, d.fc1N, d.hidden, true),
    fc2Fprop: site(cfg.fc2Fprop, d.n, d.hidden, d.fc2K, true),
    projDgrad: site(cfg.projDgrad, d.n, d.projK, d.hidden, true),
    fc2Dgrad: site(cfg.fc2Dgrad, d.n, d.fc2K, d.hidden, true),
    qkvWgrad: wgradOrDgrad(cfg.qkvWgrad, d.qkvN, d.hidden),
    fc1Wgrad: wgradOrDgrad(cfg.fc1Wgrad, d.fc1N, d.hidden),
  };
}

/**
 * A dense layer's GEMM dimensions from the shape (as layer-compute.ts derives them), for the
 * caller that times every kernel at one efficiency (a job's `efficiency`): the model has no tile or
 * wave physics there, so a chunked GEMM costs what the whole one does and no SMs are charged.
 */
export function uniformSiteGemms(mode: Exclude<TpOverlap, 'none'>, shape: TrainingShape, tp: number, tokens: number, flopPerS: number, defaultHeadDim: number): OverlapSites<SiteGemm> {
  const h = shape.hiddenSize;
  const heads = shape.heads ?? Math.max(1, Math.round(h / defaultHeadDim));
  const kvHeads = shape.kvHeads ?? heads;
  const dh = shape.headDim ?? h / heads;
  const gated = shape.gatedMlp ?? false;
  const f = shape.ffnSize ?? Math.round(h * (shape.ffnMultiplier ?? (gated ? 8 / 3 : 4)));
  const dims: LayerGemmDims = { n: tokens, tp, hidden: h, qkvN: (heads * dh + 2 * kvHeads * dh) / tp, projK: (heads * dh) / tp, fc1N: ((gated ? 2 : 1) * f) / tp, fc2K: f / tp };
  return siteGemms(mode, dims, (m, n, k) => (2 * m * n * k) / flopPerS);
}

/**
 * One micro-batch's tensor-parallel traffic on a rank under the overlap: `layers` dense layers,
 * each with its eight collectives (an all-gather of `allGatherS`, a reduce-scatter of
 * `reduceScatterS`) and the forward's four again when the layer is recomputed in full.
 * exposedS: the collectives' time left on the critical path; costS: what the chunked GEMMs and
 * the SMs taken add to the kernels (both per micro-batch, s).
 */
export function overlappedTpMicroBatch(gemms: OverlapSites<SiteGemm>, allGatherS: number, reduceScatterS: number, layers: number, fullRecompute: boolean): { exposedS: number; hiddenS: number; costS: number } {
  const forward = [overlapSite(allGatherS, gemms.qkvFprop), overlapSite(reduceScatterS, gemms.projFprop), overlapSite(allGatherS, gemms.fc1Fprop), overlapSite(reduceScatterS, gemms.fc2Fprop)];
  const backward = [overlapSite(allGatherS, gemms.projDgrad), overlapSite(reduceScatterS, gemms.qkvWgrad), overlapSite(allGatherS, gemms.fc2Dgrad), overlapSite(reduceScatterS, gemms.fc1Wgrad)];
  const sites = fullRecompute ? [...forward, ...forward, ...backward] : [...forward, ...backward];
  let exposedS = 0;
  let hiddenS = 0;
  let costS = 0;
  for (const s of sites) {
    exposedS += s.exposedS;
    hiddenS += s.hiddenS;
    costS += s.costS;
  }
  return { exposedS: layers * exposedS, hiddenS: layers * hiddenS, costS: layers * costS };
}

/**
 * What is wrong with `tp_overlap` on this shape and layout, as scenario messages (path relative to
 * the job). The overlap decomposes the sequence-parallel gathers and reduce-scatters of a dense
 * layer's four GEMMs: it needs tp > 1, sequence parallelism, and neither a mixture-of-experts FFN
 * (grouped expert GEMMs; userbuffers does not overlap them) nor multi-head latent attention (its
 * projections are not the four GEMMs above): refused rather than timed as something else.
 */
export function tpOverlapProblems(shape: TrainingShape, layout: { tp: number; tpOverlap?: TpOverlap } | undefined, sequenceParallel: boolean): { path: string[]; message: string }[] {
  const mode = layout?.tpOverlap ?? 'none';
  if (mode === 'none' || !layout) return [];
  const path = ['layout', 'tp_overlap'];
  const out: { path: string[]; message: string }[] = [];
  if (!(layout.tp > 1)) out.push({ path, message: `tp_overlap: ${mode} overlaps tensor-parallel collectives, which need tp > 1 (got tp = ${layout.tp}); give tp_overlap: none` });
  if (!sequenceParallel) out.push({ path, message: `tp_overlap: ${mode} decomposes sequence parallelism's all-gathers and reduce-scatters, and the model runs without it; give \`model.sequence_parallel: true\` or tp_overlap: none` });
  if (shape.moe) out.push({ path, message: `tp_overlap: ${mode} is modelled for dense layers only (a mixture-of-experts FFN runs grouped expert GEMMs the overlap does not decompose); give tp_overlap: none` });
  if (shape.mla) out.push({ path, message: `tp_overlap: ${mode} is modelled for the four GEMMs of standard attention and FFN; multi-head latent attention's projections differ; give tp_overlap: none` });
  return out;
}
