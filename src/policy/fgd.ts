// Fragmentation Gradient Descent (Weng et al., USENIX ATC'23, §4, Algorithm 1): place each task on
// the node, and for a GPU share on the GPU, that increases the cluster's GPU fragmentation the least,
// fragmentation being measured against the target workload (model/fragmentation.ts). The target
// workload is the run's own jobs, as classes of equal requests weighted by their count (the paper
// takes it from the trace being replayed). Ties go to the lowest node (then device) index.
import { z } from 'zod';
import { nodeFragmentation, type TaskClass } from '../model/fragmentation.js';
import { candidateKinds } from './candidate-kinds.js';
import { hostFitPlacement, hostRoom } from './host-fit.js';
import type { ClusterView, JobView, Placement, PlacementHints, PlacementPolicy } from './types.js';

export const fgd: PlacementPolicy<Record<string, never>> = {
  name: 'fgd',
  description:
    "Fragmentation gradient descent (Weng et al., ATC'23): the node (and, for a GPU share, the GPU) whose GPU fragmentation, measured against the run's distribution of requests, grows least; CPU and memory must fit. A gang larger than any node goes to the tightest nodes (best-fit).",
  params: z.strictObject({}),
  create: () => ({ place: (job, cluster, hints) => fgdPlacement(job, cluster, hints.targetWorkload ?? []), requestOnly: true }),
};

export function fgdPlacement(job: JobView, cluster: ClusterView, classes: readonly TaskClass[]): Placement | undefined {
  const share = job.milli < 1000;
  let best: Placement | undefined;
  let bestDelta = Infinity;
  const free = cluster.deviceFreeMilli;
  // Scratch copy of one node's shares at a time: tried placements change it, then it is restored.
  const trial = new Int32Array(free);
  const seen = new Set<string>();
  for (const kind of candidateKinds(job, cluster)) {
    if (!share && cluster.kindMaxPerNode[kind]! < job.devices) continue;
    for (const node of cluster.nodesOfKind[kind]!) {
      if (!share && cluster.nodeFree[node]! < job.devices) continue;
      if (!hostRoom(job, node, share ? 1 : job.devices, cluster)) continue;
      const first = cluster.nodeFirstDevice[node]!;
      const end = first + cluster.nodeDevices[node]!;
      if (share) {
        // A node with no GPU that has the share free offers no candidate: skip it before its state.
        let room = false;
        for (let d = first; d < end && !room; d++) room = free[d]! >= job.milli;
        if (!room) continue;
      }
      // Nodes in the same state (kind, free shares as a multiset, free CPU and memory) give the same
      // change: only the first of them (lowest index) can be the best, so each state is tried once.
      // The key: one UTF-16 unit per free share (0..1000), sorted, then CPU and memory.
      const shares = free.slice(first, end).sort();
      const state = String.fromCharCode.apply(null, shares as unknown as number[]) + `|${kind}|${cluster.nodeCpuFree[node]}|${cluster.nodeMemoryFree[node]}`;
      if (seen.has(state)) continue;
      seen.add(state);
      const cpu = cluster.hostLimited ? job.cpuMilli : 0;
      const mem = cluster.hostLimited ? job.memoryMiB : 0;
      const before = nodeFragmentation(node, classes, cluster);
      if (share) {
        const tried = new Set<number>();
        for (let d = first; d < end; d++) {
          const f = free[d]!;
          if (f < job.milli || tried.has(f)) continue; // devices with equal free shares give equal answers
          tried.add(f);
          trial[d] = f - job.milli;
          const delta = nodeFragmentation(node, classes, cluster, trial, cpu, mem) - before;
          trial[d] = f;
          if (delta < bestDelta - 1e-12) {
            bestDelta = delta;
            best = { kind, nodes: [node], counts: [1], device: d, milli: job.milli };
          }
        }
      } else {
        let left = job.devices;
        for (let d = first; d < end && left > 0; d++) if (free[d] === 1000) (trial[d] = 0), left--;
        const delta = nodeFragmentation(node, classes, cluster, trial, cpu, mem) - before;
        for (let d = first; d < end; d++) trial[d] = free[d]!;
        if (delta < bestDelta - 1e-12) {
          bestDelta = delta;
          best = { kind, nodes: [node], counts: [job.devices] };
        }
      }
    }
  }
  if (best || share) return best;
  // No single node holds the gang: FGD's traces have none; pack it as best-fit does.
  return hostFitPlacement(job, cluster, 'tightest');
}

export type { PlacementHints };
