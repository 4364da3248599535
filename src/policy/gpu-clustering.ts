// GPU clustering, a baseline of the FGD paper (Weng et al., USENIX ATC'23, §6.1; the reference
// simulator's gpu_clustering_score.go): keep jobs with the same GPU request together. A job's class
// is 'share' (part of one GPU) or 'N-gpu' (N whole GPUs); each node knows the classes of the jobs it
// holds (Cluster.nodeAffinity). Among the nodes that hold the task now, on a 0-100 scale: a node
// holding only its class scores 75-100, one holding its class among others 50-75, an idle node
// 25-50, a node of other classes only 0-25; within a band, the more of the largest node's GPU
// capacity already in use, the higher. The highest wins, ties to the lowest node index (the
// Kubernetes scheduler draws among ties). Within a node, a share takes the GPU with the least room
// that holds it. CPU and memory must fit; a gang larger than any node goes to the tightest nodes.
import { z } from 'zod';
import { gpuAffinity } from '../model/cluster.js';
import { candidateKinds } from './candidate-kinds.js';
import { hostFitPlacement, hostRoom } from './host-fit.js';
import type { ClusterView, JobView, Placement, PlacementPolicy } from './types.js';

export const gpuClustering: PlacementPolicy<Record<string, never>> = {
  name: 'gpu-clustering',
  description:
    "GPU clustering (FGD paper's baseline): nodes holding only jobs of the task's GPU-request class (a share, or N whole GPUs) first, then nodes mixing it with others, then idle nodes, then nodes of other classes; fuller nodes first within each. CPU and memory must fit.",
  params: z.strictObject({}),
  create: () => ({ place: (job, cluster) => gpuClusteringPlacement(job, cluster), requestOnly: true }),
};

export function gpuClusteringPlacement(job: JobView, cluster: ClusterView): Placement | undefined {
  const share = job.milli < 1000;
  const want = share ? 1 : job.devices;
  const free = cluster.deviceFreeMilli;
  const affinity = gpuAffinity(job.devices, job.milli);
  let maxSpecMilli = 0;
  for (const kind of candidateKinds(job, cluster)) maxSpecMilli = Math.max(maxSpecMilli, 1000 * cluster.kindMaxPerNode[kind]!);
  let best: Placement | undefined;
  let bestScore = -Infinity;
  for (const kind of candidateKinds(job, cluster)) {
    if (cluster.kindMaxPerNode[kind]! < want) continue;
    for (const node of cluster.nodesOfKind[kind]!) {
      if (!share && cluster.nodeFree[node]! < want) continue;
      if (!hostRoom(job, node, want, cluster)) continue;
      const first = cluster.nodeFirstDevice[node]!;
      const size = cluster.nodeDevices[node]!;
      let device = -1;
      let left = 0;
      for (let d = first; d < first + size; d++) {
        left += free[d]!;
        if (share && free[d]! >= job.milli && (device === -1 || free[d]! < free[device]!)) device = d;
      }
      if (share && device === -1) continue;
      const classes = cluster.nodeAffinity[node]!;
      const band = classes.has(affinity) ? (classes.size === 1 ? 3 : 2) : classes.size === 0 ? 1 : 0;
      const score = 25 * band + (25 * (maxSpecMilli - left)) / maxSpecMilli;
      if (score > bestScore) {
        bestScore = score;
        best = share ? { kind, nodes: [node], counts: [1], device, milli: job.milli } : { kind, nodes: [node], counts: [want] };
      }
    }
  }
  if (best || share) return best;
  return hostFitPlacement(job, cluster, 'tightest');
}
