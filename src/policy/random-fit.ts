// Random fit, a baseline of the FGD paper (Weng et al., USENIX ATC'23, §6.1; the reference
// simulator's random_score.go gives every feasible node a random score): a node drawn uniformly
// from those of the allowed kinds that hold the task now (devices, or a GPU with room for the share,
// and its CPU and memory), from the placement's own seeded stream. Within the node, a share takes
// the GPU with the least room that holds it. A gang larger than any node goes to the tightest
// nodes (best-fit).
import { z } from 'zod';
import { candidateKinds } from './candidate-kinds.js';
import { hostFitPlacement, hostRoom } from './host-fit.js';
import type { ClusterView, JobView, Placement, PlacementHints, PlacementPolicy } from './types.js';

export const randomFit: PlacementPolicy<Record<string, never>> = {
  name: 'random-fit',
  description: "Random fit (FGD paper's baseline): a node drawn uniformly, from the policy's seeded stream, among those that hold the task now; a share takes the GPU with the least room on it. CPU and memory must fit.",
  params: z.strictObject({}),
  create: () => ({ place: (job, cluster, hints) => randomFitPlacement(job, cluster, hints) }),
};

export function randomFitPlacement(job: JobView, cluster: ClusterView, hints: PlacementHints): Placement | undefined {
  const share = job.milli < 1000;
  const want = share ? 1 : job.devices;
  const fits: { kind: number; node: number; device: number }[] = [];
  const free = cluster.deviceFreeMilli;
  for (const kind of candidateKinds(job, cluster)) {
    if (cluster.kindMaxPerNode[kind]! < want) continue;
    for (const node of cluster.nodesOfKind[kind]!) {
      if (!share && cluster.nodeFree[node]! < want) continue;
      if (!hostRoom(job, node, want, cluster)) continue;
      let device = -1;
      if (share) {
        const first = cluster.nodeFirstDevice[node]!;
        for (let d = first; d < first + cluster.nodeDevices[node]!; d++) if (free[d]! >= job.milli && (device === -1 || free[d]! < free[device]!)) device = d;
        if (device === -1) continue;
      }
      fits.push({ kind, node, device });
    }
  }
  if (fits.length === 0) return share ? undefined : hostFitPlacement(job, cluster, 'tightest');
  const f = fits[hints.random.int(fits.length)]!;
  return share ? { kind: f.kind, nodes: [f.node], counts: [1], device: f.device, milli: job.milli } : { kind: f.kind, nodes: [f.node], counts: [want] };
}
