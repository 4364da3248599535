// What is wrong with a placement, if anything: the checks the simulator makes before applying one,
// so that a plug-in's bad answer is reported under the plug-in's own name; and the same checks
// against the nodes' sizes rather than what is free, for a placement a plug-in asks a question about.
import { hostShare } from '../model/host-resources.js';
import type { ClusterView, JobView } from './types.js';
import { countOf } from '../units/count-noun.js';

/**
 * `against`: 'free', a placement to apply now (what is free on each node and device); 'capacity',
 * a placement asked about (ctx.predictRate): one that could exist on the idle cluster (nodes that
 * exist, of the kind, each count whole and within its node, the whole gang, an allowed kind).
 */
export function placementProblem(job: JobView, p: unknown, cluster: ClusterView, against: 'free' | 'capacity' = 'free'): string | undefined {
  const now = against === 'free';
  if (p === null || typeof p !== 'object') return `expected {kind, nodes[], counts[]}${now ? ' or undefined' : ''}, got ${describe(p)}`;
  const { kind, nodes, counts } = p as Record<string, unknown>;
  if (!Array.isArray(nodes) || !Array.isArray(counts) || nodes.length !== counts.length) return 'expected {kind, nodes[], counts[]} with one count per node';
  if (nodes.length === 0) return 'no nodes';
  if (!Number.isInteger(kind) || (kind as number) < 0 || (kind as number) >= cluster.kinds.length) return `unknown device kind index ${describe(kind)}`;
  const k = kind as number;
  if (job.allowedKinds && !job.allowedKinds.includes(k)) return `kind '${cluster.kinds[k]!.name}' is not among the job's allowed kinds`;
  const { device, milli } = p as Record<string, unknown>;
  if (milli !== undefined && milli !== job.milli) return milliProblem(milli, job.milli);
  if (job.milli < 1000 || device !== undefined) {
    // A GPU share: one existing device of the kind with room for the share, on the placement's one node.
    if (job.milli >= 1000) return 'a device share was placed for a job that asks for whole devices';
    if (!Number.isInteger(device) || (device as number) < 0 || (device as number) >= cluster.deviceCount) return `a fractional job needs one existing device, got ${describe(device)}`;
    const dev = device as number;
    const node = cluster.deviceNode[dev]!;
    if (cluster.nodeKind[node] !== k) return `device ${dev} is not of kind '${cluster.kinds[k]!.name}'`;
    if (nodes.length !== 1 || nodes[0] !== node || counts[0] !== 1) return `a fractional job's nodes must be [${node}] and counts [1] (device ${dev}'s node)`;
    if (now && cluster.deviceFreeMilli[dev]! < job.milli) return `device ${dev} has ${cluster.deviceFreeMilli[dev]} milli free, ${job.milli} asked (over-shared)`;
    return hostRoomProblem(job, nodes as number[], counts as number[], cluster, now);
  }
  const seen = new Set<number>();
  let total = 0;
  for (let i = 0; i < nodes.length; i++) {
    const node: unknown = nodes[i];
    const count: unknown = counts[i];
    if (!Number.isInteger(node) || (node as number) < 0 || (node as number) >= cluster.nodeCount) return `unknown node ${describe(node)}`;
    const n = node as number;
    if (seen.has(n)) return `node ${n} appears twice`;
    seen.add(n);
    if (cluster.nodeKind[n] !== k) return `node ${n} holds '${cluster.kinds[cluster.nodeKind[n]!]!.name}', not '${cluster.kinds[k]!.name}'`;
    if (!Number.isInteger(count) || (count as number) <= 0) return `count ${describe(count)} on node ${n} is not a positive integer`;
    if (now && (count as number) > cluster.nodeFree[n]!) return `node ${n} has ${countOf(cluster.nodeFree[n]!, 'free device')}, ${String(count)} asked (over-allocation)`;
    if (!now && (count as number) > cluster.nodeDevices[n]!) return `node ${n} has ${countOf(cluster.nodeDevices[n]!, 'device')}, ${String(count)} asked`;
    total += count as number;
  }
  if (total !== job.devices) return `the gang is split: ${countOf(total, 'device')} placed for a job of ${job.devices}`;
  return hostRoomProblem(job, nodes as number[], counts as number[], cluster, now);
}

/** A placement naming a share other than the job's (`jobMilli`; 1000: whole devices). */
export function milliProblem(placed: unknown, jobMilli: number): string {
  return `the placement names a share of ${String(placed)} milli, the job asks for ${jobMilli < 1000 ? jobMilli : 'whole devices'}`;
}

/** A node without room for its part of the job's CPU or memory (model/host-resources.ts), free now or at all, if any. */
function hostRoomProblem(job: JobView, nodes: readonly number[], counts: readonly number[], cluster: ClusterView, now: boolean): string | undefined {
  if (!cluster.hostLimited || (job.cpuMilli <= 0 && job.memoryMiB <= 0)) return undefined;
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i]!;
    const cpu = hostShare(job.cpuMilli, counts[i]!, job.devices);
    const mem = hostShare(job.memoryMiB, counts[i]!, job.devices);
    if (now && cluster.nodeCpuFree[n]! < cpu) return `node ${n} has ${cluster.nodeCpuFree[n]} CPU milli-cores free, ${cpu} asked (over-allocation)`;
    if (now && cluster.nodeMemoryFree[n]! < mem) return `node ${n} has ${cluster.nodeMemoryFree[n]} MiB of memory free, ${mem} asked (over-allocation)`;
    if (!now && cluster.nodeCpuMilli[n]! < cpu) return `node ${n} has ${cluster.nodeCpuMilli[n]} CPU milli-cores, ${cpu} asked`;
    if (!now && cluster.nodeMemoryMiB[n]! < mem) return `node ${n} has ${cluster.nodeMemoryMiB[n]} MiB of memory, ${mem} asked`;
  }
  return undefined;
}

function describe(v: unknown): string {
  if (v === undefined) return 'undefined';
  if (v === null) return 'null';
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return `'${v}'`;
  return String(v);
}
