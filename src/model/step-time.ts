// Step time of a training job on a placement: compute + exposed communication + pipeline bubble.
// Pure and allocation-light (one result object): called on every rate recompute. It knows no
// topology; the network model hands it, per parallel group, a per-rank bandwidth share and alpha.
import {
  allGatherTimeS,
  allReduceBytesPerRank,
  allReduceTimeS,
  hierarchicalAllReduce,
  intraNodeRingTimeS,
  reduceScatterTimeS,
  type RingCollective,
  sendRecvTimeS,
} from './collectives.js';
import {
  ATTENTION_HARDWARE_FRACTION,
  DP_OVERLAP_FRACTION,
  PP_OVERLAP_FRACTION,
  TP_OVERLAP_FRACTION,
} from './calibration.js';
import { ppTensorsOf, type ParallelLayout, type TrainingShape } from './training-layout.js';
import { ncclSmShareS, type NcclSms } from './nccl-sm-share.js';
import { overlappedTpMicroBatch, uniformSiteGemms, type TpOverlap } from './tp-overlap.js';
import type { ComputeBreakdown } from './layer-compute.js';
import { zeroStageOf } from './memory.js';
import { activeParams, busiestRankLoad, edpOf, epOf, epRanksPerNode, etpOf, moeLayers } from './moe.js';
import { OP_TP_REGATHERS_PER_LAYER, opRecomputedFlopPerToken } from './op-recompute.js';
import { stageParamsPerDevice, type StageParams } from './shape-weights.js';
import { DEFAULT_HEAD_DIM, DEFAULT_VOCAB, recomputeOf, sequenceParallelOf, tiedEmbeddingsOf } from './shape-defaults.js';

/**
 * The communication path of one parallel group, as the network model sees it now.
 * Contract: the caller gives the CURRENT per-rank share of the bottleneck of the group's
 * path with fabric efficiency already applied, and the per-step alpha (hop latency x hops +
 * endpoint latency). The group's size comes from the layout (tp, pp or dp), not from here.
 */
export interface CommPath {
  /** Per-rank bandwidth share (bytes/s). For a hierarchical group: the inter-node share. */
  bandwidthBytesPerS: number;
  /** Per-step latency alpha (s). For a hierarchical group: the inter-node alpha. */
  latencyS: number;
  /**
   * The floor of one pass of a tree all-reduce where the path's hops differ (a ring over two
   * sites: NCCL's trees cross the link twice a pass, nccl-tree.ts): treeAllReduceTimeS. Absent:
   * equal hops.
   */
  treePassS?: number;
  /**
   * Whether this group's traffic crosses the scale-out network, i.e. counts in
   * `scaleOutBytesPerStepPerDevice`. Defaults: tp false, pp and dp true.
   */
  scaleOut?: boolean;
  /**
   * The group has `devicesPerNode` ranks in each node: collectives run two-level (intra-node
   * phase on the interconnect, inter-node phase on 1/k of the data). dp only.
   */
  hierarchical?: {
    devicesPerNode: number;
    intraBandwidthBytesPerS: number;
    intraLatencyS: number;
  };
}

/**
 * The path of a pipeline whose stage boundaries cross the fabric and, for stages sharing a node,
 * the interconnect: the pipeline moves at its slowest boundary's pace, so the lower bandwidth and
 * the higher latency of the two (on NVLink nodes the fabric's; on PCIe-only nodes the
 * interconnect can be the slower). Its traffic still crosses the fabric.
 */
export function pipelineAcrossAndWithin(across: CommPath, within: Pick<CommPath, 'bandwidthBytesPerS' | 'latencyS'>): CommPath {
  return { ...across, bandwidthBytesPerS: Math.min(across.bandwidthBytesPerS, within.bandwidthBytesPerS), latencyS: Math.max(across.latencyS, within.latencyS) };
}

export interface OverlapFractions {
  /** Fraction of tensor-parallel communication hidden behind GEMMs. */
  tp: number;
  /** Fraction of pipeline send/recv time hidden behind compute. */
  pp: number;
  /** Fraction of the overlap window's compute time during which DP communication progresses. */
  dp: number;
}

export interface StepTimeInput {
  shape: TrainingShape;
  layout: ParallelLayout;
  /** Dense peak FLOP/s of one device at the job's precision. */
  peakFlopsPerDevice: number;
  /**
   * Kernel time per operator (layer-compute.ts), built once per shape, layout and device kind:
   * it does not depend on the network, so callers cache it.
   */
  compute?: ComputeBreakdown;
  /**
   * Instead of `compute`: one fraction of peak for every kernel (a job's `efficiency`
   * override), compute = hardware FLOPs / (peak x kernelEfficiency).
   */
  kernelEfficiency?: number;
  tp: CommPath;
  pp: CommPath;
  dp: CommPath;
  /**
   * The context-parallel group's path (layout.cp > 1): the ranks that split one sequence. Absent:
   * the data-parallel path without its two-level split (cp ranks sit beside each other in rank
   * order, after tp, so they share the data-parallel group's nodes and links).
   */
  cp?: CommPath;
  /**
   * The expert-parallel group's path (layout.ep > 1): `hierarchical.devicesPerNode` is how many of
   * the group's ranks share a node (their all-to-all traffic stays on the interconnect), the
   * bandwidth the scale-out share of each rank. Absent: derived from the data-parallel path, whose
   * ranks the group is formed from.
   */
  ep?: CommPath;
  /** Overrides of the calibrated overlap fractions. */
  overlap?: Partial<OverlapFractions>;
  /**
   * The device's SMs and NCCL's CTA counts (nccl-sm-share.ts, ncclSmsOf): the overlapped compute
   * loses the SMs NCCL holds for every hidden collective. Absent: a kind that does not run NCCL,
   * nothing charged.
   */
  nccl?: NcclSms;
}

export interface StepTime {
  /** Wall time of one optimizer step (s): computeS + exposedCommS + bubbleS. */
  stepS: number;
  /** Kernel time on the critical path: microBatches x compute per micro-batch + optimizer step (s). */
  computeS: number;
  /** The kernel breakdown the step used. */
  compute: ComputeBreakdown;
  /** Communication not hidden by compute: tp + pp over all micro-batches, plus dp, cp and ep, plus what the hidden collectives' SMs cost (ncclSmShareS) (s). */
  exposedCommS: number;
  /** Pipeline bubble (s): (pp-1)/virtualStages micro-batch times. */
  bubbleS: number;
  /** Total tensor-parallel communication per step per rank, before overlap (s). */
  tpCommS: number;
  /** Total pipeline send/recv time per step per rank, before overlap, and the tied embedding's gradient all-reduce (s). */
  ppCommS: number;
  /** Data-parallel gradient synchronisation per step, before overlap (s). */
  dpCommS: number;
  /** Context-parallel key/value all-gathers and gradient reduce-scatters per step (s); all exposed. */
  cpCommS: number;
  /** Expert-parallel all-to-alls (token dispatch and combine) per step, before overlap (s). */
  epCommS: number;
  /** The part of them on the critical path (all of it unless `layout.epOverlap` hides some) (s). */
  epExposedS: number;
  /**
   * Of exposedCommS, what the compute hidden collectives run beside loses to the SMs NCCL's kernels
   * hold (nccl-sm-share.ts): each hidden collective's time x n / (SMs - n) (s); 0 without `nccl`.
   */
  ncclSmShareS: number;
  /** Exposed tensor-parallel communication, with the overlap's cost (`tpOverlapCostS`) when layout.tpOverlap is set (s). */
  tpExposedS: number;
  /**
   * Of tpExposedS, what a comm-GEMM overlap (layout.tpOverlap) adds to the GEMMs it decomposes:
   * chunks at a smaller M, and the SMs the communication kernels take (s); 0 without it.
   */
  tpOverlapCostS: number;
  /** Exposed pipeline send/recv, and the tied embedding's gradient all-reduce (`embeddingSyncS`) (s). */
  ppExposedS: number;
  /**
   * The all-reduce of a tied embedding's gradients between the first and last pipeline stages,
   * once per step after the data-parallel reduction, never hidden (0 when untied or pp = 1) (s).
   */
  embeddingSyncS: number;
  dpExposedS: number;
  /** One micro-batch on one pipeline rank: compute + exposed tp + exposed pp (s). */
  microBatchS: number;
  /** 6 x params x tokens: what counts as useful (design.md). */
  usefulFlopPerStep: number;
  /**
   * Useful FLOPs under the PaLM MFU convention (Chowdhery et al. 2022, appendix B):
   * 6 P T + 12 L h s T (attention, not discounted for the causal mask). Published MFUs
   * (PaLM, Llama 3) use this; compare them with `palmMfu`.
   */
  palmFlopPerStep: number;
  /** FLOPs the devices execute: (8 with recompute, else 6) P T + attention, see calibration.ts. */
  hardwareFlopPerStep: number;
  tokensPerStep: number;
  /** Bytes each device sends per step on scale-out paths (pp + dp, or as flagged). */
  scaleOutBytesPerStepPerDevice: number;
  /** Bytes each device sends per step per group (dp: inter-node part when hierarchical). */
  tpBytesPerStepPerDevice: number;
  ppBytesPerStepPerDevice: number;
  dpBytesPerStepPerDevice: number;
  cpBytesPerStepPerDevice: number;
  /** The context-parallel bytes that cross the scale-out network (0 when the group is in a node). */
  cpScaleOutBytesPerStepPerDevice: number;
  /** Bytes each device sends per step in expert-parallel all-to-alls to other nodes. */
  epBytesPerStepPerDevice: number;
  /** usefulFlopPerStep / stepS: the job's progress rate (FLOP/s). */
  usefulFlopPerS: number;
  /** usefulFlopPerStep / (stepS x devices x peak): the job's effective compute ratio (MFU). */
  effectiveComputeRatio: number;
  /** palmFlopPerStep / (stepS x devices x peak): comparable with published MFU. */
  palmMfu: number;
}

/**
 * Step time of a dense transformer training step.
 *
 * Per micro-batch on one pipeline rank (the critical path runs through pipeline rank 0):
 *  - compute c = hardware FLOPs / (devices x microBatches) / (peak x kernelEfficiency);
 *  - tensor parallel with sequence parallelism (Korthikanti et al. 2022): per layer an
 *    all-gather + reduce-scatter pair before/after attention and MLP, forward and backward
 *    (4 pairs; 6 with full recompute, which repeats the forward; per-op selective checkpointing
 *    gathers the two norms' outputs again), each on the full activation
 *    buffer tokens x hidden x bytes; the same volume as Megatron's 4 all-reduces without SP.
 *    Exposed part (1 - overlap.tp) x comm, and never more hidden than there is compute;
 *  - pipeline: per micro-batch each rank sends an activation forward and a gradient backward
 *    per model chunk (2 x virtualStages send/recvs) of tokens x hidden x bytes, divided by tp under
 *    sequence parallelism or Megatron's scatter/gather (layout.ppTensors; Narayanan et al. 2021
 *    section 4.1), whose receiver all-gathers each tensor over the tensor group (2 x virtualStages
 *    gathers); exposed (1 - overlap.pp).
 *    DeepSpeed's pipeline engine (layout.pipelineEngine) runs each send and receive as an instruction
 *    of its own (4 transfers per micro-batch) and gathers its freed output again before the backward.
 * Bubble: the interleaved 1F1B schedule idles (pp-1)/v micro-batch times (Narayanan et al.
 * 2021 section 2.2; Llama 3 paper section 3.3.2 gives the bubble ratio (PP-1)/(V M)); v = 1 is
 * plain 1F1B, (pp-1)/m of the ideal time.
 * Context parallel (layout.cp): a rank holds 1/cp of each sequence (micro-batch tokens / cp in
 * every term above); per layer the keys and values of the whole sequence are all-gathered before
 * attention (again under full recompute) and their gradients reduce-scattered, all exposed.
 * Data parallel: gradient all-reduce (or, sharded, weight all-gather + gradient reduce-scatter)
 * of params/(tp pp) elements per rank over the dp x cp ranks that hold the same weights, issued in one bucket per layer the rank holds (DDP
 * buckets / FSDP units), so latency is paid per bucket. With gradient accumulation the
 * gradients are final only in the last micro-batch's backward, so only that backward can hide the
 * reduction and (sharded) only the first forward the all-gather, each in its own window:
 * exposed = max(0, grad - overlap.dp x backward) + max(0, gather - overlap.dp x forward); under the interleaved schedule each model chunk's
 * reduction starts after its own last backward and its gather ends before its first forward
 * (chunkedDpExposedS). The first stage's reduction is timed: it finishes the
 * last backward and holds the embedding (shape-weights.ts, stageParamsPerDevice).
 * Tied embeddings over several stages: the first and last stages then all-reduce the embedding's
 * gradients, after the data-parallel reduction and never hidden (`embeddingSyncS`, in ppExposedS).
 * NCCL's SMs (input.nccl, nccl-sm-share.ts): every collective hidden behind compute holds n SMs of
 * the device while it runs, so the compute beside it runs on SMs - n: its hidden time x n / (SMs - n)
 * is charged in exposedCommS (`ncclSmShareS`); not a tp_overlap mode's collectives (tp-overlap.ts
 * charges their SMs).
 */
export function stepTime(input: StepTimeInput): StepTime {
  const { shape, layout } = input;
  const tp = Math.max(1, layout.tp);
  const pp = Math.max(1, layout.pp);
  const dp = Math.max(1, layout.dp);
  const cp = Math.max(1, layout.cp ?? 1);
  const m = Math.max(1, layout.microBatches);
  const v = Math.max(1, layout.virtualStages ?? 1);
  const devices = tp * cp * pp * dp;
  const ovTp = input.overlap?.tp ?? TP_OVERLAP_FRACTION;
  // DeepSpeed's pipeline engine runs its send and receive instructions in sequence with the forward
  // and backward ones, and reduces the gradients only after the last backward (TrainSchedule's
  // ReduceGrads): pp_overlap and dp_overlap 0 unless the layout says otherwise.
  const deepspeedPipe = layout.pipelineEngine === 'deepspeed' && pp > 1;
  const ovPp = input.overlap?.pp ?? layout.ppOverlap ?? (deepspeedPipe ? 0 : PP_OVERLAP_FRACTION);
  const ovDp = input.overlap?.dp ?? layout.dpOverlap ?? (deepspeedPipe ? 0 : DP_OVERLAP_FRACTION);
  const bytes = shape.precisionBytes;
  const gradBytes = shape.gradientBytes ?? bytes;
  const fullRecompute = recomputeOf(shape) === 'full';

  // FLOPs.
  const tokens = shape.globalBatchTokens;
  // A mixture of experts counts the parameters a token passes through (moe.ts).
  const useful = 6 * activeParams(shape) * tokens;
  const attentionPalm = 12 * shape.layers * shape.hiddenSize * shape.seqLen * tokens;
  const compute = input.compute ?? uniformBreakdown(input, devices, useful, attentionPalm);
  const hardware = compute.hardwareFlopPerDevice * devices;

  // Per micro-batch on one rank.
  const computeMbS = compute.microBatchS;
  // Tokens of one micro-batch on one rank: 1/cp of each sequence under context parallelism.
  const mbTokens = tokens / (dp * m) / cp;
  // The slowest stage's layers (layers / pp unless the layout gives a partition): its tensor-,
  // context- and expert-parallel traffic is on the critical path with its kernels.
  const layersPerRank = compute.criticalStageLayers;

  const actBytes = mbTokens * shape.hiddenSize * bytes;
  const pairsPerLayer = fullRecompute ? 6 : 4;
  // The tensor group's path is the interconnect unless the caller says it crosses nodes.
  const tpIntra = input.tp.scaleOut !== true;
  const pair = (group: number, gathered: number): number =>
    ringS('all-gather', group, gathered, input.tp, tpIntra) + ringS('reduce-scatter', group, gathered, input.tp, tpIntra);
  const pairBytes = (group: number, gathered: number): number => (group > 1 ? 2 * ((group - 1) / group) * gathered : 0);
  const tpPairS = pair(tp, actBytes);
  // A mixture-of-experts layer gathers over the expert tensor group instead of the FFN's tensor
  // group: the routed token copies a rank received (k of each of its 1/tp tokens) all-gathered over
  // etp ranks before the experts and reduce-scattered after them (Megatron-Core's all-to-all
  // dispatcher), k etp / tp times the dense FFN's gather; nothing when etp = 1.
  const moeLayersHere = layout.stageLayers === undefined ? moeLayers(shape) / pp : (moeLayers(shape) / shape.layers) * layersPerRank;
  const etp = etpOf(layout);
  const routedGathered = shape.moe ? (actBytes * shape.moe.topK * etp) / tp : 0;
  const halfPairs = pairsPerLayer / 2;
  // Per-op selective checkpointing gathers the two norms' outputs again in the recompute (op-recompute.ts).
  const opRegathers = recomputeOf(shape) === 'op' && tp > 1 ? OP_TP_REGATHERS_PER_LAYER : 0;
  const opRegatherS = opRegathers > 0 ? layersPerRank * opRegathers * ringS('all-gather', tp, actBytes, input.tp, tpIntra) : 0;
  const tpMbS = layersPerRank * pairsPerLayer * tpPairS + moeLayersHere * halfPairs * (pair(etp, routedGathered) - tpPairS) + opRegatherS;
  // Under a comm-GEMM overlap (layout.tpOverlap, tp-overlap.ts) each collective hides behind its own
  // GEMM, and the chunked GEMMs' and the SMs' cost is charged with it (tpOverlapCostS); per-op
  // recompute's two extra gathers stay exposed (tp-overlap.ts pairs none of its GEMMs with them).
  const tpOverlap = layout.tpOverlap !== undefined && layout.tpOverlap !== 'none' && tp > 1 ? tpOverlapOf(layout.tpOverlap, compute, input, actBytes, layersPerRank, fullRecompute, tpIntra) : undefined;
  const tpMbExposedS = tpOverlap ? tpOverlap.exposedS + tpOverlap.costS + opRegatherS : tpMbS - Math.min(ovTp * tpMbS, computeMbS);
  const tpMbBytes =
    layersPerRank * pairsPerLayer * pairBytes(tp, actBytes) + moeLayersHere * halfPairs * (pairBytes(etp, routedGathered) - pairBytes(tp, actBytes)) + (opRegathers > 0 ? (layersPerRank * opRegathers * pairBytes(tp, actBytes)) / 2 : 0);

  // What a tensor rank sends down the pipeline (layout.ppTensors): split by sequence under sequence
  // parallelism (1/tp, nothing to gather); otherwise, with scatter/gather (Megatron-LM 2021 to March
  // 2023: `_communicate`, then `mpu.gather_split_1d_tensor` on what arrives; Narayanan et al. 2021
  // section 4.1; DeepSpeed's pipeline engine, PartitionedTensor.full()), 1/tp and an all-gather of the
  // whole activation over the tensor group on arrival, on the stage's stream; Megatron-Core sends it
  // whole from every tensor rank ('whole').
  const splitBySequence = tp > 1 && sequenceParallelOf(shape);
  const scatterGather = tp > 1 && !splitBySequence && ppTensorsOf(layout) === 'scatter-gather';
  const p2pBytes = splitBySequence || scatterGather ? actBytes / tp : actBytes;
  // Megatron's 1F1B exchanges with a neighbour pairwise (send_forward_recv_backward: a send and a
  // receive batched into one exchange, both directions at once): two transfers per micro-batch on a
  // stage's timeline. DeepSpeed's TrainSchedule issues RecvActivation and SendGrad before each
  // forward, SendActivation and RecvGrad before each backward, each a blocking instruction of its own
  // (deepspeed/runtime/pipe/schedule.py, engine.py _exec_schedule): four. A replay of its instruction
  // streams with blocking rendezvous (test/deepspeed-schedule-replay.test.ts) puts 3.6-3.8 transfers
  // per micro-batch on the critical path, the warm-up and cool-down having fewer; four are charged. It also frees the
  // partitioned output once sent (`first_output.data = torch.zeros(1)`) and all-gathers it over the
  // tensor group again before the backward (PartitionedTensor.full()), one gather of the activation
  // per micro-batch that Megatron, which keeps the output, does not run.
  const transfers = deepspeedPipe ? 4 : 2;
  const outputRegatherS = deepspeedPipe && (splitBySequence || scatterGather) ? ringS('all-gather', tp, actBytes, input.tp, tpIntra) : 0;
  // The gradient of a stage's input goes back as 1/tp of it per tensor rank, unless the engine sends
  // it whole from every rank (layout.ppGradients 'whole': DeepSpeed through v0.5.3, is_grad_partitioned
  // = False).
  const gradP2pBytes = layout.ppGradients === 'whole' ? actBytes : p2pBytes;
  // The receiver's all-gathers: each activation received, and each gradient received split (v of each
  // per micro-batch, as the exchanges; DeepSpeed's engine runs one chunk).
  const receiveGathers = scatterGather ? v * (1 + (layout.ppGradients === 'whole' ? 0 : 1)) : 0;
  const receiveGatherS = receiveGathers > 0 ? receiveGathers * ringS('all-gather', tp, actBytes, input.tp, tpIntra) : 0;
  const exchangeS = sendRecvTimeS(p2pBytes, input.pp.bandwidthBytesPerS, input.pp.latencyS) + sendRecvTimeS(gradP2pBytes, input.pp.bandwidthBytesPerS, input.pp.latencyS);
  const ppMbS = pp > 1 ? (transfers / 2) * v * exchangeS + outputRegatherS + receiveGatherS : 0;
  const ppMbExposedS = ppMbS - Math.min(ovPp * ppMbS, computeMbS);
  // Each device sends one activation and one gradient per micro-batch and chunk whichever the
  // engine; the output's second gather moves over the tensor group's path (counted with its bytes).
  const ppMbBytes = pp > 1 ? v * (p2pBytes + gradP2pBytes) : 0;
  const regatherMbBytes = pp > 1 ? ((outputRegatherS > 0 ? 1 : 0) + receiveGathers) * ((tp - 1) / tp) * actBytes : 0;

  // Context parallel, as Llama 3 runs it (paper, section 3.3.2): per layer, all-gather the keys
  // and values of the whole sequence before attention (again in a full recompute) and
  // reduce-scatter their gradients after the backward; exposed on the critical path (small
  // beside the queries with grouped-query attention). Each rank contributes its tokens' K and V
  // of its tensor rank's KV heads (all of them when there are fewer KV heads than tp ranks).
  let cpMbS = 0;
  let cpMbBytes = 0;
  if (cp > 1) {
    const heads = shape.heads ?? Math.max(1, Math.round(shape.hiddenSize / DEFAULT_HEAD_DIM));
    const kvHeads = shape.kvHeads ?? heads;
    // MLA gathers every head's up-projected keys (qk_nope + qk_rope wide) and values.
    const kvWidth = shape.mla ? ((shape.mla.qkNopeHeadDim + shape.mla.qkRopeHeadDim + shape.mla.vHeadDim) / 2) * Math.max(1, heads / tp) : (shape.headDim ?? shape.hiddenSize / heads) * Math.max(1, kvHeads / tp);
    const gathered = 2 * mbTokens * cp * kvWidth * bytes; // K and V of the whole sequence(s)
    const cpPath = input.cp ?? { bandwidthBytesPerS: input.dp.bandwidthBytesPerS, latencyS: input.dp.latencyS, scaleOut: input.dp.scaleOut };
    const gathers = fullRecompute ? 2 : 1;
    cpMbS = layersPerRank * (gathers * ringS('all-gather', cp, gathered, cpPath, cpPath.scaleOut === false) + ringS('reduce-scatter', cp, gathered, cpPath, cpPath.scaleOut === false));
    cpMbBytes = layersPerRank * (gathers + 1) * ((cp - 1) / cp) * gathered;
  }

  // Expert parallel: per MoE layer, the tokens a rank routes (its 1/tp of the micro-batch, k
  // experts each) go to the ranks holding their experts and come back: dispatch and combine in
  // the forward pass, both again for the gradients (and in a full recompute), all-to-alls on the
  // critical path (Megatron-Core's all-to-all dispatcher waits for them) unless the schedule
  // overlaps them with another micro-batch's compute (layout.epOverlap, at most one micro-batch's
  // compute). Of each rank's bytes, (ep - g) / ep cross the scale-out network when g of the
  // group's ranks share its node; a per-node dispatch sends one copy per destination node.
  const ep = epOf(layout);
  const moeLayersPerRank = moeLayersHere;
  let epMbS = 0;
  let epMbBytes = 0;
  if (ep > 1 && shape.moe && moeLayersPerRank > 0) {
    const volume = (mbTokens / tp) * shape.moe.topK * shape.hiddenSize * bytes;
    const perNode = layout.epDispatch === 'per-node' ? { topK: shape.moe.topK, ...(shape.moe.maxNodes !== undefined ? { maxNodes: shape.moe.maxNodes } : {}) } : undefined;
    const a2a = allToAll(ep, volume, input.ep ?? epPathFromDp(input.dp, layout), perNode);
    const calls = fullRecompute ? 6 : 4;
    // Every rank sends its n k / tp copies, but routing balanced only in expectation leaves the
    // busiest receiver (which the all-to-all waits for) with more (moe.ts, busiestRankLoad).
    const receive = busiestRankLoad((mbTokens / tp) * shape.moe.topK, ep);
    epMbS = moeLayersPerRank * calls * a2a.timeS * receive;
    epMbBytes = moeLayersPerRank * calls * a2a.scaleOutBytes;
  }

  // Steady state: the part of one micro-batch's all-to-all another micro-batch's compute hides.
  const epMbExposedS = epMbS - Math.min((layout.epOverlap ?? 0) * epMbS, computeMbS);
  // Only a forward chunk paired with another micro-batch's backward chunk hides anything: the
  // warm-up forwards and cool-down backwards run alone, their all-to-alls exposed.
  const epPaired = pairedChunkShare(pp, v, m);

  const microBatchS = computeMbS + tpMbExposedS + ppMbExposedS + cpMbS + epMbExposedS;
  const bubbleS = ((pp - 1) / v) * (compute.averageStageMicroBatchS + tpMbExposedS + ppMbExposedS + cpMbS + epMbExposedS);

  // Data parallel. ZeRO 1 and 2 all-gather the updated weights once per step and reduce-scatter
  // the gradients (the volume of one all-reduce); ZeRO 3 gathers the weights again for every
  // micro-batch's forward and backward (2 m gathers; Rajbhandari et al. 2020, section 7.2.2).
  const zero = zeroStageOf(layout);
  const gathers = zero >= 3 ? 2 * m : 1;
  // The first stage finishes the last backward, so its reduction is the one on the critical path:
  // its layers and the word embedding (shape-weights.ts, stageParamsPerDevice).
  const held = stageParamsPerDevice(shape, layout, 0);
  const buckets = Math.max(1, Math.ceil(layersPerRank));
  // Gradients are reduced over every rank that holds the same weights: dp x cp of them, and for
  // the routed experts the edp = tp x cp x dp / (etp x ep) of their expert-data-parallel group
  // (dp x cp / ep with etp = tp; one rank in ep apart, so on the network without the two-level
  // split).
  // FP8 parameters: the sharded gather moves the layers' FP8 weights, one byte each; the embedding
  // and output layer stay in the model's precision.
  const fp8Params = shape.fp8 === true && shape.fp8Params === true;
  const denseWeightBytes = fp8Params && held.dense > 0 ? (held.dense - held.embedding + held.embedding * bytes) / held.dense : bytes;
  const expertWeightBytes = fp8Params ? 1 : bytes;
  const dense = dataParallelSync(held.dense, dp * cp, input.dp, buckets, denseWeightBytes, gradBytes, zero, gathers);
  const { hierarchical: _twoLevel, ...flatDp } = input.dp;
  const experts = held.expert > 0 ? dataParallelSync(held.expert, edpOf(layout), flatDp, buckets, expertWeightBytes, gradBytes, zero, gathers) : { timeS: 0, bytes: 0 };
  const dpCommS = dense.timeS + experts.timeS;
  const dpBytes = dense.bytes + experts.bytes;
  // Only the last micro-batch's backward (and, sharded, the first forward) can hide it; under
  // ZeRO-3 the weight gathers run under every micro-batch's compute.
  const backwardShare = compute.backwardShare;
  // The gradient reduction alone (all-reduce, or reduce-scatter when sharded); the rest is the weight gather.
  const gradOnly = (params: number, path: CommPath, group: number): number => dataParallelSync(params, group, path, buckets, bytes, gradBytes, zero, 0).timeS;
  let dpExposedS: number;
  if (v > 1 && zero < 3) {
    // Interleaved: each model chunk's reduction is launched once that chunk's last backward is
    // done, and (sharded) each chunk's weights gathered before its first forward (chunkedDpExposedS).
    const gradS = gradOnly(held.dense, input.dp, dp * cp) + (held.expert > 0 ? gradOnly(held.expert, flatDp, edpOf(layout)) : 0);
    dpExposedS = chunkedDpExposedS(gradS, dpCommS - gradS, ovDp, pp, v, computeMbS * backwardShare, computeMbS * (1 - backwardShare));
  } else if (zero >= 3) {
    // The first gathers of each micro-batch's forward and the last reduce-scatters of the step have
    // no compute to hide behind (zero3EdgeS); the rest runs under the m micro-batches' compute.
    // Never more than the whole (a rank of one layer: its edges are its traffic, counted apart).
    const edgeS = Math.min(dpCommS, zero3EdgeS(held, buckets, input.dp, dp * cp, m, fp8Params ? 1 : bytes, bytes, gradBytes));
    dpExposedS = edgeS + Math.max(0, dpCommS - edgeS - ovDp * m * computeMbS);
  } else {
    // The word embedding is the forward's first op, so its gradient is the backward's last: a
    // reduction beside the backward starts on it only when the backward has ended (PyTorch DDP
    // launches a bucket's all-reduce once all its gradients are ready, its buckets in the reverse of
    // the parameters' order, torch/nn/parallel/distributed.py and the DDP design note; Megatron-Core's
    // overlap_grad_reduce, param_and_grad_buffer.py, waits on the last bucket in finish_grad_sync
    // before the optimizer). So at least its vocab / tp x hidden gradients, reduced alone, stay
    // exposed (never more than the whole reduction); ZeRO-3 charges it in zero3EdgeS, the
    // interleaved schedule in its first chunk's backlog.
    // Sharded (ZeRO 1-2), the reduce-scatters hide behind the last backward and the weight gather
    // behind the next step's first forward, each in its own window: the gather needs the optimizer's
    // updated weights, so it cannot start in the backward, and the optimizer needs every gradient, so
    // the reduction cannot spill into the forward (Megatron-Core: finish_grad_sync before the step,
    // _finish_param_sync_helper dispatching bucket by bucket from the forward pre-hook; DeepSpeed ZeRO
    // 1-2 gathers after its step). chunkedDpExposedS at one chunk, plus the embedding's tail.
    const gradS = zero >= 1 ? gradOnly(held.dense, input.dp, dp * cp) + (held.expert > 0 ? gradOnly(held.expert, flatDp, edpOf(layout)) : 0) : dpCommS;
    const gatherS = dpCommS - gradS;
    const backwardS = computeMbS * backwardShare;
    const tailS = ovDp > 0 ? Math.min(gradS, dataParallelSync(wordEmbeddingPerRank(shape, tp), dp * cp, input.dp, 1, bytes, gradBytes, zero, 0).timeS) : 0;
    dpExposedS = Math.max(tailS, gradS - ovDp * backwardS) + Math.max(0, gatherS - ovDp * (computeMbS - backwardS));
  }

  // Tied embeddings over several stages: the first stage's embedding and the last stage's copy
  // all-reduce their gradients after the data-parallel reduction and before the optimizer step,
  // not overlapped (Megatron-LM: `train_step` at the SC21 commit 6985e58938, then the optimizer's
  // `reduce_model_grads`, now `finalize_model_grads` / `_allreduce_word_embedding_grads`, over the
  // embedding group of the two stages; DeepSpeed's pipeline engine: `ReduceTiedGrads` before
  // `ReduceGrads`). vocab / tp x hidden elements per rank, on the pipeline group's path, as the
  // gradient buffer holds them: the fp32 `main_grad` (Megatron-LM's local DDP with fused
  // accumulation, which it allows only into fp32; DeepSpeed's BF16_Optimizer `_hp_grad`) unless
  // autograd accumulates them in `.grad` in the model's precision (PyTorch DDP, or local DDP
  // without contiguous buffers, whose `main_grad` is `.grad`); `gradient_bytes` when given.
  let embeddingSyncS = 0;
  if (pp > 1 && tiedEmbeddingsOf(shape)) {
    const elementBytes = shape.gradientBytes ?? ((layout.gradAccumulation ?? 'fused') === 'autograd' ? bytes : 4);
    const gradBytesEmbedding = (((shape.vocab ?? DEFAULT_VOCAB) * shape.hiddenSize) / tp) * elementBytes;
    embeddingSyncS = ringS('all-reduce', 2, gradBytesEmbedding, input.pp, input.pp.scaleOut === false);
  }

  const computeS = m * computeMbS + compute.optimizerS;
  const tpExposedS = m * tpMbExposedS;
  const tpOverlapCostS = m * (tpOverlap?.costS ?? 0);
  const ppExposedS = m * ppMbExposedS + embeddingSyncS;
  const cpCommS = m * cpMbS;
  const epCommS = m * epMbS;
  const epExposedS = m * epMbS - epPaired * m * (epMbS - epMbExposedS);
  // The SMs NCCL holds while the hidden collectives run are taken from the compute they hide behind.
  const ncclShareS = ncclSmShareS(
    input.nccl,
    {
      tpS: tpOverlap ? 0 : m * (tpMbS - tpMbExposedS),
      ppS: m * (ppMbS - ppMbExposedS),
      dpS: Math.max(0, dpCommS - dpExposedS),
      epS: Math.max(0, epCommS - epExposedS),
      cpS: 0,
      tpIntra,
      ppIntra: input.pp.scaleOut === false,
      dpIntra: input.dp.scaleOut === false,
      epIntra: (input.ep ?? epPathFromDp(input.dp, layout)).scaleOut === false,
      cpIntra: (input.cp ?? input.dp).scaleOut === false,
    },
    layout,
  );
  const exposedCommS = tpExposedS + ppExposedS + dpExposedS + cpCommS + epExposedS + ncclShareS;
  const stepS = computeS + exposedCommS + bubbleS;

  const tpBytes = m * (tpMbBytes + regatherMbBytes);
  const ppBytes = m * ppMbBytes;
  const cpBytes = m * cpMbBytes;
  const epBytes = m * epMbBytes;
  const cpScaleOut = (input.cp ?? input.dp).scaleOut !== false;
  const scaleOut =
    (input.tp.scaleOut === true ? tpBytes : 0) + (input.pp.scaleOut !== false ? ppBytes : 0) + (input.dp.scaleOut !== false ? dpBytes : 0) + (cpScaleOut ? cpBytes : 0) + epBytes;
  const palm = useful + attentionPalm;
  const peakTotal = devices * input.peakFlopsPerDevice;
  return {
    stepS,
    computeS,
    compute,
    exposedCommS,
    bubbleS,
    tpCommS: m * tpMbS,
    ppCommS: m * ppMbS + embeddingSyncS,
    dpCommS,
    cpCommS,
    epCommS,
    epExposedS,
    ncclSmShareS: ncclShareS,
    tpExposedS,
    tpOverlapCostS,
    ppExposedS,
    embeddingSyncS,
    dpExposedS,
    microBatchS,
    usefulFlopPerStep: useful,
    palmFlopPerStep: palm,
    hardwareFlopPerStep: hardware,
    tokensPerStep: tokens,
    scaleOutBytesPerStepPerDevice: scaleOut,
    tpBytesPerStepPerDevice: tpBytes,
    ppBytesPerStepPerDevice: ppBytes,
    dpBytesPerStepPerDevice: dpBytes,
    cpBytesPerStepPerDevice: cpBytes,
    cpScaleOutBytesPerStepPerDevice: cpScaleOut ? cpBytes : 0,
    epBytesPerStepPerDevice: epBytes,
    usefulFlopPerS: useful / stepS,
    effectiveComputeRatio: useful / (stepS * peakTotal),
    palmMfu: palm / (stepS * peakTotal),
  };
}

/**
 * Exposed data-parallel synchronisation under the interleaved schedule (v model chunks per pipeline
 * rank), as Megatron-Core (`schedules.py`: `grad_sync_func` per model chunk once its last
 * micro-batch's backward is done, `param_sync_func` per chunk before its first forward) and NeMo's
 * Apex distributed Adam (`overlap_grad_sync`, `overlap_param_sync`) run it: the reduction does not
 * wait for the last micro-batch's backward of the whole rank but starts chunk by chunk. The first
 * stage's last group of backwards (the cool-down: pp micro-batches of each chunk, chunk v-1 first)
 * finishes chunk v-1-j's gradients at (j + 1) pp b / v, each chunk's buckets arriving during its
 * last backward (b / v); the network serves them at `overlap` of its rate while the rank computes,
 * and what is left when the backward ends is exposed (a fluid queue's backlog: max over s of what
 * arrived after s less what could be served after s). The next step's weights are gathered chunk by
 * chunk before the warm-up forwards need them (chunk c first at c pp f / v): exposed, the largest
 * shortfall. Waits inside the cool-down (the bubble) are not counted as overlap, so this errs slow.
 * With v = 1 it is the last backward's window (gradS - overlap b) as before.
 * gradS: the gradient reduction (all-reduce, or reduce-scatter when sharded); gatherS: the weight
 * all-gather (0 unless sharded); b, f: one micro-batch's backward and forward kernel time.
 */
export function chunkedDpExposedS(gradS: number, gatherS: number, overlap: number, pp: number, v: number, b: number, f: number): number {
  const chunks = Math.max(1, v);
  const stages = Math.max(1, pp);
  const end = stages * b;
  let backlog = 0;
  for (let j = 0; j < chunks; j++) {
    const ready = ((j + 1) * stages * b) / chunks;
    // From the start of chunk j's arrivals, and from its end.
    backlog = Math.max(backlog, ((chunks - j) * gradS) / chunks - overlap * (end - ready + b / chunks), ((chunks - 1 - j) * gradS) / chunks - overlap * (end - ready));
  }
  let stall = 0;
  for (let c = 0; c < chunks; c++) {
    const start = (c * stages * f) / chunks;
    stall = Math.max(stall, ((c + 1) * gatherS) / chunks - overlap * (start + f / chunks));
  }
  return backlog + stall;
}

/**
 * One micro-batch's tensor-parallel collectives under a comm-GEMM overlap (tp-overlap.ts): each of
 * a layer's all-gathers and reduce-scatters beside the GEMM that hides it, on the breakdown's GEMMs
 * (or, under one kernel efficiency, the GEMMs' FLOPs at it).
 */
function tpOverlapOf(mode: Exclude<TpOverlap, 'none'>, compute: ComputeBreakdown, input: StepTimeInput, actBytes: number, layers: number, fullRecompute: boolean, intra: boolean): { exposedS: number; costS: number } {
  const tp = Math.max(1, input.layout.tp);
  const mbTokens = actBytes / (input.shape.hiddenSize * input.shape.precisionBytes);
  const gemms = compute.tpOverlapGemms ?? uniformSiteGemms(mode, input.shape, tp, mbTokens, input.peakFlopsPerDevice * (input.kernelEfficiency ?? 1), DEFAULT_HEAD_DIM);
  return overlappedTpMicroBatch(gemms, ringS('all-gather', tp, actBytes, input.tp, intra), ringS('reduce-scatter', tp, actBytes, input.tp, intra), layers, fullRecompute);
}

/**
 * The kernel time when one efficiency stands for every kernel (a job's `efficiency` override):
 * hardware FLOPs = (8 with full recompute, else 6) P T plus the causal half of the PaLM attention
 * term (and per-op selective checkpointing's recomputed matmuls), at peak x efficiency, spread evenly over devices and micro-batches; no optimizer term.
 */
function uniformBreakdown(input: StepTimeInput, devices: number, useful: number, attentionPalm: number): ComputeBreakdown {
  const eff = input.kernelEfficiency;
  if (eff === undefined) throw new TypeError('stepTime: give compute (layer-compute.ts) or kernelEfficiency');
  const mode = recomputeOf(input.shape);
  const full = mode === 'full';
  const plain = useful + ATTENTION_HARDWARE_FRACTION * attentionPalm;
  // Per-op selective checkpointing: the recomputed matmuls' FLOPs (op-recompute.ts) on every token.
  const opFlop = mode === 'op' ? input.shape.layers * input.shape.globalBatchTokens * opRecomputedFlopPerToken(input.shape, input.layout.tp) : 0;
  const hardware = (full ? 4 / 3 : 1) * plain + opFlop;
  const m = Math.max(1, input.layout.microBatches);
  const microBatchS = hardware / devices / m / (input.peakFlopsPerDevice * eff);
  const recomputeS = full ? microBatchS / 4 : (microBatchS * opFlop) / hardware;
  return {
    microBatchS,
    averageStageMicroBatchS: microBatchS,
    backwardShare: full ? 3 / 4 : opFlop > 0 ? ((2 / 3) * plain + opFlop) / hardware : 2 / 3,
    gemmS: microBatchS,
    attentionS: 0,
    elementwiseS: 0,
    logitsS: 0,
    recomputeS,
    optimizerS: 0,
    criticalStageLayers: input.shape.layers / Math.max(1, input.layout.pp),
    hardwareFlopPerDevice: hardware / devices,
  };
}

/** The word embedding's parameters on one tensor rank of the first stage: vocab / tp x hidden. */
function wordEmbeddingPerRank(shape: TrainingShape, tp: number): number {
  return ((shape.vocab ?? DEFAULT_VOCAB) * shape.hiddenSize) / tp;
}

/**
 * A ring collective on `path`: inside a node (`intra`: the interconnect) as NCCL runs it there,
 * with its per-protocol base and per-step latencies (collectives.ts, intraNodeRingTimeS); across
 * nodes the alpha-beta ring with the path's per-step alpha.
 */
function ringS(op: RingCollective, ranks: number, bytes: number, path: CommPath, intra: boolean): number {
  if (intra) return intraNodeRingTimeS(op, ranks, bytes, path.bandwidthBytesPerS, path.latencyS);
  return op === 'all-reduce'
    ? allReduceTimeS(ranks, bytes, path.bandwidthBytesPerS, path.latencyS, path.treePassS)
    : op === 'all-gather'
      ? allGatherTimeS(ranks, bytes, path.bandwidthBytesPerS, path.latencyS)
      : reduceScatterTimeS(ranks, bytes, path.bandwidthBytesPerS, path.latencyS);
}

/**
 * The ZeRO-3 / FSDP (FULL_SHARD) collectives no compute can hide, per step. Each unit's weights are
 * gathered before its forward and its gradients reduce-scattered after its backward, the next
 * unit's gather running under the current unit's compute; the first gather of a forward has
 * nothing before it ("The 1st all-gather will not be able to overlap with anything", PyTorch's FSDP
 * notes, "FSDP Prefetch Nuances"), and the step's last reduce-scatter has nothing after it: FSDP's
 * post-backward callback waits for it before the optimizer step. FSDP wraps each transformer block
 * as a unit and leaves the word embedding (and output layer) to the root unit, gathered first and
 * reduce-scattered last (its gradient is complete only after the embedding's backward); one
 * communicator runs the collectives in issue order, so the first block's compute waits for the
 * root's gather and its own, and the optimizer for the first block's reduce-scatter and the root's.
 * So: every micro-batch's forward begins with the root's and one layer's gathers, and the step ends
 * with one layer's and the root's reduce-scatters (the model reduces once a step). A stage without
 * the embedding pays one layer's. The routed experts of the first layer are left out.
 */
function zero3EdgeS(held: StageParams, buckets: number, path: CommPath, dg: number, m: number, layerWeightBytes: number, embeddingBytes: number, gradBytes: number): number {
  const layer = Math.max(0, held.dense - held.embedding) / buckets;
  const gather = (params: number, weightBytes: number): number =>
    dataParallelSync(params, dg, path, 1, weightBytes, gradBytes, 3, 1).timeS - dataParallelSync(params, dg, path, 1, weightBytes, gradBytes, 3, 0).timeS;
  const reduce = (params: number): number => dataParallelSync(params, dg, path, 1, embeddingBytes, gradBytes, 3, 0).timeS;
  return m * (gather(held.embedding, embeddingBytes) + gather(layer, layerWeightBytes)) + reduce(held.embedding) + reduce(layer);
}

/**
 * Gradient synchronisation of `paramsPerRank` parameters over a group of `dg` ranks on `dpPath`,
 * one bucket per layer the rank holds: an all-reduce, or under ZeRO (stage >= 1) a weight
 * all-gather (`gathers` of them) and a gradient reduce-scatter, two-level when the path says how
 * many of the group's ranks share a node. Time per step and scale-out bytes per rank.
 */
function dataParallelSync(
  paramsPerRank: number,
  dg: number,
  dpPath: CommPath,
  buckets: number,
  bytes: number,
  gradBytes: number,
  zero: number,
  gathers: number,
): { timeS: number; bytes: number } {
  if (!(dg > 1) || !(paramsPerRank > 0)) return { timeS: 0, bytes: 0 };
  const h = dpPath.hierarchical;
  if (zero >= 1) {
    const wBucket = (paramsPerRank * bytes) / buckets;
    const gBucket = (paramsPerRank * gradBytes) / buckets;
    // Two-level when the group has k ranks per node: the intra-node phase on the full
    // buffer, the inter-node phase on 1/k of it; a ragged group runs flat on the network.
    const k = h ? Math.min(Math.max(1, Math.floor(h.devicesPerNode)), dg) : 1;
    if (h && k > 1 && dg % k === 0) {
      const nodes = dg / k;
      const intraS = gathers * intraNodeRingTimeS('all-gather', k, wBucket, h.intraBandwidthBytesPerS, h.intraLatencyS) + intraNodeRingTimeS('reduce-scatter', k, gBucket, h.intraBandwidthBytesPerS, h.intraLatencyS);
      const interS = gathers * allGatherTimeS(nodes, wBucket / k, dpPath.bandwidthBytesPerS, dpPath.latencyS) + reduceScatterTimeS(nodes, gBucket / k, dpPath.bandwidthBytesPerS, dpPath.latencyS);
      return { timeS: buckets * (intraS + interS), bytes: buckets * ((nodes - 1) / nodes) * ((gathers * wBucket + gBucket) / k) };
    }
    return {
      timeS: buckets * (gathers * ringS('all-gather', dg, wBucket, dpPath, dpPath.scaleOut === false) + ringS('reduce-scatter', dg, gBucket, dpPath, dpPath.scaleOut === false)),
      bytes: buckets * ((dg - 1) / dg) * (gathers * wBucket + gBucket),
    };
  }
  const gBucket = (paramsPerRank * gradBytes) / buckets;
  if (h) {
    const r = hierarchicalAllReduce(dg, gBucket, h.devicesPerNode, { bandwidthBytesPerS: h.intraBandwidthBytesPerS, latencyS: h.intraLatencyS }, dpPath);
    return { timeS: buckets * r.timeS, bytes: buckets * r.scaleOutBytesPerRank };
  }
  if (dpPath.scaleOut === false) return { timeS: buckets * ringS('all-reduce', dg, gBucket, dpPath, true), bytes: buckets * ((2 * (dg - 1)) / dg) * gBucket };
  return {
    timeS: buckets * allReduceTimeS(dg, gBucket, dpPath.bandwidthBytesPerS, dpPath.latencyS, dpPath.treePassS),
    bytes: buckets * allReduceBytesPerRank(dg, gBucket, dpPath.bandwidthBytesPerS, dpPath.latencyS, dpPath.treePassS),
  };
}

/**
 * The expert-parallel group's path when the caller gives none: the group is formed over the
 * stage's ranks, so it shares the data-parallel ranks' nodes (epRanksPerNode of them per node
 * when the data-parallel path is two-level: dp ranks per node x tp / etp, at most ep; all of them
 * when that path never leaves the node).
 */
export function epPathFromDp(dp: CommPath, layout: ParallelLayout): CommPath {
  const ep = epOf(layout);
  if (dp.scaleOut === false) return { ...dp, hierarchical: { devicesPerNode: ep, intraBandwidthBytesPerS: dp.bandwidthBytesPerS, intraLatencyS: dp.latencyS } };
  const h = dp.hierarchical;
  return h ? { ...dp, hierarchical: { ...h, devicesPerNode: epRanksPerNode(layout, h.devicesPerNode) } } : dp;
}

/**
 * One all-to-all in which every rank of a group of `ep` sends `volume` bytes spread evenly over
 * the group (1/ep stays with itself): the g - 1 peers on its node over the interconnect, the
 * ep - g others over its scale-out share, concurrently, so the slower part decides; latency once
 * (NCCL posts the sends together). g = path.hierarchical.devicesPerNode (1 without it).
 *
 * `perNode` (a token's `topK` copies, `volume` = tokens x topK x width): the dispatch DeepSeek-V3
 * describes (arXiv 2412.19437, section 3.2.2; DeepEP, HybridEP) sends each token once to every
 * other node that holds one of its experts, over the fabric, and fans it out there over the
 * interconnect. With balanced routing a token's k experts land on N(1 - (1 - 1/N)^k) of the
 * group's N = ep / g nodes (at most maxNodes under node-limited routing), (N - 1) / N of them
 * remote; the interconnect carries the copies for the node's other ranks, (g - 1) / g of them.
 */
export function allToAll(ep: number, volume: number, path: CommPath, perNode?: { topK: number; maxNodes?: number }): { timeS: number; scaleOutBytes: number } {
  if (!(ep > 1) || !(volume > 0)) return { timeS: 0, scaleOutBytes: 0 };
  const h = path.hierarchical;
  const g = Math.min(ep, Math.max(1, Math.floor(h?.devicesPerNode ?? 1)));
  let interBytes = (volume * (ep - g)) / ep;
  let intraBytes = (volume * (g - 1)) / ep;
  if (perNode && perNode.topK > 0) {
    const nodes = ep / g;
    const k = perNode.topK;
    const reached = Math.min(nodes * (1 - (1 - 1 / nodes) ** k), perNode.maxNodes ?? Infinity);
    interBytes = Math.min(interBytes, ((volume / k) * reached * (nodes - 1)) / nodes);
    intraBytes = (volume * (g - 1)) / g;
  }
  const interS = interBytes > 0 ? interBytes / path.bandwidthBytesPerS + path.latencyS : 0;
  const intraS = intraBytes > 0 && h ? intraBytes / h.intraBandwidthBytesPerS + h.intraLatencyS : 0;
  return { timeS: Math.max(interS, intraS), scaleOutBytes: path.scaleOut === false ? 0 : interBytes };
}

/**
 * Share of a pipeline rank's micro-batch chunks that run paired with another micro-batch's chunk
 * in the opposite direction, which is when a schedule that overlaps the expert-parallel
 * all-to-all can hide it: Megatron-Core's `combined_1f1b` merges one micro-batch's forward with
 * another's backward layer by layer ("EP A2A in forward step is hidden by the attention/mlp
 * computation in the backward step, and vice versa"; DeepSeek-V3's DualPipe likewise pairs a
 * forward and a backward chunk). The first stage's warm-up forwards and as many cool-down
 * backwards run alone: Megatron-Core's warm-up count (`schedules.py`: (pp - 1) x 2 + (v - 1) x pp
 * chunks with the interleaved schedule, pp - 1 micro-batches with 1F1B, none without stages) plus
 * the one extra forward it schedules before the 1F1B phase when the all-to-all is overlapped (with
 * one stage: the first forward alone, then each backward with the next forward, the last backward
 * alone; `combined_1f1b_schedule_for_no_pipelining`). 1 minus that count over the m v chunks.
 */
export function pairedChunkShare(pp: number, v: number, m: number): number {
  const stages = Math.max(1, pp);
  const chunks = Math.max(1, v);
  const total = Math.max(1, m) * chunks;
  const warmup = stages === 1 ? 0 : chunks === 1 ? stages - 1 : 2 * (stages - 1) + (chunks - 1) * stages;
  return 1 - Math.min(warmup + 1, total) / total;
}
