// A training job's useful rate alone on an idle pool on each kind (finish-time fairness' T_id, the
// work of a job given as a duration, and the size estimate's run times): its step on the kind's
// first devices in the pool's node order (where first fit puts a job on an idle pool), on a network
// of its own carrying nothing else. One code for the run and for the estimate made before it, kept
// on the shape's entries (JobSteps.shapeRow): jobs of one shape work each rate out once.
import { Cluster, type ClusterShape } from '../cluster.js';
import { JobSteps, type ShapedJob, type StepJob } from '../job-steps.js';
import type { JobTemplate } from '../job.js';
import { aloneShares } from './idle-comm.js';
import { FlowNetwork } from './flow-network.js';
import { fastestOnPlacement, spansSites } from './placed-layout.js';
import { Topology, type InterDcLink } from './topology.js';

/** Devices of one kind on nodes, as a placement gives them. */
export interface KindPlacement {
  readonly kind: number;
  readonly nodes: number[];
  readonly counts: number[];
}

/**
 * The shape and layout a job runs on `placement`: the automatic layout re-chosen on a placement
 * across sites. The run passes its own (with the links down at the time); the default has every
 * link up.
 */
export type ShapedOn = (job: StepJob, placement: KindPlacement, shaped: ShapedJob) => ShapedJob;

/**
 * Whether the step model times a job (under `network: flow`): a training job with a model size,
 * unless its job type's measured throughput is its rate (a measured row wins over the model:
 * WorkloadScope.typed). The run's progress model and the size estimate ask the same question.
 */
export function stepModelTimes(params: number, kindRate: readonly number[] | undefined): boolean {
  return params > 0 && kindRate === undefined;
}

export class AloneRates {
  private network: FlowNetwork | undefined;
  private topo: Topology | undefined;

  constructor(
    private readonly cluster: Cluster,
    private readonly interDc: readonly InterDcLink[],
    readonly steps: JobSteps,
    private readonly shapedOn: ShapedOn = (job, placement, shaped) => this.onAllLinksUp(job, placement, shaped),
  ) {}

  /** The network alone runs are timed on (made at the first question: a pool of one-node jobs never builds it). */
  get aloneNetwork(): FlowNetwork {
    return (this.network ??= new FlowNetwork());
  }

  get aloneTopology(): Topology {
    return (this.topo ??= new Topology(this.cluster, this.aloneNetwork, this.interDc));
  }

  /** The job's rate alone on each kind of `kinds`, into `out` by position; NaN for a kind with too few devices. */
  rates(job: StepJob, kinds: readonly number[], out: Float64Array): void {
    const row = this.steps.shapeRow(job);
    for (let i = 0; i < kinds.length; i++) {
      const k = kinds[i]!;
      const shaped = row[k] ?? this.steps.shapeAndLayout(job, k);
      out[i] = shaped.aloneRate ?? this.rateOn(job, k, shaped);
    }
  }

  /** rates' figure for one kind, worked out and kept on the shape's entry. */
  private rateOn(job: StepJob, kindIndex: number, shaped: ShapedJob): number {
    const placement = firstDevicesOf(this.cluster, kindIndex, job.devices);
    if (!placement) return (shaped.aloneRate = Number.NaN);
    const on = this.shapedOn(job, placement, shaped);
    const a = aloneShares(this.cluster, this.aloneTopology, this.aloneNetwork, this.steps, job, placement, on);
    return (shaped.aloneRate = this.steps.fromShares(job, placement, on, a.figures, a.dpBw, a.ppBw).usefulFlopPerS);
  }

  private onAllLinksUp(job: StepJob, placement: KindPlacement, shaped: ShapedJob): ShapedJob {
    if (job.template?.layout !== undefined || !spansSites(this.cluster, placement.nodes)) return shaped;
    return fastestOnPlacement(this.cluster, this.aloneTopology, this.aloneNetwork, this.steps, job, placement, shaped);
  }
}

/** The first `devices` devices of `kind` in the pool's node order (first fit on an idle pool); undefined when it has fewer. */
export function firstDevicesOf(cluster: Cluster, kind: number, devices: number): KindPlacement | undefined {
  const nodes: number[] = [];
  const counts: number[] = [];
  let left = devices;
  for (const n of cluster.nodesOfKind[kind] ?? []) {
    if (left <= 0) break;
    const take = Math.min(left, cluster.nodeDevices[n]!);
    if (take <= 0) continue;
    nodes.push(n);
    counts.push(take);
    left -= take;
  }
  return left > 0 ? undefined : { kind, nodes, counts };
}

/**
 * The rates alone the size estimate reads before a run (model/alone-runtime.ts AloneRatesOf), for a
 * pool under `network: flow`: the run's own code on the pool's cluster, made at the first job the
 * step model times (a pool whose jobs have no model size builds nothing), every link up.
 */
export function poolAloneRates(shape: ClusterShape, interDc: readonly InterDcLink[]): (job: StepJob & { readonly template?: Pick<JobTemplate, 'kindRate'> | undefined }, kinds: readonly number[], out: Float64Array) => boolean {
  let alone: AloneRates | undefined;
  return (job, kinds, out) => {
    if (!stepModelTimes(job.params, job.template?.kindRate)) return false;
    if (!alone) {
      const cluster = new Cluster(shape);
      alone = new AloneRates(cluster, interDc, new JobSteps(cluster));
    }
    alone.rates(job, kinds, out);
    return true;
  };
}
