// Predictions a policy needs from a job's view: its rate and run time on a placement. The
// simulator's progress model answers when it offers `predictRate`; otherwise devices x peak x the
// kernel efficiency, which is what the simple progress model computes.
import type { ClusterView, JobView, Placement, SchedulingContext, SchedulingContextExtras } from './types.js';

/** Useful FLOP/s of `job` on `kind` by devices x peak x efficiency (no network). */
export function kindRate(job: JobView, kind: number, cluster: ClusterView): number {
  const spec = cluster.kinds[kind]!.spec;
  return job.devices * spec.peak * (job.efficiency ?? spec.efficiency);
}

/** Useful FLOP/s `job` would get on `placement`, from the context's model when it has one. */
export function rateOn(job: JobView, placement: Placement, ctx: SchedulingContext): number {
  const extras = ctx as SchedulingContext & SchedulingContextExtras;
  return extras.predictRate ? extras.predictRate(job, placement) : kindRate(job, placement.kind, ctx.cluster);
}

/**
 * An upper bound on rateOn(job, p, ctx) over every placement p on `kind`: the context's own
 * (`maxRate`, from the progress model that predicts); kindRate when the context has no model (then
 * that is the rate); Infinity when a model predicts but offers no bound (nothing can be skipped).
 */
export function maxRateOn(job: JobView, kind: number, ctx: SchedulingContext): number {
  const extras = ctx as Partial<SchedulingContext> & SchedulingContextExtras;
  if (extras.maxRate) return extras.maxRate(job, kind);
  return extras.predictRate ? Infinity : kindRate(job, kind, ctx.cluster);
}

/** Seconds `job` would take to finish its remaining work on `placement` if started now. */
export function runtimeOnS(job: JobView, placement: Placement, ctx: SchedulingContext): number {
  return ctx.predictRunS ? ctx.predictRunS(job, placement) : job.remainingFlop / rateOn(job, placement, ctx);
}

/** Kinds a job may use, in the order the job lists them (catalogue order when it allows any). */
export function allowedKinds(job: JobView, cluster: ClusterView): readonly number[] {
  return job.allowedKinds ?? cluster.allKinds;
}
