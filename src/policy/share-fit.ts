// Placement of fractional jobs (a share of one device, as Alibaba's GPU-sharing pods ask for):
// the already-shared device with the least room that still fits (best fit, so whole devices stay
// whole for gang jobs), else the first whole-free device by first fit.
import type { ClusterView, JobView, Placement } from './types.js';
import { candidateKinds } from './first-fit.js';

export function shareFitPlacement(job: JobView, cluster: ClusterView & { firstWholeFreeDevice(node: number): number; deviceNode: Int32Array }): Placement | undefined {
  const milli = job.milli;
  for (const kind of candidateKinds(job, cluster)) {
    let best = -1;
    let bestFree = Infinity;
    const shared = cluster.sharedDevices[kind];
    if (shared) {
      for (const dev of shared) {
        const free = cluster.deviceFreeMilli[dev]!;
        if (free >= milli && (free < bestFree || (free === bestFree && dev < best))) {
          best = dev;
          bestFree = free;
        }
      }
    }
    if (best === -1) {
      const pos = cluster.freeIndex[kind]!.leftmost(1);
      if (pos === -1) continue;
      best = cluster.firstWholeFreeDevice(cluster.nodesOfKind[kind]![pos]!);
    }
    const node = cluster.deviceNode[best]!;
    return { kind, nodes: [node], counts: [1], device: best, milli };
  }
  return undefined;
}
