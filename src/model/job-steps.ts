// A training job's step time on a placement, from its shape, layout and kind and the figures of
// its placement on the network (shares of the links, latencies, ranks per node): the shape and
// layout resolved and their kernel time worked out once per workload entry, size, devices and
// kind, and step times kept per entry, so that a queue of similar jobs costs a lookup each. Pure:
// no network state; the network progress model (sim/network-progress.ts) supplies the shares.
import type { Cluster } from './cluster.js';
import type { JobTemplate } from './job.js';
import { pipelineAcrossAndWithin, stepTime, type CommPath, type StepTime } from './step-time.js';
import { computeBreakdown, computeDeviceOf, type ComputeBreakdown } from './layer-compute.js';
import { memoryPerDevice } from './memory.js';
import { epRanksPerNode } from './moe.js';
import { fastestLayout, layoutEnvOf, nearTieOf, shapeOfSearch, type LayoutNearTie } from './layout-search.js';
import type { NcclSms } from './nccl-sm-share.js';
import { layoutFromSpec, resolveShape, type ParallelLayout, type TrainingShape } from './training-layout.js';
import type { CommPlan, StepFigures } from './network/comm-plan.js';

/**
 * What a job's step time depends on besides its placement: its size, devices and kernel-efficiency
 * override, and, for a simulator's job, the shape and layout its template gives (a policy's view
 * of a job has no template: its shape and layout are those of its size).
 */
export interface StepJob {
  readonly devices: number;
  readonly params: number;
  readonly efficiency: number | undefined;
  readonly template?: Pick<JobTemplate, 'shape' | 'layout'> | undefined;
}

/** Where a job's step runs: its device kind and, first, the node its first ranks are on. */
export interface StepPlacement {
  readonly kind: number;
  readonly nodes: readonly number[];
}

/** A job's shape, layout and kernel time on one kind, with the step times worked out for them. */
export interface ShapedJob {
  readonly shape: TrainingShape;
  readonly layout: ParallelLayout;
  readonly compute: ComputeBreakdown | undefined;
  /** Memory per device of the layout (bytes). */
  readonly memoryBytes: number;
  /**
   * Step times already worked out for this shape and layout for jobs whose traffic stays on their
   * node, by kind (all JobSteps.fromShares hands stepTime then: it is pure): jobs of one shape that
   * start alone on a node cost a lookup instead of a step-time model each.
   */
  readonly steps: (StepTime | undefined)[];
  /** The same for jobs whose traffic leaves the node, by a hash of the figures (JobSteps.acrossNodes). */
  readonly acrossNodes: Map<number, SharedStep>;
  /**
   * By kind, the plan of a job of this shape and layout on one node: no flows, and figures that
   * follow from the layout and the step alone, so such jobs share one (frozen: nothing writes it).
   */
  readonly onePlans: (CommPlan | undefined)[];
  /** kernelBoundRate on this kind (NaN until asked). */
  maxRate: number;
  /**
   * The job's rate alone on an idle pool on this kind (NetworkProgressModel.aloneRates; undefined
   * until asked, NaN where the kind has too few devices). Present from the entry's making, as
   * layoutCell, so that every entry keeps one hidden class and the start path's reads of it stay
   * monomorphic.
   */
  aloneRate: number | undefined;
  /** The layout as jobs.csv's cell (layoutCell), made at the first question. */
  layoutCell: string | undefined;
  /** An automatic layout's near-tie (layout-search.ts nearTieOf): its runner-up within the model's error. */
  nearTie: LayoutNearTie | undefined;
}

/** shapeAndLayout's entries for one shape (entry, size, devices, efficiency), by kind index; undefined: not yet asked. */
export type ShapeRow = (ShapedJob | undefined)[];

/** The network figures of a job alone on one node (kernelBoundRate's step). */
const ONE_NODE_FIGURES = { dpLatencyS: 0, ppLatencyS: 0, dpTreePassS: 0, dpRanksPerNode: 1, tpAcrossNodes: false, ppWithinNode: false } as const;

/** A step time kept with the figures it was worked out from (ShapedJob.acrossNodes); `next` shares its hash. */
interface SharedStep {
  readonly kind: number;
  readonly dpBw: number;
  readonly ppBw: number;
  readonly dpLatencyS: number;
  readonly ppLatencyS: number;
  readonly dpTreePassS: number;
  readonly dpRanksPerNode: number;
  readonly tpAcrossNodes: boolean;
  readonly ppWithinNode: boolean;
  readonly cpIntra: boolean;
  readonly step: StepTime;
  readonly next: SharedStep | undefined;
}

export class JobSteps {
  /** shapeAndLayout's memo: by the entry's shape and layout objects, model size, efficiency override, then devices; a row by kind (shapeRow). */
  private readonly shaped = new Map<object | undefined, Map<object | undefined, Map<number, Map<number | undefined, Map<number, ShapeRow>>>>>();

  constructor(private readonly cluster: Cluster) {}

  /** By kind, its SMs and NCCL's CTA counts on its largest node (layoutEnvOf's; null: it runs no NCCL). */
  private readonly ncclByKind: (NcclSms | null)[] = [];

  private ncclOf(kindIndex: number): NcclSms | undefined {
    let n = this.ncclByKind[kindIndex];
    if (n === undefined) this.ncclByKind[kindIndex] = n = layoutEnvOf(this.cluster, kindIndex, undefined).nccl ?? null;
    return n ?? undefined;
  }

  /**
   * Useful work over the step's kernel time on the kind: above every step the job can have there
   * (NetworkProgressModel.maxRate). Kept on the shape's entry.
   */
  kernelBoundRate(job: StepJob, kindIndex: number, shaped = this.shapeAndLayout(job, kindIndex)): number {
    if (Number.isNaN(shaped.maxRate)) {
      // Any placement's step has this kernel time: one on a single node of the kind, no flows.
      const step = this.ofShares(job, { kind: kindIndex, nodes: [] }, shaped, ONE_NODE_FIGURES, Infinity, Infinity, true);
      shaped.maxRate = step.usefulFlopPerStep / step.computeS;
    }
    return shaped.maxRate;
  }

  /** `shaped` with another layout (a plan's nominal step for a layout being tried), its caches its own. */
  static withLayout(shaped: ShapedJob, layout: ParallelLayout): ShapedJob {
    if (layout === shaped.layout) return shaped;
    // Nothing derived from the other layout: its kernel bound, alone rate, jobs.csv cell and near-tie are its own.
    return { ...shaped, layout, steps: [], acrossNodes: new Map<number, SharedStep>(), onePlans: [], maxRate: Number.NaN, aloneRate: undefined, layoutCell: undefined, nearTie: undefined };
  }

  /**
   * A job's shape, layout and kernel time on a kind. Jobs of one workload entry share their shape
   * and layout objects, so this is remembered per (entry's objects, size, devices, kind,
   * efficiency override): predictions for a queue of similar jobs cost one lookup each.
   */
  shapeAndLayout(job: StepJob, kindIndex: number): ShapedJob {
    const row = this.shapeRow(job);
    return row[kindIndex] ?? (row[kindIndex] = this.newShaped(job, kindIndex, job.template));
  }

  /**
   * The entries shapeAndLayout keeps for a job's shape, by kind (undefined for a kind not yet
   * asked about): one lookup for a question about every kind (finish-time fairness' alone rates).
   */
  shapeRow(job: StepJob): ShapeRow {
    const t = job.template;
    if (t?.shape === undefined && t?.layout === undefined && job.efficiency === undefined) {
      // The common case (no shape, layout or efficiency given): by model size, then devices.
      let bySize = this.plainShaped.get(job.params);
      if (!bySize) this.plainShaped.set(job.params, (bySize = new Map()));
      let row = bySize.get(job.devices);
      if (!row) bySize.set(job.devices, (row = this.newRow()));
      return row;
    }
    // Nested maps rather than one key string: this runs at every start.
    let byLayout = this.shaped.get(t?.shape);
    if (!byLayout) this.shaped.set(t?.shape, (byLayout = new Map()));
    let byParams = byLayout.get(t?.layout);
    if (!byParams) byLayout.set(t?.layout, (byParams = new Map()));
    let byEfficiency = byParams.get(job.params);
    if (!byEfficiency) byParams.set(job.params, (byEfficiency = new Map()));
    let bySize = byEfficiency.get(job.efficiency);
    if (!bySize) byEfficiency.set(job.efficiency, (bySize = new Map()));
    let row = bySize.get(job.devices);
    if (!row) bySize.set(job.devices, (row = this.newRow()));
    return row;
  }

  /** A row of shapeAndLayout's memo: one slot per kind, none asked yet (packed, not holey). */
  private newRow(): ShapeRow {
    return new Array<ShapedJob | undefined>(this.cluster.kinds.length).fill(undefined);
  }

  /** shapeAndLayout's rows for jobs without a shape, layout or efficiency: by model size, then devices. */
  private readonly plainShaped = new Map<number, Map<number, ShapeRow>>();

  private newShaped(job: StepJob, kindIndex: number, t: StepJob['template']): ShapedJob {
    const given = resolveShape(job.params, t?.shape);
    const kind = this.cluster.kinds[kindIndex]!;
    // The loader (and submission, for generated jobs) checked that the layout fits this kind.
    const searched = t?.layout ? undefined : fastestLayout(job.devices, given, layoutEnvOf(this.cluster, kindIndex, job.efficiency));
    // With full recomputation where the search had to raise it (recompute not stated, nothing fit at selective).
    const shape = shapeOfSearch(given, searched);
    const layout = searched ?? layoutFromSpec(t!.layout!, shape);
    const nearTie = searched ? nearTieOf(searched) : undefined;
    const dev = job.efficiency === undefined ? computeDeviceOf(kind.spec) : undefined;
    return { shape, layout, compute: dev ? computeBreakdown(shape, layout, dev) : undefined, memoryBytes: memoryPerDevice(shape, layout).totalBytes, steps: [], acrossNodes: new Map(), onePlans: [], maxRate: Number.NaN, aloneRate: undefined, layoutCell: undefined, nearTie };
  }

  fromShares(job: StepJob, placement: StepPlacement, shaped: ShapedJob, plan: StepFigures, dpBw: number, ppBw: number): StepTime {
    const { layout } = shaped;
    const dpAcross = Number.isFinite(dpBw);
    const cpIntra = this.cpIntra(placement, layout, dpBw);
    // Everything below is decided by these (the shape, layout, kernel time and the job's
    // efficiency override are the ShapedJob's): a job on one node has only the kind.
    if (dpAcross || Number.isFinite(ppBw)) return this.acrossNodes(job, placement, shaped, plan, dpBw, ppBw, cpIntra);
    return (shaped.steps[placement.kind] ??= this.ofShares(job, placement, shaped, plan, dpBw, ppBw, cpIntra));
  }

  /**
   * fromShares for a job whose traffic leaves its node: kept by a hash of the figures, each
   * entry holding them to compare (numbers, no key string made per question: a running job asks
   * again at every change of its flows' shares).
   */
  private acrossNodes(job: StepJob, placement: StepPlacement, shaped: ShapedJob, plan: StepFigures, dpBw: number, ppBw: number, cpIntra: boolean): StepTime {
    const { kind } = placement;
    const { dpLatencyS, ppLatencyS, dpTreePassS, dpRanksPerNode, tpAcrossNodes, ppWithinNode } = plan;
    let h = mixHash(kind * 8 + (ppWithinNode ? 4 : 0) + (tpAcrossNodes ? 2 : 0) + (cpIntra ? 1 : 0), dpRanksPerNode);
    h = mixHash(mixHash(mixHash(mixHash(mixHash(h, dpBw), ppBw), dpLatencyS), ppLatencyS), dpTreePassS);
    const cache = shaped.acrossNodes;
    const head = cache.get(h);
    for (let e = head; e !== undefined; e = e.next) {
      if (e.dpBw === dpBw && e.ppBw === ppBw && e.dpLatencyS === dpLatencyS && e.ppLatencyS === ppLatencyS && e.dpTreePassS === dpTreePassS && e.kind === kind && e.dpRanksPerNode === dpRanksPerNode && e.tpAcrossNodes === tpAcrossNodes && e.ppWithinNode === ppWithinNode && e.cpIntra === cpIntra) return e.step;
    }
    const step = this.ofShares(job, placement, shaped, plan, dpBw, ppBw, cpIntra);
    // Bounded: shares under contention take many values; a miss only costs the model again.
    if (cache.size >= STEP_CACHE_LIMIT) cache.clear();
    cache.set(h, { kind, dpBw, ppBw, dpLatencyS, ppLatencyS, dpTreePassS, dpRanksPerNode, tpAcrossNodes, ppWithinNode, cpIntra, step, next: cache.get(h) });
    return step;
  }

  /** Whether a context-parallel group runs inside one node: it fits in the first node, or nothing leaves the node. */
  private cpIntra(placement: StepPlacement, layout: ParallelLayout, dpBw: number): boolean {
    return layout.tp * (layout.cp ?? 1) <= this.cluster.nodeDevices[placement.nodes[0]!]! || !Number.isFinite(dpBw);
  }

  /**
   * The paths a step's collectives take on a placement with these figures and shares (fromShares'
   * step is timed on them): the kind's interconnect inside a node, the shares of the links across
   * nodes. What `explain` prints.
   */
  paths(placement: StepPlacement, layout: ParallelLayout, plan: StepFigures, dpBw: number, ppBw: number): { tp: CommPath; pp: CommPath; dp: CommPath; cp: CommPath; ep: CommPath } {
    return this.pathsOf(placement.kind, layout, plan, dpBw, ppBw, this.cpIntra(placement, layout, dpBw));
  }

  private pathsOf(kindIndex: number, layout: ParallelLayout, plan: StepFigures, dpBw: number, ppBw: number, cpIntra: boolean): { tp: CommPath; pp: CommPath; dp: CommPath; cp: CommPath; ep: CommPath } {
    const kind = this.cluster.kinds[kindIndex]!.spec;
    const ic = kind.interconnect;
    const intraBw = ic.bandwidth * ic.efficiency;
    const intra: CommPath = { bandwidthBytesPerS: intraBw, latencyS: ic.latency, scaleOut: false };
    const dpAcross = Number.isFinite(dpBw);
    const dpPath: CommPath = dpAcross
      ? {
          bandwidthBytesPerS: dpBw,
          latencyS: plan.dpLatencyS,
          treePassS: plan.dpTreePassS,
          ...(plan.dpRanksPerNode > 1 ? { hierarchical: { devicesPerNode: plan.dpRanksPerNode, intraBandwidthBytesPerS: intraBw, intraLatencyS: ic.latency } } : {}),
        }
      : intra;
    // Across nodes the pipeline's pace is its slowest boundary's: a boundary inside a node rides
    // the interconnect, which on PCIe-only nodes is slower than the fabric.
    const ppPath: CommPath = !Number.isFinite(ppBw)
      ? intra
      : plan.ppWithinNode
        ? pipelineAcrossAndWithin({ bandwidthBytesPerS: ppBw, latencyS: plan.ppLatencyS }, intra)
        : { bandwidthBytesPerS: ppBw, latencyS: plan.ppLatencyS };
    const tpPath: CommPath = plan.tpAcrossNodes && dpAcross ? { bandwidthBytesPerS: dpBw, latencyS: plan.dpLatencyS, scaleOut: true } : intra;
    // A context-parallel group inside one node runs on the interconnect; else on the stage's ring.
    const cpPath: CommPath = cpIntra ? intra : { bandwidthBytesPerS: dpBw, latencyS: plan.dpLatencyS };
    // An expert-parallel group is formed over the stage's ranks (expert tensor groups innermost):
    // those sharing a node exchange tokens over the interconnect, the rest over the stage's ring.
    const ep = layout.ep ?? 1;
    const epPath: CommPath = dpAcross
      ? { bandwidthBytesPerS: dpBw, latencyS: plan.dpLatencyS, hierarchical: { devicesPerNode: epRanksPerNode(layout, plan.dpRanksPerNode), intraBandwidthBytesPerS: intraBw, intraLatencyS: ic.latency } }
      : { ...intra, hierarchical: { devicesPerNode: ep, intraBandwidthBytesPerS: intraBw, intraLatencyS: ic.latency } };
    return { tp: tpPath, pp: ppPath, dp: dpPath, cp: cpPath, ep: epPath };
  }

  private ofShares(job: StepJob, placement: StepPlacement, { shape, layout, compute }: ShapedJob, plan: StepFigures, dpBw: number, ppBw: number, cpIntra: boolean): StepTime {
    const kind = this.cluster.kinds[placement.kind]!.spec;
    const { tp: tpPath, pp: ppPath, dp: dpPath, cp: cpPath, ep: epPath } = this.pathsOf(placement.kind, layout, plan, dpBw, ppBw, cpIntra);
    const cp = layout.cp ?? 1;
    const ep = layout.ep ?? 1;
    const nccl = this.ncclOf(placement.kind);
    return stepTime({
      shape,
      layout,
      peakFlopsPerDevice: kind.peak,
      ...(compute ? { compute } : { kernelEfficiency: job.efficiency ?? kind.efficiency }),
      tp: tpPath,
      pp: ppPath,
      dp: dpPath,
      ...(cp > 1 ? { cp: cpPath } : {}),
      ...(ep > 1 ? { ep: epPath } : {}),
      ...(nccl ? { nccl } : {}),
    });
  }
}

/** Step times kept per shape before the cache starts afresh. */
const STEP_CACHE_LIMIT = 1024;

const hashF64 = new Float64Array(1);
const hashI32 = new Int32Array(hashF64.buffer);

/** A 32-bit hash of `h` and the bits of the double `x`. */
function mixHash(h: number, x: number): number {
  hashF64[0] = x;
  h = Math.imul(h ^ hashI32[0]!, 0x9e3779b1);
  h = Math.imul(h ^ hashI32[1]!, 0x85ebca6b);
  return h ^ (h >>> 15);
}
