// Host resources of a node besides its devices: CPU (milli-cores) and memory (MiB), as the Alibaba
// openb traces give them for nodes and pods (Weng et al., ATC'23, §2: pods ask for CPU, memory and
// a GPU share, and a node must hold all three). A job's request is for the whole job; a gang that
// spans nodes takes from each node the part in proportion to the devices it holds there, rounded up.

/** What `count` of a job's `devices` take of a `total` host request on one node. */
export function hostShare(total: number, count: number, devices: number): number {
  if (total <= 0) return 0;
  if (devices <= 0 || count >= devices) return total;
  return Math.ceil((total * count) / devices);
}

/** A job's host request: CPU milli-cores and memory MiB (0 when it asks for none). */
export interface HostRequest {
  readonly cpuMilli: number;
  readonly memoryMiB: number;
  readonly devices: number;
}

/** Whether the job asks for any host resource. */
export function asksForHost(job: HostRequest): boolean {
  return job.cpuMilli > 0 || job.memoryMiB > 0;
}
