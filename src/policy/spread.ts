// Spread: the nodes with the most free devices first, balancing load (and heat, and failure blast
// radius) across the pool at the cost of fragmentation.
import { z } from 'zod';
import { fillNodes, mostFreeNode } from './node-choice.js';
import { allowedKinds } from './predict.js';
import type { ClusterView, JobView, Placement, PlacementPolicy } from './types.js';
import { hostFitPlacement, needsHostFit } from './host-fit.js';

export const spread: PlacementPolicy<Record<string, never>> = {
  name: 'spread',
  description:
    'Most free devices first: a job that fits in one node goes on the emptiest node of any allowed kind; a larger one takes the freest nodes of the allowed kind with the most free devices.',
  params: z.strictObject({}),
  create: () => ({ place: (job, cluster) => spreadPlacement(job, cluster), requestOnly: true }),
};

export function spreadPlacement(job: JobView, cluster: ClusterView): Placement | undefined {
  // Shares and host-resource requests: the same node order, through the host-aware route.
  if (needsHostFit(job, cluster)) return hostFitPlacement(job, cluster, 'most-free');
  const kinds = allowedKinds(job, cluster);
  let bestNode = -1;
  for (const kind of kinds) {
    const node = mostFreeNode(kind, cluster);
    if (node !== -1 && cluster.nodeFree[node]! >= job.devices && (bestNode === -1 || cluster.nodeFree[node]! > cluster.nodeFree[bestNode]!)) bestNode = node;
  }
  if (bestNode !== -1) return { kind: cluster.nodeKind[bestNode]!, nodes: [bestNode], counts: [job.devices] };
  let bestKind = -1;
  for (const kind of kinds) {
    if (cluster.kindFree[kind]! >= job.devices && (bestKind === -1 || cluster.kindFree[kind]! > cluster.kindFree[bestKind]!)) bestKind = kind;
  }
  if (bestKind === -1) return undefined;
  return fillNodes(bestKind, job.devices, Array.from(cluster.nodesOfKind[bestKind]!), cluster, 'most-free');
}
