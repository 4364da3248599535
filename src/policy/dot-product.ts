// Dot product, a baseline of the FGD paper (Weng et al., USENIX ATC'23, §6.1), after Tetris (Grandl et
// al., SIGCOMM 2014); the reference simulator's dot_product_score.go, normalised by the node: for
// every node (and, for a share, every GPU on it) that holds the task, the dot product of the node's
// free resources and the task's request, each dimension as a fraction of the node's capacity (CPU,
// memory when the pool has them, and GPU: the node's free GPU for whole devices, the GPU's free
// share for a share), divided by the dimensions. The reference scores 1 - that (the smaller the
// product, the higher the score), so the task goes where its request meets the least free room:
// resources are packed along every dimension at once. Ties to the lowest node (and GPU) index. A
// gang larger than any node goes to the tightest nodes (best-fit).
import { z } from 'zod';
import { hostShare } from '../model/host-resources.js';
import { candidateKinds } from './candidate-kinds.js';
import { hostFitPlacement, hostRoom } from './host-fit.js';
import type { ClusterView, JobView, Placement, PlacementPolicy } from './types.js';

export const dotProduct: PlacementPolicy<Record<string, never>> = {
  name: 'dot-product',
  description:
    "Dot product (FGD paper's baseline, after Tetris): the node (and GPU, for a share) where the task's request, dotted with the free CPU, memory and GPU as fractions of the node's, is smallest: resources packed along every dimension. CPU and memory must fit.",
  params: z.strictObject({}),
  create: () => ({ place: (job, cluster) => dotProductPlacement(job, cluster), requestOnly: true }),
};

export function dotProductPlacement(job: JobView, cluster: ClusterView): Placement | undefined {
  const share = job.milli < 1000;
  const want = share ? 1 : job.devices;
  const free = cluster.deviceFreeMilli;
  let best: Placement | undefined;
  let bestDot = Infinity;
  for (const kind of candidateKinds(job, cluster)) {
    if (cluster.kindMaxPerNode[kind]! < want) continue;
    for (const node of cluster.nodesOfKind[kind]!) {
      if (!share && cluster.nodeFree[node]! < want) continue;
      if (!hostRoom(job, node, want, cluster)) continue;
      // Host dimensions (when the pool tracks them): free and requested, as fractions of the node's.
      let hostDot = 0;
      let dims = 1;
      if (cluster.hostLimited) {
        const cpu = cluster.nodeCpuMilli[node]!;
        const mem = cluster.nodeMemoryMiB[node]!;
        if (cpu > 0 && Number.isFinite(cpu)) {
          hostDot += (cluster.nodeCpuFree[node]! / cpu) * (hostShare(job.cpuMilli, want, job.devices) / cpu);
          dims++;
        }
        if (mem > 0 && Number.isFinite(mem)) {
          hostDot += (cluster.nodeMemoryFree[node]! / mem) * (hostShare(job.memoryMiB, want, job.devices) / mem);
          dims++;
        }
      }
      const first = cluster.nodeFirstDevice[node]!;
      const size = cluster.nodeDevices[node]!;
      if (share) {
        for (let d = first; d < first + size; d++) {
          if (free[d]! < job.milli) continue;
          const dot = (hostDot + (free[d]! / 1000) * (job.milli / 1000)) / dims;
          if (dot < bestDot) {
            bestDot = dot;
            best = { kind, nodes: [node], counts: [1], device: d, milli: job.milli };
          }
        }
      } else {
        const dot = (hostDot + (cluster.nodeFree[node]! / size) * (want / size)) / dims;
        if (dot < bestDot) {
          bestDot = dot;
          best = { kind, nodes: [node], counts: [want] };
        }
      }
    }
  }
  if (best || share) return best;
  return hostFitPlacement(job, cluster, 'tightest');
}
