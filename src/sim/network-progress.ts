// The placement- and contention-aware progress model: a training job's rate comes from its step
// time (compute + exposed communication + pipeline bubble) on its placement, with the bandwidth of
// its scale-out traffic taken from the max-min share the flow network gives its flows now. When
// any flow's share changes (another job starts or ends on a shared link), the affected jobs' rates
// are recomputed and their completions rescheduled. Transfers move in a demand-bounded copy of the
// links, where a job holds only the bandwidth it uses over a step (model/network/demand-bounded.ts).
import type { Engine, ScheduledEvent } from '../engine/engine.js';
import type { Cluster } from '../model/cluster.js';
import { FlowNetwork, type OthersOnLink } from '../model/network/flow-network.js';
import { DemandBoundedNetwork } from '../model/network/demand-bounded.js';
import { Topology, type Route } from '../model/network/topology.js';
import type { StepTime } from '../model/step-time.js';
import { pipelinedRingStepLatencyS } from '../model/collectives.js';
import { ringTreePassS } from '../model/network/nccl-tree.js';
import type { ComputeBreakdown } from '../model/layer-compute.js';
import { layoutCell, type ParallelLayout, type TrainingShape } from '../model/training-layout.js';
import type { JobView, Placement } from '../policy/types.js';
import { peakRate, templateOf, type ProgressModel } from './progress-model.js';
import type { SimJob } from './sim-job.js';
import { InputError, type SourceMap } from '../scenario/errors.js';
import type { LinkRow, LinkSampleRow } from './signals.js';
import { LinkLedger, transferUser, type HotLink, type InFlightTransfer } from './link-ledger.js';
import { freezePlan, NO_NUMBERS, type CommPlan, type NodePair, type PlanPairs } from '../model/network/comm-plan.js';
import { PairPlanner } from '../model/network/pair-planner.js';
import { groupPerRankBw, turnShareBytesPerS } from '../model/network/group-turns.js';
import { pairFigures, ringBytes } from '../model/network/idle-comm.js';
import { JobSteps, type ShapedJob } from '../model/job-steps.js';
import { AloneRates, stepModelTimes } from '../model/network/alone-rate.js';
import { fastestOnPlacement, kernelBoundOverLayouts, spansSites } from '../model/network/placed-layout.js';

/** What the model needs from the simulator. */
export interface RateSink {
  readonly engine: Engine;
  /** Locates problems in the scenario file (a link too slow for any result to mean anything). */
  readonly resolved: { readonly src: SourceMap };
  /** Settle the job at its old rate and continue at the new one. */
  setRate(job: SimJob, rateFlopPerS: number): void;
}

/** A data transfer in flight. */
export interface TransferState {
  readonly name: string;
  readonly bytes: number;
  readonly startS: number;
  finishS: number;
  flow: number;
  readonly onDone: (t: TransferState) => void;
}

/**
 * A running job's network state, on its run record (JobRun.progressState) and, for a job with
 * flows, in a list in the order the jobs started (the order every walk over running jobs takes:
 * bytes are added to links in it). A job without flows (on one node) is left out of the list:
 * every walk passes over such a job without effect, its plan never gains flows, and linking it in
 * and out wrote to the records of the jobs started before and after it, long cold by its end.
 * Records are kept for reuse once their job ends: a job's start allocates none.
 */
interface JobComm {
  job: SimJob;
  /** In the start-order list (listComm). */
  listed: boolean;
  prev: JobComm | undefined;
  next: JobComm | undefined;
  /** The shape, layout and kernel time it has (and their step-time cache). */
  shaped: ShapedJob;
  shape: TrainingShape;
  layout: ParallelLayout;
  /** Kernel time of the job's step on its kind (undefined: the job's or kind's one efficiency). */
  compute: ComputeBreakdown | undefined;
  memoryBytes: number;
  plan: CommPlan | undefined;
  step: StepTime | undefined;
  /** Time up to which the job's traffic has been added to the links' byte counts. */
  accountedS: number;
  /** Its place in the model's list of jobs whose flows' rates changed (markChanged), -1 when not listed. */
  changedAt: number;
}

export class NetworkProgressModel implements ProgressModel {
  /**
   * The shares jobs' collectives meet while they send: every flow (a job's, and one standing for each
   * transfer) as greedy as a bulk transfer. Jobs' step times are read here; transfers move in `averaged`.
   */
  readonly network = new FlowNetwork();
  /**
   * The same links as transfers cross them over time: each job flow held to its demand (bytes per
   * step / step time), the transfers sharing the rest; their rates, progress and completions are
   * this network's (docs/network.md, "A job holds a link only while it sends"). Job flows are put
   * here only while a transfer is under way, and only those that share a link with one (setDemands).
   */
  private readonly averaged = new DemandBoundedNetwork();
  readonly topology: Topology;
  /** Running jobs' records in start order (JobComm), and records kept for reuse. */
  private firstComm: JobComm | undefined;
  private lastComm: JobComm | undefined;
  private readonly spareComms: JobComm[] = [];
  /** The running job (its record) each job flow belongs to, by flow slot. */
  private readonly commOfFlow: (JobComm | undefined)[] = [];
  /** Jobs using each link (for the congestion efficiency of contended links). */
  private linkJobs = new Int32Array(0);
  /**
   * Links whose job count just crossed between one and two (contended or no longer), until the jobs
   * over them are marked for a new rate (markContentionChanged); only kept where a fabric loses
   * capacity to contention (congestion_efficiency < 1), since nowhere else does it change a rate.
   */
  private readonly contentionFlips: number[] = [];
  private readonly lossyFabric: boolean;
  /** Flows on each link (job and transfer flows), for rate predictions. */
  private linkFlows = new Int32Array(0);
  /**
   * Transfer flows on each link (datasets, checkpoints, KV caches): a link a job shares with them
   * only is shared all the same, and the job's groups read what max-min leaves them there (perRank).
   */
  private linkTransfers = new Int32Array(0);
  /**
   * Jobs whose flows' rates changed since the last sync, in the order first marked (markChanged):
   * an entry counts while its record's changedAt is its index (a record dropped, or dropped and
   * marked again for its next job, leaves its old entry behind, skipped). A list rather than a
   * Set: this is filled at every flow change, and a Set's clear allocated a new table each time.
   */
  private readonly changed: JobComm[] = [];
  private changedCount = 0;
  private inCallback = false;

  constructor(
    private readonly cluster: Cluster,
    private readonly interDc: ConstructorParameters<typeof Topology>[2],
    private readonly sink: RateSink,
    /** Jobs ignore the network (scenario network: ideal); transfers still use it. */
    private readonly ideal = false,
  ) {
    this.topology = new Topology(cluster, this.network, interDc);
    this.planner = new PairPlanner(cluster.nodeCount);
    this.linkStamp = new Int32Array(this.network.linkCount);
    this.linkJobs = new Int32Array(this.network.linkCount);
    this.lossyFabric = this.topology.nodeFabric.some((f) => f.congestion_efficiency < 1);
    this.linkFlows = new Int32Array(this.network.linkCount);
    this.linkTransfers = new Int32Array(this.network.linkCount);
    this.ledger = new LinkLedger(this.topology, this.network.linkCount);
    this.steps = new JobSteps(cluster);
    // Alone, a job gets the layout the run would give it on its placement (shapedOn).
    this.alone = new AloneRates(cluster, interDc, this.steps, (job, placement) => this.shapedOn(job as JobView, placement));
    this.network.onRatesChanged = (flows, count) => {
      for (let i = 0; i < count; i++) {
        const c = this.commOfFlow[flows[i]!];
        if (c) this.markChanged(c);
      }
      if (this.onLinkSaturation) for (let i = 0; i < count; i++) this.touch(this.routeOfFlow[flows[i]!]);
    };
  }

  /**
   * Told when a link becomes saturated (its flows' rates add up to its capacity) and when it stops
   * being so, with its load and capacity (bytes/s). Set by run listeners (sim/run-events.ts);
   * watching only reads the solver's state, so it changes no result.
   */
  onLinkSaturation: ((link: string, saturated: boolean, nowS: number, loadBytesPerS: number, capacityBytesPerS: number) => void) | undefined;
  /** Links whose load may have changed since the last check (only while someone watches). */
  private readonly touchedLinks: number[] = [];
  private saturatedLinks = new Uint8Array(0);

  private touch(links: readonly number[] | undefined): void {
    if (this.onLinkSaturation && links) for (const l of links) this.touchedLinks.push(l);
  }

  private checkSaturation(): void {
    const watch = this.onLinkSaturation!;
    if (this.saturatedLinks.length < this.network.linkCount) {
      const grown = new Uint8Array(this.network.linkCount);
      grown.set(this.saturatedLinks);
      this.saturatedLinks = grown;
    }
    const links = [...new Set(this.touchedLinks)].sort((a, b) => a - b);
    this.touchedLinks.length = 0;
    for (const l of links) {
      const load = this.network.linkLoad(l);
      const cap = this.network.linkCapacity(l);
      const saturated = cap > 0 && load >= cap * (1 - 1e-9) ? 1 : 0;
      if (saturated === this.saturatedLinks[l]) continue;
      this.saturatedLinks[l] = saturated;
      watch(this.topology.linkNames[l]!, saturated === 1, this.clock, load, cap);
    }
  }

  /** Jobs without a model size keep the simple model: their communication volume is unknown. */
  /** Whether the step model times the job (stepModelTimes), or the simple rate does. */
  private usesNetwork(job: JobView): boolean {
    return !this.ideal && stepModelTimes(job.params, templateOf(job).kindRate);
  }

  /** Whether the job's steps are timed over the flow network (its flows can lose their path to a failure). */
  timesOverNetwork(job: JobView): boolean {
    return this.usesNetwork(job);
  }

  startRate(job: SimJob): number {
    if (!this.usesNetwork(job)) return this.simpleRate(job, job.placement!);
    const c = this.commOf(job);
    c.plan = this.buildPlan(job, job.placement!, c.layout);
    if (c.plan.dpFlows.length + c.plan.ppFlows.length > 0) this.listComm(c);
    if (this.movesFlows(c.plan)) {
      this.rebalance();
      this.sync(job);
    }
    return this.rateOf(job, c);
  }

  /**
   * Whether a job's flows coming or going can change anything on the network. A job on one node
   * has none, and every change to the network is synced as it is made, so nothing is pending
   * either: re-deriving rates and the next completion would find them as they are (the common case
   * of most starts and ends). Adaptive routing re-evaluates on every start and end all the same.
   */
  private movesFlows(plan: CommPlan): boolean {
    return plan.dpFlows.length + plan.ppFlows.length > 0 || this.topology.adaptive;
  }

  predictRate(job: JobView, placement: Placement): number {
    if (!this.usesNetwork(job)) return this.simpleRate(job, placement);
    const step = this.step(job, placement, this.shapedOn(job, placement), (route, from, ranks) => {
      // Fair share if the job joined now: each link's capacity over its flows plus this one.
      let share = Infinity;
      const links = route.links;
      for (let i = 0; i < links.length; i++) share = Math.min(share, this.topology.linkCapacityBytesPerS[links[i]!]! / (this.linkFlows[links[i]!]! + 1));
      return Math.min(share, this.flowCapBytesPerS(route, from, ranks));
    });
    return step.usefulFlopPerS;
  }

  released(job: SimJob): void {
    const c = commOfRun(job);
    if (!c) return;
    const plan = c.plan;
    if (!plan) {
      this.dropComm(c);
      return;
    }
    this.account(job, c);
    this.dropFlows(plan, job);
    const moved = this.movesFlows(plan);
    // Off the changed list too (dropComm unmarks the record).
    this.dropComm(c);
    if (!moved) return;
    this.rebalance();
    this.sync(undefined);
  }

  /**
   * Adaptive routing re-evaluated when the load changes (a job's flows come or go, a fabric element
   * fails or is repaired): a running job's flow moves, one at a time, to a surviving equal-cost path
   * where it would get a strictly larger equal share (Topology.betterRoute), jobs in start order and
   * their flows in plan order, in passes until none moves. Each move lowers the sorted vector of
   * the links' flows per capacity, so passes end; at most 64 are made all the same. Nothing moves
   * without an adaptive site. Transfers keep the path they started on.
   */
  private rebalance(): void {
    if (!this.topology.adaptive) return;
    for (let pass = 0; pass < 64; pass++) {
      let moved = false;
      for (let c = this.firstComm; c; c = c.next) {
        if (!c.plan) continue;
        const job = c.job;
        const pairs = this.pairList(job.placement!, c.layout);
        const groups: [typeof pairs.dp, number[], number[]][] = [
          [pairs.dp, c.plan.dpFlows, c.plan.dpShare],
          [pairs.pp, c.plan.ppFlows, c.plan.ppShare],
        ];
        let accounted = false;
        for (const [list, flows, shares] of groups) {
          list.forEach((p, i) => {
            const r = this.topology.betterRoute(p.from, p.to, this.routeOfFlow[flows[i]!]!);
            if (!r) return;
            if (!accounted) this.account(job, c);
            accounted = true;
            this.moveFlow(job, c.plan!, flows, i, r, p.from, shares[i]!);
            moved = true;
          });
        }
      }
      if (!moved) return;
    }
  }

  /** Moves flow `i` of a job's group `flows` onto `route` (an equal-cost path: the same latency), its bytes so far accounted. */
  private moveFlow(job: SimJob, plan: CommPlan, flows: number[], i: number, route: Route, from: number, share: number): void {
    const old = flows[i]!;
    const oldLinks = this.routeOfFlow[old]!;
    if (this.ledger.tracking) this.ledger.flowCredited(old, oldLinks, job.name);
    this.commOfFlow[old] = undefined;
    this.routeOfFlow[old] = undefined;
    this.touch(oldLinks);
    for (const l of oldLinks) this.linkFlows[l]!--;
    this.network.removeFlow(old, this.clock);
    this.averaged.drop(old, this.clock);
    const capBytesPerS = this.flowCapBytesPerS(route, from, share);
    const f = this.network.addFlow(route.links, Infinity, this.clock, {
      weight: flows === plan.dpFlows ? plan.dpWeight : plan.ppWeight,
      ...(capBytesPerS < Infinity ? { capBytesPerS } : {}),
    });
    flows[i] = f;
    this.capOfFlow[f] = capBytesPerS;
    const c = commOfRun(job)!;
    this.commOfFlow[f] = c;
    this.routeOfFlow[f] = route.links;
    this.touch(route.links);
    for (const l of route.links) this.linkFlows[l]!++;
    // The job's distinct links, for contention bookkeeping.
    for (const l of plan.links) this.leaveLink(l);
    const links = new Set<number>();
    for (const g of [...plan.dpFlows, ...plan.ppFlows]) for (const l of this.routeOfFlow[g]!) links.add(l);
    plan.links = [...links];
    for (const l of plan.links) this.joinLink(l);
    this.markChanged(c);
    this.markContentionChanged();
  }

  /**
   * Every job flow now: its job, the node pair it joins and its links (for tests of rerouting; it
   * recomputes the pairs, so it is not for the job path).
   */
  jobFlows(): { job: SimJob; from: number; to: number; flow: number; links: readonly number[] }[] {
    const out: { job: SimJob; from: number; to: number; flow: number; links: readonly number[] }[] = [];
    for (let c = this.firstComm; c; c = c.next) {
      if (!c.plan) continue;
      const job = c.job;
      const pairs = this.pairList(job.placement!, c.layout);
      pairs.dp.forEach((p, i) => out.push({ job, from: p.from, to: p.to, flow: c.plan!.dpFlows[i]!, links: this.routeOfFlow[c.plan!.dpFlows[i]!]! }));
      pairs.pp.forEach((p, i) => out.push({ job, from: p.from, to: p.to, flow: c.plan!.ppFlows[i]!, links: this.routeOfFlow[c.plan!.ppFlows[i]!]! }));
    }
    return out;
  }

  /** Job flows held in the demand-bounded network now (those that met a transfer since none was under way). */
  demandBoundedJobFlows(): number {
    return this.averaged.jobFlowCount;
  }

  /** Takes a job's flows off the network (its bytes so far accounted by the caller). */
  private dropFlows(plan: CommPlan, job: SimJob): void {
    if (plan.dpFlows.length + plan.ppFlows.length > 0) {
      // The job's name only where bytes are credited to users (a generated job's name is made when asked).
      const user = this.ledger.tracking ? job.name : '';
      this.dropGroup(plan.dpFlows, user);
      this.dropGroup(plan.ppFlows, user);
    }
    // Indexed loops on the job paths: their lists are sometimes frozen (one-node plans), and a
    // for-of over lists of two shapes allocated an iterator per loop.
    const links = plan.links;
    for (let i = 0; i < links.length; i++) this.leaveLink(links[i]!);
    this.markContentionChanged();
  }

  /** A job's plan crosses link `l` from now on (contention bookkeeping). */
  private joinLink(l: number): void {
    if (++this.linkJobs[l]! === 2 && this.lossyFabric) this.contentionFlips.push(l);
  }

  /** A job's plan no longer crosses link `l`. */
  private leaveLink(l: number): void {
    if (--this.linkJobs[l]! === 1 && this.lossyFabric) this.contentionFlips.push(l);
  }

  /**
   * A running job's rate counts its fabric's congestion_efficiency while another job shares one of
   * its links (rateOf): when a link becomes shared or stops being so, every job over it whose
   * fabric loses capacity to contention gets a new rate at the next sync, not only the job whose
   * start or end did it (which left the first of two jobs on a RoCE uplink at its uncontended rate
   * while the second paid for the contention).
   */
  private markContentionChanged(): void {
    if (this.contentionFlips.length === 0) return;
    const flipped = new Set(this.contentionFlips);
    this.contentionFlips.length = 0;
    for (let c = this.firstComm; c; c = c.next) {
      const plan = c.plan;
      if (!plan || !(plan.congestionEfficiency < 1)) continue;
      for (let i = 0; i < plan.links.length; i++) {
        if (flipped.has(plan.links[i]!)) {
          this.markChanged(c);
          break;
        }
      }
    }
  }

  private dropGroup(flows: readonly number[], user: string): void {
    for (let k = 0; k < flows.length; k++) {
      const f = flows[k]!;
      const links = this.routeOfFlow[f];
      this.ledger.flowCredited(f, links, user);
      this.commOfFlow[f] = undefined;
      this.touch(links);
      if (links) for (let i = 0; i < links.length; i++) this.linkFlows[links[i]!]!--;
      this.routeOfFlow[f] = undefined;
      this.network.removeFlow(f, this.clock);
      this.averaged.drop(f, this.clock);
    }
  }

  /**
   * A switch or link of a data centre's fabric fails (`down`) or is repaired: the links it carries
   * lose or regain their share of capacity, and every flow that crossed a link left with none moves
   * to a surviving path (another spine or plane, a detour). A job is re-planned over the surviving
   * fabric, its flows' routes, latencies and rates afresh; one with a node pair that has no surviving
   * path is returned, in start order, for the caller to fail (its flows stay on the dead link until
   * then, at rate 0). A transfer between nodes moves with its bytes left; with no surviving path it
   * waits on the dead link until the repair. After a repair, routing reconverges: a job with a
   * flow off its node pair's route now (a detour, a rehash) is re-planned onto the routes the repaired
   * fabric gives (under adaptive routing, rebalance moves flows back where that gives them a larger
   * share); transfers keep their path; new flows use the link again.
   */
  setFabricElement(index: number, down: boolean): SimJob[] {
    const dead = new Set<number>();
    for (const { link, capacityBytesPerS } of this.topology.setElementDown(index, down)) {
      this.setLinkCapacity(link, capacityBytesPerS);
      this.touch([link]);
      if (capacityBytesPerS === 0) dead.add(link);
    }
    const lost: SimJob[] = [];
    if (down && dead.size > 0) {
      const crossing = (links: readonly number[] | undefined): boolean => (links ?? []).some((l) => dead.has(l));
      const jobs: SimJob[] = [];
      for (let c = this.firstComm; c; c = c.next) if (c.plan && crossing(c.plan.links)) jobs.push(c.job);
      for (const job of jobs) if (!this.replan(job)) lost.push(job);
      for (const { t } of this.transfersInStartOrder()) {
        const entry = this.transferOfFlow[t.flow]!;
        if (entry.ends && Number.isNaN(t.finishS) && crossing(entry.links)) this.rerouteTransfer(t, entry.ends[0], entry.ends[1]);
      }
    } else if (!down && !this.topology.adaptive) {
      // Routing reconverges on the repaired fabric: jobs that took a detour or were rehashed go back
      // to the route each pair has now (under adaptive routing, rebalance moves them where it pays).
      const jobs: SimJob[] = [];
      for (let c = this.firstComm; c; c = c.next) if (c.plan && this.offRoute(c.job, c)) jobs.push(c.job);
      for (const job of jobs) this.replan(job);
    }
    this.cluster.setFabricParts(this.topology.parts());
    this.rebalance();
    this.sync(undefined);
    return lost;
  }

  /** Whether some flow of a running job is on another route than its node pair's route now. */
  private offRoute(job: SimJob, c: JobComm): boolean {
    const pairs = this.pairList(job.placement!, c.layout);
    const flows = [...c.plan!.dpFlows, ...c.plan!.ppFlows];
    return [...pairs.dp, ...pairs.pp].some((p, i) => {
      const now = this.routeOfFlow[flows[i]!];
      const r = this.topology.survivingRoute(p.from, p.to);
      if (!now || !r) return false;
      return r.links.length !== now.length || r.links.some((l, k) => l !== now[k]);
    });
  }

  /** Moves a running job's flows onto surviving paths; false (nothing changed) when a node pair has none. */
  private replan(job: SimJob): boolean {
    const c = commOfRun(job)!;
    const placement = job.placement!;
    const pairs = this.pairList(placement, c.layout);
    for (const p of [...pairs.dp, ...pairs.pp]) if (!this.topology.survivingRoute(p.from, p.to)) return false;
    this.account(job, c);
    this.dropFlows(c.plan!, job);
    c.plan = this.buildPlan(job, placement, c.layout);
    this.markChanged(c);
    return true;
  }

  /**
   * Moves a transfer with the bytes it has left onto a surviving path, if there is one: between
   * nodes `from` and `to`, or with `sites` between data centres `from` and `to`.
   */
  private rerouteTransfer(t: TransferState, from: number, to: number, sites = false): void {
    const r = sites ? this.topology.survivingDcRoute(from, to) : this.topology.survivingRoute(from, to);
    if (!r) return;
    const entry = this.transferOfFlow[t.flow]!;
    const old = t.flow;
    const transfers = this.averaged.network;
    const left = Math.max(0, transfers.remaining(old, this.clock));
    for (const l of entry.links) {
      this.linkFlows[l]!--;
      this.linkTransfers[l]!--;
    }
    this.ledger.transferCarried(entry.links, t.name, entry.routeBytes - left);
    this.transferOfFlow[old] = undefined;
    this.dropGreedyTransfer(entry.greedy);
    // Between sites the window cap follows the new path's round trip.
    const capBytesPerS = sites ? r.connectionCapBytesPerS * entry.dcs![2] : entry.capBytesPerS;
    this.transferOpts.capBytesPerS = capBytesPerS;
    this.transferOpts.tag = entry.tag;
    transfers.removeFlow(old, this.clock);
    t.flow = transfers.addFlow(r.links, left, this.clock, this.transferOpts);
    const greedy = left > 0 ? this.addGreedyTransfer(r.links, capBytesPerS) : -1;
    this.transferOfFlow[t.flow] = { ...entry, latencyS: r.latencyS, routeBytes: left, capBytesPerS, links: r.links, greedy };
    for (const l of r.links) {
      this.linkFlows[l]!++;
      this.linkTransfers[l]!++;
    }
    // The job flows on its new path meet it there.
    for (let c = this.firstComm; c; c = c.next) this.setDemands(c);
    this.touch(r.links);
  }

  /**
   * The flow standing for a transfer among the greedy flows jobs' collectives meet (`network`): as
   * greedy as the transfer, for as long as it lasts. Its rate there is what the transfer gets while
   * jobs send; how fast the transfer moves is the demand-bounded network's.
   */
  private addGreedyTransfer(links: readonly number[], capBytesPerS: number): number {
    const f = this.network.addFlow(links, Infinity, this.clock, capBytesPerS < Infinity ? { capBytesPerS } : undefined);
    this.routeOfFlow[f] = links;
    return f;
  }

  private dropGreedyTransfer(f: number): void {
    if (f < 0) return;
    this.touch(this.routeOfFlow[f]);
    this.routeOfFlow[f] = undefined;
    this.network.removeFlow(f, this.clock);
  }

  /** A link's capacity changes (a failure or a repair) in both views of the network. */
  private setLinkCapacity(link: number, capacityBytesPerS: number): void {
    this.network.setLinkCapacity(link, capacityBytesPerS, this.clock);
    if (link < this.averaged.network.linkCount) this.averaged.network.setLinkCapacity(link, capacityBytesPerS, this.clock);
  }

  /**
   * A job's flows in the demand-bounded network, each held to what it carries over a step: its
   * ranks' bytes per step / the step time the job runs at now (from its shares in `network`, which
   * do not depend on these demands, so no fixed point is needed). Only while a transfer is under way.
   */
  private setDemands(c: JobComm): void {
    const plan = c.plan;
    const step = c.step;
    if (this.liveTransfers === 0 || !plan || !step || plan.dpFlows.length + plan.ppFlows.length === 0) return;
    const stepS = step.stepS;
    const groups = [
      [plan.dpFlows, plan.dpShare, ringBytes(step), plan.dpWeight],
      [plan.ppFlows, plan.ppShare, step.ppBytesPerStepPerDevice, plan.ppWeight],
    ] as const;
    for (const [flows, shares, bytesPerDevice, weight] of groups) {
      for (let i = 0; i < flows.length; i++) {
        const f = flows[i]!;
        // A flow that shares no link with a transfer stays out: it cannot change a transfer's rate.
        if (!this.averaged.holds(f) && !this.meetsTransfer(this.routeOfFlow[f]!)) continue;
        const demand = stepS > 0 && Number.isFinite(stepS) ? Math.min(this.capOfFlow[f]!, (bytesPerDevice * shares[i]!) / stepS) : 0;
        this.averaged.setDemand(f, this.routeOfFlow[f]!, weight, demand, this.clock);
      }
    }
  }

  /** Whether a route crosses a link that a transfer under way crosses. */
  private meetsTransfer(links: readonly number[]): boolean {
    for (let k = 0; k < links.length; k++) if (this.linkTransfers[links[k]!]! > 0) return true;
    return false;
  }

  /** Step time and communication fraction of a running job (for jobs.csv). */
  stepOf(job: SimJob): StepTime | undefined {
    return commOfRun(job)?.step;
  }

  /** Memory per device of a running job's layout (bytes). */
  memoryOf(job: SimJob): number | undefined {
    return commOfRun(job)?.memoryBytes;
  }

  /** The layout the job's steps are timed with, as jobs.csv's cell (given or chosen), while it runs. */
  layoutOf(job: SimJob): string | undefined {
    const shaped = commOfRun(job)?.shaped;
    if (!shaped) return undefined;
    return (shaped.layoutCell ??= layoutCell(shaped.layout));
  }

  /** Whether the job's automatic layout, as it runs now, was a near-tie (layout-search.ts nearTieOf). */
  layoutNearTieOf(job: SimJob): boolean {
    return commOfRun(job)?.shaped?.nearTie !== undefined;
  }

  /**
   * An inter-DC link fails (`down`: both directions carry nothing) or is repaired. On a failure,
   * every flow that crossed it moves to the lowest-latency path left between its two sites
   * (another link between them, or a way round through other sites): a job is re-planned over it,
   * its routes, latencies, window caps and rates afresh, and one with a node pair that has no path
   * left is returned, in start order, for the caller to fail (as a job cut off by a fabric
   * failure: its collectives would time out); its flows stay on the dead link until then. A
   * transfer (between sites or nodes) moves with its bytes left, or with no path left waits on the
   * dead link for the repair (it resumes where it stopped). On a repair, jobs whose flows took a
   * detour between sites move back to the lowest-latency path, as routing reconverges; transfers
   * keep their path.
   */
  setInterDcLink(index: number, down: boolean): SimJob[] {
    this.topology.setInterDcDown(index, down);
    const ids = this.topology.interDcLinkIds(index);
    for (const id of ids) {
      this.setLinkCapacity(id, down ? 0 : this.topology.linkCapacityBytesPerS[id]!);
      this.touch([id]);
    }
    const lost: SimJob[] = [];
    const longHaul = (links: readonly number[] | undefined): number[] => (links ?? []).filter((l) => this.interDcLink[l] === 1);
    const jobs: SimJob[] = [];
    for (let c = this.firstComm; c; c = c.next) {
      if (!c.plan) continue;
      const job = c.job;
      if (down ? c.plan.links.some((l) => ids.includes(l)) : this.detoured(job, c, longHaul)) jobs.push(job);
    }
    for (const job of jobs) if (!this.replan(job)) lost.push(job);
    if (down) {
      for (const { t } of this.transfersInStartOrder()) {
        if (!Number.isNaN(t.finishS) || !this.transferOfFlow[t.flow]!.links.some((l) => ids.includes(l))) continue;
        const entry = this.transferOfFlow[t.flow]!;
        if (entry.ends) this.rerouteTransfer(t, entry.ends[0], entry.ends[1]);
        else if (entry.dcs) this.rerouteTransfer(t, entry.dcs[0], entry.dcs[1], true);
      }
    }
    this.cluster.setFabricParts(this.topology.parts());
    this.rebalance();
    this.sync(undefined);
    return lost;
  }

  /** Per flow-network link: 1 for the directed links of inter-DC links. */
  private get interDcLink(): Uint8Array {
    if (!this.interDcLinkMark) {
      this.interDcLinkMark = new Uint8Array(this.network.linkCount);
      this.topology.interDc.forEach((_, i) => {
        for (const l of this.topology.interDcLinkIds(i)) this.interDcLinkMark![l] = 1;
      });
    }
    return this.interDcLinkMark;
  }
  private interDcLinkMark: Uint8Array | undefined;

  /** Whether some flow of a running job crosses other inter-DC links than its pair's route would take now. */
  private detoured(job: SimJob, c: JobComm, longHaul: (links: readonly number[] | undefined) => number[]): boolean {
    const pairs = this.pairList(job.placement!, c.layout);
    const flows = [...c.plan!.dpFlows, ...c.plan!.ppFlows];
    return [...pairs.dp, ...pairs.pp].some((p, i) => {
      const now = longHaul(this.routeOfFlow[flows[i]!]);
      if (now.length === 0) return false;
      const r = this.topology.survivingRoute(p.from, p.to);
      if (!r) return false;
      const best = longHaul(r.links);
      return best.length !== now.length || best.some((l, k) => l !== now[k]);
    });
  }

  /**
   * Start moving `bytes` between two data centres over `connections` parallel connections (each
   * capped at a window / RTT where a link has a window); `onDone` fires when the last byte arrives.
   */
  startTransfer(name: string, fromDc: number, toDc: number, bytes: number, onDone: (t: TransferState) => void, connections = 1): TransferState {
    const r = this.topology.dcRoute(fromDc, toDc);
    return this.addTransfer(name, r.links, r.latencyS, bytes, r.connectionCapBytesPerS * connections, onDone, undefined, [fromDc, toDc, connections]);
  }

  /**
   * Move `bytes` from node `fromNode`'s NICs to node `toNode`'s (a KV cache from a prefill replica
   * to a decode replica): a flow on the nodes' NIC links, their leaves' uplinks and any inter-DC
   * links on the way, sharing them max-min with every other flow. `ranks` devices send in parallel,
   * each through its own NIC rail (as NCCL binds a GPU to its nearest NIC), so the flow is capped
   * at `ranks` rails of either end and at `ranks` connections' window / RTT on long links. The
   * last byte arrives one route latency after the fluid transfer ends. fromNode !== toNode.
   * `maxBytesPerS` caps it further (a sender that cannot produce the bytes faster).
   */
  startNodeTransfer(name: string, fromNode: number, toNode: number, bytes: number, ranks: number, onDone: (t: TransferState) => void, maxBytesPerS = Infinity): TransferState {
    const r = this.topology.route(fromNode, toNode);
    const rail = (n: number): number => (this.topology.nodeNicBytesPerS[n]! / this.topology.nodeRails[n]!) * this.topology.connectionsFrom(n, ranks);
    const capBytesPerS = Math.min(rail(fromNode), rail(toNode), this.flowCapBytesPerS(r, fromNode, ranks), maxBytesPerS);
    return this.addTransfer(name, r.links, r.latencyS, bytes, capBytesPerS, onDone, [fromNode, toNode]);
  }

  private addTransfer(name: string, links: readonly number[], latencyS: number, bytes: number, capBytesPerS: number, onDone: (t: TransferState) => void, ends: readonly [number, number] | undefined, dcs?: readonly [number, number, number]): TransferState {
    const t: TransferState = { name, bytes, startS: this.clock, finishS: Number.NaN, flow: -1, onDone };
    // Propagation delay: the last byte arrives one path latency after the fluid transfer ends.
    const tag = this.nextTransferTag++;
    const transfers = this.averaged.network;
    // The first transfer under way brings the links over; the job flows it meets join it at their
    // demands, in the jobs' start order (those on no link of a transfer stay out: setDemands).
    if (this.liveTransfers++ === 0) this.averaged.mirrorLinks(this.network);
    for (const l of links) {
      this.linkFlows[l]!++;
      this.linkTransfers[l]!++;
    }
    for (let c = this.firstComm; c; c = c.next) this.setDemands(c);
    // One options object for every transfer (the network copies what it reads): no garbage per flow.
    this.transferOpts.capBytesPerS = capBytesPerS;
    this.transferOpts.tag = tag;
    t.flow = transfers.addFlow(links, bytes, this.clock, this.transferOpts);
    // A transfer of no bytes consumes nothing (it completes at once): nothing to meet.
    const greedy = bytes > 0 ? this.addGreedyTransfer(links, capBytesPerS) : -1;
    this.transferOfFlow[t.flow] = { t, latencyS, tag, routeBytes: bytes, capBytesPerS, ends, dcs, links, greedy };
    this.sync(undefined);
    return t;
  }

  /** One transfer fewer under way: with none left, the jobs' flows leave the demand-bounded network. */
  private transferGone(): void {
    if (--this.liveTransfers === 0) this.averaged.dropAll(this.clock);
  }

  /** Per-link figures for links.csv, for links that carried anything (LinkLedger.rows). */
  linkRows(endS: number): LinkRow[] {
    // Jobs and transfers still under way at the end are accounted up to now (the engine stops at the horizon).
    for (let c = this.firstComm; c; c = c.next) this.account(c.job, c);
    return this.ledger.rows(endS, (l) => this.network.linkStats(l, this.clock).peakConcurrentFlows, this.transfersSentSoFar());
  }

  /** Remember who sent the bytes each link carries from now on, for hotLinks() (LinkLedger.trackUsers). */
  trackLinkUsers(): void {
    this.ledger.trackUsers();
  }

  /** The `n` busiest links of the run so far with their `k` heaviest users (LinkLedger.hot). */
  hotLinks(endS: number, n: number, k: number): HotLink[] {
    for (let c = this.firstComm; c; c = c.next) this.account(c.job, c);
    return this.ledger.hot(endS, n, k, this.liveFlows(), (f) => this.routeOfFlow[f], this.transfersSentSoFar());
  }

  /** The transfers whose fluid part has not ended, each with the bytes it has sent on its current route. */
  private transfersSentSoFar(): InFlightTransfer[] {
    const out: InFlightTransfer[] = [];
    if (this.liveTransfers === 0) return out;
    for (let f = 0; f < this.transferOfFlow.length; f++) {
      const entry = this.transferOfFlow[f];
      if (!entry) continue;
      const sent = entry.routeBytes - Math.max(0, this.averaged.network.remaining(f, this.clock));
      out.push({ user: transferUser(entry.t.name), links: entry.links, bytes: sent });
    }
    return out;
  }

  /** Running jobs with flows, in start order, each with its flows (data parallel, then pipeline). */
  private *liveFlows(): Generator<{ user: string; flows: number[] }> {
    for (let c = this.firstComm; c; c = c.next) if (c.plan) yield { user: c.job.name, flows: [...c.plan.dpFlows, ...c.plan.ppFlows] };
  }

  /** What the links carried, and for whom. */
  private readonly ledger: LinkLedger;
  /** Step times by shape, layout, kind and the placement's figures. */
  private readonly steps: JobSteps;

  // --- internals ------------------------------------------------------------------------------

  private get clock(): number {
    return this.sink.engine.now;
  }
  /** Links of each flow, by flow slot (an array, as jobOfFlow: a Map's delete reallocates its table when it empties). */
  private readonly routeOfFlow: (readonly number[] | undefined)[] = [];
  /** By flow id: the cap a job's flow was added with (the NIC rails its ranks drive), for rateOf's per-group reading. */
  private readonly capOfFlow: number[] = [];
  /**
   * Transfers whose last byte has not left yet, by flow slot (in the demand-bounded network), `liveTransfers` of them; `tag` gives
   * their start order. An array rather than a Map keyed by tag: a Map that empties after nearly
   * every transfer (one KV cache at a time) reallocates its table on each delete.
   */
  private readonly transferOfFlow: ({ t: TransferState; latencyS: number; tag: number; routeBytes: number; capBytesPerS: number; ends: readonly [number, number] | undefined; /** Between data centres: the two, and the connections the transfer opened. */ dcs?: readonly [number, number, number] | undefined; /** Its route's links. */ links: readonly number[]; /** Its greedy flow in `network` (addGreedyTransfer), -1 none. */ greedy: number } | undefined)[] = [];
  private liveTransfers = 0;
  private nextTransferTag = 0;
  private readonly transferOpts = { capBytesPerS: Infinity, tag: 0 };
  private completionEvent: ScheduledEvent | undefined;

  /**
   * Each link's bytes since the previous sample, up to now (`endS`, the engine's time), as rows of
   * links_timeseries.csv: jobs' traffic as they make progress (steps taken x bytes per step),
   * transfers' as their bytes cross (those sent so far on their current route, counted in links.csv
   * when they end or move). Links that carried nothing are left out.
   */
  sampleLinks(startS: number, endS: number, emit: (row: LinkSampleRow) => void): void {
    // Running jobs' bytes since their last account are added beside the ledger, not accounted: an
    // account splits the job's steps at the sample, and the sum of the pieces differs from the whole
    // in the last bits, which moved links.csv's bytes when --link-interval was asked for.
    let pending: Float64Array | undefined;
    for (let c = this.firstComm; c; c = c.next) pending = this.pending(c, pending);
    this.ledger.sample(startS, endS, emit, this.transfersSentSoFar(), pending);
  }

  /**
   * Stop a transfer before its fluid part ends (its onDone is then never called): the bytes it
   * carried count on its links, and the bytes it had left are returned, for the caller to send on
   * other terms. A transfer whose fluid part has ended (its last byte in flight) is left alone: 0.
   */
  stopTransfer(t: TransferState): number {
    const flow = t.flow;
    const entry = this.transferOfFlow[flow];
    if (entry?.t !== t) return 0;
    const transfers = this.averaged.network;
    const left = Math.max(0, transfers.remaining(flow, this.clock));
    this.transferOfFlow[flow] = undefined;
    this.touch(entry.links);
    for (const l of entry.links) {
      this.linkFlows[l]!--;
      this.linkTransfers[l]!--;
    }
    this.ledger.transferCarried(entry.links, t.name, entry.routeBytes - left);
    this.dropGreedyTransfer(entry.greedy);
    transfers.removeFlow(flow, this.clock);
    this.transferGone();
    this.sync(undefined);
    return left;
  }

  /** Names of the transfers whose last byte has not left yet (stalled ones included). */
  transfersInFlight(): string[] {
    const out: string[] = [];
    for (const { t } of this.transfersInStartOrder()) if (Number.isNaN(t.finishS)) out.push(t.name);
    return out;
  }

  /** The live transfers in the order they started. */
  private transfersInStartOrder(): { t: TransferState; tag: number }[] {
    const out: { t: TransferState; tag: number }[] = [];
    if (this.liveTransfers === 0) return out;
    for (const x of this.transferOfFlow) if (x !== undefined) out.push(x);
    return out.sort((a, b) => a.tag - b.tag);
  }

  /** Keep one engine event at the network's next flow completion (transfers only; job flows never end). */
  private scheduleCompletion(): void {
    // Job flows never end: only transfers complete, and they move in the demand-bounded network.
    const t = this.liveTransfers > 0 ? this.averaged.network.nextCompletionTime() : Infinity;
    if (t === Infinity) this.checkTransfersCanEnd();
    if (this.completionEvent && !this.completionEvent.cancelled && this.completionEvent.timeS === t) return;
    this.sink.engine.cancel(this.completionEvent);
    this.completionEvent = t < Infinity ? this.sink.engine.at(Math.max(t, this.clock), this.onCompletion) : undefined;
  }

  /**
   * No completion is due: fine when every transfer left is stalled (a failed link, rate 0); one
   * that moves yet has no finite end time overflowed float time, and would silently never arrive.
   */
  private checkTransfersCanEnd(): void {
    for (const { t } of this.transfersInStartOrder()) {
      if (!Number.isNaN(t.finishS)) continue;
      const rate = this.averaged.network.rate(t.flow);
      if (!(rate > 0)) continue;
      const left = this.averaged.network.remaining(t.flow, this.clock);
      throw this.tooSlow(this.transferOfFlow[t.flow]!.links, `transfer '${t.name}' (${left} bytes left at t=${this.clock} s) would arrive beyond the range of floating-point time`);
    }
  }

  /**
   * The input is the problem, not the run: a link so slow that a result overflows floats. Located
   * at the field that sets the capacity of the slowest link on `flow`'s route.
   */
  private tooSlow(route: readonly number[] | undefined, what: string, kindName?: string): InputError {
    if (!route) {
      // No flow on the network: the devices' own interconnect is what is too slow.
      const message = `${what} over the ${kindName} interconnect: no result would mean anything; give it a realistic rate`;
      return new InputError([this.sink.resolved.src.issue(['devices', kindName ?? '', 'interconnect', 'bandwidth'], message)]);
    }
    let slowest = -1;
    for (const l of route) if (slowest < 0 || this.topology.linkCapacityBytesPerS[l]! < this.topology.linkCapacityBytesPerS[slowest]!) slowest = l;
    const link = slowest < 0 ? 'its path' : `link '${this.topology.linkNames[slowest]}' (${this.topology.linkCapacityBytesPerS[slowest]} B/s)`;
    const message = `${what} over ${link}: no result would mean anything; give it a realistic rate`;
    return new InputError([this.sink.resolved.src.issue(slowest < 0 ? [] : this.topology.linkFields[slowest]!, message)]);
  }

  private readonly onCompletion = (): void => {
    this.completionEvent = undefined;
    const done: TransferState[] = [];
    const ended: number[] = [];
    this.averaged.network.popCompleted(this.clock, (flow, finishS) => {
      const { t, latencyS, routeBytes, links, greedy } = this.transferOfFlow[flow]!;
      this.transferOfFlow[flow] = undefined;
      t.finishS = finishS + latencyS;
      this.touch(links);
      for (const l of links) {
        this.linkFlows[l]!--;
        this.linkTransfers[l]!--;
      }
      this.ledger.transferCarried(links, t.name, routeBytes);
      ended.push(greedy);
      done.push(t);
    });
    // The network must not change while it reports completions: the transfers' greedy flows go after.
    for (const g of ended) {
      this.dropGreedyTransfer(g);
      this.transferGone();
    }
    this.sync(undefined);
    for (const t of done) {
      if (t.finishS > this.clock) this.sink.engine.at(t.finishS, () => t.onDone(t));
      else t.onDone(t);
    }
  };

  private simpleRate(job: JobView, placement: Placement): number {
    return peakRate(job, this.cluster.kinds[placement.kind]!.spec, placement.kind);
  }

  /**
   * Above every predictRate on the kind: a step is its kernel time plus exposed communication and
   * bubble, none of them negative (stepTime: stepS = computeS + exposedCommS + bubbleS), and the
   * kernel time depends on the shape, layout and kind alone, so useful work over it bounds the rate
   * on any placement and share of the network (correctly rounded division is monotone).
   */
  maxRate(job: JobView, kindIndex: number): number {
    if (!this.usesNetwork(job)) return peakRate(job, this.cluster.kinds[kindIndex]!.spec, kindIndex);
    // Across sites a job may run another automatic layout (shapedOn): the bound covers those too.
    if (this.cluster.datacentres.length < 2 || (job as Partial<Pick<SimJob, 'template'>>).template?.layout !== undefined) return this.steps.kernelBoundRate(job, kindIndex);
    const shaped = this.steps.shapeAndLayout(job, kindIndex);
    let bound = this.layoutBounds.get(shaped);
    if (bound === undefined) this.layoutBounds.set(shaped, (bound = kernelBoundOverLayouts(this.cluster, this.steps, job, kindIndex, shaped)));
    return bound;
  }
  /**
   * The job's rate alone on an idle pool on each kind of `kinds`, into `out` by position
   * (finish-time fairness' T_id): its step on the first devices of the kind in the pool's node
   * order (where first fit puts a job on an idle pool), the network carrying nothing else, as a run
   * reads a job alone (aloneShares). Kept on the shape's entries, which one lookup finds for every
   * kind (JobSteps.shapeRow), so a finished job costs a lookup and jobs of one shape work each rate
   * out once. NaN for a kind with too few devices; false (out untouched) for jobs the simple model
   * times (no model size, or network: ideal).
   */
  aloneRates(job: JobView, kinds: readonly number[], out: Float64Array): boolean {
    if (!this.usesNetwork(job)) return false;
    this.alone.rates(job, kinds, out);
    return true;
  }

  /** maxRate's bound over the automatic layouts a job of a shaped entry may run across sites. */
  private readonly layoutBounds = new Map<ShapedJob, number>();

  private commOf(job: SimJob): JobComm {
    const run = job.run!;
    let c = run.progressState as JobComm | undefined;
    if (!c) {
      const shaped = this.shapedOn(job, job.placement!);
      c = this.spareComms.pop();
      if (c) {
        c.job = job;
        c.shaped = shaped;
        c.shape = shaped.shape;
        c.layout = shaped.layout;
        c.compute = shaped.compute;
        c.memoryBytes = shaped.memoryBytes;
        c.plan = undefined;
        c.step = undefined;
        c.accountedS = this.clock;
      } else {
        const { shape, layout, compute, memoryBytes } = shaped;
        c = { job, listed: false, prev: undefined, next: undefined, shaped, shape, layout, compute, memoryBytes, plan: undefined, step: undefined, accountedS: this.clock, changedAt: -1 };
      }
      run.progressState = c;
    }
    return c;
  }

  /**
   * The job's shape and layout on its placement: the automatic layout (chosen on one site's nominal
   * paths) re-chosen on the placement when it spans data centres (placed-layout.ts), as `explain`
   * chooses it, on the links between sites as they are now: with a long-haul link down, on the
   * paths that route round it (a job starting then was given the layout of the link's bandwidth
   * and ran over the detour). Kept per placement and set of links down (a few: multi-site starts
   * are rare). A run keeps the layout it started with when the link comes back (its flows move
   * back to the direct path; re-sharding a running job is a restart): it is chosen again when the
   * job next starts.
   */
  private shapedOn(job: JobView, placement: Placement): ShapedJob {
    const shaped = this.steps.shapeAndLayout(job, placement.kind);
    // A policy's prediction for a placement across sites gets the layout the run would give it.
    if ((job as Partial<Pick<SimJob, 'template'>>).template?.layout !== undefined || !spansSites(this.cluster, placement.nodes)) return shaped;
    const down: number[] = [];
    for (let i = 0; i < this.interDc.length; i++) if (this.topology.interDcLinkDown(i)) down.push(i);
    const key = `${placement.kind}|${placement.nodes.join(',')}|${placement.counts.join(',')}|${down.join(',')}`;
    let byPlacement = this.placedLayouts.get(shaped);
    if (!byPlacement) this.placedLayouts.set(shaped, (byPlacement = new Map()));
    let placed = byPlacement.get(key);
    if (!placed) {
      // A network of its own, carrying nothing else: the job timed alone on the placement.
      const alone = this.alone.aloneNetwork;
      const aloneTopology = this.alone.aloneTopology;
      // Routed as the run's flows are: round the links that are down (where no path is left, the
      // nominal route, as for the run's flows).
      for (let i = 0; i < this.interDc.length; i++) aloneTopology.setInterDcDown(i, down.includes(i));
      placed = fastestOnPlacement(this.cluster, aloneTopology, alone, this.steps, job, placement, shaped);
      if (byPlacement.size >= 64) byPlacement.clear();
      byPlacement.set(key, placed);
    }
    return placed;
  }
  private readonly placedLayouts = new Map<ShapedJob, Map<string, ShapedJob>>();
  /** Rates alone on an idle pool, and the network and topology they and shapedOn's layouts are timed on. */
  private readonly alone: AloneRates;

  /** A record last in the start-order list (a job whose plan has flows, as it starts). */
  private listComm(c: JobComm): void {
    if (c.listed) return;
    c.listed = true;
    c.prev = this.lastComm;
    c.next = undefined;
    if (this.lastComm) this.lastComm.next = c;
    else this.firstComm = c;
    this.lastComm = c;
  }

  /** A job's record off the list and off its run record, kept for the next job to start. */
  private dropComm(c: JobComm): void {
    if (c.listed) {
      if (c.prev) c.prev.next = c.next;
      else this.firstComm = c.next;
      if (c.next) c.next.prev = c.prev;
      else this.lastComm = c.prev;
      c.listed = false;
    }
    c.job.run!.progressState = undefined;
    c.prev = undefined;
    c.next = undefined;
    c.plan = undefined;
    c.step = undefined;
    c.changedAt = -1;
    this.spareComms.push(c);
  }

  /** List a running job's record as changed (once per sync: a second mark keeps its first place). */
  private markChanged(c: JobComm): void {
    if (c.changedAt >= 0) return;
    c.changedAt = this.changedCount;
    this.changed[this.changedCount++] = c;
  }

  /**
   * Node pairs that exchange data-parallel and pipeline traffic (PairPlanner.plan: one scratch
   * PlanPairs, valid until the next call).
   */
  private planPairs(placement: Placement, layout: ParallelLayout): PlanPairs {
    return this.planner.plan(placement, layout);
  }
  private readonly planner: PairPlanner;

  /** planPairs' pairs as objects (for the paths that re-plan or reroute running jobs, rare). */
  private pairList(placement: Placement, layout: ParallelLayout): { dp: NodePair[]; pp: NodePair[] } {
    const q = this.planPairs(placement, layout);
    const dp: NodePair[] = [];
    const pp: NodePair[] = [];
    for (let i = 0; i < q.dpCount; i++) dp.push({ from: q.dpFrom[i]!, to: q.dpTo[i]!, share: q.dpShare[i]! });
    for (let i = 0; i < q.ppCount; i++) pp.push({ from: q.ppFrom[i]!, to: q.ppTo[i]!, share: q.ppShare[i]! });
    return { dp, pp };
  }

  private buildPlan(job: SimJob, placement: Placement, layout: ParallelLayout): CommPlan {
    const shaped = commOfRun(job)?.shaped;
    if (placement.nodes.length === 1 && shaped?.layout === layout) {
      const kind = placement.kind;
      return (shaped.onePlans[kind] ??= freezePlan(this.newPlan(job, placement, layout)));
    }
    return this.newPlan(job, placement, layout);
  }

  private newPlan(job: SimJob, placement: Placement, layout: ParallelLayout): CommPlan {
    const pairs = this.planPairs(placement, layout);
    const flowCount = pairs.dpCount + pairs.ppCount;
    // Lists filled below (in scratch lists, then copied once at their size: pushed one by one, a
    // gang's lists were reallocated as they grew); none written while the plan has no flows.
    const plan: CommPlan = {
      dpFlows: NO_NUMBERS,
      ppFlows: NO_NUMBERS,
      dpShare: NO_NUMBERS,
      ppShare: NO_NUMBERS,
      dpLatencyS: 0,
      ppLatencyS: 0,
      dpTreePassS: 0,
      dpRanksPerNode: pairs.dpRanksPerNode,
      tpAcrossNodes: pairs.tpAcrossNodes,
      ppWithinNode: pairs.ppWithinNode,
      links: NO_NUMBERS,
      congestionEfficiency: 1,
      dpWeight: 1,
      ppWeight: 1,
    };
    // Each pair's route, once: for the flow weights' nominal step and for the flows.
    const routes = this.routeScratch;
    for (let i = 0; i < pairs.dpCount; i++) routes[i] = this.topology.route(pairs.dpFrom[i]!, pairs.dpTo[i]!);
    for (let i = 0; i < pairs.ppCount; i++) routes[pairs.dpCount + i] = this.topology.route(pairs.ppFrom[i]!, pairs.ppTo[i]!);
    // A job's data-parallel and pipeline traffic share its NICs in proportion to their volume
    // (they mostly run in different phases of the step); across jobs, each job's heaviest group
    // has weight 1, so jobs share a link equally.
    const { dpWeight, ppWeight } = this.groupWeights(job, placement, layout, pairs, routes);
    plan.dpWeight = dpWeight;
    plan.ppWeight = ppWeight;
    // A job on one node sends nothing over the fabric: no flows, no links.
    if (flowCount === 0) return plan;
    // The job's distinct links in the order its flows first cross them.
    const linkStamp = this.nextLinkStamp();
    this.flowsListed = 0;
    this.linksListed = 0;
    let hop = 0;
    for (let r = 0; r < pairs.ringCount; r++) {
      const k = pairs.rings[r]!;
      let sum = 0;
      let min = Infinity;
      let slowest = 0;
      const first = hop;
      for (const end = hop + k; hop < end; hop++) {
        const l = this.addJobFlow(job, plan, routes[hop]!, pairs.dpFrom[hop]!, pairs.dpShare[hop]!, dpWeight, linkStamp);
        sum += l;
        if (l < min) min = l;
        if (l > slowest) slowest = l;
      }
      const alpha = pipelinedRingStepLatencyS(sum, min, k);
      plan.dpTreePassS = Math.max(plan.dpTreePassS, this.treePass(pairs, first, k, alpha, slowest));
      plan.dpLatencyS = Math.max(plan.dpLatencyS, alpha);
    }
    for (let i = 0; i < pairs.ppCount; i++) plan.ppLatencyS = Math.max(plan.ppLatencyS, this.addJobFlow(job, plan, routes[pairs.dpCount + i]!, pairs.ppFrom[i]!, pairs.ppShare[i]!, ppWeight, linkStamp));
    const dpCount = pairs.dpCount;
    plan.dpFlows = this.flowList.slice(0, dpCount);
    plan.ppFlows = this.flowList.slice(dpCount, flowCount);
    plan.dpShare = this.shareList.slice(0, dpCount);
    plan.ppShare = this.shareList.slice(dpCount, flowCount);
    plan.links = this.linkList.slice(0, this.linksListed);
    for (let i = 0; i < plan.links.length; i++) this.joinLink(plan.links[i]!);
    this.markContentionChanged();
    return plan;
  }

  /** One flow of a job's plan from node `from` on the pair's route: returns the route's latency. */
  private addJobFlow(job: SimJob, plan: CommPlan, route: Route, from: number, share: number, weight: number, linkStamp: number): number {
    const opts = this.jobFlowOpts;
    opts.weight = weight;
    opts.capBytesPerS = this.flowCapBytesPerS(route, from, share);
    const f = this.network.addFlow(route.links, Infinity, this.clock, opts);
    this.capOfFlow[f] = opts.capBytesPerS;
    this.commOfFlow[f] = commOfRun(job);
    this.routeOfFlow[f] = route.links;
    const links = route.links;
    for (let i = 0; i < links.length; i++) {
      const l = links[i]!;
      this.linkFlows[l]!++;
      if (this.linkStamp[l] !== linkStamp) {
        this.linkStamp[l] = linkStamp;
        this.linkList[this.linksListed++] = l;
      }
    }
    this.flowList[this.flowsListed] = f;
    this.shareList[this.flowsListed++] = share;
    plan.congestionEfficiency = Math.min(plan.congestionEfficiency, route.fabric.congestion_efficiency);
    return route.latencyS;
  }

  /**
   * newPlan's flows (data-parallel then pipeline), their shares and the distinct links, in lists
   * only ever grown (setting an array's length to 0 drops its storage): the first flowsListed and
   * linksListed entries are the plan being made.
   */
  private readonly flowList: number[] = [];
  /** newPlan's routes of the pairs (data-parallel hops, then pipeline pairs), the first dpCount + ppCount. */
  private readonly routeScratch: Route[] = [];
  private readonly shareList: number[] = [];
  private readonly linkList: number[] = [];
  private flowsListed = 0;
  private linksListed = 0;
  /** One options object for every job flow (the network copies what it reads; an Infinity cap is no cap). */
  private readonly jobFlowOpts = { weight: 1, capBytesPerS: Infinity };
  /** Per link: the plan it was last listed in (newPlan's distinct links). */
  private linkStamp: Int32Array;
  private linkStampNow = 0;

  private nextLinkStamp(): number {
    if (this.linkStamp.length < this.network.linkCount) this.linkStamp = new Int32Array(this.network.linkCount);
    if (this.linkStampNow === 0x7fffffff) {
      this.linkStamp.fill(0);
      this.linkStampNow = 0;
    }
    return ++this.linkStampNow;
  }

  /**
   * Relative volumes of a job's data-parallel and pipeline traffic across the fabric (the heavier
   * one is 1). A group with no flow sends nothing across it (a stage's ring inside its node, ZeRO-3's
   * gathers on NVLink): counted, it made the other group's weight tiny and its rate (read at
   * rate / weight) many times its NICs'.
   */
  private groupWeights(job: JobView, placement: Placement, layout: ParallelLayout, pairs: PlanPairs, routes: readonly Route[]): { dpWeight: number; ppWeight: number } {
    const c = commOfRun(job as SimJob);
    const shaped = c?.shaped ?? this.steps.shapeAndLayout(job, placement.kind);
    const withLayout = JobSteps.withLayout(shaped, layout);
    const nominal = this.step(job, placement, withLayout, this.routeCapacity, pairs, routes);
    const dp = pairs.dpCount > 0 ? ringBytes(nominal) : 0;
    const pp = pairs.ppCount > 0 ? nominal.ppBytesPerStepPerDevice : 0;
    const top = Math.max(dp, pp);
    if (!(top > 0)) return { dpWeight: 1, ppWeight: 1 };
    const floor = 1e-3; // keep every flow's share positive
    return { dpWeight: Math.max(floor, dp / top), ppWeight: Math.max(floor, pp / top) };
  }

  /**
   * Cap of the flow that carries a job's traffic from node `from` to one peer: the NIC rails its
   * `ranks` there drive, and one connection per rail at window / RTT (Topology.jobFlowCapBytesPerS).
   */
  private flowCapBytesPerS(route: Route, from: number, ranks: number): number {
    return this.topology.jobFlowCapBytesPerS(route, from, ranks);
  }

  private readonly routeCapacity = (route: Route, from: number, ranks: number): number => {
    let cap = this.flowCapBytesPerS(route, from, ranks);
    const links = route.links;
    for (let i = 0; i < links.length; i++) cap = Math.min(cap, this.topology.linkCapacityBytesPerS[links[i]!]!);
    return cap;
  };

  /** Re-derive shares after changes and recompute the rates of the jobs whose shares moved. */
  private sync(starting: SimJob | undefined): void {
    if (this.inCallback) return;
    this.network.nextCompletionTime(); // flushes pending changes; onRateChange fills `changed`
    if (this.onLinkSaturation && this.touchedLinks.length > 0) this.checkSaturation();
    this.inCallback = true;
    try {
      // In the order first marked (the count is read again: nothing marks here, but a Set's walk would see it).
      for (let i = 0; i < this.changedCount; i++) {
        const c = this.changed[i]!;
        if (c.changedAt !== i) continue;
        const job = c.job;
        if (job === starting || job.state !== 'running') continue;
        if (c.plan) this.sink.setRate(job, this.rateOf(job, c));
      }
    } finally {
      for (let i = 0; i < this.changedCount; i++) if (this.changed[i]!.changedAt === i) this.changed[i]!.changedAt = -1;
      this.changedCount = 0;
      this.inCallback = false;
    }
    this.scheduleCompletion();
  }

  /**
   * Add the bytes the job actually sent since the last account to its links: steps taken x bytes
   * per step per flow (each flow carries its source node's ranks' share). Persistent flows only
   * stand for the job's claim on bandwidth; this is what crossed the wire.
   */
  private account(_job: SimJob, c: JobComm): void {
    const plan = c.plan;
    const step = c.step;
    const dt = this.clock - c.accountedS;
    c.accountedS = this.clock;
    // A plan without flows (a job on one node) carries nothing: no call (a double argument is a heap number each).
    if (!plan || !step || !(dt > 0) || !(step.stepS > 0) || plan.dpFlows.length + plan.ppFlows.length === 0) return;
    const steps = dt / step.stepS;
    // The stage's ring carries the data-parallel traffic and, where they leave the node, the
    // context-parallel gathers and the expert-parallel all-to-alls.
    this.accountFlows(plan.dpFlows, plan.dpShare, steps, ringBytes(step));
    this.accountFlows(plan.ppFlows, plan.ppShare, steps, step.ppBytesPerStepPerDevice);
  }

  /** What account() would add now for `c`, added to `into` per link instead (made when first needed); nothing is accounted. */
  private pending(c: JobComm, into: Float64Array | undefined): Float64Array | undefined {
    const plan = c.plan;
    const step = c.step;
    const dt = this.clock - c.accountedS;
    if (!plan || !step || !(dt > 0) || !(step.stepS > 0) || plan.dpFlows.length + plan.ppFlows.length === 0) return into;
    into ??= new Float64Array(this.network.linkCount);
    const steps = dt / step.stepS;
    for (const [flows, shares, bytesPerDevice] of [[plan.dpFlows, plan.dpShare, ringBytes(step)], [plan.ppFlows, plan.ppShare, step.ppBytesPerStepPerDevice]] as const) {
      for (let i = 0; i < flows.length; i++) {
        const bytes = steps * bytesPerDevice * shares[i]!;
        for (const l of this.routeOfFlow[flows[i]!] ?? []) into[l]! += bytes;
      }
    }
    return into;
  }

  private accountFlows(flows: readonly number[], shares: readonly number[], steps: number, bytesPerDevice: number): void {
    for (let i = 0; i < flows.length; i++) {
      const bytes = steps * bytesPerDevice * shares[i]!;
      this.ledger.flowCarried(flows[i]!, this.routeOfFlow[flows[i]!], bytes);
    }
  }

  /**
   * A group's bandwidth per rank while it communicates: the job's two groups take turns within a
   * step (the pipeline sends during the micro-batches, the rings reduce after them, and the step adds
   * their exposed times), so a group has to itself what its job has of each link: alone on it, its
   * capacity; shared (with another job or a transfer), the larger of the capacity less the other flows' load and what the group's
   * flows at weight 1 (the job's whole claim) win beside the other flows the link limits
   * (group-turns.ts turnShareBytesPerS). The flows' weights (each group's bytes) set the job's claim
   * over a step, as other jobs see it. Reading a flow at rate / weight instead made the rings faster
   * as the pipeline sent more (GPT-NeoX-20B, every tensor rank sending the whole gradient: 7.51 ->
   * 8.51 GB/s); reading only the capacity less the others' load gave a lighter group crossing a shared
   * link without its heavier one its weight's fraction of its turn, so its time did not shrink with
   * its bytes (docs/calibration.md audit item 17).
   */
  private perRank(c: JobComm, flows: number[], shares: number[], eff: number): number {
    // The group asked about, in fields the callbacks below read (made once: a call made five
    // closures); put back after, should a rate read ever nest.
    const wasComm = this.askedComm;
    const wasFlows = this.askedFlows;
    const wasShares = this.askedShares;
    this.askedComm = c;
    this.askedFlows = flows;
    this.askedShares = shares;
    try {
      return groupPerRankBw(flows.length, this.askedLinks, this.askedCap, this.askedRanks, this.askedAvail) * eff;
    } finally {
      this.askedComm = wasComm;
      this.askedFlows = wasFlows;
      this.askedShares = wasShares;
    }
  }

  /** perRank's group: its job's record, flows and their ranks. */
  private askedComm: JobComm | undefined;
  private askedFlows: readonly number[] = NO_NUMBERS;
  private askedShares: readonly number[] = NO_NUMBERS;
  private readonly askedLinks = (i: number): readonly number[] => this.routeOfFlow[this.askedFlows[i]!]!;
  private readonly askedCap = (i: number): number => this.capOfFlow[this.askedFlows[i]!]!;
  private readonly askedRanks = (i: number): number => this.askedShares[i]!;
  private readonly askedOwn = (f: number): boolean => this.commOfFlow[f] === this.askedComm;
  private readonly askedAvail = (l: number, groupFlows: number): number => {
    const cap = this.network.linkCapacity(l);
    // Alone on the link (no other job, no transfer): all of it. Shared with either: max-min's share of its turn.
    if (!(this.linkJobs[l]! > 1) && this.linkTransfers[l] === 0) return cap;
    return turnShareBytesPerS(cap, groupFlows, this.network.othersOnLink(l, this.askedOwn, this.othersScratch));
  };

  /** perRank's reading of one link's other flows (FlowNetwork.othersOnLink). */
  private readonly othersScratch: OthersOnLink = { loadBytesPerS: 0, limitedWeight: 0, heldLoadBytesPerS: 0 };

  private rateOf(job: SimJob, c: JobComm): number {
    this.account(job, c);
    const plan = c.plan!;
    let contended = false;
    for (let i = 0; i < plan.links.length; i++) if (this.linkJobs[plan.links[i]!]! > 1) contended = true;
    const eff = contended ? plan.congestionEfficiency : 1;
    const dpBw = plan.dpFlows.length > 0 ? this.perRank(c, plan.dpFlows, plan.dpShare, eff) : Infinity;
    const ppBw = plan.ppFlows.length > 0 ? this.perRank(c, plan.ppFlows, plan.ppShare, eff) : Infinity;
    c.step = this.steps.fromShares(job, job.placement!, c.shaped, plan, dpBw, ppBw);
    this.setDemands(c);
    const rate = c.step.usefulFlopPerS;
    if (!(rate > 0) || !Number.isFinite(c.step.stepS)) {
      // A flow at rate 0 is a failed link on the job's path: the job stalls until it is repaired.
      // Otherwise positive bandwidth shares gave no finite step: the figures overflow floats.
      let slowest = -1;
      for (const f of [...plan.dpFlows, ...plan.ppFlows]) {
        const r = this.network.rate(f);
        if (r === 0) return 0;
        if (slowest < 0 || r < this.network.rate(slowest)) slowest = f;
      }
      throw this.tooSlow(slowest < 0 ? undefined : this.routeOfFlow[slowest], `job '${job.name}' gets a step time of ${c.step.stepS} s (beyond the range of floating-point numbers) at t=${this.clock} s${slowest >= 0 ? `, its slowest flow ${this.network.rate(slowest)} B/s` : ''}`, this.cluster.kinds[job.placement!.kind]!.name);
    }
    return rate;
  }

  /** One tree pass over the ring of k nodes whose hops start at `first` (nccl-tree.ts). */
  private treePass(pairs: PlanPairs, first: number, k: number, alphaS: number, slowestHopS: number): number {
    const dc = this.cluster.nodeDatacentre;
    return ringTreePassS(k, (i) => pairs.dpFrom[first + i]!, alphaS, slowestHopS, (n) => dc[n]!, (a, b) => this.topology.route(a, b).latencyS);
  }

  /** Step time on a placement with per-route bandwidth from `shareOf` (for predictions). */
  private step(job: JobView, placement: Placement, shaped: ShapedJob, shareOf: (r: Route, from: number, ranks: number) => number, pairs = this.planPairs(placement, shaped.layout), routes?: readonly Route[]): StepTime {
    let on = routes;
    if (!on) {
      const fresh: Route[] = [];
      for (let i = 0; i < pairs.dpCount; i++) fresh.push(this.topology.route(pairs.dpFrom[i]!, pairs.dpTo[i]!));
      for (let i = 0; i < pairs.ppCount; i++) fresh.push(this.topology.route(pairs.ppFrom[i]!, pairs.ppTo[i]!));
      on = fresh;
    }
    let dpBw = Infinity;
    let ppBw = Infinity;
    for (let i = 0; i < pairs.dpCount; i++) dpBw = Math.min(dpBw, shareOf(on[i]!, pairs.dpFrom[i]!, pairs.dpShare[i]!) / pairs.dpShare[i]!);
    for (let i = 0; i < pairs.ppCount; i++) ppBw = Math.min(ppBw, shareOf(on[pairs.dpCount + i]!, pairs.ppFrom[i]!, pairs.ppShare[i]!) / pairs.ppShare[i]!);
    return this.steps.fromShares(job, placement, shaped, pairFigures(pairs, on, this.cluster, this.topology), dpBw, ppBw);
  }
}

/** A job's record while the network model holds one (see JobComm); undefined for a job that never ran. */
function commOfRun(job: SimJob): JobComm | undefined {
  return job.run?.progressState as JobComm | undefined;
}
