// What a run's policies warn of (a multifactor `shares` key no account has, a placement's notes on
// the pool), formatted: the same lines whether the policies were loaded on this thread or in a
// worker (plug-ins), so that `run`, `compare`, `sweep` and `check` all say them.
import { Cluster } from '../model/cluster.js';
import type { ResolvedScenario } from '../model/load-scenario.js';
import type { ResolvedPolicies } from '../policy/registry.js';
import { formatIssue } from '../scenario/errors.js';

export function policyWarnings(resolved: ResolvedScenario, policies: Pick<ResolvedPolicies, 'warnings' | 'placer'>): string[] {
  return [...(policies.warnings ?? []).map(formatIssue), ...(policies.placer.notes?.(new Cluster(resolved.shape)) ?? [])];
}
