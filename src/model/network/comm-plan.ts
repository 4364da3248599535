// A running job's communication plan on its placement (which node pairs exchange data-parallel and
// pipeline traffic, over which flows and links) and the node pairs it is built from. Data only:
// the network progress model (sim/network-progress.ts) builds plans and puts their flows on the network.

/** The figures of a job's placement that its step time depends on besides its shares of the links. */
export interface StepFigures {
  /** Per-step latency of the data-parallel ring and of a pipeline boundary (s). */
  dpLatencyS: number;
  ppLatencyS: number;
  /**
   * The floor of one pass of a tree all-reduce over the data-parallel groups' nodes where their hops
   * differ (collectives.ts, treeAllReduceTimeS; ringTreePassS), 0 where they do not; dpLatencyS
   * spreads the slow hops over the ring's steps.
   */
  dpTreePassS: number;
  /** Data-parallel ranks of one group on one node (hierarchical collectives when > 1). */
  dpRanksPerNode: number;
  /** Tensor groups straddle nodes (then tensor traffic rides the data-parallel path). */
  tpAcrossNodes: boolean;
  /**
   * Some pipeline boundary lies inside a node (its send/recv ride the interconnect) beside those
   * that cross nodes: the pipeline's path is then the slower of the two.
   */
  ppWithinNode: boolean;
}

/** A job's communication plan on its placement: which node pairs exchange traffic, per group. */
export interface CommPlan extends StepFigures {
  /** Flow ids of the data-parallel rings (one per node pair) and pipeline boundaries. */
  dpFlows: number[];
  ppFlows: number[];
  /** Per flow: the number of ranks on its source node that share it (divides its rate). */
  dpShare: number[];
  ppShare: number[];
  /** Distinct links the job's flows cross, for contention bookkeeping. */
  links: number[];
  congestionEfficiency: number;
  /** Flow weights of the two groups (see groupWeights). */
  dpWeight: number;
  ppWeight: number;
}

/** A plan shared by jobs on one node: its lists frozen, so that a write would throw rather than reach another job. */
export function freezePlan(plan: CommPlan): CommPlan {
  for (const list of [plan.dpFlows, plan.ppFlows, plan.dpShare, plan.ppShare, plan.links]) Object.freeze(list);
  return Object.freeze(plan);
}

/** Two nodes of a job that exchange traffic, and the job's ranks on `from` that share the flow. */
export interface NodePair {
  readonly from: number;
  readonly to: number;
  readonly share: number;
}

/**
 * A job's node pairs on its placement (planPairs), in lists that grow and are rewritten by every
 * call: data-parallel ring hops (`dpCount` of them: from node, to node, the job's ranks on `from`
 * that share the flow), the hops of each stage's ring in the order they are listed, and pipeline
 * boundary pairs (`ppCount`).
 */
export class PlanPairs {
  dpFrom: Int32Array = new Int32Array(16);
  dpTo: Int32Array = new Int32Array(16);
  dpShare: Int32Array = new Int32Array(16);
  dpCount = 0;
  rings: Int32Array = new Int32Array(8);
  ringCount = 0;
  ppFrom: Int32Array = new Int32Array(16);
  ppTo: Int32Array = new Int32Array(16);
  ppShare: Int32Array = new Int32Array(16);
  ppCount = 0;
  dpRanksPerNode = 1;
  tpAcrossNodes = false;
  ppWithinNode = false;

  clear(): void {
    this.dpCount = 0;
    this.ringCount = 0;
    this.ppCount = 0;
    this.dpRanksPerNode = 1;
    this.tpAcrossNodes = false;
    this.ppWithinNode = false;
  }

  addDp(from: number, to: number, share: number): void {
    if (this.dpCount === this.dpFrom.length) {
      this.dpFrom = grown(this.dpFrom);
      this.dpTo = grown(this.dpTo);
      this.dpShare = grown(this.dpShare);
    }
    this.dpFrom[this.dpCount] = from;
    this.dpTo[this.dpCount] = to;
    this.dpShare[this.dpCount++] = share;
  }

  addRing(hops: number): void {
    if (this.ringCount === this.rings.length) this.rings = grown(this.rings);
    this.rings[this.ringCount++] = hops;
  }

  addPp(from: number, to: number, share: number): void {
    if (this.ppCount === this.ppFrom.length) {
      this.ppFrom = grown(this.ppFrom);
      this.ppTo = grown(this.ppTo);
      this.ppShare = grown(this.ppShare);
    }
    this.ppFrom[this.ppCount] = from;
    this.ppTo[this.ppCount] = to;
    this.ppShare[this.ppCount++] = share;
  }
}

/** `a` copied into one twice its length. */
function grown(a: Int32Array): Int32Array {
  const b = new Int32Array(2 * a.length);
  b.set(a);
  return b;
}

/** The lists of a plan without flows (never written: frozen). */
export const NO_NUMBERS: number[] = Object.freeze([]) as unknown as number[];
