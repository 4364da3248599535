// The accounts a scenario's jobs can have (SimJob.account): a queued job's tenant queue, else the
// workload that gave it (`workloads[i]` for listed jobs, a trace's or a generator's name). What a
// policy's per-account parameters (multifactor's `shares`) are checked against before the run.
import { jobListOf } from './job-list.js';
import type { ResolvedScenario } from './resolve/types.js';

export function accountsOf(resolved: ResolvedScenario): string[] {
  // With tenants every job names its queue (the loader refuses one that does not).
  if (resolved.tenants) return resolved.tenants.queues.map((q) => q.name);
  const out = new Set<string>();
  for (const source of jobListOf(resolved).bySource().keys()) out.add(source);
  for (const g of resolved.generators) out.add(g.name);
  return [...out];
}
