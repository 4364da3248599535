// The decision interfaces: a queue policy picks which waiting jobs start, a placement policy picks
// their devices. Both see read-only views and return decisions that the simulator checks.
import type { z } from 'zod';
import type { RandomStream } from '../engine/random.js';
import type { Cluster } from '../model/cluster.js';
import type { TaskClass } from '../model/fragmentation.js';

/** What a policy may read about a job. */
export interface JobView {
  /** Dense id, in submission order (ties broken by it). */
  readonly id: number;
  readonly name: string;
  readonly devices: number;
  readonly submitS: number;
  readonly priority: number;
  /** Allowed kind indices, or undefined for any. */
  readonly allowedKinds: readonly number[] | undefined;
  readonly usefulFlop: number;
  /** The job's own kernel-efficiency override, if any. */
  readonly efficiency: number | undefined;
  /** Model parameters when known (0 when the job was given as a duration). */
  readonly params: number;
  /** Useful FLOPs still to do, as of the job's last rate change. */
  readonly remainingFlop: number;
  /** Device-seconds of service received so far (for least-attained-service policies): devices x milli / 1000 x time held, so a share of a device attains its share. */
  readonly attainedDeviceS: number;
  /**
   * Predicted run time at submission (for shortest-job-first; the tenants' slowdown divides by it):
   * its run time alone on an idle pool on the fastest allowed kind, as the run times it (the step
   * model's rate alone under `network: flow` for a training job with a model size, else its job
   * type's row or peak x efficiency), checkpoints included; a trace's recorded run time under
   * `runtime: fixed` as given. Infinity where no allowed kind has devices enough.
   */
  readonly predictedRuntimeS: number;
  readonly state: 'waiting' | 'running' | 'checkpointing' | 'completed' | 'rejected';
  /** Where it runs (running and checkpointing jobs). */
  readonly placement: Placement | undefined;
  /** Times it has been preempted so far. */
  readonly preemptions: number;
  /** Share of each device in thousandths: 1000 for whole devices, less for a fractional job. */
  readonly milli: number;
  /**
   * Host resources the whole job asks for: CPU milli-cores and memory MiB (0 when none). A gang
   * over several nodes takes from each node its share in proportion to its devices there, rounded
   * up (model/host-resources.ts hostShare); placement must leave no node over-allocated.
   */
  readonly cpuMilli: number;
  readonly memoryMiB: number;
  /**
   * Who the job's use is charged to, for fair share (multifactor): its tenant queue when the
   * scenario has tenants, else the workload entry (job list, generator or trace) it came from.
   */
  readonly account?: string;
}

/**
 * Where a job runs: one device kind; `counts[i]` whole devices on node `nodes[i]`. A fractional
 * job (JobView.milli < 1000) instead names the one `device` it shares and takes `milli` of it.
 */
export interface Placement {
  readonly kind: number;
  readonly nodes: readonly number[];
  readonly counts: readonly number[];
  readonly device?: number;
  readonly milli?: number;
}

/** Read-only cluster state, as the simulator has it at decision time. */
export type ClusterView = Pick<
  Cluster,
  | 'datacentres'
  | 'kinds'
  | 'allKinds'
  | 'groups'
  | 'nodeCount'
  | 'deviceCount'
  | 'nodeDatacentre'
  | 'nodeKind'
  | 'nodeDevices'
  | 'nodeLeaf'
  | 'nodeFree'
  | 'kindFree'
  | 'kindTotal'
  | 'kindMaxPerNode'
  | 'kindMinPerNode'
  | 'deviceFreeMilli'
  | 'sharedDevices'
  | 'maxSharedFreeMilli'
  | 'mayHoldNow'
  | 'nodeAffinity'
  | 'kindWholeFreeNodes'
  | 'leafSlots'
  | 'nodePod'
  | 'fabricPart'
  | 'kindLeafSlots'
  | 'nodeLeafSlot'
  | 'leafFree'
  | 'kindDcFree'
  | 'nodesOfKind'
  | 'nodePosInKind'
  | 'freeIndex'
  | 'deviceNode'
  | 'nodeFirstDevice'
  | 'nodeCpuMilli'
  | 'nodeMemoryMiB'
  | 'nodeCpuFree'
  | 'nodeMemoryFree'
  | 'hostLimited'
  | 'version'
>;

/** A waiting line the policy can walk in submission order; started or rejected jobs are skipped. */
export interface WaitingJobs extends Iterable<JobView> {
  readonly size: number;
  /**
   * Optional, for policies that keep their own index of the line: how many entries have ever been
   * pushed (a preempted job re-joins as a new entry), and the waiting jobs among the entries pushed
   * after the first `mark`, in line order. Both are O(1) and O(log n + answer).
   */
  readonly pushes?: number;
  since?(mark: number): Iterable<JobView>;
}

/**
 * What a queue policy gets on each scheduling pass.
 * Contract: `place` has no side effects; `start` applies a decision after checking it (capacity,
 * allowed kinds, gang completeness) and throws a PolicyError naming the policy, job and time when
 * it is invalid. Decisions take effect immediately, so later `place` calls see them.
 */
export interface SchedulingContext {
  readonly nowS: number;
  readonly waiting: WaitingJobs;
  readonly running: readonly JobView[];
  readonly cluster: ClusterView;
  place(job: JobView): Placement | undefined;
  /**
   * Optional: true when `place` is pure: the placement policy answers from the request and the
   * cluster's free state alone and asking has no effect (Placer.requestOnly: no random draw,
   * nothing kept between calls). A policy may then leave out questions whose answer it would not
   * use (a job that could not start whatever the answer), and the run is the same.
   */
  readonly placeIsPure?: boolean;
  start(job: JobView, placement: Placement): void;
  /**
   * Suspend a running job: it keeps its devices while it writes a checkpoint (the scenario's
   * preemption.checkpoint time), then frees them and re-joins the waiting line; on restart it
   * pays preemption.restore before progressing. Its re-queued time counts as queueing delay.
   */
  preempt(job: JobView): void;
  /** Ask for another scheduling pass at `timeS` (e.g. when a running job will cross a threshold). */
  wakeAt(timeS: number): void;
  /** Useful FLOP/s `job` would get on `placement` if started now (the simulator's progress model). */
  predictRate(job: JobView, placement: Placement): number;
  /**
   * Optional: an upper bound on `predictRate(job, p)` over every placement `p` on device kind
   * `kind`, from the same progress model (network shares aside, a step is never shorter than its
   * kernel time). Remaining work over it never exceeds a predicted run time, so a policy may skip
   * jobs by it without placing them (EASY backfilling does). The simulator always offers it.
   */
  maxRate?(job: JobView, kind: number): number;
  /**
   * Optional: seconds `job` would take to finish its remaining work on `placement` if started now,
   * as its checkpoint cycles do it (the interval's compute at the rate, then a write) and with its
   * final checkpoint: more than remaining work over `predictRate`, which spreads the writing evenly,
   * by up to a checkpoint. Absent, or without checkpoints, that quotient. The simulator offers it.
   */
  predictRunS?(job: JobView, placement: Placement): number;
  /**
   * When a running job will finish at its current rate, its final checkpoint written; a job writing
   * its final checkpoint, at the write's end; Infinity for one writing a preemption's checkpoint.
   */
  predictedFinishS(job: JobView): number;
  /**
   * Optional, offered by the simulator to built-in policies: what `predictedFinishS` and the job
   * give for each running job, by its position in `running` (entry i is running[i]; entries from
   * running.length on mean nothing), in typed arrays kept as the jobs change. Read-only. A policy
   * that walks every running job on every pass reads a few arrays instead of three objects a job;
   * the answers are the same.
   */
  readonly runningTable?: RunningTable;
  /**
   * The policy's own seeded stream (derived from the scenario seed and the policy's name): the only
   * randomness a policy may use, so that the same seed gives the same run.
   */
  readonly random: RandomStream;
}

/** SchedulingContext.runningTable: entry i describes running[i]. */
export interface RunningTable {
  /** predictedFinishS(running[i]): Infinity for a job writing a preemption's checkpoint (it waits again after). */
  readonly finishS: Float64Array;
  /** running[i].devices. */
  readonly devices: Float64Array;
  /** running[i].devices x running[i].milli / 1000: devices, fractional shares counted as parts. */
  readonly share: Float64Array;
  /** running[i].placement.kind. */
  readonly kind: Int32Array;
  /** running[i].account ?? ''. */
  readonly account: readonly string[];
  /**
   * Counts every change to which job a row describes (a job started, left, or moved to another
   * row). A row's devices, share, kind and account are its job's and stay as they are while it runs
   * (finishS moves, uncounted), so an unchanged count means the same rows and a policy may keep what
   * it derived from them. Optional: without it, read the rows every time.
   */
  readonly changes?: number;
}

export interface QueueDiscipline {
  /** Start zero or more waiting jobs. Called after arrivals and completions. */
  schedule(ctx: SchedulingContext): void;
  /**
   * Optional promise: `schedule` is exactly "for each waiting job in line order, ask `ctx.place`;
   * start it with that answer, or stop at the first job without one" (strict FIFO), and keeps no
   * state. The simulator may then walk the line itself instead of calling `schedule`, without an
   * iterator or the context's closures per pass; the decisions are the same. Honoured for
   * built-in policies (fifo); a plug-in's schedule is always called (its guard does not pass the
   * promise on).
   */
  readonly headOfLine?: boolean;
}

/** What a placement policy may ask besides the cluster's state. */
export interface PlacementHints {
  readonly nowS: number;
  /**
   * Useful FLOP/s the job would get on `placement` if started now (the simulator's progress model,
   * network included once it is on). Pure: changes nothing.
   */
  predictRate(job: JobView, placement: Placement): number;
  /** The placement policy's own seeded stream (derived from the scenario seed and its name). */
  readonly random: RandomStream;
  /**
   * The run's jobs as classes of equal requests (devices, per-GPU share, CPU, memory, allowed
   * kinds) weighted by their count: the target workload against which fragmentation is measured
   * (model/fragmentation.ts). Computed on first read.
   */
  readonly targetWorkload?: readonly TaskClass[];
}

export interface Placer {
  /** Devices for `job` on the cluster as it is now, or undefined when it does not fit now. */
  place(job: JobView, cluster: ClusterView, hints: PlacementHints): Placement | undefined;
  /**
   * Optional promise: the answer depends only on the job's request (devices, per-device share,
   * CPU, memory, allowed kinds) and the cluster's free state: no random draws, no predicted rates,
   * nothing about the job's identity, model or progress, no state kept between calls. The
   * simulator then reuses an answer for an equal request until the cluster changes, so a queue
   * that tries many equal jobs on one pass pays one search. Decisions are the same either way.
   */
  readonly requestOnly?: boolean;
  /**
   * Optional: what the policy will never do on this pool and why (e.g. device kinds it leaves idle),
   * one sentence each; the run prints them with the scenario's warnings.
   */
  notes?(cluster: ClusterView): string[];
}

/** A policy kind: a name, a description, a parameter schema beside its code, and a factory. */
export interface PolicyDefinition<P, T> {
  readonly name: string;
  readonly description: string;
  readonly params: z.ZodType<P>;
  create(params: P): T;
  /**
   * Parameters this pool cannot honour, refused before the run: where under `params` and why
   * (e.g. a cost objective on sites without a price). Absent or undefined: nothing to refuse.
   */
  checkPool?(params: P, pool: PoolFacts): { readonly path: readonly (string | number)[]; readonly message: string } | undefined;
  /** Optional: parameters that are legal but likely not what was meant on this pool (a name nothing has), located under the parameters; warned about, not refused. */
  warnPool?(params: P, pool: PoolFacts): readonly { readonly path: readonly (string | number)[]; readonly message: string }[];
}

/** What `checkPool` may read of the pool before the run. */
export interface PoolFacts {
  readonly datacentres: readonly Cluster['datacentres'][number][];
  /** The accounts jobs can have (JobView.account: tenant queues' names, the workloads' sources), when known. */
  readonly accounts?: readonly string[];
}

export type QueuePolicy<P = unknown> = PolicyDefinition<P, QueueDiscipline>;
export type PlacementPolicy<P = unknown> = PolicyDefinition<P, Placer>;

/** Which plug-in a PolicyError is about: its role, and the module file as the scenario (or option) names it. */
export interface PolicyOrigin {
  /** 'queue policy', 'placement policy', 'preemption policy', 'load balancer'. */
  readonly role: string;
  readonly file: string;
  /** The inference service whose balancer it is. */
  readonly service?: string;
}

/** A decision that breaks the rules: a policy bug, reported with the policy's name and the time. */
export class PolicyError extends Error {
  constructor(
    readonly policy: string,
    readonly job: string | undefined,
    readonly timeS: number,
    /** What went wrong, without the policy, job and time (the message has them). */
    readonly detail: string,
    /** Set for plug-ins: the message then names the plug-in's role and file too. */
    readonly origin?: PolicyOrigin,
  ) {
    const who = origin ? `${origin.role} '${policy}' (${origin.file})${origin.service !== undefined ? ` of service '${origin.service}'` : ''}` : `policy '${policy}'`;
    super(`${who}${job !== undefined ? `, job '${job}'` : ''}, at t=${timeS}s: ${detail}`);
    this.name = 'PolicyError';
  }
}

/**
 * Chooses running jobs to suspend so that a waiting job can start. Used by preemptive queue
 * policies, which pass the running jobs they are willing to preempt (`eligible`, least important
 * first; never jobs that are already checkpointing).
 * Contract: return a set of eligible jobs whose devices, together with the free devices and those
 * of jobs already checkpointing, make at least `job.devices` devices of one kind `job` may use;
 * or undefined when no such set exists. When the free devices and those of jobs already
 * checkpointing (victim-selection's devicesComingFree) make enough on some allowed kind, return []:
 * the caller may then skip the call. Pure: the caller calls `ctx.preempt` on them.
 */
export interface Preemptor {
  victims(job: JobView, ctx: SchedulingContext, eligible: readonly JobView[]): JobView[] | undefined;
}

export type PreemptionPolicy<P = unknown> = PolicyDefinition<P, Preemptor>;

/**
 * Optional members a simulator may add to the SchedulingContext. Policies use them when present
 * and fall back to the kind's peak x efficiency otherwise.
 */
export interface SchedulingContextExtras {
  /** Useful FLOP/s `job` would get on `placement` if it started now (the progress model's answer). */
  predictRate?(job: JobView, placement: Placement): number;
}
