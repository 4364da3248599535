// Which node pairs of a job exchange data-parallel and pipeline traffic on its placement (ranks in
// Megatron order: tp fastest, then cp and dp, then pp): each stage's ring over its nodes and each
// pipeline boundary's node pairs, with the ranks on the source node that share each flow. One
// planner serves the run's network model (sim/network-progress.ts) and explain's idle fabric
// (idle-comm.ts), so the two time a job on the same pairs.
import { PlanPairs } from './comm-plan.js';

/** The placement fields the planner reads (policy Placement has them). */
export interface PairPlacement {
  readonly nodes: readonly number[];
  readonly counts: readonly number[];
}

/** The layout fields the planner reads (ParallelLayout has them). */
export interface PairLayout {
  readonly tp: number;
  readonly cp?: number | undefined;
  readonly pp: number;
  readonly dp: number;
}

export class PairPlanner {
  constructor(nodeCount: number) {
    this.nodeStamp = new Int32Array(nodeCount);
    this.nodeRanks = new Int32Array(nodeCount);
    this.stageNodes = new Int32Array(nodeCount);
  }

  /**
   * Node of each rank, ranks in Megatron order (tp fastest, then dp, then pp) over the placement,
   * in a scratch array reused by every call (valid until the next): returns the rank count.
   */
  private rankNodes(placement: PairPlacement): number {
    let total = 0;
    for (let i = 0; i < placement.counts.length; i++) total += placement.counts[i]!;
    if (this.rankScratch.length < total) this.rankScratch = new Int32Array(Math.max(total, 2 * this.rankScratch.length));
    const out = this.rankScratch;
    let r = 0;
    for (let i = 0; i < placement.nodes.length; i++) for (let k = 0; k < placement.counts[i]!; k++) out[r++] = placement.nodes[i]!;
    return total;
  }
  private rankScratch = new Int32Array(256);
  /** Per node: the stage it was last counted in (stageStamp) and its ranks in that stage (plan's scratch). */
  private readonly nodeStamp: Int32Array;
  private readonly nodeRanks: Int32Array;
  private stamp = 0;
  /** The nodes of the stage plan is at, in rank order (scratch: never emptied, as setting an array's length to 0 drops its storage). */
  private readonly stageNodes: Int32Array;

  /**
   * Node pairs that exchange data-parallel and pipeline traffic, written to one scratch PlanPairs
   * (valid until the next call: the job paths read it at once, and a multi-node start allocated a
   * pair object per ring hop and boundary).
   */
  plan(placement: PairPlacement, layout: PairLayout): PlanPairs {
    const { tp, pp, dp } = layout;
    const out = this.pairs;
    out.clear();
    // A stage's ranks: tp fastest, then cp, then dp; the ring over the stage's nodes carries the
    // data-parallel and the context-parallel traffic.
    const stageSize = tp * (layout.cp ?? 1) * dp;
    // Every rank on one node (most jobs): no pairs, and every stage's ranks on that node.
    if (placement.nodes.length === 1 && stageSize * pp === placement.counts[0]) {
      out.dpRanksPerNode = Math.max(1, Math.floor(stageSize / tp));
      return out;
    }
    const total = this.rankNodes(placement);
    const nodes = this.rankScratch;
    // A rank past the last one has no node (as reading past the end of an exact-size list).
    const nodeAt = (r: number): number => (r < total ? nodes[r]! : -1);
    let dpRanksPerNode = Infinity;
    let tpAcrossNodes = false;
    for (let t0 = 0; t0 < total; t0 += tp) if (nodes[t0] !== nodeAt(t0 + tp - 1)) tpAcrossNodes = true;
    const stageNodes = this.stageNodes;
    const ranksOn = this.nodeRanks;
    for (let p = 0; p < pp; p++) {
      // The stage's nodes in rank order, and how many of the stage's ranks each holds.
      const stamp = this.nextStamp();
      let stageCount = 0;
      for (let r = p * stageSize; r < (p + 1) * stageSize; r++) {
        const n = nodes[r]!;
        if (this.nodeStamp[n] !== stamp) {
          this.nodeStamp[n] = stamp;
          ranksOn[n] = 0;
          stageNodes[stageCount++] = n;
        }
        ranksOn[n]!++;
      }
      for (let i = 0; i < stageCount; i++) dpRanksPerNode = Math.min(dpRanksPerNode, Math.max(1, Math.floor(ranksOn[stageNodes[i]!]! / tp)));
      if (stageCount > 1 && dp * (layout.cp ?? 1) > 1) {
        out.addRing(stageCount);
        for (let i = 0; i < stageCount; i++) {
          const from = stageNodes[i]!;
          out.addDp(from, stageNodes[(i + 1) % stageCount]!, ranksOn[from]!);
        }
      }
      if (p + 1 < pp) {
        // Each (from, to) once, in rank order: the boundary's pairs so far are few (one per node).
        const first = out.ppCount;
        for (let r = p * stageSize; r < (p + 1) * stageSize; r++) {
          const from = nodes[r]!;
          const to = nodeAt(r + stageSize);
          if (from === to) {
            out.ppWithinNode = true;
            continue;
          }
          let seen = false;
          for (let i = first; i < out.ppCount && !seen; i++) seen = out.ppFrom[i] === from && out.ppTo[i] === to;
          if (!seen) out.addPp(from, to, ranksOn[from]!);
        }
      }
    }
    out.dpRanksPerNode = Number.isFinite(dpRanksPerNode) ? dpRanksPerNode : 1;
    out.tpAcrossNodes = tpAcrossNodes;
    return out;
  }
  private readonly pairs = new PlanPairs();


  /** A stamp no node carries yet (plan's per-stage marks). */
  private nextStamp(): number {
    if (this.stamp === 0x7fffffff) {
      this.nodeStamp.fill(0);
      this.stamp = 0;
    }
    return ++this.stamp;
  }
}
