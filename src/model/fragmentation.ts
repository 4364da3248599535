// GPU fragmentation as the FGD paper defines it (Weng et al., "Beware of Fragmentation: Scheduling
// GPU-Sharing Workloads with Fragmentation Gradient Descent", USENIX ATC'23, §3; reference code
// hkust-adsl/kubernetes-scheduler-simulator pkg/utils/frag.go, NodeGpuShareFragAmount):
// given the target workload as task classes m with popularity p_m, a node's fragmentation is
// F_n = sum_m p_m F_n(m), where F_n(m) is the free GPU amount of n that task m cannot use:
// - all of the node's free GPU when m cannot run on n at all (it asks for no GPU; its gpu_spec
//   forbids the node's model; too few GPUs have its per-GPU share free; too little CPU, or memory,
//   which the reference code leaves out but our nodes enforce);
// - otherwise the free GPU on those GPUs whose free share is below m's per-GPU share.
// Amounts are in GPUs (milli / 1000). The cluster's is the sum over nodes.
import type { Cluster } from './cluster.js';

/** One class of the target workload: a request and its share of the workload (weights sum to 1). */
export interface TaskClass {
  readonly devices: number;
  /** Per-GPU share in thousandths (1000 for whole GPUs). */
  readonly milli: number;
  readonly cpuMilli: number;
  readonly memoryMiB: number;
  /** Allowed kind indices, or undefined for any. */
  readonly allowedKinds: readonly number[] | undefined;
  readonly weight: number;
}

type FragCluster = Pick<Cluster, 'nodeFirstDevice' | 'nodeDevices' | 'deviceFreeMilli' | 'nodeKind' | 'nodeCpuFree' | 'nodeMemoryFree'>;

/** Target workload from a list of requests: one class per distinct request, weighted by its count. */
export function taskClasses(jobs: Iterable<Omit<TaskClass, 'weight'>>): TaskClass[] {
  const byKey = new Map<string, { c: Omit<TaskClass, 'weight'>; n: number }>();
  let total = 0;
  for (const j of jobs) {
    const key = `${j.devices}|${j.milli}|${j.cpuMilli}|${j.memoryMiB}|${j.allowedKinds ? j.allowedKinds.join(',') : '*'}`;
    const e = byKey.get(key);
    if (e) e.n++;
    else byKey.set(key, { c: j, n: 1 });
    total++;
  }
  return [...byKey.values()].map(({ c, n }) => ({ devices: c.devices, milli: c.milli, cpuMilli: c.cpuMilli, memoryMiB: c.memoryMiB, allowedKinds: c.allowedKinds, weight: n / total }));
}

/**
 * F_n of `node` in GPUs, with the node's free shares read from `free` (deviceFreeMilli, or a copy a
 * policy changed to try a placement) and its free CPU / memory reduced by `cpuTaken` / `memTaken`.
 */
export function nodeFragmentation(node: number, classes: readonly TaskClass[], c: FragCluster, free: ArrayLike<number> = c.deviceFreeMilli, cpuTaken = 0, memTaken = 0): number {
  const first = c.nodeFirstDevice[node]!;
  const k = c.nodeDevices[node]!;
  // The node's free shares in ascending order, and below[i] = the sum of the i smallest: a class
  // with per-GPU share s can use the GPUs from the first with at least s free, and strands the
  // shares below them. Sums of whole thousandths: exact in any order.
  if (sorted.length < k) (sorted = new Int32Array(k)), (below = new Float64Array(k + 1));
  let left = 0;
  for (let i = 0; i < k; i++) {
    const f = free[first + i]!;
    left += f;
    let j = i;
    while (j > 0 && sorted[j - 1]! > f) (sorted[j] = sorted[j - 1]!), j--;
    sorted[j] = f;
  }
  if (left === 0) return 0;
  for (let i = 0; i < k; i++) below[i + 1] = below[i]! + sorted[i]!;
  const cpu = c.nodeCpuFree[node]! - cpuTaken;
  const mem = c.nodeMemoryFree[node]! - memTaken;
  const kind = c.nodeKind[node]!;
  let frag = 0;
  for (const m of classes) {
    const perGpu = m.milli;
    if (m.devices === 0 || perGpu === 0 || (m.allowedKinds && !m.allowedKinds.includes(kind)) || cpu < m.cpuMilli || mem < m.memoryMiB) {
      frag += m.weight * left;
      continue;
    }
    let idx = 0;
    while (idx < k && sorted[idx]! < perGpu) idx++;
    frag += m.weight * (k - idx >= m.devices ? below[idx]! : left);
  }
  return frag / 1000;
}

/** Scratch for nodeFragmentation, grown to the largest node seen. */
let sorted = new Int32Array(16);
let below = new Float64Array(17);

/** The cluster's fragmented GPUs: the sum of F_n over its nodes. */
export function clusterFragmentation(classes: readonly TaskClass[], c: FragCluster & { nodeCount: number }): number {
  let s = 0;
  for (let n = 0; n < c.nodeCount; n++) s += nodeFragmentation(n, classes, c);
  return s;
}
