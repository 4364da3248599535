// The fill experiment of the FGD paper (Weng et al., USENIX ATC'23, §6.1 and figure 7): pods drawn
// from a workload arrive one by one on an empty cluster and never leave; each is placed at once by
// the placement policy or fails (it would never fit later either, since nothing leaves), until the
// GPUs the arrived pods asked for reach a target share of the cluster's GPUs. After each pod: the
// GPUs requested, allocated and fragmented (model/fragmentation.ts, against the workload's task
// classes). The curve of unallocated GPU share against requested share is how the paper compares
// placements: a policy that fragments less leaves fewer GPUs unallocated once the cluster is full.
import { RandomStream } from '../engine/random.js';
import { Cluster, WHOLE_DEVICE_MILLI } from '../model/cluster.js';
import { nodeFragmentation, taskClasses, type TaskClass } from '../model/fragmentation.js';
import type { JobTemplate } from '../model/job.js';
import type { ResolvedScenario } from '../model/load-scenario.js';
import { PolicyError, type Placement, type PlacementHints, type Placer } from '../policy/types.js';
import { claimPlacement, placementProblem } from './placement-check.js';
import { SimJob } from './sim-job.js';

export interface FillSpec {
  /** Stop once the arrived pods' GPU requests reach this share of the cluster's GPUs (1.3 = 130%). */
  readonly until: number;
  /** 'with-replacement': pods drawn uniformly from the workload (seeded); 'in-order': the workload's order, once through. */
  readonly sample: 'with-replacement' | 'in-order';
}

/** One row of fill.csv: the state after one pod's arrival. */
export interface FillRow {
  placement: string;
  seed: number;
  pod: number;
  pod_name: string;
  /** The pod's request in GPUs (devices x share). */
  pod_gpus: number;
  placed: boolean;
  /** GPUs asked for by every pod so far, placed or not, and as a share of the cluster's GPUs. */
  requested_gpus: number;
  requested_share: number;
  allocated_gpus: number;
  unallocated_share: number;
  /** Free GPU the workload's task classes cannot use (FGD §3), in GPUs and as a share of all GPUs. */
  fragmented_gpus: number;
  fragmented_share: number;
  failed_pods: number;
}

export const FILL_COLUMNS: readonly (keyof FillRow)[] = [
  'placement',
  'seed',
  'pod',
  'pod_name',
  'pod_gpus',
  'placed',
  'requested_gpus',
  'requested_share',
  'allocated_gpus',
  'unallocated_share',
  'fragmented_gpus',
  'fragmented_share',
  'failed_pods',
];

/** One fill's outcome (a row of fill-summary.csv). */
export interface FillSummary {
  placement: string;
  seed: number;
  pods: number;
  failed_pods: number;
  cluster_gpus: number;
  requested_share: number;
  /** Share of the cluster's GPUs left unallocated at the end of the fill. */
  gpu_unallocated_fraction: number;
  /** Mean over the pods' arrivals of the fragmented share of the cluster's GPUs. */
  gpu_fragmentation_mean: number;
  gpu_fragmentation_end: number;
}

export const FILL_SUMMARY_COLUMNS: readonly (keyof FillSummary)[] = [
  'placement',
  'seed',
  'pods',
  'failed_pods',
  'cluster_gpus',
  'requested_share',
  'gpu_unallocated_fraction',
  'gpu_fragmentation_mean',
  'gpu_fragmentation_end',
];

/** The pods a fill draws from: the scenario's jobs that ask for GPUs. */
export function fillPods(resolved: Pick<ResolvedScenario, 'jobs'>): JobTemplate[] {
  return resolved.jobs.filter((t) => t.devices > 0 && (t.milli ?? WHOLE_DEVICE_MILLI) > 0);
}

/**
 * Run one fill of `resolved`'s pool with `placer` (named `placementName`), drawing with the seed's
 * 'fill' stream. `onRow` hears every pod's row. A placement the policy returns is checked like any
 * other; a broken one is a PolicyError, not a silently wrong curve.
 */
export function runFill(resolved: ResolvedScenario, placer: Placer, placementName: string, seed: number, spec: FillSpec, onRow?: (row: FillRow) => void): FillSummary {
  const steps = fillSteps(resolved, placer, placementName, seed, spec, onRow);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * runFill one pod at a time: the generator pauses after each pod's row and returns the summary.
 * A caller on the main thread (`poolsim fill`) lets the event loop run between pods, so that
 * Ctrl-C is heard during a long fill; the rows and the summary are runFill's exactly.
 */
export function* fillSteps(resolved: ResolvedScenario, placer: Placer, placementName: string, seed: number, spec: FillSpec, onRow?: (row: FillRow) => void): Generator<void, FillSummary, void> {
  const cluster = new Cluster(resolved.shape);
  const pods = fillPods(resolved);
  const clusterGpus = cluster.deviceCount;
  const classes: TaskClass[] = taskClasses(
    resolved.jobs.map((t) => ({ devices: t.devices, milli: t.milli ?? WHOLE_DEVICE_MILLI, cpuMilli: t.cpuMilli ?? 0, memoryMiB: t.memoryMiB ?? 0, allowedKinds: t.allowedKinds })),
  );
  const draw = new RandomStream(seed, 'fill');
  let placementStream: RandomStream | undefined;
  const hints: PlacementHints = {
    nowS: 0,
    // No time passes in a fill: speed does not enter, so every placement predicts the same rate.
    predictRate: (job, placement) => job.devices * cluster.kinds[placement.kind]!.spec.peak,
    get random() {
      return (placementStream ??= new RandomStream(seed, `placement:${placementName}`));
    },
    targetWorkload: classes,
  };
  // Fragmentation per node, kept current: only the nodes a pod lands on change.
  const nodeFrag = new Float64Array(cluster.nodeCount);
  let fragmented = 0;
  for (let n = 0; n < cluster.nodeCount; n++) {
    nodeFrag[n] = nodeFragmentation(n, classes, cluster);
    fragmented += nodeFrag[n]!;
  }
  const target = spec.until * clusterGpus;
  let requested = 0;
  let allocatedMilli = 0;
  let failed = 0;
  let fragSum = 0;
  let count = 0;
  const held: number[] = [];
  while (requested < target && pods.length > 0) {
    if (spec.sample === 'in-order' && count >= pods.length) break;
    const template = spec.sample === 'in-order' ? pods[count]! : pods[draw.int(pods.length)]!;
    const job = new SimJob(count, template, 0);
    const gpusMilli = job.devices * job.milli;
    requested += gpusMilli / WHOLE_DEVICE_MILLI;
    let p: Placement | undefined;
    try {
      p = placer.place(job, cluster, hints);
    } catch (e) {
      if (e instanceof PolicyError) throw e;
      throw new PolicyError(placementName, job.name, 0, `threw: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (p) {
      const problem = placementProblem(cluster, job, p);
      if (problem !== undefined) throw new PolicyError(placementName, job.name, 0, problem);
      held.length = 0;
      claimPlacement(cluster, job, p, held);
      allocatedMilli += gpusMilli;
      for (const node of p.nodes) {
        const f = nodeFragmentation(node, classes, cluster);
        fragmented += f - nodeFrag[node]!;
        nodeFrag[node] = f;
      }
    } else failed++;
    count++;
    const fragShare = fragmented / clusterGpus;
    fragSum += fragShare;
    onRow?.({
      placement: placementName,
      seed,
      pod: count,
      pod_name: template.name,
      pod_gpus: gpusMilli / WHOLE_DEVICE_MILLI,
      placed: p !== undefined,
      requested_gpus: requested,
      requested_share: requested / clusterGpus,
      allocated_gpus: allocatedMilli / WHOLE_DEVICE_MILLI,
      unallocated_share: 1 - allocatedMilli / WHOLE_DEVICE_MILLI / clusterGpus,
      fragmented_gpus: fragmented,
      fragmented_share: fragShare,
      failed_pods: failed,
    });
    yield;
  }
  return {
    placement: placementName,
    seed,
    pods: count,
    failed_pods: failed,
    cluster_gpus: clusterGpus,
    requested_share: requested / clusterGpus,
    gpu_unallocated_fraction: 1 - allocatedMilli / WHOLE_DEVICE_MILLI / clusterGpus,
    gpu_fragmentation_mean: count > 0 ? fragSum / count : 0,
    gpu_fragmentation_end: fragmented / clusterGpus,
  };
}
