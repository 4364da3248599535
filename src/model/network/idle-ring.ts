// What the fabric gives a job's data-parallel rings when the job is alone on the pool: the rings'
// flows on the scenario's topology (its site's, and the links between sites when it spans them),
// shared max-min as a run shares them, for `explain`, which otherwise times traffic across nodes
// at the NICs' rate (a non-blocking fabric).
import { Cluster } from '../cluster.js';
import { pipelinedRingStepLatencyS } from '../collectives.js';
import type { InterDcLink } from './topology.js';
import { Topology } from './topology.js';
import { FlowNetwork } from './flow-network.js';
import { ringTreePassS } from './nccl-tree.js';

/** Per-rank bandwidth and per-step latency of the rings, as the step-time model takes them. */
export interface IdleRing {
  readonly bandwidthBytesPerS: number;
  readonly latencyS: number;
  readonly treePassS: number;
  /**
   * The fewest data-parallel ranks (a stage's ranks over tp) any node holds of its stage, at least
   * 1: the hierarchical reduction's group inside a node, as the run takes it (network-progress.ts,
   * planPairs). On a kind with nodes of several sizes it is that of the nodes the job gets.
   */
  readonly dpRanksPerNode: number;
}

/**
 * The data centres (indices, in node order) a job of `devices` devices of kind `kind` alone on the
 * pool occupies as first-fit places it (idlePlacement): one, or several when it takes nodes of
 * more than one site. Undefined when the pool has too few devices of the kind.
 */
export function idleSites(cluster: Cluster, kind: number, devices: number): number[] | undefined {
  const nodeOfRank = idlePlacement(cluster, kind, devices);
  if (nodeOfRank === undefined) return undefined;
  const sites: number[] = [];
  for (const n of nodeOfRank) {
    const dc = cluster.nodeDatacentre[n]!;
    if (!sites.includes(dc)) sites.push(dc);
  }
  return sites;
}

/**
 * The data-parallel rings of a job of `devices` devices of kind `kind` as first-fit places it on
 * the idle pool (idlePlacement; over the links between sites when it spans them), ranks in
 * Megatron order (tp fastest, then cp and dp, then pp): each stage's ring over its nodes, every
 * stage's ring at once, one flow per hop carrying the source node's ranks. Undefined when no ring
 * leaves a node.
 */
export function idleRing(cluster: Cluster, interDc: readonly InterDcLink[], kind: number, devices: number, stageSize: number, pp: number, tp: number): IdleRing | undefined {
  const nodeOfRank = idlePlacement(cluster, kind, devices);
  if (nodeOfRank === undefined) return undefined;
  const network = new FlowNetwork();
  const topology = new Topology(cluster, network, interDc);
  const flows: { flow: number; ranks: number }[] = [];
  let latencyS = 0;
  let treePassS = 0;
  let dpRanksPerNode = Infinity;
  for (let p = 0; p < pp; p++) {
    const ranksOn = new Map<number, number>();
    for (let r = p * stageSize; r < (p + 1) * stageSize; r++) ranksOn.set(nodeOfRank[r]!, (ranksOn.get(nodeOfRank[r]!) ?? 0) + 1);
    const nodes = [...ranksOn.keys()];
    for (const n of ranksOn.values()) dpRanksPerNode = Math.min(dpRanksPerNode, Math.max(1, Math.floor(n / tp)));
    if (nodes.length < 2) continue;
    let sum = 0;
    let min = Infinity;
    let slowest = 0;
    nodes.forEach((from, i) => {
      const route = topology.route(from, nodes[(i + 1) % nodes.length]!);
      const ranks = ranksOn.get(from)!;
      const cap = topology.jobFlowCapBytesPerS(route, from, ranks);
      flows.push({ flow: network.addFlow(route.links, Infinity, 0, cap < Infinity ? { capBytesPerS: cap } : undefined), ranks });
      sum += route.latencyS;
      min = Math.min(min, route.latencyS);
      slowest = Math.max(slowest, route.latencyS);
    });
    const alpha = pipelinedRingStepLatencyS(sum, min, nodes.length);
    treePassS = Math.max(treePassS, ringTreePassS(nodes.length, (i) => nodes[i]!, alpha, slowest, (n) => cluster.nodeDatacentre[n]!, (a, b) => topology.route(a, b).latencyS));
    latencyS = Math.max(latencyS, alpha);
  }
  if (flows.length === 0) return undefined;
  network.nextCompletionTime(); // solves the shares
  let bandwidthBytesPerS = Infinity;
  for (const { flow, ranks } of flows) bandwidthBytesPerS = Math.min(bandwidthBytesPerS, network.rate(flow) / ranks);
  return { bandwidthBytesPerS, latencyS, treePassS, dpRanksPerNode };
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
  const smallest = Math.min(...nodes.map((n) => cluster.nodeDevices[n]!));
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
