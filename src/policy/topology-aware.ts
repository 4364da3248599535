// Topology-aware: the smallest span that holds the gang (one node, else one leaf switch, else one
// pod where the topology has pods, else one data centre, else the fewest data centres), and within
// a level the tightest fit, so that collectives stay on NVLink, under one leaf or below the core,
// and whole leaves and pods stay free for large jobs.
import { z } from 'zod';
import { fillNodes, fillWholeNodes, fillWholeNodesInOrder, tightestNode } from './node-choice.js';
import { allowedKinds } from './predict.js';
import type { ClusterView, JobView, Placement, PlacementPolicy } from './types.js';
import { hostFitPlacement, needsHostFit } from './host-fit.js';
import { OneNodePlacements } from './first-fit.js';

const paramsSchema = z.strictObject({
  cross_site: z
    .enum(['if-larger-than-site', 'when-free'])
    .default('if-larger-than-site')
    .describe(
      "when a gang may span data centres: only when it is larger than any one site's devices of the kind (default: otherwise it waits for room in one site), or whenever the devices are free",
    ),
  whole_nodes: z
    .boolean()
    .default(true)
    .describe('multi-node gangs take wholly free nodes (plus one node for a remainder), keeping tensor-parallel groups inside a node; false: any free devices'),
});

export type CrossSite = z.output<typeof paramsSchema>['cross_site'];

export const topologyAware: PlacementPolicy<z.output<typeof paramsSchema>> = {
  name: 'topology-aware',
  description:
    'Smallest span: one node, else one leaf switch, else one pod (fat-tree pods, dragonfly groups), else one data centre, else the fewest data centres (by default only for gangs larger than a site); the tightest fit within a level. Across allowed kinds, the smallest span wins (first listed kind on ties).',
  params: paramsSchema,
  create: (params) => {
    const single = new OneNodePlacements();
    return { place: (job, cluster) => topologyAwarePlacement(job, cluster, undefined, params.cross_site, params.whole_nodes, single), requestOnly: true };
  },
};

/** Span levels, smallest first. */
export const Span = { Node: 0, Leaf: 1, Pod: 2, Datacentre: 3, Datacentres: 4 } as const;
export type Span = (typeof Span)[keyof typeof Span];

export function topologyAwarePlacement(
  job: JobView,
  cluster: ClusterView,
  accept?: (node: number) => boolean,
  crossSite: CrossSite = 'if-larger-than-site',
  wholeNodes = true,
  single?: OneNodePlacements,
): Placement | undefined {
  // Shares and host-resource requests: the same node order, through the host-aware route.
  if (needsHostFit(job, cluster)) return hostFitPlacement(job, cluster, 'first');
  const best = searchKinds(job, cluster, accept, crossSite, wholeNodes, single);
  const parts = cluster.fabricPart;
  if (!best || !parts || best.p.nodes.every((n) => parts[n] === parts[best.p.nodes[0]!])) return best?.p;
  // The gang would straddle a cut in the fabric (a failed leaf, spine, core or inter-DC link leaves
  // no route between some of its nodes): the same search within each part of the pool that still
  // reaches itself, the one with the most free devices first; the smallest span wins, the first
  // such part on ties. No part holds it: placed as before (its flows wait on the dead links).
  const free = new Map<number, number>();
  for (let n = 0; n < cluster.nodeCount; n++) if (cluster.nodeFree[n]! > 0) free.set(parts[n]!, (free.get(parts[n]!) ?? 0) + cluster.nodeFree[n]!);
  let within: { p: Placement; span: number } | undefined;
  for (const part of [...free].filter(([, f]) => f >= job.devices).sort((a, b) => b[1] - a[1] || a[0] - b[0]).map(([k]) => k)) {
    const r = searchKinds(job, cluster, (n) => parts[n] === part && (accept?.(n) ?? true), crossSite, wholeNodes, single);
    if (r && (!within || r.span < within.span)) within = r;
  }
  return (within ?? best).p;
}

/** The smallest span over the job's allowed kinds (the first listed kind on ties). */
function searchKinds(
  job: JobView,
  cluster: ClusterView,
  accept: ((node: number) => boolean) | undefined,
  crossSite: CrossSite,
  wholeNodes: boolean,
  single: OneNodePlacements | undefined,
): { p: Placement; span: Span } | undefined {
  let best: { p: Placement; span: Span } | undefined;
  const kinds = allowedKinds(job, cluster);
  for (let k = 0; k < kinds.length; k++) {
    const kind = kinds[k]!;
    // A later kind wins only with a smaller span: it is searched below the best one so far.
    const r = placeOnKindBySpan(job.devices, kind, cluster, accept, crossSite, wholeNodes, best ? best.span : NO_BOUND, single);
    if (r && (!best || r.span < best.span)) best = r;
    if (best?.span === Span.Node) break;
  }
  return best;
}

/** No span limit: every level up to several data centres (placeOnKindBySpan's `below`). */
const NO_BOUND = (Span.Datacentres + 1) as Span;

/**
 * The smallest-span placement of `devices` on `kind` (nodes limited to `accept` when given), among
 * spans smaller than `below` (undefined when none is): a caller that already holds a placement of
 * some span asks only for a better one, and levels it could not use are not searched.
 */
export function placeOnKindBySpan(
  devices: number,
  kind: number,
  cluster: ClusterView,
  accept?: (node: number) => boolean,
  crossSite: CrossSite = 'if-larger-than-site',
  wholeNodes = true,
  below: Span = NO_BOUND,
  single?: OneNodePlacements,
): { p: Placement; span: Span } | undefined {
  if (cluster.kindFree[kind]! < devices || below <= Span.Node) return undefined;
  if (cluster.freeIndex[kind]!.max() >= devices) {
    const node = tightestNode(kind, devices, cluster, accept);
    // One-node placements shared per (node, devices) when the policy instance keeps them (first-fit.ts).
    if (node !== -1) return { p: single ? single.get(kind, node, devices) : { kind, nodes: [node], counts: [devices] }, span: Span.Node };
  }
  if (below <= Span.Leaf) return undefined;
  return placeGang(devices, kind, cluster, accept, crossSite, wholeNodes, below);
}

/**
 * placeOnKindBySpan's multi-node levels, a function of its own so that the one-node answer most
 * placements end with allocates no context for the closures below.
 */
function placeGang(devices: number, kind: number, cluster: ClusterView, accept: ((node: number) => boolean) | undefined, crossSite: CrossSite, wholeNodes: boolean, below: Span): { p: Placement; span: Span } | undefined {
  const fill = (candidates: readonly number[], group?: (a: number, b: number) => number): Placement | undefined =>
    wholeNodes ? fillWholeNodes(kind, devices, candidates, cluster, group) : fillNodes(kind, devices, candidates, cluster, 'tightest', group);
  if (!accept) return placeByIndex(devices, kind, cluster, fill, crossSite, wholeNodes, below);
  // Free devices per leaf and per data centre (a scan over this kind's nodes: multi-node jobs only).
  const nodes: number[] = [];
  const leafFree = new Map<number, number>();
  const dcFree = new Map<number, number>();
  const leafKey = (n: number): number => cluster.nodeDatacentre[n]! * 0x100000 + cluster.nodeLeaf[n]!;
  for (const n of cluster.nodesOfKind[kind]!) {
    const f = cluster.nodeFree[n]!;
    if (f === 0 || (accept && !accept(n))) continue;
    nodes.push(n);
    leafFree.set(leafKey(n), (leafFree.get(leafKey(n)) ?? 0) + f);
    dcFree.set(cluster.nodeDatacentre[n]!, (dcFree.get(cluster.nodeDatacentre[n]!) ?? 0) + f);
  }
  // One leaf: the tightest leaf where the gang fits (free devices may not form whole nodes).
  for (const leaf of byTightness(leafFree, devices)) {
    const p = fill(nodes.filter((n) => leafKey(n) === leaf));
    if (p) return { p, span: Span.Leaf };
  }
  if (below <= Span.Pod) return undefined;
  // One pod (where the site's topology has pods), then one data centre: the freest leaves first so
  // that the gang spans as few leaves as it can.
  const byLeaf = (a: number, b: number): number => leafFree.get(leafKey(b))! - leafFree.get(leafKey(a))! || leafKey(a) - leafKey(b);
  const podKey = (n: number): number => cluster.nodeDatacentre[n]! * 0x100000 + cluster.nodePod[n]!;
  const podFree = new Map<number, number>();
  for (const n of nodes) if (cluster.nodePod[n]! >= 0) podFree.set(podKey(n), (podFree.get(podKey(n)) ?? 0) + cluster.nodeFree[n]!);
  for (const pod of byTightness(podFree, devices)) {
    const p = fill(nodes.filter((n) => cluster.nodePod[n]! >= 0 && podKey(n) === pod), byLeaf);
    if (p) return { p, span: Span.Pod };
  }
  if (below <= Span.Datacentre) return undefined;
  for (const dc of byTightness(dcFree, devices)) {
    const p = fill(nodes.filter((n) => cluster.nodeDatacentre[n] === dc), byLeaf);
    if (p) return { p, span: Span.Datacentre };
  }
  if (below <= Span.Datacentres) return undefined;
  // Several data centres (a long-haul link in every collective): the freest first, and within each
  // the freest leaves first; by default only for a gang that no single site could ever hold.
  if (crossSite === 'if-larger-than-site' && devices <= largestSite(kind, cluster)) return undefined;
  const dcOf = cluster.nodeDatacentre;
  const byDcThenLeaf = (a: number, b: number): number =>
    dcFree.get(dcOf[b]!)! - dcFree.get(dcOf[a]!)! || dcOf[a]! - dcOf[b]! || leafFree.get(leafKey(b))! - leafFree.get(leafKey(a))! || leafKey(a) - leafKey(b);
  const p = fill(nodes, byDcThenLeaf);
  return p ? { p, span: Span.Datacentres } : undefined;
}

/**
 * The same search as placeOnKindBySpan's scan, from the cluster's per-leaf and per-data-centre
 * free counts: a leaf's or a site's nodes are visited only when it can hold the gang, so a
 * placement costs O(leaves) plus the nodes of the candidates tried, not O(nodes of the kind).
 */
function placeByIndex(
  devices: number,
  kind: number,
  cluster: ClusterView,
  fill: (candidates: readonly number[], group?: (a: number, b: number) => number) => Placement | undefined,
  crossSite: CrossSite,
  wholeNodes: boolean,
  below: Span,
): { p: Placement; span: Span } | undefined {
  const size = cluster.kindMaxPerNode[kind]!;
  // A gang of whole nodes cannot fit anywhere when too few nodes are wholly free (the common case
  // of a large job waiting at the head of the line).
  if (wholeNodes && size === cluster.kindMinPerNode[kind] && cluster.kindWholeFreeNodes[kind]! < Math.floor(devices / size)) return undefined;
  const slots = cluster.kindLeafSlots[kind]!;
  const leafFree = cluster.leafFree;
  // One leaf: the tightest leaf that holds the gang, lowest (data centre, leaf) on ties. Picked
  // one at a time in that order rather than sorted: the first one tried usually takes the gang.
  for (let afterFree = -1, afterSlot = -1; ; ) {
    let sl = -1;
    for (let i = 0; i < slots.length; i++) {
      const s = slots[i]!;
      const f = leafFree[s]!;
      if (f < devices || f < afterFree || (f === afterFree && s <= afterSlot)) continue;
      if (sl === -1 || f < leafFree[sl]! || (f === leafFree[sl]! && s < sl)) sl = s;
    }
    if (sl === -1) break;
    const p = fill(cluster.leafSlots[sl]!.nodes);
    if (p) return { p, span: Span.Leaf };
    afterFree = leafFree[sl]!;
    afterSlot = sl;
  }
  if (below <= Span.Pod) return undefined;
  const dcs = cluster.datacentres.length;
  const slotOfNode = cluster.nodeLeafSlot;
  const byLeaf = (a: number, b: number): number => leafFree[slotOfNode[b]!]! - leafFree[slotOfNode[a]!]! || slotOfNode[a]! - slotOfNode[b]!;
  const dcOrder = cluster.datacentres
    .map((d) => d.index)
    .filter((d) => cluster.kindDcFree[kind * dcs + d]! >= devices)
    .sort((a, b) => cluster.kindDcFree[kind * dcs + a]! - cluster.kindDcFree[kind * dcs + b]! || a - b);
  // One pod, where the site's topology has pods: the tightest that holds the gang, lowest (data
  // centre, pod) on ties.
  const podKey = (sl: number): number => cluster.leafSlots[sl]!.datacentre * 0x100000 + cluster.leafSlots[sl]!.pod;
  let podFree: Map<number, number> | undefined;
  if (kindHasPods(cluster, kind)) for (let i = 0; i < slots.length; i++) if (cluster.leafSlots[slots[i]!]!.pod >= 0) (podFree ??= new Map()).set(podKey(slots[i]!), (podFree.get(podKey(slots[i]!)) ?? 0) + leafFree[slots[i]!]!);
  if (podFree) {
    for (const pod of byTightness(podFree, devices)) {
      const out: number[] = [];
      for (const sl of slots) if (cluster.leafSlots[sl]!.pod >= 0 && podKey(sl) === pod) for (const n of cluster.leafSlots[sl]!.nodes) if (cluster.nodeFree[n]! > 0) out.push(n);
      const p = fill(out, byLeaf);
      if (p) return { p, span: Span.Pod };
    }
  }
  if (below <= Span.Datacentre) return undefined;
  const nodesIn = (dc: number | undefined): number[] => {
    const out: number[] = [];
    for (const sl of slots) if (dc === undefined || cluster.leafSlots[sl]!.datacentre === dc) for (const n of cluster.leafSlots[sl]!.nodes) if (cluster.nodeFree[n]! > 0) out.push(n);
    return out;
  };
  for (const dc of dcOrder) {
    // Whole nodes: the candidates in byLeaf's order are the site's leaves, freest first (lowest
    // slot on ties), each leaf's nodes in node order, so the leaves are ordered, not the nodes.
    const p = wholeNodes ? wholeNodesInSite(kind, devices, cluster, slots, dc) : fill(nodesIn(dc), byLeaf);
    if (p) return { p, span: Span.Datacentre };
  }
  if (below <= Span.Datacentres) return undefined;
  if (crossSite === 'if-larger-than-site' && devices <= largestSite(kind, cluster)) return undefined;
  const dcOf = cluster.nodeDatacentre;
  const dcFree = (n: number): number => cluster.kindDcFree[kind * dcs + dcOf[n]!]!;
  const byDcThenLeaf = (a: number, b: number): number => dcFree(b) - dcFree(a) || dcOf[a]! - dcOf[b]! || byLeaf(a, b);
  const p = fill(nodesIn(undefined), byDcThenLeaf);
  return p ? { p, span: Span.Datacentres } : undefined;
}

/**
 * fillWholeNodesInOrder(kind, devices, the site's nodes in nodesByLeaf's order): the whole-node
 * part walked leaf by leaf as they come, so that a gang that ends on whole nodes (the usual case:
 * gangs of whole nodes) reads the few leaves it takes, not every free node of the site. A gang
 * left with a remainder (or unplaced) is answered by the full walk over the listed nodes.
 */
function wholeNodesInSite(kind: number, devices: number, cluster: ClusterView, slots: readonly number[], dc: number): Placement | undefined {
  const leaves = leafOrder(cluster, slots, dc);
  const order = slotScratch;
  const free = cluster.nodeFree;
  const size = cluster.nodeDevices;
  const min = cluster.kindMinPerNode[kind]!;
  const out = siteTaken;
  const counts = siteCounts;
  let taken = 0;
  let left = devices;
  // As fillWholeNodesInOrder's first loop over the same candidates: `left` changes only when a
  // node is taken, so testing it at nodes without a free device (not candidates) changes nothing.
  walk: for (let i = 0; i < leaves; i++) {
    const nodes = cluster.leafSlots[order[i]!]!.nodes;
    for (let k = 0; k < nodes.length; k++) {
      if (left < min) break walk;
      const n = nodes[k]!;
      if (free[n] === size[n] && size[n]! <= left) {
        out[taken] = n;
        counts[taken++] = size[n]!;
        left -= size[n]!;
      }
    }
  }
  if (left === 0) return { kind, nodes: out.slice(0, taken), counts: counts.slice(0, taken) };
  return fillWholeNodesInOrder(kind, devices, nodeScratch, cluster, nodesByLeaf(cluster, slots, dc));
}
const siteTaken: number[] = [];
const siteCounts: number[] = [];

/**
 * The leaves of data centre `dc` with a free device among a kind's leaf `slots`, by free devices,
 * most first, then slot (fillWholeNodes' `byLeaf` order), written to the start of slotScratch
 * (valid until the next call): returns how many. Sorted as numbers (one key per leaf) rather than
 * with a comparator.
 */
function leafOrder(cluster: ClusterView, slots: readonly number[], dc: number): number {
  const leafFree = cluster.leafFree;
  const order = slotScratch;
  const slotCount = cluster.leafSlots.length;
  // No leaf has more free devices than the pool.
  const bound = cluster.deviceCount + 1;
  let n = 0;
  if (bound * slotCount > Number.MAX_SAFE_INTEGER) {
    for (let i = 0; i < slots.length; i++) if (cluster.leafSlots[slots[i]!]!.datacentre === dc && leafFree[slots[i]!]! > 0) order[n++] = slots[i]!;
    const sorted = order.slice(0, n).sort((a, b) => leafFree[b]! - leafFree[a]! || a - b);
    for (let i = 0; i < n; i++) order[i] = sorted[i]!;
    return n;
  }
  if (leafKeys.length < slots.length) leafKeys = new Float64Array(Math.max(slots.length, 2 * leafKeys.length));
  const keys = leafKeys;
  // Key (bound - free) x slotCount + slot: ascending keys are free devices descending, then slot
  // ascending; exact (integers below 2^53).
  for (let i = 0; i < slots.length; i++) {
    const s = slots[i]!;
    if (cluster.leafSlots[s]!.datacentre === dc && leafFree[s]! > 0) keys[n++] = (bound - leafFree[s]!) * slotCount + s;
  }
  keys.subarray(0, n).sort();
  for (let i = 0; i < n; i++) order[i] = keys[i]! % slotCount;
  return n;
}
let leafKeys = new Float64Array(64);

/**
 * The nodes with a free device of data centre `dc` among a kind's leaf `slots`, in the order
 * fillWholeNodes' `byLeaf` sorts them into: leaves by free devices, most first, then slot; within a
 * leaf by node (a slot lists its nodes in order). Written to the start of nodeScratch (valid until
 * the next call; the list is never emptied, as setting an array's length to 0 drops its storage):
 * returns how many.
 */
function nodesByLeaf(cluster: ClusterView, slots: readonly number[], dc: number): number {
  const leaves = leafOrder(cluster, slots, dc);
  const order = slotScratch;
  const out = nodeScratch;
  let count = 0;
  for (let i = 0; i < leaves; i++) {
    const nodes = cluster.leafSlots[order[i]!]!.nodes;
    for (let k = 0; k < nodes.length; k++) if (cluster.nodeFree[nodes[k]!]! > 0) out[count++] = nodes[k]!;
  }
  return count;
}
const slotScratch: number[] = [];
const nodeScratch: number[] = [];

/**
 * Whether some leaf of `kind` is in a pod (the cluster's leaf slots are fixed at its making: kept
 * per slot list), so gangs of kinds without pods skip the walk over their leaves for pod counts.
 */
function kindHasPods(cluster: ClusterView, kind: number): boolean {
  let byKind = podKinds.get(cluster.leafSlots);
  if (!byKind) {
    byKind = new Uint8Array(cluster.kindLeafSlots.length);
    for (const s of cluster.leafSlots) if (s.pod >= 0) byKind[s.kind] = 1;
    podKinds.set(cluster.leafSlots, byKind);
  }
  return byKind[kind] === 1;
}
const podKinds = new WeakMap<object, Uint8Array>();

/** Most devices of `kind` in any one data centre. */
function largestSite(kind: number, cluster: ClusterView): number {
  const perDc = new Map<number, number>();
  for (const g of cluster.groups) if (g.kind === kind) perDc.set(g.datacentre, (perDc.get(g.datacentre) ?? 0) + g.nodeCount * g.devicesPerNode);
  return Math.max(0, ...perDc.values());
}

/** Keys whose free count holds `devices`, tightest first (lowest key on ties). */
function byTightness(free: ReadonlyMap<number, number>, devices: number): number[] {
  return [...free].filter(([, f]) => f >= devices).sort((a, b) => a[1] - b[1] || a[0] - b[0]).map(([k]) => k);
}
