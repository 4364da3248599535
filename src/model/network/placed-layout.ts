// The automatic layout of a training job whose placement spans data centres: the fastest layout
// that fits, each candidate timed alone on that placement (its rings and pipeline on the sites'
// fabrics and the long-haul links between them, idle shares as a run gives them), not on the
// nominal paths of one site. The run (sim/network-progress.ts) and `explain` choose through it, so
// both print the same layout and step.
import type { Cluster } from '../cluster.js';
import { computeBreakdown, computeDeviceOf } from '../layer-compute.js';
import { JobSteps, type ShapedJob, type StepJob } from '../job-steps.js';
import { fastestLayoutBy, layoutEnvOf, nearTieOf } from '../layout-search.js';
import { memoryPerDevice } from '../memory.js';
import { layoutCell, type ParallelLayout } from '../training-layout.js';
import type { FlowNetwork } from './flow-network.js';
import { aloneShares } from './idle-comm.js';
import type { Topology } from './topology.js';

/** Whether a placement's nodes lie in more than one data centre. */
export function spansSites(cluster: Cluster, nodes: readonly number[]): boolean {
  const dc = cluster.nodeDatacentre;
  for (let i = 1; i < nodes.length; i++) if (dc[nodes[i]!] !== dc[nodes[0]!]) return true;
  return false;
}

/**
 * `shaped` (a job's automatic layout, chosen on nominal paths) with the layout that is fastest on
 * `placement` instead: `shaped` itself when that is its own. `topology` is built on `network`,
 * which carries no other flow (aloneShares).
 */
export function fastestOnPlacement(
  cluster: Cluster,
  topology: Topology,
  network: FlowNetwork,
  steps: JobSteps,
  job: StepJob,
  placement: { readonly kind: number; readonly nodes: readonly number[]; readonly counts: readonly number[] },
  shaped: ShapedJob,
): ShapedJob {
  const env = layoutEnvOf(cluster, placement.kind, job.efficiency);
  const dev = job.efficiency === undefined ? computeDeviceOf(cluster.kinds[placement.kind]!.spec) : undefined;
  const stepSOf = (l: ParallelLayout): number => {
    const on = withLayoutAndKernels(shaped, l, dev);
    const alone = aloneShares(cluster, topology, network, steps, job, placement, on);
    return steps.fromShares(job, placement, on, alone.figures, alone.dpBw, alone.ppBw).stepS;
  };
  const best = fastestLayoutBy(job.devices, shaped.shape, env, stepSOf);
  // Nothing fits (the loader refused such a job).
  if (Number.isNaN(best.stepS)) return shaped;
  const { fits: _fits, memory: _memory, stepS: _stepS, runnerUp: _runnerUp, ...layout } = best;
  const nominalS = stepSOf(shaped.layout);
  if (!(best.stepS < nominalS)) {
    // The nominal choice is already the fastest here: its near-tie is the one on this placement
    // (the search's best itself when that is another layout as fast).
    const tie = layoutCell(layout) === layoutCell(shaped.layout) ? nearTieOf(best) : nearTieOf({ stepS: nominalS, runnerUp: { layout, stepS: best.stepS } });
    return tie === shaped.nearTie ? shaped : { ...shaped, nearTie: tie };
  }
  return { ...withLayoutAndKernels(shaped, layout, dev), nearTie: nearTieOf(best) };
}

/**
 * Useful work over kernel time, the most of any layout fastestOnPlacement may choose for the job
 * on the kind (its candidates: the search's, each timed for its kernel bound): above every rate
 * the job can have on any placement, across sites included (ProgressModel.maxRate's contract).
 */
export function kernelBoundOverLayouts(cluster: Cluster, steps: JobSteps, job: StepJob, kind: number, shaped: ShapedJob): number {
  const env = layoutEnvOf(cluster, kind, job.efficiency);
  const dev = job.efficiency === undefined ? computeDeviceOf(cluster.kinds[kind]!.spec) : undefined;
  let bound = steps.kernelBoundRate(job, kind, shaped);
  fastestLayoutBy(job.devices, shaped.shape, env, (l) => {
    bound = Math.max(bound, steps.kernelBoundRate(job, kind, withLayoutAndKernels(shaped, l, dev)));
    return 0;
  });
  return bound;
}

/** `shaped` with layout `l` and its kernel time (another micro-batch size changes the GEMMs' shapes), its caches its own. */
export function withLayoutAndKernels(shaped: ShapedJob, l: ParallelLayout, dev: ReturnType<typeof computeDeviceOf> | undefined): ShapedJob {
  if (l === shaped.layout) return shaped;
  return { ...JobSteps.withLayout(shaped, l), compute: dev ? computeBreakdown(shaped.shape, l, dev) : undefined, memoryBytes: memoryPerDevice(shaped.shape, l).totalBytes };
}
