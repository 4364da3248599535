// The network as transfers cross it over time: every training job's persistent flow holds at most
// the bandwidth it uses averaged over its step (its demand), and the transfers share the rest max-min
// (progressive filling with demands: Bertsekas & Gallager, Data Networks, 2nd ed., section 6.5.2).
import { FlowNetwork } from './flow-network.js';

/**
 * A second flow network over the same links as the one whose shares time the jobs' collectives.
 * There a job's flow is as greedy as a bulk transfer, which is what its collectives meet while they
 * send (a ring and a transfer on one link each get half of it during the reduction); but a job sends
 * only in its communication phases, so over its life it holds only bytes per step / step time of
 * the link. Here each job flow is capped at that demand, and the transfers are the flows that make
 * progress: their rates, completions and bytes left are read here.
 *
 * Contract: the caller adds the same links in the same order (mirrorLinks), sets a job flow's
 * demand whenever the job's step changes (setDemand, keyed by the job flow's id in the other
 * network) and drops it when that flow goes (drop); times only move forward, as FlowNetwork's.
 */
export class DemandBoundedNetwork {
  readonly network = new FlowNetwork();
  /** By job flow id (in the contention network): the flow standing for it here, -1 none. */
  private readonly flowOf: number[] = [];
  /** By job flow id: the cap that flow was added with. */
  private readonly capOf: number[] = [];
  /** Job flow ids with a flow here. */
  private readonly mirrored = new Set<number>();

  /** Whether job flow `jobFlow` has a flow here now. */
  holds(jobFlow: number): boolean {
    return this.mirrored.has(jobFlow);
  }

  /** How many job flows have a flow here now. */
  get jobFlowCount(): number {
    return this.mirrored.size;
  }

  /** Adds the links `from` has and this network lacks, at their capacity now. */
  mirrorLinks(from: FlowNetwork): void {
    for (let l = this.network.linkCount; l < from.linkCount; l++) this.network.addLink(from.linkCapacity(l));
  }

  /**
   * Job flow `jobFlow` crosses `links` with weight `weight`, held to `demandBytesPerS` (its bytes per
   * step / step time, at most its own cap). A demand of 0 (the flow carries nothing, or the job is
   * stalled) holds nothing here.
   */
  setDemand(jobFlow: number, links: readonly number[], weight: number, demandBytesPerS: number, nowS: number): void {
    const cap = demandBytesPerS > 0 ? demandBytesPerS : 0;
    const f = this.flowOf[jobFlow] ?? -1;
    // The same demand on the same flow: nothing to re-solve.
    if (f >= 0 && this.capOf[jobFlow] === cap) return;
    if (f >= 0) this.network.removeFlow(f, nowS);
    if (cap === 0) {
      this.flowOf[jobFlow] = -1;
      this.mirrored.delete(jobFlow);
      return;
    }
    this.flowOf[jobFlow] = this.network.addFlow(links, Infinity, nowS, { capBytesPerS: cap, weight });
    this.capOf[jobFlow] = cap;
    this.mirrored.add(jobFlow);
  }

  /** The job flow is gone (its job ended, it moved, it was re-planned). */
  drop(jobFlow: number, nowS: number): void {
    const f = this.flowOf[jobFlow] ?? -1;
    if (f < 0) return;
    this.network.removeFlow(f, nowS);
    this.flowOf[jobFlow] = -1;
    this.mirrored.delete(jobFlow);
  }

  /** Every job flow off this network (no transfer left to share it with). */
  dropAll(nowS: number): void {
    for (const jobFlow of [...this.mirrored].sort((a, b) => a - b)) this.drop(jobFlow, nowS);
  }
}
