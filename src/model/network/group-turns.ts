// A job's bandwidth per rank for one of its traffic groups (the data-parallel rings, the pipeline
// boundaries) while that group communicates: the groups take turns within a step, so a group has
// what its job has of each link to itself.
import type { OthersOnLink } from './flow-network.js';

/**
 * Per-rank bandwidth of one group of a job's flows while it communicates and the job's other group
 * does not: each flow is held to its own cap (`capOf`, the NIC rails its ranks drive), and each link
 * it crosses gives what the job has of it while the group communicates (`availOf`, told how many of
 * the group's flows cross the link) to the group's ranks crossing it, in proportion. The slowest rank sets the collective's pace,
 * so the result is the least of every flow's cap / its ranks and every link's share / the group's
 * ranks on it. It depends on nothing the other group sends: sending more pipeline bytes never slows
 * or speeds the rings. Infinity when the group has no flow.
 */
export function groupPerRankBw(
  count: number,
  linksOf: (i: number) => readonly number[],
  capOf: (i: number) => number,
  ranksOf: (i: number) => number,
  availOf: (link: number, groupFlows: number) => number,
): number {
  let bw = Infinity;
  const ranksOnLink = new Map<number, number>();
  const flowsOnLink = new Map<number, number>();
  for (let i = 0; i < count; i++) {
    const ranks = ranksOf(i);
    bw = Math.min(bw, capOf(i) / ranks);
    for (const l of linksOf(i)) {
      ranksOnLink.set(l, (ranksOnLink.get(l) ?? 0) + ranks);
      flowsOnLink.set(l, (flowsOnLink.get(l) ?? 0) + 1);
    }
  }
  for (const [l, ranks] of ranksOnLink) bw = Math.min(bw, Math.max(0, availOf(l, flowsOnLink.get(l)!)) / ranks);
  return bw;
}

/**
 * What a group of `groupFlows` flows has of a shared link of `capacityBytesPerS` while it alone of its
 * job communicates, the other flows there (`others`) as the network shares them now: the larger of
 *  - what its job holds of the link now, the capacity less the others' load (the job's other group
 *    is silent, so its part passes to this one: right where both groups cross the link), and
 *  - what its own flows at weight 1 each (the job's whole claim, as its heavier group's flows have)
 *    win beside the other flows the link limits, in proportion to their weights, the flows held
 *    below that by a cap or another link keeping their load (one link solved with the rest of the
 *    network fixed: right where the group crosses the link without the job's other group, since its
 *    flows' weight there, its bytes over the heavier group's, stands for its claim over a whole step,
 *    not for the group's while it sends).
 */
export function turnShareBytesPerS(capacityBytesPerS: number, groupFlows: number, others: OthersOnLink): number {
  const held = capacityBytesPerS - others.loadBytesPerS;
  const free = Math.max(0, capacityBytesPerS - others.heldLoadBytesPerS);
  const won = others.limitedWeight > 0 ? (free * groupFlows) / (groupFlows + others.limitedWeight) : free;
  return Math.min(capacityBytesPerS, Math.max(held, won));
}
