// What is wrong with a placement, if anything: the checks the simulator makes before applying one,
// so that a plug-in's bad answer is reported under the plug-in's own name.
import type { ClusterView, JobView } from './types.js';

export function placementProblem(job: JobView, p: unknown, cluster: ClusterView): string | undefined {
  if (p === null || typeof p !== 'object') return `expected {kind, nodes[], counts[]} or undefined, got ${describe(p)}`;
  const { kind, nodes, counts } = p as Record<string, unknown>;
  if (!Array.isArray(nodes) || !Array.isArray(counts) || nodes.length !== counts.length) return 'expected {kind, nodes[], counts[]} with one count per node';
  if (nodes.length === 0) return 'no nodes';
  if (!Number.isInteger(kind) || (kind as number) < 0 || (kind as number) >= cluster.kinds.length) return `unknown device kind index ${describe(kind)}`;
  const k = kind as number;
  if (job.allowedKinds && !job.allowedKinds.includes(k)) return `kind '${cluster.kinds[k]!.name}' is not among the job's allowed kinds`;
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
    if ((count as number) > cluster.nodeFree[n]!) return `node ${n} has ${cluster.nodeFree[n]} free devices, ${String(count)} asked (over-allocation)`;
    total += count as number;
  }
  if (total !== job.devices) return `the gang is split: ${total} devices placed for a job of ${job.devices}`;
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
