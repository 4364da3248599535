// The scheduling pass that ordering policies share: walk waiting jobs in the policy's order, start
// each that fits; for one that does not, optionally preempt lower-ranked running jobs, or stop.
import type { JobView, Preemptor, SchedulingContext } from './types.js';

export interface OrderedPassOptions {
  /** The first job that cannot start blocks the jobs behind it (else they may start if they fit). */
  strict: boolean;
  /** Preemption: `eligible(job)` are running jobs the policy ranks below `job`, least important first. */
  preempt?: { preemptor: Preemptor; eligible(job: JobView): JobView[] };
}

/**
 * Start jobs in `order`. A job that does not fit and for which victims are found (or jobs already
 * checkpointing will free enough devices) blocks the jobs behind it for this pass, so that the
 * devices being freed are not taken by less important jobs in the meantime.
 */
export function startInOrder(ctx: SchedulingContext, order: Iterable<JobView>, options: OrderedPassOptions): void {
  for (const job of order) {
    const placement = ctx.place(job);
    if (placement) {
      ctx.start(job, placement);
      continue;
    }
    if (options.preempt) {
      const eligible = options.preempt.eligible(job);
      const victims = eligible.length > 0 || hasCheckpointing(ctx) ? options.preempt.preemptor.victims(job, ctx, eligible) : undefined;
      if (victims) {
        for (const v of victims) ctx.preempt(v);
        return;
      }
    }
    if (options.strict) return;
  }
}

function hasCheckpointing(ctx: SchedulingContext): boolean {
  for (const r of ctx.running) if (r.state === 'checkpointing') return true;
  return false;
}

/** Submission order: the total tie-break every ordering ends with. */
export const bySubmission = (a: JobView, b: JobView): number => a.submitS - b.submitS || a.id - b.id;

/**
 * The waiting jobs as an array, each once. (The simulator's waiting line can yield a re-queued job
 * twice while the hole it left on starting has not been compacted away; lazy walks skip the second
 * copy because the job is no longer waiting by then, but a snapshot must not hold it twice.)
 */
export function waitingSnapshot(ctx: SchedulingContext): JobView[] {
  const seen = new Set<JobView>();
  const out: JobView[] = [];
  for (const j of ctx.waiting) {
    if (seen.has(j)) continue;
    seen.add(j);
    out.push(j);
  }
  return out;
}
