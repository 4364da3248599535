// How fast a running job makes useful progress on its placement. The simple model here (devices x
// peak x kernel efficiency) ignores the network; the step-time model replaces it behind this interface.
import type { Cluster } from '../model/cluster.js';
import type { JobView, Placement } from '../policy/types.js';
import type { SimJob } from './sim-job.js';
import type { DeviceKind } from '../scenario/hardware-schema.js';
import type { JobTemplate } from '../model/job.js';
import { deviceRate } from '../model/device-rate.js';

// deviceRate lives in model/ (the size estimate reads it too); here for the run's callers.
export { deviceRate };

export interface ProgressModel {
  /**
   * Useful FLOP/s of `job` on its current placement (job.placement is set). Must be > 0.
   * A model whose rates depend on other jobs calls `rateChanged` for the jobs it affects.
   */
  startRate(job: SimJob): number;
  /** The rate `job` would get on `placement` if it started now; changes nothing. */
  predictRate(job: JobView, placement: Placement): number;
  /**
   * An upper bound on `predictRate(job, p)` over every placement `p` on kind `kind`, whatever the
   * network's state: never below any of them (so remaining work over it never exceeds a
   * predicted run time; EASY backfilling skips jobs by it). Depends only on the job and the kind.
   */
  maxRate(job: JobView, kind: number): number;
  /** The job released its devices; models with shared resources update the others. */
  released?(job: SimJob): void;
  /**
   * Useful FLOP/s of `job` run alone on an idle pool on each kind of `kinds`, written into `out` by
   * position, where it differs from the simple rate (peakRate): the step model's. false (and `out`
   * untouched) where the simple rate is the run's. Contract: `out` holds at least `kinds.length`.
   */
  aloneRates?(job: JobView, kinds: readonly number[], out: Float64Array): boolean;
}

/** Rate = devices x dense peak x kernel efficiency (the job's override, else the kind's). */
export class PeakEfficiencyModel implements ProgressModel {
  constructor(private readonly cluster: Cluster) {}

  startRate(job: SimJob): number {
    return this.predictRate(job, job.placement!);
  }

  predictRate(job: JobView, placement: Placement): number {
    return peakRate(job, this.cluster.kinds[placement.kind]!.spec, placement.kind);
  }

  /** The rate depends on the kind alone: the bound is the rate itself. */
  maxRate(job: JobView, kind: number): number {
    return peakRate(job, this.cluster.kinds[kind]!.spec, kind);
  }
}

/** Devices x their share x the kind's rate for the job (deviceRate): the simple model's rate on `kindIndex`. */
export function peakRate(job: JobView, spec: DeviceKind, kindIndex: number): number {
  return ((job.devices * job.milli) / 1000) * deviceRate(templateOf(job), spec, kindIndex);
}

/** The template behind a job the simulator made (its views are SimJobs); a bare view has none. */
export function templateOf(job: JobView): Pick<JobTemplate, 'kindRate' | 'efficiency'> {
  return (job as Partial<SimJob>).template ?? job;
}
