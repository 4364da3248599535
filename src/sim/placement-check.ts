// Checking a placement a policy returned, and claiming it on the cluster: one routine for every
// route that applies placements (the simulation's scheduling passes, the fill experiment), so a
// built-in or plug-in placement is held to the same rules everywhere.
import { gpuAffinity, WHOLE_DEVICE_MILLI, type Cluster } from '../model/cluster.js';
import { hostShare } from '../model/host-resources.js';
import { milliProblem } from '../policy/check-placement.js';
import type { Placement } from '../policy/types.js';
import type { SimJob } from './sim-job.js';

/** What is wrong with a placement for `job` on the cluster now, or undefined when it may be applied. */
export function placementProblem(c: Cluster, job: SimJob, p: Placement): string | undefined {
  if (job.state !== 'waiting') return `the job is ${job.state}, not waiting`;
  if (!p || !Array.isArray(p.nodes) || !Array.isArray(p.counts) || p.nodes.length !== p.counts.length) return 'the placement is not {kind, nodes[], counts[]} with one count per node';
  if (!Number.isInteger(p.kind) || p.kind < 0 || p.kind >= c.kinds.length) return `unknown device kind index ${String(p.kind)}`;
  if (job.allowedKinds && !job.allowedKinds.includes(p.kind)) return `kind '${c.kinds[p.kind]!.name}' is not among the job's allowed kinds`;
  // The device is allocated the job's share, but utilisation and energy count the one the placement
  // names: another one (or a whole job given one) would make them print what did not happen.
  if (p.milli !== undefined && p.milli !== job.milli) return milliProblem(p.milli, job.milli);
  if (job.milli < WHOLE_DEVICE_MILLI || p.device !== undefined) {
    const dev = p.device;
    if (job.milli === WHOLE_DEVICE_MILLI) return 'a device share was placed for a job that asks for whole devices';
    if (dev === undefined || !Number.isInteger(dev) || dev < 0 || dev >= c.deviceCount) return `a fractional job needs one existing device, got ${String(dev)}`;
    if (c.nodeKind[c.deviceNode[dev]!] !== p.kind) return `device ${dev} is not of kind '${c.kinds[p.kind]!.name}'`;
    if (c.deviceFreeMilli[dev]! < job.milli) return `device ${dev} has ${c.deviceFreeMilli[dev]} milli free, ${job.milli} asked (over-shared)`;
    if (p.nodes.length !== 1 || p.nodes[0] !== c.deviceNode[dev]) return `a fractional job's nodes must be [${c.deviceNode[dev]}], the node of device ${dev}`;
    return hostProblem(c, job, p);
  }
  let total = 0;
  // Repeated nodes: by scanning the earlier ones for a gang of a few nodes (no Set per start).
  const seen = p.nodes.length > 16 ? new Set<number>() : undefined;
  for (let i = 0; i < p.nodes.length; i++) {
    const node = p.nodes[i]!;
    const count = p.counts[i]!;
    if (!Number.isInteger(node) || node < 0 || node >= c.nodeCount) return `unknown node ${String(node)}`;
    if (seen) {
      if (seen.has(node)) return `node ${node} appears twice`;
      seen.add(node);
    } else {
      for (let j = 0; j < i; j++) if (p.nodes[j] === node) return `node ${node} appears twice`;
    }
    if (c.nodeKind[node] !== p.kind) return `node ${node} holds '${c.kinds[c.nodeKind[node]!]!.name}', not '${c.kinds[p.kind]!.name}'`;
    if (!Number.isInteger(count) || count <= 0) return `count ${String(count)} on node ${node} is not a positive integer`;
    if (count > c.nodeFree[node]!) return `node ${node} has ${c.nodeFree[node]} free devices, ${count} asked (over-allocation)`;
    total += count;
  }
  if (total !== job.devices) return `the gang is split: ${total} devices placed for a job of ${job.devices}`;
  return hostProblem(c, job, p);
}

/** A node of the placement without room for its part of the job's CPU or memory, if any. */
function hostProblem(c: Cluster, job: SimJob, p: Placement): string | undefined {
  if (!c.hostLimited || (job.cpuMilli <= 0 && job.memoryMiB <= 0)) return undefined;
  for (let i = 0; i < p.nodes.length; i++) {
    const node = p.nodes[i]!;
    const cpu = hostShare(job.cpuMilli, p.counts[i]!, job.devices);
    const mem = hostShare(job.memoryMiB, p.counts[i]!, job.devices);
    if (c.nodeCpuFree[node]! < cpu) return `node ${node} has ${c.nodeCpuFree[node]} CPU milli-cores free, ${cpu} asked (over-allocation)`;
    if (c.nodeMemoryFree[node]! < mem) return `node ${node} has ${c.nodeMemoryFree[node]} MiB of memory free, ${mem} asked (over-allocation)`;
  }
  return undefined;
}

/**
 * Take the placement's devices (or device share) and host resources; the devices taken are written
 * to `held` from its first element on, and their number is returned (`held` keeps any elements
 * beyond them: a scratch array is not shrunk).
 */
export function claimPlacement(c: Cluster, job: SimJob, p: Placement, held: number[]): number {
  let at = 0;
  if (p.device !== undefined) {
    c.allocateShare(p.device, job.milli);
    held[at++] = p.device;
  } else {
    for (let i = 0; i < p.nodes.length; i++) at = c.allocateWhole(p.nodes[i]!, p.counts[i]!, held, at);
  }
  if (c.tracksAffinity) {
    const affinity = gpuAffinity(job.devices, job.milli);
    for (let i = 0; i < p.nodes.length; i++) c.tallyAffinity(p.nodes[i]!, affinity, 1);
  }
  if (!c.hostLimited || (job.cpuMilli <= 0 && job.memoryMiB <= 0)) return at;
  for (let i = 0; i < p.nodes.length; i++) {
    const count = p.counts[i]!;
    c.changeHost(p.nodes[i]!, hostShare(job.cpuMilli, count, job.devices), hostShare(job.memoryMiB, count, job.devices));
  }
  return at;
}
