// First fit: the first allowed kind, and the lowest-numbered nodes, that can hold the whole gang.
// A job that fits in one node goes on one node; a larger one takes whole free nodes first.
import { z } from 'zod';
import type { ClusterView, JobView, Placement, PlacementPolicy } from './types.js';
import { candidateKinds } from './candidate-kinds.js';
import { hostFitPlacement, needsHostFit } from './host-fit.js';

export const firstFit: PlacementPolicy<Record<string, never>> = {
  name: 'first-fit',
  description: 'Lowest-numbered nodes that fit: one node when the job fits in one, else whole free nodes plus one partial node.',
  params: z.strictObject({}),
  create: () => {
    const single = new OneNodePlacements();
    return { place: (job, cluster) => firstFitPlacement(job, cluster, single), requestOnly: true };
  },
};

/**
 * One-node placements, kept per (node, devices): most jobs fit on one node, and a fresh placement
 * each (an object and two one-element arrays, 160 B) was the largest allocation of a start. Shared
 * between jobs, so nothing may write one: the simulator and built-in policies never do, and plug-ins
 * read a job's placement through their read-only views, which refuse every write (a plug-in asking
 * `ctx.place` gets a copy). Sharing changes no answer, only identity.
 *
 * Not frozen: V8's optimizing compiler reads the elements of a frozen array through its generic
 * keyed-load stub, and the sites that read placements (releaseDevices, placementProblem,
 * claimPlacement) meet these beside multi-node placements' plain arrays, so every read of a
 * placement's nodes and counts went that way (scale-100k: 6-11% of its CPU; docs/performance.md).
 * Freezing also defeated the views: a frozen object's properties are fixed, so a view has to hand
 * a plug-in the raw array, and a write failed with V8's TypeError instead of the view's refusal.
 */
export class OneNodePlacements {
  /**
   * By node x SLOTS_PER_NODE + devices, in one list grown by pushing (never by writing far past its
   * end: a list written at scattered indices went to V8's dictionary mode, a hash lookup per call).
   * A list per node took two more reads of memory per placement (the node's list and its elements,
   * cold with 10,000 nodes) before the placement itself.
   */
  private readonly byNodeAndDevices: (Placement | undefined)[] = [];

  get(kind: number, node: number, devices: number): Placement {
    // Larger counts (nodes of more than 16 devices) are not kept: a fresh placement says the same.
    if (devices >= SLOTS_PER_NODE) return oneNode(kind, node, devices);
    const at = node * SLOTS_PER_NODE + devices;
    const kept = this.byNodeAndDevices;
    while (kept.length <= at) kept.push(undefined);
    let p = kept[at];
    if (p === undefined || p.kind !== kind) {
      p = oneNode(kind, node, devices);
      kept[at] = p;
    }
    return p;
  }
}

/** Device counts kept per node by OneNodePlacements (0 to 16). */
const SLOTS_PER_NODE = 17;

function oneNode(kind: number, node: number, devices: number): Placement {
  return { kind, nodes: [node], counts: [devices] };
}

/** `single`: where one-node placements are kept (fresh objects each call without it). */
export function firstFitPlacement(job: JobView, cluster: ClusterView, single?: OneNodePlacements): Placement | undefined {
  // Shares and host-resource requests: the same node order, through the host-aware route.
  if (needsHostFit(job, cluster)) return hostFitPlacement(job, cluster, 'first');
  for (const kind of candidateKinds(job, cluster)) {
    const p = packOnKind(job.devices, kind, cluster, single);
    if (p) return p;
  }
  return undefined;
}

/**
 * Lowest-index nodes of `kind` for `devices`: a single node when one node can hold them, else whole
 * free nodes in index order and the remainder on the first other node with room.
 */
export function packOnKind(devices: number, kind: number, cluster: ClusterView, single?: OneNodePlacements): Placement | undefined {
  if (cluster.kindFree[kind]! < devices) return undefined;
  const index = cluster.freeIndex[kind]!;
  const list = cluster.nodesOfKind[kind]!;
  const one = index.leftmost(devices);
  if (one !== -1) return single ? single.get(kind, list[one]!, devices) : { kind, nodes: [list[one]!], counts: [devices] };
  // The gang is gathered in scratch arrays and copied out at its exact size (grown by push, a
  // placement's arrays would be several times larger than they need: one per multi-node job).
  const nodes = scratchNodes;
  const counts = scratchCounts;
  let k = 0;
  let need = devices;
  const min = cluster.kindMinPerNode[kind]!;
  if (min === cluster.kindMaxPerNode[kind]) {
    // All nodes of the kind have one size: the whole nodes are the first need / size wholly free
    // ones, found in one walk of the index; with fewer wholly free nodes than that, the remainder
    // (a node's worth or more) fits on no node that is not taken, so the answer is no.
    const whole = Math.floor(need / min);
    if (cluster.kindWholeFreeNodes[kind]! < whole) return undefined;
    k = index.leftmostMany(min, whole, scratchPositions);
    for (let i = 0; i < k; i++) {
      nodes[i] = list[scratchPositions[i]!]!;
      counts[i] = min;
    }
    need -= k * min;
  } else {
    // Whole free nodes, in index order, while the remainder is at least a node's worth.
    let from = 0;
    while (need >= min) {
      const pos = index.leftmost(1, from);
      if (pos === -1) break;
      const node = list[pos]!;
      const size = cluster.nodeDevices[node]!;
      if (cluster.nodeFree[node] === size && size <= need) {
        nodes[k] = node;
        counts[k] = size;
        k++;
        need -= size;
      }
      from = pos + 1;
    }
  }
  if (need === 0) return { kind, nodes: nodes.slice(0, k), counts: counts.slice(0, k) };
  // The remainder on the first node (not already taken) with room for it.
  let pos = index.leftmost(need);
  const taken = k > 32 ? new Set(nodes.slice(0, k)) : undefined;
  while (pos !== -1 && isTaken(list[pos]!, nodes, k, taken)) pos = index.leftmost(need, pos + 1);
  if (pos === -1) return undefined;
  const outNodes = nodes.slice(0, k + 1);
  const outCounts = counts.slice(0, k + 1);
  outNodes[k] = list[pos]!;
  outCounts[k] = need;
  return { kind, nodes: outNodes, counts: outCounts };
}

/** Whether `node` is among the first k of `nodes` (`taken` holds them when there are many). */
function isTaken(node: number, nodes: readonly number[], k: number, taken: ReadonlySet<number> | undefined): boolean {
  if (taken) return taken.has(node);
  for (let i = 0; i < k; i++) if (nodes[i] === node) return true;
  return false;
}

/** packOnKind's scratch (placements are built one at a time). */
const scratchNodes: number[] = [];
const scratchCounts: number[] = [];
const scratchPositions: number[] = [];
