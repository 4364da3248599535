// Training workloads, in the order the scenario lists them: listed jobs and traces become the
// scenario's jobs (model/job-list.ts), generators are handed to the simulator.
import type { Datacentre, NodeGroup } from '../cluster.js';
import type { Scenario } from '../../scenario/schema.js';
import type { JobList } from '../job-list.js';
import type { Tenants } from '../tenants.js';
import type { ResolveContext } from './context.js';
import { resolveGenerator } from './generators.js';
import type { KindBook } from './kinds.js';
import { resolveListedJobs } from './listed-jobs.js';
import { resolveTraceJobs } from './trace-jobs.js';
import type { GeneratorSource } from './types.js';
import { WorkloadScope } from './workload-scope.js';

export function resolveWorkloads(scenario: Scenario, book: KindBook, groups: readonly NodeGroup[], datacentres: readonly Datacentre[], ctx: ResolveContext): { jobs: JobList; generators: GeneratorSource[]; tenants: Tenants | undefined } {
  const scope = new WorkloadScope(scenario, book, groups, datacentres, ctx);
  const generators: GeneratorSource[] = [];
  scenario.workloads.forEach((w, wi) => {
    if ('jobs' in w) resolveListedJobs(w.jobs, wi, scope);
    else if ('trace' in w) resolveTraceJobs(w.trace, wi, scope);
    else {
      const g = resolveGenerator(w.generator, wi, scope);
      if (g) generators.push(g);
    }
  });
  // Each trace is re-based to its own earliest submit time (a window counts from it too), so traces
  // cut from one log (one per team, per cluster) do not share a clock, and nothing the scenario can
  // write lines them up: said once, at the second trace.
  const traces = scenario.workloads.flatMap((w, wi) => ('trace' in w ? [wi] : []));
  if (traces.length >= 2) {
    ctx.warn(
      ['workloads', traces[1]!, 'trace', 'path'],
      `the scenario replays ${traces.length} job traces, and each keeps a clock of its own: time 0 is each trace's own earliest submit time (window offsets count from it too), so traces cut from one log at different times do not line up, their first jobs all arriving at the run's start. To keep one clock, merge them into one file (a group column with \`queue_from\` or \`priority\` keeps their jobs apart)`,
    );
  }
  return { jobs: scope.jobs, generators, tenants: scope.tenants };
}
