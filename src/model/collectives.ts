// Alpha-beta costs of collective operations (pure functions, SI units: bytes, bytes/s, s).
// Conventions follow nccl-tests (doc/PERFORMANCE.md): buffer sizes and bus bandwidth as it defines them.
//
// Every cost is `steps x latencyS + bytes on the busiest link / bandwidthBytesPerS`, where
// `bandwidthBytesPerS` is what one rank can push into the group's path (its share of the
// bottleneck, fabric efficiency already applied) and `latencyS` is the per-step alpha (hop
// latency x hops + endpoint overhead). A group of one rank costs nothing.
//
// Hot path: called on every rate recompute, so the time functions take positional numbers and
// allocate nothing; only `hierarchicalAllReduce` returns a (small) object.

export type CollectiveOp =
  | 'all-reduce'
  | 'all-gather'
  | 'reduce-scatter'
  | 'all-to-all'
  | 'broadcast'
  | 'reduce'
  | 'send-recv';

/**
 * The per-step alpha of a ring whose k hops have unequal latencies (a ring over two sites crosses
 * the long-haul link twice, its other hops are a fabric's microseconds), given their sum and the
 * smallest. A ring is pipelined: a rank forwards a chunk as soon as it has arrived, so a
 * reduce-scatter or all-gather (k - 1 steps) lasts the latencies of the k - 1 consecutive hops its
 * last chunk crosses, at worst every hop but the fastest, not k - 1 times the slowest hop (the
 * synchronous-step reading, which charges a two-site ring of 64 nodes 63 long-haul latencies per
 * pass where its chunks cross the link at most twice). Returned per step, so the alpha-beta forms
 * below apply unchanged: the hop latency itself on a ring of equal hops, the slower hop on two.
 */
export function pipelinedRingStepLatencyS(sumS: number, minS: number, hops: number): number {
  return hops > 1 ? (sumS - minS) / (hops - 1) : sumS;
}

/**
 * Ring all-reduce (reduce-scatter then all-gather around a ring): 2(n-1) steps, each rank sends
 * 2(n-1)/n of the buffer. Patarasuk & Yuan (2009); nccl-tests PERFORMANCE.md.
 * T = 2(n-1) alpha + 2(n-1)/n * S/B.
 */
export function ringAllReduceTimeS(ranks: number, bytes: number, bandwidthBytesPerS: number, latencyS: number): number {
  if (ranks <= 1) return 0;
  return 2 * (ranks - 1) * latencyS + ((2 * (ranks - 1)) / ranks) * (bytes / bandwidthBytesPerS);
}

/**
 * Double-binary-tree all-reduce as in NCCL >= 2.4 (Jeaugey, "Massively Scale Your Deep Learning
 * Training with NCCL 2.4", NVIDIA blog 2019; Sanders, Speck & Traeff, "Two-tree algorithms for
 * full bandwidth broadcast, reduction and scan", Parallel Computing 2009). Each of two trees
 * carries half the buffer; every rank is an inner node of at most one tree, so in the pipelined
 * reduce it sends S and in the broadcast it sends S: 2S per rank. Depth is ceil(log2 n) up and
 * again down. T = 2 ceil(log2 n) alpha + 2 S/B: logarithmic latency, slightly worse bandwidth
 * term than the ring (2 vs 2(n-1)/n).
 *
 * `treePassS` is the latency of one pass where the group's hops differ (0: none given; the pass is
 * then the depth times alpha). On a ring of unequal hops alpha is the pipelined per-step figure
 * (pipelinedRingStepLatencyS), which spreads a long-haul hop over the ring's k - 1 steps: right for
 * the ring, whose chunks cross that hop twice in 2(k - 1) steps, but a tree of depth d < k - 1
 * would then pay 2d x 2L / (k - 1), under one crossing of the link (0.38 L for 64 nodes over two
 * sites). Each pass lasts its longest root-to-leaf path (ringTreePassS, nccl-tree.ts): over sites
 * the path of NCCL's own trees over the nodes in rank order, which crosses a two-site link at least
 * twice, so a tree all-reduce pays 4L or more there, as a ring does.
 */
export function treeAllReduceTimeS(ranks: number, bytes: number, bandwidthBytesPerS: number, latencyS: number, treePassS = 0): number {
  if (ranks <= 1) return 0;
  return 2 * (treePassS > 0 ? treePassS : Math.ceil(Math.log2(ranks)) * latencyS) + (2 * bytes) / bandwidthBytesPerS;
}

/**
 * All-reduce as NCCL's tuner would run it: the faster of ring and tree (NCCL picks the
 * algorithm per message size from the same kind of alpha-beta model, src/graph/tuning.cc).
 * Ring wins for large buffers, tree when latency dominates (many ranks or long links).
 */
export function allReduceTimeS(ranks: number, bytes: number, bandwidthBytesPerS: number, latencyS: number, treePassS = 0): number {
  if (ranks <= 1) return 0;
  return Math.min(
    ringAllReduceTimeS(ranks, bytes, bandwidthBytesPerS, latencyS),
    treeAllReduceTimeS(ranks, bytes, bandwidthBytesPerS, latencyS, treePassS),
  );
}

/** Bytes one rank sends in the all-reduce `allReduceTimeS` would choose. */
export function allReduceBytesPerRank(ranks: number, bytes: number, bandwidthBytesPerS: number, latencyS: number, treePassS = 0): number {
  if (ranks <= 1) return 0;
  const ring = ringAllReduceTimeS(ranks, bytes, bandwidthBytesPerS, latencyS);
  const tree = treeAllReduceTimeS(ranks, bytes, bandwidthBytesPerS, latencyS, treePassS);
  return ring <= tree ? ((2 * (ranks - 1)) / ranks) * bytes : 2 * bytes;
}

/**
 * Ring all-gather; `bytes` is the gathered OUTPUT buffer (nccl-tests' size), each rank
 * contributing bytes/n. T = (n-1) alpha + (n-1)/n * S/B.
 */
export function allGatherTimeS(ranks: number, bytes: number, bandwidthBytesPerS: number, latencyS: number): number {
  if (ranks <= 1) return 0;
  return (ranks - 1) * latencyS + ((ranks - 1) / ranks) * (bytes / bandwidthBytesPerS);
}

/**
 * Ring reduce-scatter; `bytes` is the INPUT buffer (nccl-tests' size), each rank keeping
 * bytes/n. T = (n-1) alpha + (n-1)/n * S/B.
 */
export function reduceScatterTimeS(ranks: number, bytes: number, bandwidthBytesPerS: number, latencyS: number): number {
  return allGatherTimeS(ranks, bytes, bandwidthBytesPerS, latencyS);
}

/**
 * All-to-all; `bytes` is each rank's send buffer (n equal chunks, one kept locally). Pairwise
 * exchange: (n-1) rounds. T = (n-1) alpha + (n-1)/n * S/B.
 */
export function allToAllTimeS(ranks: number, bytes: number, bandwidthBytesPerS: number, latencyS: number): number {
  return allGatherTimeS(ranks, bytes, bandwidthBytesPerS, latencyS);
}

/**
 * Broadcast (and reduce) as NCCL runs them: a pipelined ring/chain, so the buffer crosses each
 * link once and the pipeline fills over n-1 hops. T = (n-1) alpha + S/B.
 */
export function broadcastTimeS(ranks: number, bytes: number, bandwidthBytesPerS: number, latencyS: number): number {
  if (ranks <= 1) return 0;
  return (ranks - 1) * latencyS + bytes / bandwidthBytesPerS;
}

/** Reduce to one root; same pipelined chain as broadcast. T = (n-1) alpha + S/B. */
export function reduceTimeS(ranks: number, bytes: number, bandwidthBytesPerS: number, latencyS: number): number {
  return broadcastTimeS(ranks, bytes, bandwidthBytesPerS, latencyS);
}

/** Point-to-point send/recv of `bytes` between two ranks: T = alpha + S/B. */
export function sendRecvTimeS(bytes: number, bandwidthBytesPerS: number, latencyS: number): number {
  if (bytes <= 0) return 0;
  return latencyS + bytes / bandwidthBytesPerS;
}

/** The collectives a ring runs inside a node: NCCL's intra-node cost model below covers these. */
export type RingCollective = 'all-reduce' | 'all-gather' | 'reduce-scatter';

/**
 * NCCL's cost model of a ring inside a node, per protocol (NVIDIA/nccl src/graph/tuning.cc, as
 * shipped from 2.7 to 2.9, the releases of the 2020-2022 runs): a base latency per call, a latency
 * per ring step on NVLink, and the fraction of the ring's bus bandwidth the protocol reaches.
 * [base (s), per step (s), bandwidth factor for all-reduce, for all-gather and reduce-scatter]:
 * LL (8-byte flag/data lines, a quarter of the bandwidth for all-reduce, a third for the others
 * inside a node), LL128 (0.92), Simple (all of it). NCCL runs the protocol its model says is
 * fastest for the message, so small messages pay microseconds of software latency per step that
 * the hardware hop (under 1 us on NVLink) does not show, and large ones the full bandwidth.
 */
export const NCCL_INTRA_RING_PROTOCOLS = {
  ll: { baseS: 3.6e-6, stepS: 0.47e-6, allReduceShare: 1 / 4, otherShare: 1 / 3 },
  ll128: { baseS: 10e-6, stepS: 1.9e-6, allReduceShare: 0.92, otherShare: 0.92 },
  simple: { baseS: 8.4e-6, stepS: 3.4e-6, allReduceShare: 1, otherShare: 1 },
} as const;
const { ll: LL, ll128: LL128, simple: SIMPLE } = NCCL_INTRA_RING_PROTOCOLS;

/**
 * A ring collective among `ranks` ranks of one node as NCCL runs it: the fastest of its protocols
 * (NCCL_INTRA_RING_PROTOCOLS), each costing its base latency, steps x its per-step latency (never
 * less than the path's own hop latency) and the bytes on the busiest link at its share of the
 * path's bandwidth. `bytes` as nccl-tests counts them (all-gather: the gathered output; others:
 * the input). Steps: 2(n-1) for all-reduce, n-1 for the others. Against the bare alpha-beta ring
 * with NVLink's 1 us hop, this adds 30-60 us to a collective of a few megabytes and a few percent
 * to one of hundreds. On 8 A100 behind NVSwitch (234 GB/s) an all-reduce comes out at 170 GB/s
 * bus bandwidth at 16 MB, 191 at 32 MB, 211 at 64 MB and 228 at 256 MB, where nccl-tests measured
 * 120, 147, 199 and 221-235 (OCI's single-process runs): at 64 MB and up within their spread, at
 * 16-32 MB still optimistic, as NCCL's own model is.
 */
export function intraNodeRingTimeS(op: RingCollective, ranks: number, bytes: number, bandwidthBytesPerS: number, hopLatencyS: number): number {
  if (ranks <= 1 || !(bytes > 0)) return 0;
  // Hot path (every rate recompute): the three protocols written out, no iteration.
  const allReduce = op === 'all-reduce';
  const steps = allReduce ? 2 * (ranks - 1) : ranks - 1;
  const linkS = ((steps / ranks) * bytes) / bandwidthBytesPerS;
  const ll = LL.baseS + steps * Math.max(LL.stepS, hopLatencyS) + linkS / (allReduce ? LL.allReduceShare : LL.otherShare);
  const ll128 = LL128.baseS + steps * Math.max(LL128.stepS, hopLatencyS) + linkS / LL128.allReduceShare;
  const simple = SIMPLE.baseS + steps * Math.max(SIMPLE.stepS, hopLatencyS) + linkS;
  return Math.min(ll, ll128, simple);
}

/** Time of `op` on `ranks` ranks (ranks ignored by send-recv beyond ranks <= 1 costing 0). */
export function collectiveTimeS(op: CollectiveOp, ranks: number, bytes: number, bandwidthBytesPerS: number, latencyS: number): number {
  if (ranks <= 1) return 0;
  switch (op) {
    case 'all-reduce':
      return allReduceTimeS(ranks, bytes, bandwidthBytesPerS, latencyS);
    case 'all-gather':
      return allGatherTimeS(ranks, bytes, bandwidthBytesPerS, latencyS);
    case 'reduce-scatter':
      return reduceScatterTimeS(ranks, bytes, bandwidthBytesPerS, latencyS);
    case 'all-to-all':
      return allToAllTimeS(ranks, bytes, bandwidthBytesPerS, latencyS);
    case 'broadcast':
      return broadcastTimeS(ranks, bytes, bandwidthBytesPerS, latencyS);
    case 'reduce':
      return reduceTimeS(ranks, bytes, bandwidthBytesPerS, latencyS);
    case 'send-recv':
      return sendRecvTimeS(bytes, bandwidthBytesPerS, latencyS);
  }
}

/**
 * nccl-tests bus-bandwidth factor: busbw = algbw x factor, chosen so that busbw is comparable
 * with the link rate whatever n is. 2(n-1)/n all-reduce; (n-1)/n all-gather, reduce-scatter,
 * all-to-all; 1 broadcast, reduce, send/recv (so 0 for a one-rank all-reduce, as nccl-tests prints).
 */
export function busBandwidthFactor(op: CollectiveOp, ranks: number): number {
  switch (op) {
    case 'all-reduce':
      return (2 * (ranks - 1)) / ranks;
    case 'all-gather':
    case 'reduce-scatter':
    case 'all-to-all':
      return (ranks - 1) / ranks;
    case 'broadcast':
    case 'reduce':
    case 'send-recv':
      return 1;
  }
}

/** nccl-tests algorithm bandwidth: buffer size / time (bytes/s). */
export function algBandwidth(bytes: number, timeS: number): number {
  return bytes / timeS;
}

/** nccl-tests bus bandwidth (bytes/s) of `op` on `ranks` ranks that moved `bytes` in `timeS`. */
export function busBandwidth(op: CollectiveOp, ranks: number, bytes: number, timeS: number): number {
  return algBandwidth(bytes, timeS) * busBandwidthFactor(op, ranks);
}

/** One level of a two-level path: per-rank bandwidth share and per-step alpha. */
export interface LinkCost {
  bandwidthBytesPerS: number;
  latencyS: number;
  /** The floor of a tree pass where the hops differ (treeAllReduceTimeS); absent: equal hops. */
  treePassS?: number | undefined;
}

export interface HierarchicalAllReduce {
  timeS: number;
  /** Bytes each rank sends over the scale-out network (the inter-node phase). */
  scaleOutBytesPerRank: number;
  /** Bytes each rank sends over the intra-node interconnect (RS + AG phases). */
  intraBytesPerRank: number;
}

/**
 * Two-level all-reduce (as in NCCL's intra-node/inter-node split, Horovod's hierarchical
 * all-reduce, and Goyal et al. 2017): reduce-scatter among the k ranks of a node on the fast
 * interconnect, all-reduce of the 1/k shard across the n/k nodes on the scale-out network
 * (each local rank on its own NIC, rail-optimised), then all-gather inside the node.
 * If n is not a multiple of k (a ragged group) the group is treated as flat on the scale-out
 * network, which is what a ring across nodes would see as its bottleneck anyway.
 */
export function hierarchicalAllReduce(
  ranks: number,
  bytes: number,
  devicesPerNode: number,
  intra: LinkCost,
  inter: LinkCost,
): HierarchicalAllReduce {
  if (ranks <= 1) return { timeS: 0, scaleOutBytesPerRank: 0, intraBytesPerRank: 0 };
  const k = Math.min(Math.max(1, Math.floor(devicesPerNode)), ranks);
  if (k <= 1 || ranks % k !== 0) {
    return {
      timeS: allReduceTimeS(ranks, bytes, inter.bandwidthBytesPerS, inter.latencyS, inter.treePassS),
      scaleOutBytesPerRank: allReduceBytesPerRank(ranks, bytes, inter.bandwidthBytesPerS, inter.latencyS, inter.treePassS),
      intraBytesPerRank: 0,
    };
  }
  const nodes = ranks / k;
  const shardBytes = bytes / k;
  // The intra-node phases run as NCCL runs a ring inside a node (intraNodeRingTimeS).
  const intraS =
    intraNodeRingTimeS('reduce-scatter', k, bytes, intra.bandwidthBytesPerS, intra.latencyS) +
    intraNodeRingTimeS('all-gather', k, bytes, intra.bandwidthBytesPerS, intra.latencyS);
  const interS = allReduceTimeS(nodes, shardBytes, inter.bandwidthBytesPerS, inter.latencyS, inter.treePassS);
  return {
    timeS: intraS + interS,
    scaleOutBytesPerRank: allReduceBytesPerRank(nodes, shardBytes, inter.bandwidthBytesPerS, inter.latencyS, inter.treePassS),
    intraBytesPerRank: ((2 * (k - 1)) / k) * bytes,
  };
}
