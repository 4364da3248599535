// Gavel's max-min fairness with rounds (Narayanan et al., "Heterogeneity-Aware Cluster Scheduling
// Policies for Deep Learning Workloads", OSDI 2020; its scheduler, stanford-futuredata/gavel).
//
// The allocation: an LP (max-min-allocation.ts) gives each active job a fraction of time on each
// device kind, maximising the smallest throughput normalised by the job's throughput on an equal
// share of the pool. `heterogeneity: aware` uses each job's predicted rate on each kind (its
// `throughputs:` row when it has a job type); `agnostic` is Gavel's heterogeneity-agnostic
// counterpart (its LAS: max-min over device time, every kind a job can use worth the same), whose
// time is then spread over the usable kinds in proportion to their devices, as a solver blind to
// speed has no reason to prefer one.
//
// The rounds (Gavel's scheduler): time is cut into rounds of `round`. At each round boundary,
// priority[j][k] = X[j][k] / time j received on k since the last reset (plus half a round, so a
// new job is not divided by zero); kind by kind (fastest first when aware, in a seeded random order
// when agnostic, as Gavel shuffles them for policies without "Perf"), jobs are taken by priority
// (ties: larger deficit, larger X, submission) while the kind has devices for their gang; a job is
// scheduled on one kind per round. Jobs that keep their kind keep running; the others are
// preempted (the scenario's preemption.checkpoint and restore apply) and the round's jobs start as
// their devices come free. A job arriving mid-round waits for the next round. The allocation is
// recomputed at a round boundary when jobs arrived or left, at most every `reset_interval` (Gavel's
// minimum_time_between_allocation_resets); the time received then restarts from half a round, and
// what each job fell short of its allocation is carried as its deficit (the tie-break).
// The policy chooses each job's kind itself (that is the point of it), so the scenario's placement
// policy is not asked: within the kind a job gets the smallest-span devices (topology-aware's
// search); GPU shares and host-resource requests go through host-fit on the planned kind.
import { z } from 'zod';
import { duration } from '../scenario/quantity.js';
import { hostFitPlacement, needsHostFit } from './host-fit.js';
import { idlePlacement } from './heterogeneity-aware.js';
import { maxMinAllocation, type AllocationClass } from './max-min-allocation.js';
import { allowedKinds, rateOn } from './predict.js';
import { placeOnKindBySpan } from './topology-aware.js';
import type { ClusterView, JobView, Placement, QueueDiscipline, QueuePolicy, SchedulingContext } from './types.js';

const paramsSchema = z.strictObject({
  heterogeneity: z
    .enum(['aware', 'agnostic'])
    .default('aware')
    .describe("aware: the LP weighs each job's throughput on each kind (Gavel's max-min fairness); agnostic: every usable kind counts the same (Gavel's LAS, max-min over device time)"),
  round: duration({ positive: true }).default(360).describe('length of a scheduling round (Gavel: 6 minutes); jobs change devices only at round boundaries'),
  reset_interval: duration().default(1920).describe("least time between two recomputations of the allocation when jobs arrived or left (Gavel's simulator: 1,920 s); 0 recomputes at every such round"),
});

export type MaxMinFairnessParams = z.output<typeof paramsSchema>;

export const maxMinFairness: QueuePolicy<MaxMinFairnessParams> = {
  name: 'max-min-fairness',
  description:
    "Gavel's max-min fairness in rounds: an LP gives each job time fractions per device kind maximising the smallest throughput normalised by its equal-share throughput (heterogeneity: aware, per-kind throughputs; agnostic, device time only); each round runs the jobs with the highest allocation / time received, kind by kind, preempting the rest; it chooses kinds and devices itself (the placement policy is not asked).",
  params: paramsSchema,
  create: (params) => new MaxMinFairness(params),
};

/** What the policy keeps about an active job. */
interface Track {
  /** Its rate on each kind (0 where it may not run), predicted when first seen waiting and again when its allowed kinds change. */
  rate: number[];
  /** The allowed kinds the rates were predicted for (a tenant queue's admission narrows them to one). */
  allowedKey: string;
  /** Allocated time fraction per kind; undefined until an allocation includes it. */
  share: number[] | undefined;
  /** Seconds run on each kind since the last reset, from half a round. */
  readonly received: number[];
  /** Allocated minus received time, summed over past resets (a tie-break). */
  readonly deficit: number[];
  /** When its current run was last credited to `received` (running jobs the policy started). */
  creditedS: number | undefined;
}

class MaxMinFairness implements QueueDiscipline {
  private readonly track = new Map<number, Track>();
  /** Ids of the jobs the current allocation was computed for. */
  private allocated = new Set<number>();
  private lastResetS = -Infinity;
  private nextRoundS: number | undefined;
  /** This round's plan: job id -> kind. */
  private plan = new Map<number, number>();
  /** Planned jobs not running yet: while none, a pass between rounds has nothing to start. */
  private unstarted = 0;
  /** Kinds by speed, fastest first (ties: catalogue order). */
  private kindOrder: number[] | undefined;

  constructor(private readonly params: MaxMinFairnessParams) {}

  schedule(ctx: SchedulingContext): void {
    const now = ctx.nowS;
    this.credit(ctx, now);
    if (this.nextRoundS === undefined || now >= this.nextRoundS) this.newRound(ctx, now);
    this.startPlanned(ctx);
  }

  /** Add the time since their last credit to each running job's received time. */
  private credit(ctx: SchedulingContext, now: number): void {
    for (const j of ctx.running) {
      const t = this.track.get(j.id);
      if (!t || t.creditedS === undefined || j.state !== 'running' || !j.placement) continue;
      t.received[j.placement.kind]! += now - t.creditedS;
      t.creditedS = now;
    }
  }

  private newRound(ctx: SchedulingContext, now: number): void {
    const cluster = ctx.cluster;
    const kinds = cluster.kinds.length;
    // Active jobs: waiting, running, and checkpointing ones (they come back to the line).
    const active: JobView[] = [];
    const seen = new Set<number>();
    for (const j of ctx.running) if (!seen.has(j.id)) (seen.add(j.id), active.push(j));
    for (const j of ctx.waiting) if (!seen.has(j.id)) (seen.add(j.id), active.push(j));
    active.sort((a, b) => a.id - b.id);
    const half = this.params.round / 2;
    for (const j of active) {
      const t = this.track.get(j.id);
      // A running job is seen as the job itself; its kinds are those it was last seen waiting with.
      if (t && (j.state !== 'waiting' || t.allowedKey === allowedKey(j))) continue;
      if (t) {
        t.rate = this.rates(j, ctx);
        t.allowedKey = allowedKey(j);
        continue;
      }
      this.track.set(j.id, { rate: this.rates(j, ctx), allowedKey: allowedKey(j), share: undefined, received: new Array<number>(kinds).fill(half), deficit: new Array<number>(kinds).fill(0), creditedS: undefined });
    }
    const changed = active.length !== this.allocated.size || active.some((j) => !this.allocated.has(j.id));
    if (changed && now - this.lastResetS >= this.params.reset_interval) this.reallocate(active, cluster, now);
    this.plan = this.planRound(active, ctx);
    this.unstarted = 0;
    for (const j of active) if (this.plan.has(j.id) && !(j.state === 'running' && j.placement?.kind === this.plan.get(j.id))) this.unstarted++;
    // Jobs that leave their devices: preempted now, credited up to now.
    for (const j of [...ctx.running]) {
      if (j.state !== 'running' || !j.placement) continue;
      if (this.plan.get(j.id) === j.placement.kind) continue;
      const t = this.track.get(j.id);
      if (t) t.creditedS = undefined;
      ctx.preempt(j);
    }
    if (active.length > 0) {
      this.nextRoundS = now + this.params.round;
      ctx.wakeAt(this.nextRoundS);
    } else {
      this.nextRoundS = undefined; // an idle pool starts a round at the next arrival
    }
  }

  /** Per-kind rates of a job on an idle compact placement (0 where it cannot run). */
  private rates(job: JobView, ctx: SchedulingContext): number[] {
    const cluster = ctx.cluster;
    const rate = new Array<number>(cluster.kinds.length).fill(0);
    for (const k of allowedKinds(job, cluster)) {
      if (cluster.kindTotal[k]! < job.devices || job.devices <= 0) continue;
      const r = rateOn(job, idlePlacement(job.devices, k, cluster), ctx);
      rate[k] = Number.isFinite(r) && r > 0 ? r : 0;
    }
    return rate;
  }

  /** Recompute the allocation for `active`, settling the deficits of the period that ends now. */
  private reallocate(active: readonly JobView[], cluster: ClusterView, now: number): void {
    const half = this.params.round / 2;
    const elapsed = Number.isFinite(this.lastResetS) ? now - this.lastResetS : 0;
    const live = new Set(active.map((j) => j.id));
    for (const [id, t] of this.track) {
      if (!live.has(id)) {
        this.track.delete(id);
        continue;
      }
      for (let k = 0; k < t.received.length; k++) {
        t.deficit[k]! += (t.share?.[k] ?? 0) * elapsed - (t.received[k]! - half);
        t.received[k] = half;
      }
    }
    // One LP class per distinct (gang, throughput row); agnostic rows are 1 where the job can run.
    const aware = this.params.heterogeneity === 'aware';
    const classes: AllocationClass[] = [];
    const classOf = new Map<string, number>();
    const jobClass: number[] = [];
    for (const j of active) {
      const t = this.track.get(j.id)!;
      const throughput = aware ? t.rate : t.rate.map((r) => (r > 0 ? 1 : 0));
      const key = `${scaleOf(j)}|${throughput.join(',')}`;
      let c = classOf.get(key);
      if (c === undefined) {
        c = classes.length;
        classOf.set(key, c);
        classes.push({ count: 0, scale: scaleOf(j), weight: 1, throughput });
      }
      (classes[c] as { count: number }).count++;
      jobClass.push(c);
    }
    const devices = cluster.kinds.map((k) => cluster.kindTotal[k.index]!);
    const result = maxMinAllocation(classes, devices);
    active.forEach((j, i) => {
      let share = result.share[jobClass[i]!]!.slice();
      if (!aware) share = spreadByDevices(share, classes[jobClass[i]!]!, devices);
      this.track.get(j.id)!.share = share;
    });
    this.allocated = live;
    this.lastResetS = now;
  }

  /** Gavel's round: kind by kind, jobs by allocation / time received, while the kind has room. */
  private planRound(active: readonly JobView[], ctx: SchedulingContext): Map<number, number> {
    const cluster = ctx.cluster;
    const order = this.kindsInOrder(cluster, ctx);
    const plan = new Map<number, number>();
    const n = active.length;
    const tracks = active.map((j) => this.track.get(j.id)!);
    const scales = active.map(scaleOf);
    let smallest = Infinity;
    for (const sc of scales) smallest = Math.min(smallest, sc);
    const priority = new Float64Array(n);
    const deficit = new Float64Array(n);
    const share = new Float64Array(n);
    const planned = new Uint8Array(n);
    for (const k of order) {
      let left = cluster.kindTotal[k]!;
      const idx: number[] = [];
      for (let i = 0; i < n; i++) {
        const t = tracks[i]!;
        if (planned[i] || !(t.rate[k]! > 0)) continue;
        share[i] = t.share?.[k] ?? 0;
        priority[i] = share[i]! / t.received[k]!;
        deficit[i] = t.deficit[k]!;
        idx.push(i);
      }
      idx.sort((a, b) => priority[b]! - priority[a]! || deficit[b]! - deficit[a]! || share[b]! - share[a]! || active[a]!.id - active[b]!.id);
      for (const i of idx) {
        if (left < smallest) break;
        if (scales[i]! > left) continue;
        planned[i] = 1;
        plan.set(active[i]!.id, k);
        left -= scales[i]!;
      }
    }
    return plan;
  }

  private kindsInOrder(cluster: ClusterView, ctx: SchedulingContext): number[] {
    const present = cluster.kinds.filter((k) => cluster.kindTotal[k.index]! > 0);
    if (this.params.heterogeneity === 'agnostic') {
      // Gavel shuffles the worker types each round for policies blind to throughput.
      const order = present.map((k) => k.index);
      for (let i = order.length - 1; i > 0; i--) {
        const r = ctx.random.int(i + 1);
        [order[i], order[r]] = [order[r]!, order[i]!];
      }
      return order;
    }
    this.kindOrder ??= present
      .slice()
      .sort((a, b) => b.spec.peak * b.spec.efficiency - a.spec.peak * a.spec.efficiency || a.index - b.index)
      .map((k) => k.index);
    return this.kindOrder;
  }

  /** Start the round's waiting jobs on their kind, widest gangs first, as devices allow. */
  private startPlanned(ctx: SchedulingContext): void {
    if (this.unstarted === 0) return;
    const waiting: JobView[] = [];
    const seen = new Set<number>();
    for (const j of ctx.waiting) if (this.plan.has(j.id) && !seen.has(j.id)) (seen.add(j.id), waiting.push(j));
    waiting.sort((a, b) => b.devices - a.devices || a.id - b.id);
    for (const j of waiting) {
      const kind = this.plan.get(j.id)!;
      const p = placeOnKind(j, kind, ctx.cluster);
      if (!p) continue;
      ctx.start(j, p);
      this.unstarted--;
      const t = this.track.get(j.id);
      if (t) t.creditedS = ctx.nowS;
    }
  }
}

/** Devices a job holds while it runs (a GPU share counts as its fraction): Gavel's scale factor. */
function scaleOf(job: JobView): number {
  return (job.devices * job.milli) / 1000;
}

function allowedKey(job: JobView): string {
  return job.allowedKinds === undefined ? '*' : job.allowedKinds.join(',');
}

/** A placement of `job` on `kind` as the cluster is now, or undefined. */
function placeOnKind(job: JobView, kind: number, cluster: ClusterView): Placement | undefined {
  if (needsHostFit(job, cluster)) {
    // The host-aware route, asked for the planned kind only (the request as it reads it, not the job).
    const request = { devices: job.devices, milli: job.milli, cpuMilli: job.cpuMilli, memoryMiB: job.memoryMiB, allowedKinds: [kind] } as unknown as JobView;
    return hostFitPlacement(request, cluster, 'first');
  }
  return placeOnKindBySpan(job.devices, kind, cluster)?.p;
}

/** Spread a class's total time over its usable kinds in proportion to their devices. */
function spreadByDevices(share: readonly number[], c: AllocationClass, devices: readonly number[]): number[] {
  const total = share.reduce((a, b) => a + b, 0);
  let usableDevices = 0;
  for (let k = 0; k < devices.length; k++) if (c.throughput[k]! > 0 && devices[k]! >= c.scale) usableDevices += devices[k]!;
  return devices.map((d, k) => (usableDevices > 0 && c.throughput[k]! > 0 && d >= c.scale ? (total * d) / usableDevices : 0));
}
