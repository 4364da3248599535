// Heterogeneity-aware placement in the spirit of Gavel (Narayanan et al., OSDI 2020): among the
// job's allowed kinds, choose by its predicted throughput there, not by catalogue order.
//
// The rule: rank the allowed kinds by the job's predicted rate on an idle, compact placement of
// that kind (hints.predictRate). If the fastest kind can hold the gang now, place it there. If not,
// take the fastest kind that can, but only when its predicted rate is at least `min_speed_ratio` of
// the fastest kind's; otherwise wait for the fast kind. (A placer sees no queue, so it cannot
// estimate the wait W; starting now on a kind with speed ratio r wins when W > T (1/r - 1) for a
// run time T on the fast kind, and the ratio threshold stands in for that comparison.)
import { z } from 'zod';
import { placeOnKindBySpan } from './topology-aware.js';
import { allowedKinds } from './predict.js';
import type { ClusterView, JobView, Placement, PlacementHints, PlacementPolicy } from './types.js';
import { hostFitPlacement, needsHostFit } from './host-fit.js';

const paramsSchema = z.strictObject({
  min_speed_ratio: z
    .number()
    .gte(0)
    .lte(1)
    .default(0.3)
    .describe("start on a slower kind only when its predicted rate is at least this fraction of the fastest allowed kind's; 0 = always start if anything fits, 1 = always wait for the fastest"),
});

export const heterogeneityAware: PlacementPolicy<z.output<typeof paramsSchema>> = {
  name: 'heterogeneity-aware',
  description:
    "Gavel-style: the allowed kind with the highest predicted throughput for this job; when that kind is full, a slower kind that fits now only if its predicted rate is at least min_speed_ratio of the fastest's, else wait. Within a kind, topology-aware.",
  params: paramsSchema,
  create: (params) => ({
    place: (job, cluster, hints) => heterogeneityAwarePlacement(job, cluster, hints, params.min_speed_ratio),
    notes: (cluster) =>
      excludedKinds(cluster, params.min_speed_ratio).map(
        (e) =>
          `heterogeneity-aware excludes ${e.name} (${e.devices} devices): it runs compute-bound work at ${e.ratio.toFixed(3)} of ${e.fastestName}'s speed (peak x kernel efficiency), below min_speed_ratio ${params.min_speed_ratio}, so a job that may also use ${e.fastestName} waits for it rather than start on ${e.name}; only jobs restricted to slower kinds use it (jobs with a \`job_type\` are judged by their throughput row instead). Set min_speed_ratio to ${Math.floor(e.ratio * 1000) / 1000} or less to use it.`,
      ),
  }),
};

/** A device kind of the pool the policy leaves to jobs that cannot use the fastest kind. */
export interface ExcludedKind {
  readonly kind: number;
  readonly name: string;
  readonly devices: number;
  /** Its peak x kernel efficiency over the fastest kind's. */
  readonly ratio: number;
  readonly fastestName: string;
}

/**
 * Kinds of the pool whose compute-bound speed (peak x kernel efficiency, the rate of a job without a
 * network-bound step) is below `minSpeedRatio` of the fastest kind's: a job allowed on both never
 * starts on them. Communication can only narrow a job's ratio further for kinds with slower links,
 * so this is the policy's rule for the common case, said once instead of silently.
 */
export function excludedKinds(cluster: ClusterView, minSpeedRatio: number): ExcludedKind[] {
  const inPool = cluster.kinds.filter((k) => cluster.kindTotal[k.index]! > 0);
  const speed = (k: (typeof inPool)[number]): number => k.spec.peak * k.spec.efficiency;
  const fastest = inPool.reduce<(typeof inPool)[number] | undefined>((best, k) => (!best || speed(k) > speed(best) ? k : best), undefined);
  if (!fastest) return [];
  return inPool
    .filter((k) => k !== fastest && speed(k) < minSpeedRatio * speed(fastest))
    .map((k) => ({ kind: k.index, name: k.name, devices: cluster.kindTotal[k.index]!, ratio: speed(k) / speed(fastest), fastestName: fastest.name }));
}

export function heterogeneityAwarePlacement(job: JobView, cluster: ClusterView, hints: PlacementHints, minSpeedRatio: number): Placement | undefined {
  // Shares and host-resource requests: the same node order, through the host-aware route.
  if (needsHostFit(job, cluster)) return hostFitPlacement(job, cluster, 'first');
  let fastestRate = 0;
  let best: { p: Placement; rate: number } | undefined;
  for (const kind of allowedKinds(job, cluster)) {
    if (cluster.kindTotal[kind]! < job.devices) continue;
    const ideal = hints.predictRate(job, idlePlacement(job.devices, kind, cluster));
    fastestRate = Math.max(fastestRate, ideal);
    const now = placeOnKindBySpan(job.devices, kind, cluster);
    if (!now) continue;
    const rate = hints.predictRate(job, now.p);
    if (!best || rate > best.rate) best = { p: now.p, rate };
  }
  if (!best) return undefined;
  return best.rate >= minSpeedRatio * fastestRate ? best.p : undefined;
}

/** The compact placement the job would get on an idle kind: whole nodes in index order. */
export function idlePlacement(devices: number, kind: number, cluster: ClusterView): Placement {
  const nodes: number[] = [];
  const counts: number[] = [];
  let left = devices;
  for (const n of cluster.nodesOfKind[kind]!) {
    if (left === 0) break;
    const take = Math.min(left, cluster.nodeDevices[n]!);
    nodes.push(n);
    counts.push(take);
    left -= take;
  }
  return { kind, nodes, counts };
}
