// What the three forms of a training workload (listed jobs, a trace, a generator) are resolved
// against: the pool, its tenant queues, the throughput matrix, the names taken, the jobs so far.
import type { Datacentre, NodeGroup } from '../cluster.js';
import { jobTypeSpeed, resolveThroughputs, type JobTypeSpeed } from '../throughputs.js';
import { poolKindRef, queueRef, resolveScenarioTenants, type Tenants } from '../tenants.js';
import { JobList } from '../job-list.js';
import type { PathKey } from '../../scenario/errors.js';
import type { Scenario } from '../../scenario/schema.js';
import type { ResolveContext } from './context.js';
import type { KindBook } from './kinds.js';
import { JobNames } from './job-names.js';
import { ModelChecks } from './model-checks.js';

export class WorkloadScope {
  readonly tenants: Tenants | undefined;
  readonly names: JobNames;
  readonly checks: ModelChecks;
  /** Explicit jobs: listed ones as their templates, a trace's as a table (model/job-list.ts). */
  readonly jobs = new JobList();
  private readonly poolKinds: Set<number>;
  private readonly throughputs: ReturnType<typeof resolveThroughputs>;

  constructor(
    readonly scenario: Scenario,
    readonly book: KindBook,
    readonly groups: readonly NodeGroup[],
    datacentres: readonly Datacentre[],
    readonly ctx: ResolveContext,
  ) {
    const { fail } = ctx;
    const kinds = book.kinds;
    const poolKinds = (this.poolKinds = new Set(groups.map((g) => g.kind)));
    // Tenants (model/tenants.ts): quotas name kinds of the pool; workloads name their queue.
    // (Quotas beyond the pool are warned once services are resolved: resolve/quota-room.ts.)
    this.tenants = resolveScenarioTenants(scenario, kinds.length, (report) => poolKindRef(poolKinds, kinds, book.canonicalOf, report), fail, ctx.readRelative);
    this.checks = new ModelChecks({ groups, kinds, datacentres }, ctx);
    this.names = new JobNames(scenario, this.jobs, fail, ctx.src.where);
    // The throughput matrix (Gavel-style), and what a job type's row means for its jobs.
    this.throughputs = resolveThroughputs(scenario.throughputs, book.useKind, fail);
  }

  /** The tenant queue a workload's jobs join. Manifests that could not be read have been reported: no second report per workload naming a queue. */
  queueOf(name: string | undefined, at: readonly PathKey[]): number | undefined {
    return this.scenario.tenants_from && !this.tenants ? undefined : queueRef(this.tenants, name, at, this.ctx.fail);
  }

  /** The most devices of one kind the pool has among `allowed` (any kind of the pool when undefined). */
  capacityOf(allowed: readonly number[] | undefined): number {
    let best = 0;
    for (const k of allowed ?? this.poolKinds) {
      let total = 0;
      for (const g of this.groups) if (g.kind === k) total += g.nodeCount * g.devicesPerNode;
      best = Math.max(best, total);
    }
    return best;
  }

  /** What a job type's row of the throughput matrix means for a job; false when refused. */
  typed(jobType: string | undefined, allowed: readonly number[] | undefined, efficiency: number | undefined, at: readonly PathKey[]): JobTypeSpeed | undefined | false {
    const kinds = this.book.kinds;
    return jobType === undefined ? undefined : jobTypeSpeed(this.throughputs, jobType, allowed, efficiency, at, (k) => kinds[k]!.name, (k) => kinds[k]!.spec, this.ctx.fail);
  }
}
