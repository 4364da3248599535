// GPU packing, a baseline of the FGD paper (Weng et al., USENIX ATC'23, §6.1; the reference
// simulator's gpu_packing_score.go): prefer, in this order, (1) a node where the task fits on GPUs
// already in use, (2) a partly used node, taking as few idle GPUs as possible, (3) an idle node, the
// smaller the better. Scores as the reference's on a 0-100 scale (1: 100 - free percent of the GPUs
// used / 10, at least 50; 2: 50 - idle GPUs taken, at least 33; 3: 33 - GPUs of the node, at least
// their count); the highest wins, ties to the lowest node index (the Kubernetes scheduler picks
// among ties at random). Within a node, the GPUs with the least room that hold the task. CPU and
// memory must fit; a gang larger than any node goes to the tightest nodes (best-fit).
import { z } from 'zod';
import { candidateKinds } from './candidate-kinds.js';
import { hostFitPlacement, hostRoom } from './host-fit.js';
import type { ClusterView, JobView, Placement, PlacementPolicy } from './types.js';

export const gpuPacking: PlacementPolicy<Record<string, never>> = {
  name: 'gpu-packing',
  description:
    "GPU packing (FGD paper's baseline): GPUs already shared first, then partly used nodes taking the fewest idle GPUs, then the smallest idle node; within a node the GPUs with the least room that hold the task. CPU and memory must fit.",
  params: z.strictObject({}),
  create: () => ({ place: (job, cluster) => gpuPackingPlacement(job, cluster), requestOnly: true }),
};

export function gpuPackingPlacement(job: JobView, cluster: ClusterView): Placement | undefined {
  const share = job.milli < 1000;
  const want = share ? 1 : job.devices;
  let best: Placement | undefined;
  let bestScore = -Infinity;
  const free = cluster.deviceFreeMilli;
  for (const kind of candidateKinds(job, cluster)) {
    if (cluster.kindMaxPerNode[kind]! < want) continue;
    for (const node of cluster.nodesOfKind[kind]!) {
      if (!share && cluster.nodeFree[node]! < want) continue;
      if (!hostRoom(job, node, want, cluster)) continue;
      const first = cluster.nodeFirstDevice[node]!;
      const size = cluster.nodeDevices[node]!;
      const devs: number[] = [];
      for (let d = first; d < first + size; d++) if (free[d]! >= job.milli) devs.push(d);
      if (devs.length < want) continue;
      devs.sort((a, b) => free[a]! - free[b]! || a - b); // least room first
      const use = devs.slice(0, want);
      const idleTaken = use.filter((d) => free[d] === 1000).length;
      let score: number;
      if (cluster.nodeFree[node] === size) score = Math.max(Math.trunc(100 / 3) - size, size);
      else if (idleTaken > 0) score = Math.max(50 - idleTaken, Math.trunc(100 / 3));
      else score = Math.max(100 - Math.trunc(use.reduce((s, d) => s + Math.trunc((free[d]! * 100) / 1000), 0) / 10), 50);
      if (score > bestScore) {
        bestScore = score;
        best = share ? { kind, nodes: [node], counts: [1], device: use[0]!, milli: job.milli } : { kind, nodes: [node], counts: [want] };
      }
    }
  }
  if (best || share) return best;
  return hostFitPlacement(job, cluster, 'tightest');
}
