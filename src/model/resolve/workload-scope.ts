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

  /**
   * What a job type's row of the throughput matrix means for a job; false when refused. The row is
   * measured (a job's steps/s on each kind, its communication included), so it is the job's rate
   * where it has one: a model size beside it (`hasParams`) only chooses the kinds whose memory
   * holds the model, and under `network: flow` the step model, which would time the job otherwise,
   * is not used for it (nor its traffic put on the fabric): warned, since the two figures disagree
   * (the step model ran a 7B model on 8 H100 at half the row's H100 rate).
   */
  typed(jobType: string | undefined, allowed: readonly number[] | undefined, efficiency: number | undefined, at: readonly PathKey[], hasParams = false): JobTypeSpeed | undefined | false {
    const kinds = this.book.kinds;
    if (jobType === undefined) return undefined;
    const speed = jobTypeSpeed(this.throughputs, jobType, allowed, efficiency, at, (k) => kinds[k]!.name, (k) => kinds[k]!.spec, this.ctx.fail);
    if (speed && hasParams && this.scenario.network === 'flow') {
      this.ctx.warn(
        [...at, 'params'],
        `job type '${jobType}' gives the job's measured throughput on each kind, so it runs at that rate: the model size only chooses the kinds whose memory holds it; the step model (communication, memory-bound kernels) does not time it, and its traffic does not load the fabric. Leave out \`job_type\` to have the step model time it`,
      );
    }
    return speed;
  }
}
