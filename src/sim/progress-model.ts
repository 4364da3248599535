// How fast a running job makes useful progress on its placement. The simple model here (devices x
// peak x kernel efficiency) ignores the network; the step-time model replaces it behind this interface.
import type { Cluster } from '../model/cluster.js';
import type { JobView, Placement } from '../policy/types.js';
import type { SimJob } from './sim-job.js';
import type { DeviceKind } from '../model/hardware-schema.js';
import type { JobTemplate } from '../model/job.js';

/**
 * Useful FLOP/s of one whole device of kind `kindIndex` for a job: its type's measured throughput
 * (the scenario's matrix, model/throughputs.ts) where it has one, else peak x kernel efficiency
 * (the job's override, else the kind's).
 */
export function deviceRate(t: Pick<JobTemplate, 'kindRate' | 'efficiency'>, spec: DeviceKind, kindIndex: number): number {
  const typed = t.kindRate?.[kindIndex];
  return typed !== undefined ? typed : spec.peak * (t.efficiency ?? spec.efficiency);
}

export interface ProgressModel {
  /**
   * Useful FLOP/s of `job` on its current placement (job.placement is set). Must be > 0.
   * A model whose rates depend on other jobs calls `rateChanged` for the jobs it affects.
   */
  startRate(job: SimJob): number;
  /** The rate `job` would get on `placement` if it started now; changes nothing. */
  predictRate(job: JobView, placement: Placement): number;
  /** The job released its devices; models with shared resources update the others. */
  released?(job: SimJob): void;
}

/** Rate = devices x dense peak x kernel efficiency (the job's override, else the kind's). */
export class PeakEfficiencyModel implements ProgressModel {
  constructor(private readonly cluster: Cluster) {}

  startRate(job: SimJob): number {
    return this.predictRate(job, job.placement!);
  }

  predictRate(job: JobView, placement: Placement): number {
    const kind = this.cluster.kinds[placement.kind]!.spec;
    return ((job.devices * job.milli) / 1000) * deviceRate(templateOf(job), kind, placement.kind);
  }
}

/** The template behind a job the simulator made (its views are SimJobs); a bare view has none. */
export function templateOf(job: JobView): Pick<JobTemplate, 'kindRate' | 'efficiency'> {
  return (job as Partial<SimJob>).template ?? job;
}
