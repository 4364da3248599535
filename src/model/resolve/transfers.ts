// Transfers between data centres, and the jobs they wait for or follow: a job a transfer comes
// `before` waits for it (JobTemplate.waitsFor).
import { suggestName } from '../../scenario/did-you-mean.js';
import type { PathKey } from '../../scenario/errors.js';
import type { Scenario } from '../../scenario/schema.js';
import { JobList } from '../job-list.js';
import { implausibleTransferSize } from '../plausibility.js';
import { UniqueNames } from '../unique-names.js';
import { formatDuration } from '../../units/units.js';
import type { ResolveContext } from './context.js';
import type { Sites } from './sites.js';
import type { TransferPlan } from './types.js';

/** The transfers, and the jobs with the transfers they wait for. */
export function resolveTransfers(scenario: Scenario, jobs: JobList, { dcRef, datacentres, groups }: Sites, ctx: ResolveContext): { transfers: TransferPlan[]; jobs: JobList } {
  const { fail } = ctx;
  // Job name -> index, only when a transfer names a job (as the name set below).
  let indexOf: Map<string, number> | undefined;
  const jobIndex = (name: string): number | undefined => {
    if (!indexOf) {
      indexOf = new Map();
      for (let i = 0; i < jobs.length; i++) indexOf.set(jobs.name(i), i);
    }
    return indexOf.get(name);
  };
  /** The sites other than `site` with nodes of a kind job `name` may use: where it may run instead. */
  const elsewhere = (name: string, site: number): string[] => {
    const i = jobIndex(name);
    if (i === undefined) return [];
    const kinds = jobs.at(i).allowedKinds;
    const out = new Set<number>();
    for (const g of groups) if (g.datacentre !== site && g.nodeCount > 0 && (kinds === undefined || kinds.includes(g.kind))) out.add(g.datacentre);
    return [...out].sort((a, b) => a - b).map((d) => datacentres[d]!.name);
  };
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
  // Job -> the jobs that wait, through a transfer after it and before them, for it to finish.
  const follows = new Map<string, { job: string; transfer: string }[]>();
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
    if (t.after !== undefined && t.before !== undefined && jobNames().has(t.after) && jobNames().has(t.before)) {
      const chain = waitChain(follows, t.before, t.after);
      if (chain) fail(at, `job '${t.before}' waits for this transfer, which waits for ${chain}: none of them could ever start; drop 'after' or 'before' from one transfer of the ring`);
      follows.set(t.after, [...(follows.get(t.after) ?? []), { job: t.before, transfer: t.name }]);
    }
    if (from === undefined || to === undefined) return;
    if (from === to) fail(at, 'a transfer moves data between two different data centres');
    implausibleTransferSize(t.size, [...at, 'size'], ctx.src.scalarAt([...at, 'size']), ctx.warn);
    // Connections only multiply a window's cap (window / RTT each): with no window on any link they change nothing.
    if (t.connections > 1 && !scenario.links.some((l) => l.window !== undefined)) {
      ctx.warn([...at, 'connections'], `${t.connections} connections change nothing here: connections only multiply the window / RTT cap of a link with a \`window\`, and no link of this scenario has one`);
    }
    // The run stops at the horizon: a transfer timed to start then or later never runs (its row has no start).
    if (t.after === undefined && t.before === undefined && scenario.horizon !== undefined && t.start >= scenario.horizon) {
      ctx.warn([...at, 'start'], `starts at ${formatDuration(t.start)}, not before the horizon (${formatDuration(scenario.horizon)}): this transfer never runs`);
    }
    // Placement does not follow the data: a job may run at a site other than the one its dataset
    // goes to, or its checkpoint leaves. Say so where that can happen (its kinds have nodes there).
    const away = (name: string | undefined, site: number): string[] => (name !== undefined && from !== to ? elsewhere(name, site) : []);
    const beforeAway = away(t.before, to);
    if (beforeAway.length > 0) {
      ctx.warn([...at, 'before'], `job '${t.before}' waits for this transfer to reach ${datacentres[to]!.name}, but poolsim places a job wherever its devices are free, not where its data is: it may run at ${beforeAway.join(', ')}, away from the data`);
    }
    const afterAway = away(t.after, from);
    if (afterAway.length > 0) {
      ctx.warn([...at, 'after'], `this transfer leaves ${datacentres[from]!.name} when job '${t.after}' ends, but poolsim places a job wherever its devices are free: it may have run at ${afterAway.join(', ')}, and its data is then sent from a site it did not run at`);
    }
    transfers.push({ name: t.name, from, to, bytes: t.size, startS: t.start, after: t.after, before: t.before, connections: t.connections });
  });
  const withWaits = waits.size === 0 ? jobs : JobList.of(jobs.templates().map((j) => (waits.has(j.name) ? { ...j, waitsFor: waits.get(j.name) } : j)));
  return { transfers, jobs: withWaits };
}

/**
 * How job `goal` waits, through transfers, for job `start` to finish, walked from `goal` back to
 * `start` ("transfer 'x', which waits for job 'y' to finish, ..."), or undefined when it does not.
 * `follows` maps a job to the jobs that wait for it through a transfer after it and before them.
 * For a transfer after `goal` and before `start`, such a chain closes a ring in which nothing can start.
 */
function waitChain(follows: ReadonlyMap<string, readonly { job: string; transfer: string }[]>, start: string, goal: string): string | undefined {
  const cameFrom = new Map<string, { job: string; transfer: string } | null>([[start, null]]);
  const queue = [start];
  for (let head = 0; head < queue.length && !cameFrom.has(goal); head++) {
    const job = queue[head]!;
    for (const next of follows.get(job) ?? []) {
      if (cameFrom.has(next.job)) continue;
      cameFrom.set(next.job, { job, transfer: next.transfer });
      queue.push(next.job);
    }
  }
  if (!cameFrom.has(goal)) return undefined;
  let text = `job '${goal}' to finish`;
  for (let step = cameFrom.get(goal); step; step = cameFrom.get(step.job)) text += `, which waits for transfer '${step.transfer}', which waits for job '${step.job}' to finish`;
  return text;
}
