// Best fit: pack jobs onto the nodes with the fewest free devices that hold them, so that whole
// nodes stay free for large gangs (less fragmentation than first-fit).
import { z } from 'zod';
import { fillWholeNodes, tightestNode } from './node-choice.js';
import { allowedKinds } from './predict.js';
import type { ClusterView, JobView, Placement, PlacementPolicy } from './types.js';
import { hostFitPlacement, needsHostFit } from './host-fit.js';

export const bestFit: PlacementPolicy<Record<string, never>> = {
  name: 'best-fit',
  description:
    'Pack: a job that fits in one node goes on the node with the fewest free devices that holds it (any allowed kind); a larger one takes wholly free nodes of the first allowed kind that can hold it (lowest index first), the remainder on the tightest node that holds it. Network-oblivious.',
  params: z.strictObject({}),
  create: () => ({ place: (job, cluster) => bestFitPlacement(job, cluster), requestOnly: true }),
};

export function bestFitPlacement(job: JobView, cluster: ClusterView): Placement | undefined {
  // Shares and host-resource requests: the same node order, through the host-aware route.
  if (needsHostFit(job, cluster)) return hostFitPlacement(job, cluster, 'tightest');
  const kinds = allowedKinds(job, cluster);
  // One node: the tightest over every allowed kind (first listed kind on ties).
  let bestNode = -1;
  for (const kind of kinds) {
    if (cluster.freeIndex[kind]!.max() < job.devices) continue;
    const node = tightestNode(kind, job.devices, cluster);
    if (node !== -1 && (bestNode === -1 || cluster.nodeFree[node]! < cluster.nodeFree[bestNode]!)) bestNode = node;
  }
  if (bestNode !== -1) return { kind: cluster.nodeKind[bestNode]!, nodes: [bestNode], counts: [job.devices] };
  for (const kind of kinds) {
    if (cluster.kindFree[kind]! < job.devices) continue;
    const p = fillWholeNodes(kind, job.devices, Array.from(cluster.nodesOfKind[kind]!), cluster);
    if (p) return p;
  }
  return undefined;
}
