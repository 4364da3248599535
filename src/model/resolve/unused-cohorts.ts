// A cohort tree that no queue is in admits nothing: its cohorts' own quota lends to no one, and the
// run reads as if the quota were there. (A cohort without queues in a tree that has some is
// fine: its quota serves the tree, KEP-79.) The likely cause is a misspelt
// cohort name on a queue (which then makes a cohort of its own), so the warning names the
// queues' cohorts that are close to it.
import { suggestName } from '../../scenario/did-you-mean.js';
import type { Scenario } from '../../scenario/schema.js';
import type { Tenants } from '../tenants.js';
import type { ResolveContext } from './context.js';

/** Cohort indices whose tree (everything under their root) has no queue. */
export function cohortsWithoutQueues(tenants: Tenants): number[] {
  // The tree has no cycle: the loader refuses one.
  const rootOf = (c: number): number => {
    for (let p = tenants.cohortParent[c]; p !== undefined; p = tenants.cohortParent[p]) c = p;
    return c;
  };
  const usedRoots = new Set(tenants.queues.flatMap((q) => (q.cohort === undefined ? [] : [rootOf(q.cohort)])));
  return tenants.cohorts.flatMap((_, c) => (usedRoots.has(rootOf(c)) ? [] : [c]));
}

export function warnCohortsWithoutQueues(tenants: Tenants, scenario: Pick<Scenario, 'tenants' | 'tenants_from'>, kinds: readonly { readonly name: string }[], ctx: Pick<ResolveContext, 'warn'>): void {
  const queueCohorts = [...new Set(tenants.queues.flatMap((q) => (q.cohort === undefined ? [] : [tenants.cohorts[q.cohort]!])))];
  for (const c of cohortsWithoutQueues(tenants)) {
    const name = tenants.cohorts[c]!;
    const quota = tenants.cohortQuota[c]!.nominal.flatMap((n, k) => (n > 0 ? [`${n} ${kinds[k]!.name}`] : []));
    const guess = suggestName(name, queueCohorts.filter((n) => n !== name));
    const ci = scenario.tenants?.cohorts.findIndex((x) => x.name === name) ?? -1;
    ctx.warn(
      ci >= 0 ? ['tenants', 'cohorts', ci, 'name'] : ['tenants_from', 'path'],
      `no queue is in cohort '${name}' or in any cohort of its tree, so it admits nothing${quota.length > 0 ? ` and its own quota (${quota.join(', ')}) lends to no queue` : ''}${guess ? ` (did a queue mean it? queues name '${guess}')` : ''}`,
    );
  }
}
