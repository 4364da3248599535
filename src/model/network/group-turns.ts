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
  // A rate read asks this for each multi-node job at every change of the network's rates: the
  // tallies by link are kept in reused arrays (two Maps a call were 1.7% of scale-100k's profile).
  const tally = TALLY.inUse ? new LinkTally() : TALLY;
  tally.begin();
  try {
    let bw = Infinity;
    for (let i = 0; i < count; i++) {
      const ranks = ranksOf(i);
      bw = Math.min(bw, capOf(i) / ranks);
      tally.add(linksOf(i), ranks);
    }
    // Links in the order first crossed, as the Maps walked them (availOf may flush the network).
    for (let j = 0; j < tally.count; j++) {
      const l = tally.links[j]!;
      bw = Math.min(bw, Math.max(0, availOf(l, tally.flowsOn[l]!)) / tally.ranksOn[l]!);
    }
    return bw;
  } finally {
    tally.end();
  }
}

/**
 * groupPerRankBw's ranks and flows per link crossed, by link id, with the links in the order first
 * crossed; emptied by walking that list, so a call costs what its flows' routes do, not the links
 * of the network.
 */
class LinkTally {
  ranksOn = new Float64Array(64);
  flowsOn = new Int32Array(64);
  links = new Int32Array(64);
  count = 0;
  inUse = false;

  begin(): void {
    this.inUse = true;
    this.count = 0;
  }

  add(route: readonly number[], ranks: number): void {
    for (let k = 0; k < route.length; k++) {
      const l = route[k]!;
      if (l >= this.flowsOn.length) this.grow(l + 1);
      if (this.flowsOn[l] === 0) {
        if (this.count === this.links.length) {
          const links = new Int32Array(2 * this.count);
          links.set(this.links);
          this.links = links;
        }
        this.links[this.count++] = l;
        this.ranksOn[l] = 0;
      }
      // As the Map's (get ?? 0) + ranks: the same additions in the same order.
      this.ranksOn[l] = this.ranksOn[l]! + ranks;
      this.flowsOn[l]!++;
    }
  }

  end(): void {
    for (let j = 0; j < this.count; j++) this.flowsOn[this.links[j]!] = 0;
    this.count = 0;
    this.inUse = false;
  }

  private grow(n: number): void {
    const size = Math.max(n, 2 * this.flowsOn.length);
    const ranksOn = new Float64Array(size);
    ranksOn.set(this.ranksOn);
    this.ranksOn = ranksOn;
    const flowsOn = new Int32Array(size);
    flowsOn.set(this.flowsOn);
    this.flowsOn = flowsOn;
  }
}

const TALLY = new LinkTally();

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
// Two jobs' groups on one link each get this while they send, and the model has them send at the same
// time every step: the worst phase offset, which fair sharing preserves but chance rarely gives
// (docs/network.md, "Two jobs on one link": an upper bound on the cost of sharing, MLTCP and CASSINI).
export function turnShareBytesPerS(capacityBytesPerS: number, groupFlows: number, others: OthersOnLink): number {
  const held = capacityBytesPerS - others.loadBytesPerS;
  const free = Math.max(0, capacityBytesPerS - others.heldLoadBytesPerS);
  const won = others.limitedWeight > 0 ? (free * groupFlows) / (groupFlows + others.limitedWeight) : free;
  return Math.min(capacityBytesPerS, Math.max(held, won));
}
