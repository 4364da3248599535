// The scheduling pass that ordering policies share: walk waiting jobs in the policy's order, start
// each that fits; for one that does not, optionally preempt lower-ranked running jobs, or stop.
import type { JobView, Preemptor, SchedulingContext } from './types.js';
import { devicesComingFree, drainingDevices } from './victim-selection.js';
import { mayFitNow, type WaitingGroup, type WaitingIndex } from './waiting-index.js';

export interface OrderedPassOptions {
  /** The first job that cannot start blocks the jobs behind it (else they may start if they fit). */
  strict: boolean;
  /** Preemption: `eligible(job)` are running jobs the policy ranks below `job`, least important first. */
  preempt?: {
    preemptor: Preemptor;
    eligible(job: JobView): JobView[];
    /**
     * Devices of `kind` held by the running jobs (state 'running') that are eligible for a job of
     * class `rank`: an upper bound that lets the pass skip groups whose preemption cannot succeed.
     */
    eligibleDevices(rank: number, kind: number): number;
  };
}

/**
 * Start jobs in the index's order. A job that does not fit and for which victims are found (or jobs
 * already checkpointing will free enough devices) blocks the jobs behind it for this pass, so that
 * the devices being freed are not taken by less important jobs in the meantime.
 *
 * Not strict, the pass skips groups of jobs that can neither fit (too few free devices of every
 * allowed kind) nor preempt (too few devices coming free even with every eligible victim): for
 * them `place` and the preemption policy can only say no, so the decisions are those of visiting
 * every job.
 */
export function startInOrder(ctx: SchedulingContext, index: WaitingIndex, options: OrderedPassOptions): void {
  const cluster = ctx.cluster;
  const preempt = options.preempt;
  // Devices of jobs already checkpointing, per kind, as chooseVictims counts them (a shared GPU once
  // all its holders are checkpointing); fixed during the pass (it ends at a preemption).
  let draining: number[] | undefined;
  const drainingOn = (kind: number): number => {
    draining ??= cluster.kinds.map(() => -1);
    if (draining[kind]! < 0) draining[kind] = drainingDevices(ctx, kind);
    return draining[kind]!;
  };
  // The success condition of chooseVictims with every eligible job taken (see victim-selection.ts).
  const mayPreempt = (g: WaitingGroup): boolean => {
    if (!preempt) return false;
    for (const kind of g.kinds ?? cluster.allKinds) {
      if (cluster.kindTotal[kind]! < g.devices) continue;
      if (devicesComingFree(g.devices, cluster.kindFree[kind]!, drainingOn(kind)) + preempt.eligibleDevices(g.rank, kind) >= g.devices) return true;
    }
    return false;
  };
  // Jobs already checkpointing will free enough on some kind: the preemptor would answer [].
  const drainingSuffices = (g: WaitingGroup): boolean => {
    for (const kind of g.kinds ?? cluster.allKinds) {
      if (cluster.kindTotal[kind]! >= g.devices && devicesComingFree(g.devices, cluster.kindFree[kind]!, drainingOn(kind)) >= g.devices) return true;
    }
    return false;
  };
  const walk = index.walk(options.strict ? () => true : (g) => mayFitNow(g, cluster) || mayPreempt(g));
  for (let e = walk.next(); e; e = walk.next()) {
    const job = e.job;
    const placement = mayFitNow(e.group, cluster) ? ctx.place(job) : undefined;
    if (placement) {
      ctx.start(job, placement);
      index.remove(e);
      walk.reopen();
      continue;
    }
    if (preempt && mayPreempt(e.group)) {
      if (drainingSuffices(e.group)) return;
      const eligible = preempt.eligible(job);
      const victims = eligible.length > 0 || drainingAny() ? preempt.preemptor.victims(job, ctx, eligible) : undefined;
      if (victims) {
        for (const v of victims) ctx.preempt(v);
        return;
      }
    }
    if (options.strict) return;
  }

  function drainingAny(): boolean {
    for (const r of ctx.running) if (r.state === 'checkpointing') return true;
    return false;
  }
}

/** Submission order: the total tie-break every ordering ends with. */
export const bySubmission = (a: JobView, b: JobView): number => a.submitS - b.submitS || a.id - b.id;
