// A job still waiting when a run ends has a queueing delay of at least its wait so far: the run's
// and the tenants' statistics count it so (sim/metrics.ts, sim/tenant-metrics.ts), rather than
// leave out the jobs a policy did not start.
import type { SimJob } from './sim-job.js';

/**
 * A waiting job's queueing delay so far at `endS`: its earlier waits (before a preemption sent it
 * back) and the current one, as a start at `endS` would count them.
 */
export function waitSoFar(job: SimJob, endS: number): number {
  return job.waitedS + Math.max(0, endS - job.queuedSinceS);
}
