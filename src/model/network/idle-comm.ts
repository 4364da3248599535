// A training job alone on an idle pool, placed as the run's placement policy places it (first-fit
// where no placement is given), and what the fabric gives its
// traffic there: the node pairs of its rings and pipeline boundaries (PairPlanner, as a run plans
// them), their routes on the scenario's topology (its sites' fabrics and the links between sites),
// each group's per-rank bandwidth while it communicates, the groups taking turns (group-turns.ts, as
// sim/network-progress.ts rateOf reads a run's shares), for `explain`: its step is the run's step of
// the job alone, from the same figures through JobSteps.fromShares.
import type { Cluster } from '../cluster.js';
import { pipelinedRingStepLatencyS } from '../collectives.js';
import type { JobSteps, ShapedJob, StepJob } from '../job-steps.js';
import type { StepTime } from '../step-time.js';
import type { PlanPairs, StepFigures } from './comm-plan.js';
import { groupPerRankBw } from './group-turns.js';
import { FlowNetwork } from './flow-network.js';
import { ringTreePassS } from './nccl-tree.js';
import { PairPlanner } from './pair-planner.js';
import { Topology, type InterDcLink, type Route } from './topology.js';

/** A job's placement alone on the pool and its shares of the fabric there. */
export interface IdleComm {
  readonly placement: { readonly kind: number; readonly nodes: readonly number[]; readonly counts: readonly number[] };
  /** The data centres of its nodes (indices, in node order). */
  readonly sites: readonly number[];
  readonly figures: StepFigures;
  /** Per-rank bandwidth of the data-parallel rings and of the pipeline boundaries across nodes (Infinity: none leaves a node). */
  readonly dpBw: number;
  readonly ppBw: number;
}

/**
 * The job (`devices` of kind `kind`, the shape and layout of `shaped`) alone on the idle pool, on
 * `given` (the run's placement policy's answer there) or, without it, as first-fit places it, on a
 * fresh network: each group's per-rank bandwidth with the job's links to itself, as a run reads a
 * job alone. Undefined when the pool has too few devices of the kind.
 */
export function idleComm(
  cluster: Cluster,
  interDc: readonly InterDcLink[],
  steps: JobSteps,
  job: StepJob,
  kind: number,
  shaped: ShapedJob,
  linksDown: readonly number[] = [],
  given?: { readonly kind: number; readonly nodes: readonly number[]; readonly counts: readonly number[] },
): IdleComm | undefined {
  const placement = given ?? firstFitAlone(cluster, kind, job.devices);
  if (placement === undefined) return undefined;
  const { nodes } = placement;
  const sites: number[] = [];
  for (const n of nodes) if (!sites.includes(cluster.nodeDatacentre[n]!)) sites.push(cluster.nodeDatacentre[n]!);
  const network = new FlowNetwork();
  const topology = new Topology(cluster, network, interDc);
  takeDown(topology, network, linksDown);
  return { placement, sites, ...aloneShares(cluster, topology, network, steps, job, placement, shaped) };
}

/** idlePlacement's ranks as a placement: nodes in rank order, the ranks on each. */
function firstFitAlone(cluster: Cluster, kind: number, devices: number): { kind: number; nodes: number[]; counts: number[] } | undefined {
  const nodeOfRank = idlePlacement(cluster, kind, devices);
  if (nodeOfRank === undefined) return undefined;
  const nodes: number[] = [];
  const counts: number[] = [];
  for (const n of nodeOfRank) {
    if (nodes[nodes.length - 1] === n) counts[counts.length - 1]!++;
    else {
      nodes.push(n);
      counts.push(1);
    }
  }
  return { kind, nodes, counts };
}

/**
 * Inter-DC links `linksDown` (indices) down on a fresh `topology` and its `network`, as a run takes
 * one down (network-progress.ts setInterDcLink): routes between sites go round them, their capacity 0.
 */
export function takeDown(topology: Topology, network: FlowNetwork, linksDown: readonly number[]): void {
  for (const i of linksDown) {
    topology.setInterDcDown(i, true);
    for (const id of topology.interDcLinkIds(i)) network.setLinkCapacity(id, 0, 0);
  }
}

/**
 * The figures and per-rank shares of a job of `shaped`'s layout alone on `placement` (`network`, the
 * one `topology` is built on, carrying nothing else): each group's per-rank bandwidth while it
 * communicates, its pairs' routes at the links' capacity now and the NIC rails their ranks drive
 * (group-turns.ts). What the other group sends does not enter it, so `_steps` and `_job` (the bytes
 * the weights once came from) are unused.
 */
export function aloneShares(
  cluster: Cluster,
  topology: Topology,
  network: FlowNetwork,
  _steps: JobSteps,
  _job: StepJob,
  placement: { readonly kind: number; readonly nodes: readonly number[]; readonly counts: readonly number[] },
  shaped: ShapedJob,
): { figures: StepFigures; dpBw: number; ppBw: number } {
  const pairs = new PairPlanner(cluster.nodeCount).plan(placement, shaped.layout);
  const routes: Route[] = [];
  for (let i = 0; i < pairs.dpCount; i++) routes.push(topology.route(pairs.dpFrom[i]!, pairs.dpTo[i]!));
  for (let i = 0; i < pairs.ppCount; i++) routes.push(topology.route(pairs.ppFrom[i]!, pairs.ppTo[i]!));
  const figures = pairFigures(pairs, routes, cluster, topology);
  // The groups take turns within a step (group-turns.ts): each has the job's links to itself, at
  // their capacity now (`network` carries nothing else), as a run reads a job alone.
  const avail = (l: number): number => network.linkCapacity(l);
  const dpBw = groupPerRankBw(pairs.dpCount, (i) => routes[i]!.links, (i) => topology.jobFlowCapBytesPerS(routes[i]!, pairs.dpFrom[i]!, pairs.dpShare[i]!), (i) => pairs.dpShare[i]!, avail);
  const d = pairs.dpCount;
  const ppBw = groupPerRankBw(pairs.ppCount, (i) => routes[d + i]!.links, (i) => topology.jobFlowCapBytesPerS(routes[d + i]!, pairs.ppFrom[i]!, pairs.ppShare[i]!), (i) => pairs.ppShare[i]!, avail);
  return { figures, dpBw, ppBw };
}

/**
 * The latencies of a plan's pairs on their routes (`routes`: the data-parallel hops, then the
 * pipeline pairs) and the placement's shape figures: each ring's pipelined per-step latency and
 * tree pass, the slowest pipeline boundary (network-progress.ts newPlan and step).
 */
export function pairFigures(pairs: PlanPairs, routes: readonly Route[], cluster: Cluster, topology: Topology): StepFigures {
  let dpLatencyS = 0;
  let ppLatencyS = 0;
  let dpTreePassS = 0;
  let hop = 0;
  for (let i = 0; i < pairs.ringCount; i++) {
    const k = pairs.rings[i]!;
    let sum = 0;
    let min = Infinity;
    let slowest = 0;
    const first = hop;
    for (const end = hop + k; hop < end; hop++) {
      const l = routes[hop]!.latencyS;
      sum += l;
      if (l < min) min = l;
      if (l > slowest) slowest = l;
    }
    const alpha = pipelinedRingStepLatencyS(sum, min, k);
    const dc = cluster.nodeDatacentre;
    dpTreePassS = Math.max(dpTreePassS, ringTreePassS(k, (j) => pairs.dpFrom[first + j]!, alpha, slowest, (n) => dc[n]!, (a, b) => topology.route(a, b).latencyS));
    dpLatencyS = Math.max(dpLatencyS, alpha);
  }
  for (let i = 0; i < pairs.ppCount; i++) ppLatencyS = Math.max(ppLatencyS, routes[pairs.dpCount + i]!.latencyS);
  return { dpLatencyS, ppLatencyS, dpTreePassS, dpRanksPerNode: pairs.dpRanksPerNode, tpAcrossNodes: pairs.tpAcrossNodes, ppWithinNode: pairs.ppWithinNode };
}

/** Bytes per device per step on the stage's ring: data parallel, plus context and expert parallel where they cross nodes (network-progress.ts). */
export function ringBytes(step: StepTime): number {
  return step.dpBytesPerStepPerDevice + step.cpScaleOutBytesPerStepPerDevice + step.epBytesPerStepPerDevice;
}

/**
 * The node of each rank of a job of `devices` devices of `kind` alone on the pool, as first-fit
 * places it on an idle pool (policy/first-fit.ts, packOnKind, which looks at the kind's nodes in
 * node order whatever their site): the first node that holds it all, else whole nodes in node
 * order while a node's worth remains, the rest on the first other node with room. On a kind with
 * nodes of several sizes this is what decides how many ranks share a node; on a pool whose first
 * site is too small for the job, it takes that site's nodes and the next one's. Undefined when the
 * pool has too few devices of the kind.
 */
export function idlePlacement(cluster: Cluster, kind: number, devices: number): number[] | undefined {
  const nodes: number[] = [];
  for (let n = 0; n < cluster.nodeCount; n++) if (cluster.nodeKind[n] === kind) nodes.push(n);
  const one = nodes.find((n) => cluster.nodeDevices[n]! >= devices);
  if (one !== undefined) return new Array<number>(devices).fill(one);
  // A loop, not Math.min(...list): spreading a pool's nodes as arguments overflows the stack past
  // about 120,000 of them.
  let smallest = Infinity;
  for (const n of nodes) smallest = Math.min(smallest, cluster.nodeDevices[n]!);
  const nodeOfRank: number[] = [];
  const taken = new Set<number>();
  let need = devices;
  for (const n of nodes) {
    if (need < smallest) break;
    const size = cluster.nodeDevices[n]!;
    if (size > need) continue;
    for (let d = 0; d < size; d++) nodeOfRank.push(n);
    taken.add(n);
    need -= size;
  }
  if (need > 0) {
    const rest = nodes.find((n) => !taken.has(n) && cluster.nodeDevices[n]! >= need);
    if (rest === undefined) return undefined;
    for (let d = 0; d < need; d++) nodeOfRank.push(rest);
  }
  return nodeOfRank;
}
