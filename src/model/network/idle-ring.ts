// What a site's own fabric gives a job's data-parallel rings when the job is alone on it: the
// rings' flows on the scenario's topology, shared max-min as a run shares them, for `explain`,
// which otherwise times traffic across nodes at the NICs' rate (a non-blocking fabric).
import { Cluster } from '../cluster.js';
import type { ClusterShape } from '../cluster.js';
import { pipelinedRingStepLatencyS } from '../collectives.js';
import type { InterDcLink } from './topology.js';
import { Topology } from './topology.js';
import { FlowNetwork } from './flow-network.js';

/** Per-rank bandwidth and per-step latency of the rings, as the step-time model takes them. */
export interface IdleRing {
  readonly bandwidthBytesPerS: number;
  readonly latencyS: number;
  readonly slowestHopS: number;
}

/**
 * The data-parallel rings of a job of `devices` devices of kind `kind` placed on the first nodes of
 * that kind in `datacentre` (as first-fit places it on an idle pool), ranks in Megatron order (tp
 * fastest, then cp and dp, then pp): each stage's ring over its nodes, every stage's ring at once,
 * one flow per hop carrying the source node's ranks. Undefined when no ring leaves a node.
 */
export function idleRing(shape: ClusterShape, interDc: readonly InterDcLink[], kind: number, datacentre: number, devices: number, stageSize: number, pp: number): IdleRing | undefined {
  const cluster = new Cluster(shape);
  const nodeOfRank: number[] = [];
  for (let n = 0; n < cluster.nodeCount && nodeOfRank.length < devices; n++) {
    if (cluster.nodeKind[n] !== kind || cluster.nodeDatacentre[n] !== datacentre) continue;
    for (let d = 0; d < cluster.nodeDevices[n]! && nodeOfRank.length < devices; d++) nodeOfRank.push(n);
  }
  if (nodeOfRank.length < devices) return undefined;
  const network = new FlowNetwork();
  const topology = new Topology(cluster, network, interDc);
  const flows: { flow: number; ranks: number }[] = [];
  let latencyS = 0;
  let slowestHopS = 0;
  for (let p = 0; p < pp; p++) {
    const ranksOn = new Map<number, number>();
    for (let r = p * stageSize; r < (p + 1) * stageSize; r++) ranksOn.set(nodeOfRank[r]!, (ranksOn.get(nodeOfRank[r]!) ?? 0) + 1);
    const nodes = [...ranksOn.keys()];
    if (nodes.length < 2) continue;
    let sum = 0;
    let min = Infinity;
    nodes.forEach((from, i) => {
      const route = topology.route(from, nodes[(i + 1) % nodes.length]!);
      const ranks = ranksOn.get(from)!;
      const cap = route.connectionCapBytesPerS === Infinity ? Infinity : route.connectionCapBytesPerS * topology.connectionsFrom(from, ranks);
      flows.push({ flow: network.addFlow(route.links, Infinity, 0, cap < Infinity ? { capBytesPerS: cap } : undefined), ranks });
      sum += route.latencyS;
      min = Math.min(min, route.latencyS);
      slowestHopS = Math.max(slowestHopS, route.latencyS);
    });
    latencyS = Math.max(latencyS, pipelinedRingStepLatencyS(sum, min, nodes.length));
  }
  if (flows.length === 0) return undefined;
  network.nextCompletionTime(); // solves the shares
  let bandwidthBytesPerS = Infinity;
  for (const { flow, ranks } of flows) bandwidthBytesPerS = Math.min(bandwidthBytesPerS, network.rate(flow) / ranks);
  return { bandwidthBytesPerS, latencyS, slowestHopS };
}
