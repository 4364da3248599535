// Placement of jobs that need more than free whole devices: GPU shares (milli < 1000, one device
// shared with other jobs, as Alibaba's GPU-sharing pods ask for) and, on pools whose nodes have CPU
// and memory, jobs that ask for host resources too. Every built-in placement policy routes such jobs
// here with its own node order; a node qualifies only when it holds the job's devices (or share)
// and its part of the job's CPU and memory (Weng et al., ATC'23, §2: a pod fits a node when every
// resource fits).
import { hostShare } from '../model/host-resources.js';
import { candidateKinds } from './candidate-kinds.js';
import type { ClusterView, JobView, Placement } from './types.js';

/** How a policy ranks nodes that fit: lowest index, fewest free devices left, or most free. */
export type HostOrder = 'first' | 'tightest' | 'most-free';

/** Whether this job must be placed by hostFitPlacement rather than a policy's whole-device fast path. */
export function needsHostFit(job: JobView, cluster: ClusterView): boolean {
  return job.milli < 1000 || (cluster.hostLimited && (job.cpuMilli > 0 || job.memoryMiB > 0));
}

/** Whether `node` can hold `count` of the job's devices' share of its CPU and memory. */
export function hostRoom(job: JobView, node: number, count: number, cluster: ClusterView): boolean {
  if (!cluster.hostLimited) return true;
  return (
    cluster.nodeCpuFree[node]! >= hostShare(job.cpuMilli, count, job.devices) &&
    cluster.nodeMemoryFree[node]! >= hostShare(job.memoryMiB, count, job.devices)
  );
}

/** Placement for a job that needsHostFit, with nodes ranked by `order`; undefined when nothing fits now. */
export function hostFitPlacement(job: JobView, cluster: ClusterView, order: HostOrder): Placement | undefined {
  return job.milli < 1000 ? sharePlacement(job, cluster, order) : wholePlacement(job, cluster, order);
}

/**
 * A share of one device: the already-shared device with the least room that still holds it (best
 * fit, so whole devices stay whole for gangs; lowest index on ties), else a whole-free device on the
 * node that `order` ranks first. Without host limits and with order 'first' this is the simulator's
 * former hard-wired share routine, so pools without host resources place shares as before.
 */
export function sharePlacement(job: JobView, cluster: ClusterView, order: HostOrder): Placement | undefined {
  const milli = job.milli;
  for (const kind of candidateKinds(job, cluster)) {
    let best = -1;
    let bestFree = Infinity;
    const shared = cluster.sharedDevices[kind];
    if (shared) {
      for (const dev of shared) {
        const free = cluster.deviceFreeMilli[dev]!;
        if (free >= milli && (free < bestFree || (free === bestFree && dev < best)) && hostRoom(job, cluster.deviceNode[dev]!, 1, cluster)) {
          best = dev;
          bestFree = free;
        }
      }
    }
    if (best === -1) {
      const node = rankNode(job, kind, 1, cluster, order);
      if (node === -1) continue;
      best = wholeFreeDevice(node, cluster);
    }
    return { kind, nodes: [cluster.deviceNode[best]!], counts: [1], device: best, milli };
  }
  return undefined;
}

/** Whole devices with host resources: one node ranked by `order` when one holds the job, else a greedy fill. */
function wholePlacement(job: JobView, cluster: ClusterView, order: HostOrder): Placement | undefined {
  for (const kind of candidateKinds(job, cluster)) {
    if (cluster.kindFree[kind]! < job.devices) continue;
    const node = rankNode(job, kind, job.devices, cluster, order);
    if (node !== -1) return { kind, nodes: [node], counts: [job.devices] };
    // Several nodes: partly used nodes first (index order), filling what others left, then wholly
    // free ones, each taking what it can hold of devices and of its share of host resources. Two
    // passes over the kind's nodes (kept in index order), not a sort per placement: a burst of
    // gangs on a large pool stays linear.
    const list = cluster.nodesOfKind[kind]!;
    const nodes: number[] = [];
    const counts: number[] = [];
    let left = job.devices;
    for (let pass = 0; pass < 2 && left > 0; pass++) {
      const wholeNow = pass === 1;
      for (let i = 0; i < list.length && left > 0; i++) {
        const n = list[i]!;
        if ((cluster.nodeFree[n] === cluster.nodeDevices[n]) !== wholeNow) continue;
        let take = Math.min(left, cluster.nodeFree[n]!);
        while (take > 0 && !hostRoom(job, n, take, cluster)) take--;
        if (take === 0) continue;
        nodes.push(n);
        counts.push(take);
        left -= take;
      }
    }
    if (left === 0) return { kind, nodes, counts };
  }
  return undefined;
}

/** The node of `kind` with `count` whole free devices and host room that `order` ranks first, or -1. */
function rankNode(job: JobView, kind: number, count: number, cluster: ClusterView, order: HostOrder): number {
  const index = cluster.freeIndex[kind]!;
  const list = cluster.nodesOfKind[kind]!;
  let best = -1;
  for (let pos = index.leftmost(count); pos !== -1; pos = index.leftmost(count, pos + 1)) {
    const node = list[pos]!;
    if (!hostRoom(job, node, count, cluster)) continue;
    if (order === 'first') return node;
    const free = cluster.nodeFree[node]!;
    if (best === -1 || (order === 'tightest' ? free < cluster.nodeFree[best]! : free > cluster.nodeFree[best]!)) best = node;
    if (order === 'tightest' && free === count) break;
  }
  return best;
}

function wholeFreeDevice(node: number, cluster: ClusterView): number {
  const first = cluster.nodeFirstDevice[node]!;
  const end = first + cluster.nodeDevices[node]!;
  for (let dev = first; dev < end; dev++) if (cluster.deviceFreeMilli[dev] === 1000) return dev;
  return -1;
}
