// The automatic layout of a training job that gives none: the fastest layout that fits, as a
// careful engineer would search it: tensor parallelism inside a node, then pipeline stages, then
// data parallelism over the rest, with ZeRO sharding, and context parallelism (long sequences),
// only where memory needs them. Each candidate is
// timed with the step-time model on nominal paths (the node's interconnect, the NICs' share of
// the fabric, no contention); the fastest that leaves memory headroom wins, else the fastest that
// fits at all. Deterministic: ties keep the earlier candidate (wider tensor groups, then fewer
// context-parallel ranks, then fewer stages, so more replicas; less sharding). The runner-up is kept
// too: a choice the model's own error could reverse is a near-tie (nearTieOf), which explain and a
// run's summary report.
import type { ComputeDevice } from './gemm.js';
import type { NodeGroup } from './cluster.js';
import type { DeviceKind, FabricPreset } from '../scenario/hardware-schema.js';
import { ContentMemo } from './content-memo.js';
import { computeBreakdown, computeDeviceOf, DEFAULT_COMPUTE_UNITS } from './layer-compute.js';
import { ncclSmsOf, type NcclSms } from './nccl-sm-share.js';
import { memoryPerDevice } from './memory.js';
import { recomputeOf } from './shape-defaults.js';
import { NEAR_TIE_SHARE } from './near-tie-share.js';
import { pipelineAcrossAndWithin, stepTime, type CommPath } from './step-time.js';
import { AUTO_LAYOUT_MEMORY_FRACTION, autoLayout, candidateLayout, divisorsUpTo, tpDividesHeads, tpSplitsSequence, type AutoLayout, type ParallelLayout, type TrainingShape } from './training-layout.js';

/** What the search needs to know about the kind and the fabric a job would run on. */
export interface LayoutEnv {
  readonly devicesPerNode: number;
  readonly memoryBytes: number;
  readonly peakFlops: number;
  /** The operator-level compute model's device; absent: every kernel at `efficiency`. */
  readonly device: ComputeDevice | undefined;
  readonly efficiency: number;
  readonly intra: CommPath;
  /** A rank's share of the scale-out fabric; absent for a pool of one node. */
  readonly scaleOut: CommPath | undefined;
  /** The kind's SMs and NCCL's CTA counts on its node (nccl-sm-share.ts); absent: the kind does not run NCCL. */
  readonly nccl?: NcclSms | undefined;
}

/**
 * Nominal paths of a layout's groups (Megatron rank order: tp fastest, then dp, then pp): a
 * data-parallel group inside one node uses the interconnect, one spread over nodes with several
 * ranks per node runs hierarchically; pipeline neighbours are in the same node only when a whole
 * replica is.
 */
export function nominalPaths(layout: ParallelLayout, env: Pick<LayoutEnv, 'devicesPerNode' | 'intra' | 'scaleOut'>): { tp: CommPath; pp: CommPath; dp: CommPath; cp?: CommPath } {
  const perNode = Math.max(1, env.devicesPerNode);
  const outer = env.scaleOut ?? env.intra;
  const cp = layout.cp ?? 1;
  // The ranks of one pipeline stage (tp fastest, then cp, then dp): the gradient group's span.
  const tpDp = layout.tp * cp * layout.dp;
  const dpRanksPerNode = Math.max(1, Math.floor(perNode / layout.tp));
  const dp: CommPath =
    tpDp <= perNode
      ? env.intra
      : dpRanksPerNode > 1
        ? { ...outer, hierarchical: { devicesPerNode: dpRanksPerNode, intraBandwidthBytesPerS: env.intra.bandwidthBytesPerS, intraLatencyS: env.intra.latencyS } }
        : outer;
  // Stages smaller than a node put consecutive stages on one node: those boundaries ride the interconnect.
  const pp: CommPath = tpDp * layout.pp <= perNode ? env.intra : tpDp < perNode ? pipelineAcrossAndWithin(outer, env.intra) : outer;
  if (cp === 1) return { tp: env.intra, pp, dp };
  return { tp: env.intra, pp, dp, cp: layout.tp * cp <= perNode ? env.intra : outer };
}

export interface SearchedLayout extends AutoLayout {
  /** Nominal step time of the chosen layout (s); NaN when nothing fits. */
  stepS: number;
  /**
   * The next fastest layout the search would have chosen instead (same rule: with memory headroom
   * when the chosen one has it, else among those that only fit) and its step (s); absent when the
   * chosen one was the only candidate.
   */
  runnerUp?: { readonly layout: ParallelLayout; readonly stepS: number };
  /**
   * Present when the shape left recomputation to poolsim (neither `recompute` nor the older flag)
   * and no layout fit at the default 'selective': the search raised it to 'full', as a careful
   * engineer would, and this layout is the fastest that fits there (shapeOfSearch gives the shape it runs).
   */
  recomputeRaised?: RecomputeRaise;
}

/** Why an automatic layout runs full recomputation the shape did not ask for. */
export interface RecomputeRaise {
  /** The leanest layout the search tried at selective recomputation, and what it needs per device (bytes). */
  readonly leanest: ParallelLayout;
  readonly selectiveBytes: number;
  /** The device's memory (bytes). */
  readonly memoryBytes: number;
}

/** Whether the shape states no recomputation (neither `recompute` nor activationRecompute): poolsim may choose it. */
export function recomputeUnstated(shape: TrainingShape): boolean {
  return shape.recompute === undefined && !shape.activationRecompute;
}

/** The shape a searched layout runs: with full recomputation when the search raised it. */
export function shapeOfSearch(shape: TrainingShape, searched: Pick<SearchedLayout, 'recomputeRaised'> | undefined): TrainingShape {
  return searched?.recomputeRaised ? { ...shape, activationRecompute: true, recompute: 'full' } : shape;
}

/** The sentence that says a search raised recomputation, and why. */
export function recomputeRaisedText(r: RecomputeRaise): string {
  const gib = (b: number): string => `${(b / 2 ** 30).toFixed(2)} GiB`;
  const l = r.leanest;
  const zero = l.zeroStage ?? (l.shardedDataParallel ? 2 : 0);
  const cell = `tp ${l.tp}${(l.cp ?? 1) > 1 ? ` x cp ${l.cp}` : ''} x pp ${l.pp} x dp ${l.dp}${zero > 0 ? ` zero ${zero}` : ''}`;
  return `recompute raised to 'full' (not stated): at the default 'selective' no layout fits, the leanest (${cell}) needs ${gib(r.selectiveBytes)} per device of the ${gib(r.memoryBytes)}; give \`recompute\` to choose`;
}

export { NEAR_TIE_SHARE };

/** A near-tie of an automatic layout: the runner-up and how much slower the search timed it. */
export interface LayoutNearTie {
  readonly runnerUp: ParallelLayout;
  /** The chosen layout's and the runner-up's step as the search timed them (s). */
  readonly chosenStepS: number;
  readonly runnerUpStepS: number;
  /** (runnerUpStepS - chosenStepS) / chosenStepS, in [0, NEAR_TIE_SHARE]. */
  readonly margin: number;
}

/** The near-tie of a searched layout: its runner-up when within NEAR_TIE_SHARE of its step, else undefined. */
export function nearTieOf(l: Pick<SearchedLayout, 'stepS' | 'runnerUp'>): LayoutNearTie | undefined {
  const r = l.runnerUp;
  if (!r || !(l.stepS > 0) || !Number.isFinite(l.stepS) || !Number.isFinite(r.stepS)) return undefined;
  const margin = (r.stepS - l.stepS) / l.stepS;
  return margin <= NEAR_TIE_SHARE ? { runnerUp: r.layout, chosenStepS: l.stepS, runnerUpStepS: r.stepS, margin: Math.max(0, margin) } : undefined;
}

/**
 * The fastest layout of `devices` that fits (see the file comment); autoLayout's leanest when none
 * does. Context parallelism (every sequence split over cp ranks, the activations with it) is tried
 * only when no layout without it leaves memory headroom, as sharding only where memory needs it:
 * a job that fits comfortably keeps the layout it had.
 */
export function fastestLayout(devices: number, shape: TrainingShape, env: LayoutEnv): SearchedLayout {
  return searches.call(devices, shape, env);
}

/**
 * fastestLayout's answers by the content of its arguments: it is pure, and a run asks it the same
 * questions from the loader's checks, the arrival fitter and the shape memo, each with shapes and
 * environments of its own (scale-100k: 464 searches, 169 different).
 */
const searches = new ContentMemo(searchOnNominalPaths);

function searchOnNominalPaths(devices: number, shape: TrainingShape, env: LayoutEnv): SearchedLayout {
  return fastestLayoutBy(devices, shape, env, (layout, at) =>
    stepTime({
      shape: at,
      layout,
      peakFlopsPerDevice: env.peakFlops,
      ...(env.device ? { compute: computeBreakdown(at, layout, env.device) } : { kernelEfficiency: env.efficiency }),
      ...nominalPaths(layout, env),
      ...(env.nccl ? { nccl: env.nccl } : {}),
    }).stepS,
  );
}

/**
 * fastestLayout with each candidate timed by `stepSOf` (given the shape it runs: with full
 * recomputation where the search raised it) instead of on nominal paths: the same
 * candidates, memory rules and ties, for a job whose placement is known (a job across data
 * centres, whose rings or pipeline cross the long-haul links: timed on nominal paths, a 13B job on
 * two sites joined by 25 Gb/s took dp 64 at 18.2 s a step where tp 4 x pp 2 x dp 8 takes 5.2 s).
 */
export function fastestLayoutBy(devices: number, shape: TrainingShape, env: LayoutEnv, stepSOf: (layout: ParallelLayout, shape: TrainingShape) => number): SearchedLayout {
  const leanest: Leanest = { layout: undefined, bytes: Infinity };
  const found = fastestLayoutAt(devices, shape, env, stepSOf, leanest);
  // Nothing fits at the default recomputation the shape left to poolsim: full recomputation, as a
  // careful engineer would turn it on (a 70B on 16 H100s needed 79.77 GiB of 79.6 at selective).
  if (found.fits || !recomputeUnstated(shape) || !leanest.layout) return found;
  const full = fastestLayoutAt(devices, { ...shape, activationRecompute: true, recompute: 'full' }, env, stepSOf, { layout: undefined, bytes: Infinity });
  return full.fits ? { ...full, recomputeRaised: { leanest: leanest.layout, selectiveBytes: leanest.bytes, memoryBytes: env.memoryBytes } } : found;
}

/** The candidate of least memory per device a search tried (filled in by searchLayouts). */
interface Leanest {
  layout: ParallelLayout | undefined;
  bytes: number;
}

function fastestLayoutAt(devices: number, shape: TrainingShape, env: LayoutEnv, stepSOf: (layout: ParallelLayout, shape: TrainingShape) => number, leanest: Leanest): SearchedLayout {
  const perNode = Math.max(1, Math.floor(env.devicesPerNode));
  const plain = searchLayouts(devices, shape, env, (tp) => (tpSplitsSequence(shape, tp) ? [1] : []), stepSOf, leanest);
  if (plain.roomy[0]) return withRunnerUp(plain.roomy[0], plain.roomy[1]);
  // Load-balanced causal context parallelism splits a sequence into 2 x cp equal chunks.
  // Not under per-op selective checkpointing, which the model does not describe with CP (op-recompute.ts).
  const cps = (tp: number): number[] => (recomputeOf(shape) === 'op' ? [] : divisorsUpTo(devices / tp, MAX_AUTO_CP).filter((c) => c > 1 && shape.seqLen % (2 * c) === 0 && tpSplitsSequence(shape, tp, c)));
  const split = searchLayouts(devices, shape, env, cps, stepSOf, leanest);
  if (split.roomy[0]) return withRunnerUp(split.roomy[0], split.roomy[1]);
  // The tight candidates of both searches, the plain ones first (stable sort: ties keep them).
  const tights = [...plain.tight, ...split.tight].sort((x, y) => x.stepS - y.stepS);
  if (tights[0]) return withRunnerUp(tights[0], tights[1]);
  return { ...autoLayout(devices, perNode, shape, env.memoryBytes), stepS: Number.NaN };
}

/** `chosen` with `next`, the search's runner-up, when there is one. */
function withRunnerUp(chosen: SearchedLayout, next: SearchedLayout | undefined): SearchedLayout {
  if (!next) return chosen;
  const { fits: _fits, memory: _memory, stepS, runnerUp: _r, ...layout } = next;
  return { ...chosen, runnerUp: { layout, stepS } };
}

/**
 * The two fastest fitting layouts with context-parallel degrees `cpsOf(tp)`, fastest first: with
 * memory headroom (roomy) and without (tight). Ties keep the earlier candidate: the strict `<`
 * below is the whole tie-break, the loops' order (tp widest first, then cp, then pp, then ZeRO
 * stage, each smallest first) its rule.
 */
function searchLayouts(devices: number, shape: TrainingShape, env: LayoutEnv, cpsOf: (tp: number) => number[], stepSOf: (layout: ParallelLayout, shape: TrainingShape) => number, leanest: Leanest): { roomy: SearchedLayout[]; tight: SearchedLayout[] } {
  const perNode = Math.max(1, Math.floor(env.devicesPerNode));
  const sequences = shape.globalBatchTokens / shape.seqLen;
  const roomy: SearchedLayout[] = [];
  const tight: SearchedLayout[] = [];
  const tps = divisorsUpTo(devices, Math.min(8, perNode))
    .filter((t) => perNode % t === 0 && tpDividesHeads(shape, t))
    .reverse();
  // A replica takes at least one sequence of the batch: more replicas than sequences only when no
  // layout leaves fewer.
  const ppsOf = (tpCp: number): number[] => divisorsUpTo(devices / tpCp, Math.max(1, shape.layers));
  const wholeSequences = Math.round(sequences);
  const anyWhole = tps.some((tp) => cpsOf(tp).some((cp) => ppsOf(tp * cp).some((pp) => devices / (tp * cp * pp) <= wholeSequences)));
  for (const tp of tps) {
    for (const cp of cpsOf(tp)) {
      for (const pp of ppsOf(tp * cp)) {
        const dp = devices / (tp * cp * pp);
        if (anyWhole && dp > wholeSequences) continue;
        for (const zero of [0, 2, 3] as const) {
          if (zero > 0 && dp === 1) continue;
          const layout = candidateLayout(tp, cp, pp, dp, sequences, zero);
          const memory = memoryPerDevice(shape, layout);
          if (memory.totalBytes < leanest.bytes) {
            leanest.layout = layout;
            leanest.bytes = memory.totalBytes;
          }
          if (memory.totalBytes > env.memoryBytes) continue;
          const candidate: SearchedLayout = { ...layout, fits: true, memory, stepS: stepSOf(layout, shape) };
          keepTwoFastest(memory.totalBytes <= AUTO_LAYOUT_MEMORY_FRACTION * env.memoryBytes ? roomy : tight, candidate);
          // A fitting layout needs no more sharding.
          break;
        }
      }
    }
  }
  return { roomy, tight };
}

/** `two` (at most two layouts, fastest first; an earlier one first on a tie) with `c` in its place. */
function keepTwoFastest(two: SearchedLayout[], c: SearchedLayout): void {
  if (!two[0] || c.stepS < two[0].stepS) {
    two.unshift(c);
    two.length = Math.min(two.length, 2);
  } else if (!two[1] || c.stepS < two[1].stepS) two[1] = c;
}

/** The search environment of a device kind in a pool: its largest node, that node's NICs and fabric. */
export function layoutEnvOf(
  pool: { readonly kinds: readonly { readonly spec: DeviceKind; readonly fabric: FabricPreset }[]; readonly groups: readonly NodeGroup[]; readonly datacentres: readonly { readonly fabric: FabricPreset | undefined }[] },
  kindIndex: number,
  efficiencyOverride: number | undefined,
): LayoutEnv {
  const spec = pool.kinds[kindIndex]!.spec;
  let group: NodeGroup | undefined;
  for (const g of pool.groups) if (g.kind === kindIndex && (!group || g.devicesPerNode > group.devicesPerNode)) group = g;
  const perNode = group?.devicesPerNode ?? 1;
  const ic = spec.interconnect;
  const intra: CommPath = { bandwidthBytesPerS: ic.bandwidth * ic.efficiency, latencyS: ic.latency, scaleOut: false };
  // The fabric the run gives the node (network/topology.ts nodeFabricPreset): its site's, else the kind's usual one.
  const fabric = group ? (pool.datacentres[group.datacentre]?.fabric ?? pool.kinds[kindIndex]!.fabric) : undefined;
  const nicRate = group?.nicRateBytesPerS ?? fabric?.port_rate;
  const scaleOut: CommPath | undefined =
    group && fabric && nicRate !== undefined
      ? { bandwidthBytesPerS: (group.nicsPerNode * nicRate * fabric.efficiency) / perNode, latencyS: fabric.endpoint_latency + NOMINAL_HOPS * fabric.hop_latency }
      : undefined;
  return withEfficiency(
    {
      devicesPerNode: perNode,
      memoryBytes: spec.memory,
      peakFlops: spec.peak,
      device: computeDeviceOf(spec),
      efficiency: spec.efficiency,
      intra,
      scaleOut,
      nccl: ncclSmsOf(spec, group?.nicsPerNode ?? perNode, DEFAULT_COMPUTE_UNITS),
    },
    efficiencyOverride,
  );
}

/** `env` for a job with a kernel-efficiency override (every kernel at it, no operator-level model); `env` itself without one. */
export function withEfficiency(env: LayoutEnv, efficiencyOverride: number | undefined): LayoutEnv {
  return efficiencyOverride === undefined ? env : { ...env, device: undefined, efficiency: efficiencyOverride };
}

/** The widest context-parallel group the automatic layout tries (Llama 3 405B trained 128K-token sequences at cp 16). */
const MAX_AUTO_CP = 16;

/** Switch hops assumed between two nodes of a job on an idle three-tier Clos. */
export const NOMINAL_HOPS = 5;
