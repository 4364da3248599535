// Transfers between data centres, and the jobs they wait for or follow: a job a transfer comes
// `before` waits for it (JobTemplate.waitsFor).
import { suggestName } from '../../scenario/did-you-mean.js';
import type { PathKey } from '../../scenario/errors.js';
import type { Scenario } from '../../scenario/schema.js';
import { JobList } from '../job-list.js';
import { UniqueNames } from '../unique-names.js';
import type { ResolveContext } from './context.js';
import type { Sites } from './sites.js';
import type { TransferPlan } from './types.js';

/** The transfers, and the jobs with the transfers they wait for. */
export function resolveTransfers(scenario: Scenario, jobs: JobList, { dcRef }: Sites, ctx: ResolveContext): { transfers: TransferPlan[]; jobs: JobList } {
  const { fail } = ctx;
  // The set of job names only when a transfer names jobs (a million trace jobs would cost a set of their own).
  let jobNamesOf: Set<string> | undefined;
  const jobNames = (): Set<string> => {
    if (jobNamesOf) return jobNamesOf;
    jobNamesOf = new Set();
    for (let i = 0; i < jobs.length; i++) jobNamesOf.add(jobs.name(i));
    return jobNamesOf;
  };
  const transfers: TransferPlan[] = [];
  const waits = new Map<string, string[]>();
  const transferNames = new UniqueNames('transfer', fail, ctx.src.where);
  scenario.transfers.forEach((t, ti) => {
    const at: PathKey[] = ['transfers', ti];
    transferNames.claim(t.name, [...at, 'name']);
    const from = dcRef(t.from, [...at, 'from']);
    const to = dcRef(t.to, [...at, 'to']);
    for (const key of ['after', 'before'] as const) {
      const name = t[key];
      if (name !== undefined && !jobNames().has(name)) {
        const guess = suggestName(name, [...jobNames()]);
        fail([...at, key], `unknown job '${name}'${guess ? ` (did you mean '${guess}'?)` : ''}; transfers refer to jobs listed by name under workloads`);
      }
    }
    if (t.before !== undefined) waits.set(t.before, [...(waits.get(t.before) ?? []), t.name]);
    if (from === undefined || to === undefined) return;
    if (from === to) fail(at, 'a transfer moves data between two different data centres');
    transfers.push({ name: t.name, from, to, bytes: t.size, startS: t.start, after: t.after, before: t.before, connections: t.connections });
  });
  const withWaits = waits.size === 0 ? jobs : JobList.of(jobs.templates().map((j) => (waits.has(j.name) ? { ...j, waitsFor: waits.get(j.name) } : j)));
  return { transfers, jobs: withWaits };
}
