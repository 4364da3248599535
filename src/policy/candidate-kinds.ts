// The device kinds a placement policy tries for a job, in the order it tries them: one small rule
// every placement shares (first fit, host-aware fit, the GPU-sharing placements).
import type { ClusterView, JobView } from './types.js';

/** Kinds a job may use, in the order the job lists them (catalogue order when it allows any). */
export function candidateKinds(job: JobView, cluster: ClusterView): readonly number[] {
  return job.allowedKinds ?? cluster.allKinds;
}
