// GPU fragmentation over a run (issue 14): the FGD paper's fragmented GPU amount of the cluster
// (model/fragmentation.ts, against the run's distribution of requests), kept per node as devices
// and host resources change and integrated over time, for summary.csv's gpu_fragmentation_mean:
// the time-weighted mean share of the cluster's GPUs that are fragmented.
//
// The paper's measure is per node, for pods that each fit on one node: a request larger than any
// node of its kinds (a multi-node training gang) would count every free GPU as fragmented. So the
// mean is reported only when the run's requests are known in advance (listed jobs and traces, not
// generators) and every one fits on a node of some allowed kind; otherwise the cell is empty.
import { WHOLE_DEVICE_MILLI, type Cluster } from '../model/cluster.js';
import { nodeFragmentation, taskClasses, type TaskClass } from '../model/fragmentation.js';
import type { JobTemplate } from '../model/job.js';
import { JobList } from '../model/job-list.js';

export class FragmentationRecorder {
  private readonly nodeFrag: Float64Array;
  private total = 0;
  private lastS = 0;
  private integral = 0;
  private readonly totalGpus: number;

  private constructor(
    private readonly cluster: Cluster,
    private readonly classes: readonly TaskClass[],
    private readonly now: () => number,
  ) {
    this.nodeFrag = new Float64Array(cluster.nodeCount);
    for (let n = 0; n < cluster.nodeCount; n++) {
      const f = nodeFragmentation(n, classes, cluster);
      this.nodeFrag[n] = f;
      this.total += f;
    }
    this.totalGpus = cluster.deviceCount;
    cluster.onNodeChange = (node) => this.changed(node);
  }

  /**
   * A recorder for this run, or undefined where the measure does not apply (see the file comment):
   * then nothing is kept and the column stays empty.
   */
  static forRun(cluster: Cluster, given: JobList | readonly JobTemplate[], hasGenerators: boolean, now: () => number): FragmentationRecorder | undefined {
    const jobs = given instanceof JobList ? given : JobList.of(given);
    if (hasGenerators || jobs.length === 0 || cluster.deviceCount === 0) return undefined;
    for (let i = 0; i < jobs.length; i++) {
      const j = jobs.at(i);
      let fits = false;
      for (const k of j.allowedKinds ?? cluster.allKinds) if (cluster.kindMaxPerNode[k]! >= j.devices) fits = true;
      if (!fits) return undefined;
    }
    const shapes = [];
    for (let i = 0; i < jobs.length; i++) {
      const t = jobs.at(i);
      shapes.push({ devices: t.devices, milli: t.milli ?? WHOLE_DEVICE_MILLI, cpuMilli: t.cpuMilli ?? 0, memoryMiB: t.memoryMiB ?? 0, allowedKinds: t.allowedKinds });
    }
    return new FragmentationRecorder(cluster, taskClasses(shapes), now);
  }

  private changed(node: number): void {
    const t = this.now();
    this.integral += this.total * (t - this.lastS);
    this.lastS = t;
    const f = nodeFragmentation(node, this.classes, this.cluster);
    this.total += f - this.nodeFrag[node]!;
    this.nodeFrag[node] = f;
  }

  /** Fragmented GPUs now. */
  get fragmentedGpus(): number {
    return this.total;
  }

  /** Time-weighted mean share of the cluster's GPUs fragmented over [0, endS]. */
  meanShare(endS: number): number {
    if (!(endS > 0)) return this.total / this.totalGpus;
    return (this.integral + this.total * (endS - this.lastS)) / endS / this.totalGpus;
  }
}
