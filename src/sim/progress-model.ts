// How fast a running job makes useful progress on its placement. The simple model here (devices x
// peak x kernel efficiency) ignores the network; the step-time model replaces it behind this interface.
import type { Cluster } from '../model/cluster.js';
import type { JobView, Placement } from '../policy/types.js';
import type { SimJob } from './sim-job.js';

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
    return ((job.devices * job.milli) / 1000) * kind.peak * (job.efficiency ?? kind.efficiency);
  }
}
