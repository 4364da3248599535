// NCCL's double binary tree over a collective's nodes (src/graph/trees.cc, ncclGetBtree and
// ncclGetDtree): the first tree an in-order binary tree rooted at position 0, whose one child is
// the largest power of two below n; the second its mirror (n even) or its shift by one position (n
// odd). Positions are the nodes in rank order, which is the order NCCL builds them in and the order
// poolsim lists a data-parallel ring's nodes in.
//
// A tree all-reduce's latency is a reduce up the deeper tree and a broadcast back down it: each
// lasts the longest root-to-leaf path, summed over its hops' latencies. On equal hops that is the
// tree's depth times one hop; over two sites it is not one crossing of the link between them: with
// each site's nodes contiguous in rank order, the root's child is in the other half and that
// child's first child back in the root's half, so a path crosses twice (2L a pass, 4L an all-reduce
// on a link of latency L, as many crossings as a ring's two passes).

/** Parent position of `rank` in NCCL's first (btree) tree over n positions, -1 for the root. */
export function btreeParent(n: number, rank: number): number {
  if (rank === 0) return -1;
  let bit = 1;
  for (; bit < n; bit <<= 1) if (bit & rank) break;
  const up = (rank ^ bit) | (bit << 1);
  return up >= n ? rank ^ bit : up;
}

/** Parent position of `rank` in NCCL's second tree: the mirror (n even) or the shift (n odd) of the first. */
export function secondTreeParent(n: number, rank: number): number {
  if (n % 2 === 1) {
    const u = btreeParent(n, (rank - 1 + n) % n);
    return u === -1 ? -1 : (u + 1) % n;
  }
  const u = btreeParent(n, n - 1 - rank);
  return u === -1 ? -1 : n - 1 - u;
}

/**
 * The longer of NCCL's two trees' longest root-to-leaf paths over n positions, each hop costing
 * `latencyS(parent, child)` (positions): how long one pass (reduce or broadcast) of a tree
 * all-reduce waits on latency. 0 for one position.
 */
export function doubleTreePassS(n: number, latencyS: (parent: number, child: number) => number): number {
  if (n <= 1) return 0;
  let longest = 0;
  const depthS = new Float64Array(n);
  const known = new Uint8Array(n);
  for (const parentOf of [btreeParent, secondTreeParent]) {
    known.fill(0);
    const at = (r: number): number => {
      if (known[r]) return depthS[r]!;
      const p = parentOf(n, r);
      const d = p === -1 ? 0 : at(p) + latencyS(p, r);
      depthS[r] = d;
      known[r] = 1;
      return d;
    };
    for (let r = 0; r < n; r++) longest = Math.max(longest, at(r));
  }
  return longest;
}

/**
 * One tree pass over a data-parallel ring's k nodes (`nodeAt(i)`, in rank order), as
 * treeAllReduceTimeS takes it. Across data centres: the longest path of NCCL's trees over the
 * nodes, each hop the latency of the route between its nodes. Within one data centre, where hops
 * differ by microseconds and a route per tree edge is not worth its cost: the tree's depth times
 * the ring's per-step alpha, and no less than its slowest hop.
 */
export function ringTreePassS(k: number, nodeAt: (i: number) => number, alphaS: number, slowestHopS: number, dcOf: (node: number) => number, latencyS: (from: number, to: number) => number): number {
  if (k < 2) return 0;
  const first = dcOf(nodeAt(0));
  let spans = false;
  for (let i = 1; i < k && !spans; i++) spans = dcOf(nodeAt(i)) !== first;
  return spans ? doubleTreePassS(k, (p, c) => latencyS(nodeAt(p), nodeAt(c))) : Math.max(Math.ceil(Math.log2(k)) * alphaS, slowestHopS);
}
