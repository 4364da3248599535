// Choosing nodes of one device kind for a gang: the tightest single node through the per-kind
// FreeIndex, and multi-node fills over a candidate list (fewest nodes, then a chosen remainder rule).
import type { ClusterView, Placement } from './types.js';

/**
 * The node of `kind` with the fewest free devices that still holds `need` (lowest index on ties),
 * or -1: FreeIndex.tightest, O(log n). With `accept`, walks the nodes with room
 * (FreeIndex.leftmost) and stops at an exact fit.
 */
export function tightestNode(kind: number, need: number, cluster: ClusterView, accept?: (node: number) => boolean): number {
  const index = cluster.freeIndex[kind]!;
  const list = cluster.nodesOfKind[kind]!;
  if (!accept) {
    const pos = index.tightest(need);
    return pos === -1 ? -1 : list[pos]!;
  }
  let best = -1;
  let bestFree = Infinity;
  for (let pos = index.leftmost(need); pos !== -1; pos = index.leftmost(need, pos + 1)) {
    const node = list[pos]!;
    if (accept && !accept(node)) continue;
    const free = cluster.nodeFree[node]!;
    if (free < bestFree) {
      best = node;
      bestFree = free;
      if (free === need) break;
    }
  }
  return best;
}

/** The node of `kind` with the most free devices (lowest index on ties), or -1 when none is free. */
export function mostFreeNode(kind: number, cluster: ClusterView): number {
  const index = cluster.freeIndex[kind]!;
  const max = index.max();
  if (max <= 0) return -1;
  return cluster.nodesOfKind[kind]![index.leftmost(max)]!;
}

export type Remainder = 'tightest' | 'most-free';

/**
 * Fill `need` devices of `kind` from `candidates` (node ids of that kind), taking nodes with the
 * most free devices first so the gang spans as few nodes as possible; the last part goes on the
 * tightest remaining node that holds it ('tightest', to keep fragmentation down) or simply on the
 * next node in that order ('most-free'). Candidates are visited in the order given after a stable
 * sort: by `group` first when given (callers pass locality: same leaf, same data centre), then by
 * free devices. The remainder stays within the group it falls in. Undefined when the candidates
 * hold fewer than `need` free devices.
 */
export function fillNodes(
  kind: number,
  need: number,
  candidates: readonly number[],
  cluster: ClusterView,
  remainder: Remainder,
  group?: (a: number, b: number) => number,
): Placement | undefined {
  const free = cluster.nodeFree;
  const nodes = candidates.filter((n) => free[n]! > 0);
  nodes.sort((a, b) => (group ? group(a, b) : 0) || free[b]! - free[a]! || a - b);
  const out: number[] = [];
  const counts: number[] = [];
  let left = need;
  for (let i = 0; i < nodes.length && left > 0; i++) {
    const f = free[nodes[i]!]!;
    if (f < left) {
      out.push(nodes[i]!);
      counts.push(f);
      left -= f;
      continue;
    }
    let chosen = i;
    if (remainder === 'tightest') {
      // Among the remaining candidates of the same group, the tightest that still holds the rest.
      for (let j = i + 1; j < nodes.length; j++) {
        const n = nodes[j]!;
        if ((group && group(nodes[i]!, n) !== 0) || free[n]! < left) break;
        chosen = j;
      }
    }
    out.push(nodes[chosen]!);
    counts.push(left);
    left = 0;
  }
  return left === 0 ? { kind, nodes: out, counts } : undefined;
}

/**
 * Like fillNodes, but a gang's multi-node part takes only wholly free nodes (so that its
 * tensor-parallel groups stay inside a node), and the remainder (less than a node) goes on the
 * tightest candidate that holds it. Candidates in `group` order first, then node index.
 */
export function fillWholeNodes(
  kind: number,
  need: number,
  candidates: readonly number[],
  cluster: ClusterView,
  group?: (a: number, b: number) => number,
): Placement | undefined {
  const free = cluster.nodeFree;
  // Candidates in order, those without a free device left out. A list already in node order (a
  // leaf's nodes) is walked as it is: a node with none free is never taken below.
  const nodes = group ? candidates.filter((n) => free[n]! > 0).sort((a, b) => group(a, b) || a - b) : ascending(candidates) ? candidates : candidates.filter((n) => free[n]! > 0).sort((a, b) => a - b);
  return fillWholeNodesInOrder(kind, need, nodes, cluster);
}

/**
 * fillWholeNodes over candidates already in the order to take them, the first `count` of `nodes`
 * (nodes without a free device may be among them: they are never taken). The caller's list is only
 * read. The nodes are chosen in scratch lists and the placement's lists made once, of their size:
 * a gang's lists were grown push by push, and a candidate that could not hold the gang (a leaf
 * with the devices but not the whole nodes) left them as garbage.
 */
export function fillWholeNodesInOrder(kind: number, need: number, nodes: readonly number[], cluster: ClusterView, count = nodes.length): Placement | undefined {
  const free = cluster.nodeFree;
  const size = cluster.nodeDevices;
  const min = cluster.kindMinPerNode[kind]!;
  const out = takenScratch;
  const counts = countScratch;
  let taken = 0;
  let left = need;
  for (let i = 0; i < count; i++) {
    if (left < min) break;
    const n = nodes[i]!;
    if (free[n] === size[n] && size[n]! <= left) {
      out[taken] = n;
      counts[taken++] = size[n]!;
      left -= size[n]!;
    }
  }
  let length = taken;
  if (left > 0) {
    // The whole nodes taken are in `out` in candidate order: skip them as the walk meets them.
    let next = 0;
    let best = -1;
    for (let i = 0; i < count; i++) {
      const n = nodes[i]!;
      if (next < taken && out[next] === n) {
        next++;
        continue;
      }
      if (free[n]! >= left && (best === -1 || free[n]! < free[best]!)) best = n;
    }
    if (best === -1) return undefined;
    out[length] = best;
    counts[length++] = left;
  }
  return { kind, nodes: out.slice(0, length), counts: counts.slice(0, length) };
}
/** fillWholeNodesInOrder's scratch: only ever grown, its first entries the nodes of the current call. */
const takenScratch: number[] = [];
const countScratch: number[] = [];

function ascending(nodes: readonly number[]): boolean {
  for (let i = 1; i < nodes.length; i++) if (nodes[i - 1]! >= nodes[i]!) return false;
  return true;
}
