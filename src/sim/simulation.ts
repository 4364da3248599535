// Wires a resolved scenario into an engine: workload arrivals, the waiting line, scheduling
// passes through the policies, fluid job progress, and metrics. Pure: scenario and sinks in,
// results out; no files, no stdout.
import { FragmentationRecorder } from './fragmentation-recorder.js';
import { MAX_OPEN_RUN_S } from '../scenario/limits.js';
import { checkpointedRunS, computeShare, logExpectedRunS, writingWithinS, youngDalyIntervalS } from '../model/checkpoint-interval.js';
import { Engine } from '../engine/engine.js';
import { snapToZero } from '../engine/numeric.js';
import { RandomStreams, type RandomStream } from '../engine/random.js';
import { Cluster, gpuAffinity, WHOLE_DEVICE_MILLI, type AffinityHolder } from '../model/cluster.js';
import { hostShare } from '../model/host-resources.js';
import { ratioPeakFlops } from '../model/ratio-peak.js';
import { fabricCost } from '../model/network/fabric-cost.js';
import { taskClasses, type TaskClass } from '../model/fragmentation.js';
import type { JobTemplate } from '../model/job.js';
import { trainingFlop } from '../model/job.js';
import { durationWork as durationWorkOf, type AloneJob, type AloneRatesOf } from '../model/alone-runtime.js';
import { ArrivalFitter, poolKindsFor, type ArrivalFit } from '../model/training-fit.js';
import { sample } from '../scenario/distribution.js';
import { InputError } from '../scenario/errors.js';
import { seedValueProblem } from '../scenario/seed-range.js';
import { checkResolvedArgument } from './resolved-argument.js';
import type { GeneratorSource, ResolvedScenario } from '../model/load-scenario.js';
import { hostRequest } from '../model/resolve/listed-jobs.js';
import { replicaDevices } from '../model/inference/replica-devices.js';
import { jobListOf, type JobList } from '../model/job-list.js';
import type { TraceJobTable } from '../model/trace-job-template.js';
import { resolvePolicies, type ResolvedPolicies } from '../policy/registry.js';
import { PolicyError, type JobView, type Placement, type PolicyOrigin, type PlacementHints, type SchedulingContext } from '../policy/types.js';
import { MetricsRecorder, type JobRow, type SummaryRow } from './metrics.js';
import { modelsNetwork } from './network-modelled.js';
import { NetworkProgressModel, type TransferState } from './network-progress.js';
import { deviceRate, PeakEfficiencyModel, type ProgressModel } from './progress-model.js';
import { FailureInjector } from './failures.js';
import { DevicePace } from './device-pace.js';
import { Signals, type LinkRow, type TransferRow } from './signals.js';
import { JobRun, SimJob } from './sim-job.js';
import { waitSoFar } from './wait-so-far.js';
import { GeneratedTemplate, type GeneratorCommon } from './generated-template.js';
import { claimPlacement, placementProblem } from './placement-check.js';
import { PlaceMemo } from './place-memo.js';
import { RunningSlots } from './running-slots.js';
import { LastShape } from './last-shape.js';
import { SubmitRuntime } from './submit-runtime.js';
import { WaitingLine } from './waiting-line.js';
import type { FailurePort, InferencePort, Lease, Subsystem } from './subsystem.js';
import { InferenceSystem, type InferenceOptions } from './inference/inference-system.js';
import { RunFailedError } from './run-error.js';
import { KueueAdmission } from '../policy/tenants/kueue-admission.js';
import { strandedReasons } from './stranded-reasons.js';
import { TenantMetrics, type TenantRow } from './tenant-metrics.js';
import type { TenantShareRow } from './tenant-share-series.js';
import { formatDuration } from '../units/units.js';
import type { RequestRow, ServiceRow } from './inference/service-rows.js';
import { usefulParamsOf } from '../model/training-layout.js';
import { countOf } from '../units/count-noun.js';
import { devicesHeldText } from '../units/devices-held.js';

export interface RunOptions {
  /** Overrides the scenario's seed. */
  seed?: number;
  /** Receives one row per job as it ends (and for jobs unfinished at the horizon): a jobRow listener. */
  jobSink?: (row: JobRow) => void;
  /** Receives one row per data transfer as it completes, and at the end one per transfer that has not arrived (no finish): a transferRow listener. */
  transferSink?: (row: TransferRow) => void;
  /** Receives per-link rows at the end of the run (network model on): a linkRow listener. */
  linkSink?: (row: LinkRow) => void;
  /** Listeners on the run's signal bus (output sinks, trace exporters, invariant checkers in tests), attached before the first event. */
  observe?: (sim: Simulation) => void;
  /** Policies already resolved (plug-ins loaded by the caller); the scenario's by default. */
  policies?: ResolvedPolicies;
  /** Inference services: one row per completed request (a requestRow listener), or a sample: requestSampleRate in (0, 1]. */
  requestSink?: (row: RequestRow) => void;
  requestSampleRate?: number;
  /** Inference services: one row per service at the end of the run (a serviceRow listener). */
  serviceSink?: (row: ServiceRow) => void;
  /** Load-balancer plug-ins loaded by the caller, by the name scenarios use. */
  balancers?: InferenceOptions['balancers'];
  /** Network model on: emit each link's bytes per interval of this many seconds (linkSampleRow). */
  linkIntervalS?: number;
}

export { LINK_COLUMNS, TRANSFER_COLUMNS, type LinkRow, type TransferRow } from './signals.js';

export type { Lease, Subsystem } from './subsystem.js';

export interface RunResult {
  summary: SummaryRow;
  /** Model events fired by the engine. */
  events: number;
  endS: number;
  /** One row per inference service (empty without services). */
  services: ServiceRow[];
  /** Scenarios with tenants: one row per tenant queue, and Jain's index over them (sim/tenant-metrics.ts). */
  tenants?: { rows: TenantRow[]; jainIndex: number; shares: TenantShareRow[] };
}

/**
 * Without a horizon a run ends when its work does. One still going after a century of simulated
 * time never will (failures that undo work faster than it is done, a link of a few bits per
 * second): it stops with the reason instead of running on. No planning question spans a century.
 * Defined with the input limits, so that the loader refuses up front what provably outlasts it.
 */
export { MAX_OPEN_RUN_S };

/**
 * A job the workload submits is kept as its fields (WaitingLine.pushSubmitted) only behind this
 * many waiting jobs: a million queued at once cost ~130 B each as objects, but a job that joins a
 * short line is read at the next pass, where it would be made again.
 */
const DEFER_BEHIND = 256;

export function simulate(resolved: ResolvedScenario, options: RunOptions = {}): RunResult {
  const sim = new Simulation(resolved, options);
  options.observe?.(sim);
  return sim.run();
}

/** Fruitless preemptions in a row that stop a run as a livelock (policyPreempt). */
const LIVELOCK_PREEMPTIONS = 1000;
/** Wake-ups in a row on an idle pool, with the same jobs waiting, that stop a run as a livelock (watchIdleWake). */
const IDLE_WAKES = 100_000;

/**
 * Who a placement that breaks the rules is about, the queue policy that started it or the placement
 * policy that chose it: with the plug-ins' files where either is one (undefined for two built-ins).
 */
function pairOrigin(p: ResolvedPolicies): PolicyOrigin | undefined {
  const files = [p.queueOrigin?.file, p.placementOrigin?.file].filter((f): f is string => f !== undefined);
  return files.length > 0 ? { role: 'queue/placement policies', file: files.join(', ') } : undefined;
}

export class Simulation implements FailurePort, InferencePort {
  readonly engine = new Engine();
  readonly cluster: Cluster;
  readonly signals = new Signals();
  readonly streams: RandomStreams;
  readonly seed: number;
  readonly running: SimJob[] = [];
  /** What policies read of each running job, by its index in `running` (SchedulingContext.runningTable). */
  private readonly slots = new RunningSlots();
  private readonly waiting: WaitingLine;
  private readonly policies: ResolvedPolicies;
  private readonly progress: ProgressModel;
  /** The flow network, when the scenario models it (network: flow) or moves data between sites. */
  readonly network: NetworkProgressModel | undefined;
  /**
   * Jobs waiting for transfers before they may queue, by name. A list, not one job: a job held here
   * is in no other collection, so nothing may overwrite it (names are unique, but losing a job must
   * not hang on that), and jobs still held at the end are reported unfinished.
   */
  /** Jobs held for their data, by name: `never`, why some of it will never come (its transfer follows a rejected job). */
  private readonly held = new Map<string, { jobs: SimJob[]; pending: number; never?: string }>();
  /** The scenario's listed and trace jobs (a trace row's template made when read: model/job-list.ts). */
  private readonly jobList: JobList;
  private readonly metrics: MetricsRecorder;
  private readonly ctx: SchedulingContext;
  private nextJobId = 0;
  private readonly subsystems: Subsystem[] = [];
  private failureInjector: FailureInjector | undefined;
  private passPending = false;
  /** A policy asked for the pending pass (wakeAt): it runs even if no job waits. */
  private passAsked = false;
  /** The scenario's inference services, when it has any. */
  readonly inference: InferenceSystem | undefined;
  /** The tenant queues' admission layer, when the scenario defines tenants. */
  readonly admission: KueueAdmission | undefined;
  /** The tenant queues' names by index: jobs are made with them (a queued job's account). */
  private readonly queueNames: readonly string[] | undefined;
  private readonly tenantMetrics: TenantMetrics | undefined;
  private readonly linkIntervalS: number | undefined;
  /** Listeners of 'submitted' the simulator attached itself (see the constructor). */
  private readonly ownSubmittedListeners: number;

  constructor(
    readonly resolved: ResolvedScenario,
    options: RunOptions,
  ) {
    checkResolvedArgument(resolved);
    // The library passes options straight from code: a seed the CLI's --seed refuses is refused here too.
    const seedProblem = options.seed === undefined ? undefined : seedValueProblem(options.seed);
    if (seedProblem !== undefined) throw new InputError([{ file: 'run options', line: 0, column: 0, path: 'seed', message: seedProblem }]);
    this.seed = options.seed ?? resolved.scenario.seed;
    // A trace's unpinned sample is the run's draw: replaying another seed's would mislabel the run.
    if (resolved.traceSampleSeed !== undefined && resolved.traceSampleSeed !== this.seed) {
      throw new Error(
        `${resolved.file}: its trace sample was drawn for seed ${resolved.traceSampleSeed} when it was loaded, not for this run's seed ${this.seed}: load it with { seed: ${this.seed} } (LoadOptions), or pin the sample with the trace's \`sample_seed\``,
      );
    }
    this.jobList = jobListOf(resolved);
    this.queueNames = resolved.tenants?.queues.map((q) => q.name);
    this.waiting = new WaitingLine(expectedJobs(this.jobList.length, resolved.generators), this.queueNames);
    this.linkIntervalS = options.linkIntervalS;
    this.streams = new RandomStreams(this.seed);
    this.cluster = new Cluster(resolved.shape);
    // Affinity is built from the running jobs when a policy first reads it (GPU clustering).
    this.cluster.deferAffinity(() => this.affinityHolders());
    this.deviceSpeed = new DevicePace(this.cluster.deviceCount);
    this.replicaHeld = replicaDevices(resolved.services, this.cluster.kinds.length);
    // Failures ask which jobs a device stops (jobsOnDevice): kept from the first job on when they may.
    if (resolved.scenario.failures) this.deviceJob = new Array<SimJob | undefined>(this.cluster.deviceCount);
    const policies = options.policies ?? resolvePolicies(resolved.scenario.policy, resolved.scenario.placement, { src: resolved.src, pool: resolved.shape });
    // Tenant queues admit jobs by quota before the queue policy sees them (policy/tenants/).
    this.admission = resolved.tenants
      ? new KueueAdmission(resolved.tenants, this.cluster.kinds.length, policies.queue, policies.queueName, {
          devices: this.cluster.kindTotal,
          names: this.cluster.kinds.map((k) => k.name),
          hostFits: (kind, job) => this.hostFitsKind(job, kind),
        }, policies.queueOrigin)
      : undefined;
    this.policies = this.admission ? { ...policies, queue: this.admission } : policies;
    this.headOfLine = this.policies.queue.headOfLine === true;
    const flow = resolved.scenario.network === 'flow';
    // Transfers and disaggregated services' KV caches are flows, so they need the network even when jobs ignore it.
    this.network = modelsNetwork(resolved) ? new NetworkProgressModel(this.cluster, resolved.interDc, this, !flow) : undefined;
    this.progress = flow ? this.network! : new PeakEfficiencyModel(this.cluster);
    this.metrics = new MetricsRecorder(
      this.cluster,
      this.signals,
      { scenario: resolved.scenario.name, policy: this.policies.queueName, placement: this.policies.placementName, seed: this.seed },
      expectedJobs(this.jobList.length, resolved.generators),
      // Finish-time fairness' run time alone: the step model's where the run times the job with it.
      this.progress.aloneRates ? (job, kinds, out) => this.progress.aloneRates!(job, kinds, out) : undefined,
    );
    // What the fabric costs is a question about the switches, which network: ideal does not model.
    this.metrics.fabricCost = flow ? fabricCost(this.cluster) : undefined;
    this.metrics.fragmentation = FragmentationRecorder.forRun(this.cluster, this.jobList, resolved.generators.length > 0, () => this.engine.now);
    this.tenantMetrics = resolved.tenants ? new TenantMetrics(resolved.tenants, this.cluster, this.signals, this.metrics.finishTimeFairness) : undefined;
    if (this.admission) {
      const admission = this.admission;
      const left = (job: SimJob, nowS: number): void => admission.jobLeft(job, nowS);
      this.signals.on('finished', left);
      this.signals.on('stopped', left);
      this.signals.on('rejected', left);
    }
    // The simulator's own 'submitted' listeners (metrics' count, finish-time fairness' mark, which
    // the waiting line keeps): while no other listens, a job queued at its submission need not
    // stay an object until something reads it (WaitingLine.pushSubmitted).
    this.ownSubmittedListeners = this.signals.listenerCount('submitted');
    if (options.jobSink) this.signals.onRow('jobRow', options.jobSink);
    if (options.transferSink) this.signals.onRow('transferRow', options.transferSink);
    if (options.linkSink) this.signals.onRow('linkRow', options.linkSink);
    if (options.serviceSink) this.signals.onRow('serviceRow', options.serviceSink);
    if (options.requestSink) this.signals.onRow('requestRow', options.requestSink);
    this.ctx = this.makeContext();
    if (resolved.scenario.failures) {
      this.failureInjector = new FailureInjector(this, resolved.scenario.failures);
      this.addSubsystem(this.failureInjector);
    }
    this.inference = resolved.services.length > 0 ? new InferenceSystem(this, { requestSampleRate: options.requestSampleRate, balancers: options.balancers, policies: this.policies }) : undefined;
    if (this.inference) this.addSubsystem(this.inference);
  }

  get nowS(): number {
    return this.engine.now;
  }

  /** What each listed and trace job asks for (the placement hints' target workload). */
  /** @internal */ jobShapes(): { devices: number; milli: number; cpuMilli: number; memoryMiB: number; allowedKinds: readonly number[] | undefined }[] {
    const out = [];
    for (let i = 0; i < this.jobList.length; i++) {
      const t = this.jobList.at(i);
      out.push({ devices: t.devices, milli: t.milli ?? WHOLE_DEVICE_MILLI, cpuMilli: t.cpuMilli ?? 0, memoryMiB: t.memoryMiB ?? 0, allowedKinds: t.allowedKinds });
    }
    return out;
  }

  /**
   * The useful rate `job` would get on `placement` if started now (for queue and placement
   * policies): the progress model's, less the share of time it would spend writing checkpoints
   * there (as setRate applies it).
   */
  predictRate(job: JobView, placement: Placement): number {
    const rate = this.progress.predictRate(job, placement);
    const cp = this.resolved.scenario.checkpointing;
    return cp ? rate * computeShare(this.checkpointIntervalOn(job, placement), cp.cost) : rate;
  }

  /**
   * Seconds `job` would take on `placement` if started now (SchedulingContext.predictRunS): its
   * compute at the progress model's rate, a checkpoint after each whole interval of it but the
   * last, then the final checkpoint; without checkpoints, the work over the rate.
   */
  predictRunS(job: JobView, placement: Placement): number {
    const rate = this.progress.predictRate(job, placement);
    const cp = this.resolved.scenario.checkpointing;
    if (!cp) return job.remainingFlop / rate;
    // No periodic checkpoints (interval: auto with no failure rate): the compute, then the final one.
    return checkpointedRunS(job.remainingFlop / rate, this.checkpointIntervalOn(job, placement), cp.cost, cp.final_cost ?? cp.cost);
  }

  addSubsystem(s: Subsystem): void {
    this.subsystems.push(s);
  }

  /** Read-only access to the metrics recorder (subsystems add their device-time and work). */
  get metricsRecorder(): MetricsRecorder {
    return this.metrics;
  }

  /**
   * Take devices for a non-training owner. The placement is checked like a policy's (free,
   * one kind); busy device-time is counted in utilisation and energy until release().
   */
  acquire(placement: Placement, owner: string, onFailure?: () => void): Lease {
    const c = this.cluster;
    for (let i = 0; i < placement.nodes.length; i++) {
      const node = placement.nodes[i]!;
      if (c.nodeKind[node] !== placement.kind) throw new PolicyError(owner, undefined, this.engine.now, `node ${node} is not of kind ${c.kinds[placement.kind]!.name}`);
      if (placement.counts[i]! > c.nodeFree[node]!) throw new PolicyError(owner, undefined, this.engine.now, `node ${node} has ${c.nodeFree[node]} free devices, ${placement.counts[i]} asked`);
    }
    const devices: number[] = [];
    for (let i = 0; i < placement.nodes.length; i++) c.allocateWhole(placement.nodes[i]!, placement.counts[i]!, devices);
    const lease: Lease = { owner, placement, devices, sinceS: this.engine.now, released: false };
    if (onFailure) for (const d of devices) this.leaseFailures.set(d, onFailure);
    return lease;
  }

  /** Per device held by a lease that wants to hear of its failure: whom to tell. */
  private readonly leaseFailures = new Map<number, () => void>();
  private readonly repairListeners: (() => void)[] = [];

  failLeaseOn(dev: number): void {
    this.leaseFailures.get(dev)?.();
  }

  onDevicesRepaired(listener: () => void): void {
    this.repairListeners.push(listener);
  }

  devicesRepaired(): void {
    for (const l of this.repairListeners) l();
  }

  release(lease: Lease): void {
    if (lease.released) return;
    lease.released = true;
    if (this.leaseFailures.size > 0) for (const d of lease.devices) this.leaseFailures.delete(d);
    this.metrics.addBusy(lease.placement, lease.sinceS, this.engine.now);
    // Leases are inference replicas': idle power but while they iterate (they report that part).
    this.metrics.addHeldIdle(lease.placement, lease.sinceS, this.engine.now, 1);
    this.cluster.releaseWhole(lease.devices);
    this.requestPass();
  }

  /**
   * Preempt running training jobs (lowest priority, then latest started) until `devices` devices
   * of `kind` (in data centre `dc` when given) are free or will be once their checkpoints are
   * written. Returns the time by which they will be free, or undefined when even preempting
   * every eligible job would not free enough (nothing is preempted then).
   */
  preemptTrainingFor(devices: number, kind: number, dc?: number): number | undefined {
    const c = this.cluster;
    let free = 0;
    for (const node of c.nodesOfKind[kind]!) if (dc === undefined || c.nodeDatacentre[node] === dc) free += c.nodeFree[node]!;
    if (free >= devices) return this.engine.now;
    const inScope = (j: SimJob): number => {
      let n = 0;
      const p = j.placement!;
      if (p.kind !== kind) return 0;
      for (let i = 0; i < p.nodes.length; i++) if (dc === undefined || c.nodeDatacentre[p.nodes[i]!] === dc) n += p.counts[i]!;
      return n;
    };
    let coming = 0;
    for (const j of this.running) if (j.state === 'checkpointing') coming += inScope(j);
    const candidates = this.running
      .filter((j) => j.state === 'running' && inScope(j) > 0)
      .sort((a, b) => a.priority - b.priority || b.firstStartS - a.firstStartS || b.id - a.id);
    const victims: SimJob[] = [];
    for (const j of candidates) {
      if (free + coming >= devices) break;
      victims.push(j);
      coming += inScope(j);
    }
    if (free + coming < devices) return undefined;
    for (const v of victims) this.preempt(v);
    return this.engine.now + this.resolved.scenario.preemption.checkpoint;
  }

  run(): RunResult {
    for (const s of this.subsystems) s.start();
    this.scheduleTransfers();
    this.startLinkSampling();
    this.scheduleExplicitJobs(this.jobList);
    for (const g of this.resolved.generators) this.startGenerator(g);
    const horizon = this.resolved.scenario.horizon ?? Infinity;
    const limitS = Number.isFinite(horizon) ? Infinity : MAX_OPEN_RUN_S;
    this.engine.run(horizon, limitS);
    // Work waiting for a repair (jobs for failed devices; jobs and transfers stalled on a failed
    // link): the repair is a background event, so wait for it.
    // Jobs waiting for a pass their queue policy asked for (ctx.wakeAt, a background event) likewise.
    while (
      !Number.isFinite(horizon) &&
      this.engine.now <= limitS &&
      !this.engine.hasForeground &&
      ((this.waitsForRepair() && (this.failureInjector?.repairsPending ?? 0) > 0) || (this.waiting.size > 0 && this.pendingWakes > 0))
    ) {
      this.engine.fireNextInstant();
      this.engine.run(horizon, limitS);
    }
    if (!Number.isFinite(horizon) && this.engine.hasForeground) throw this.neverEnds();
    // Still waiting for repairs after a century: devices that fail faster than they are repaired are
    // seldom all up at once. Rejecting the jobs as if they did not fit the pool would be untrue.
    if (!Number.isFinite(horizon) && this.engine.now > limitS && this.waitsForRepair() && (this.failureInjector?.repairsPending ?? 0) > 0) throw this.neverEnds();
    const endS = Number.isFinite(horizon) ? horizon : this.engine.now;
    if (!Number.isFinite(horizon)) {
      this.rejectStranded();
      this.assertDrained();
    }
    for (const job of this.running) {
      this.settle(job, endS);
      // Stopped mid-cycle, as at a preemption: the compute done at the full rate, the writing done.
      if (job.state === 'running') this.keepPartialCycle(job.run!);
    }
    // Jobs still held for their data at the horizon are unfinished too, not lost.
    const unfinished: SimJob[] = [...this.running, ...this.waiting];
    for (const h of this.held.values()) unfinished.push(...h.jobs);
    for (const s of this.subsystems) s.finish(endS);
    const summary = this.metrics.finish(endS, unfinished);
    this.emitUnarrivedTransfers?.();
    if (this.linkSampleS !== undefined && endS > this.linkSampleS) this.sampleLinks(endS);
    if (this.network && this.signals.wantsRows('linkRow')) for (const row of this.network.linkRows(endS)) this.signals.emitRow('linkRow', row);
    let tenants: RunResult['tenants'];
    if (this.tenantMetrics && this.admission) {
      this.admission.accrue(endS);
      tenants = this.tenantMetrics.finish(endS, this.admission.totals, unfinished);
      for (const row of tenants.rows) this.signals.emitRow('tenantRow', row);
      for (const row of tenants.shares) this.signals.emitRow('tenantShareRow', row);
    }
    return { summary, events: this.engine.eventsFired, endS, services: this.inference?.rows ?? [], ...(tenants ? { tenants } : {}) };
  }

  /** Start of the current link-sampling interval, when links are sampled. */
  private linkSampleS: number | undefined;

  /** With a link interval and the network model on: a background tick per interval (links_timeseries.csv). */
  private startLinkSampling(): void {
    const interval = this.linkIntervalS;
    if (interval === undefined || !this.network || !this.signals.wantsRows('linkSampleRow')) return;
    this.linkSampleS = 0;
    const tick = (): void => {
      this.sampleLinks(this.engine.now);
      this.engine.daemonAt(this.engine.now + interval, tick);
    };
    this.engine.daemonAt(interval, tick);
  }

  private sampleLinks(endS: number): void {
    this.network!.sampleLinks(this.linkSampleS!, endS, (row) => this.signals.emitRow('linkSampleRow', row));
    this.linkSampleS = endS;
  }

  /** A run without a horizon that is still going after MAX_OPEN_RUN_S: say why it would never end. */
  private neverEnds(): RunFailedError {
    const stuck = [...this.running, ...this.waiting].sort((a, b) => b.failures - a.failures || a.id - b.id)[0];
    // Waiting on repairs now is not enough: a job that failures keep throwing back is as often
    // waiting for its last failure's repair at the stop as running. It waits for devices when it has
    // spent most of its time since it first started waiting again (or never started).
    const waitsForDevices = stuck !== undefined && stuck.state === 'waiting' && (this.failureInjector?.repairsPending ?? 0) > 0 && this.mostlyRequeued(stuck);
    const remedy = waitsForDevices ? 'repair devices faster (the failures\' repair), make them fail less often (mtbf), or give it fewer devices' : this.failureRemedy();
    const why = stuck
      ? ` Job '${stuck.name}' (${stuck.state}) has ${(100 * (1 - stuck.remainingFlop / stuck.usefulFlop)).toFixed(1)}% of its work done after ${stuck.failures} failures and ${stuck.preemptions} preemptions${
          stuck.failures > 0 ? `: ${waitsForDevices ? 'failed devices come back too seldom all at once' : 'failures come faster than it can keep its progress'}. To let it finish: ${remedy}` : ''
        }.`
      : '';
    // A job that does progress (a link of a few bits per second) would end, only far too late. One
    // that failures keep throwing back would not end when its current attempt is due (the next
    // failure most likely comes first): its due time is no end time.
    const endsAtS = stuck?.completion && !stuck.completion.cancelled && stuck.failures === 0 ? stuck.completion.timeS : undefined;
    const verdict =
      endsAtS !== undefined
        ? `at its rate job '${stuck!.name}' would end only at t=${formatDuration(endsAtS)}`
        : waitsForDevices
          ? `job '${stuck.name}' waits for devices that are seldom all in service at once (they fail faster than they are repaired)`
          : stuck !== undefined && stuck.failures > 0
            ? `failures keep undoing job '${stuck.name}'`
            : 'it would never finish';
    return new RunFailedError(
      `the scenario has no horizon and its run was still going after ${formatDuration(MAX_OPEN_RUN_S)} of simulated time (${this.running.length} jobs running, ${this.waiting.size} waiting): ${verdict}.${why} Set a horizon to see the state at a given time.`,
    );
  }

  /** Has `job` spent more than half its time since its first start waiting to run again (true if it never started)? */
  private mostlyRequeued(job: SimJob): boolean {
    const now = this.engine.now;
    const first = job.firstStartS;
    if (!(first <= now)) return true;
    const requeuedS = waitSoFar(job, now) - (first - job.submitS);
    return requeuedS > 0.5 * (now - first);
  }

  /** Is anything left that only a repair can move on? */
  private waitsForRepair(): boolean {
    if (this.waiting.size > 0 || (this.network?.transfersInFlight().length ?? 0) > 0) return true;
    for (const j of this.running) if (j.state === 'running' && j.completion === undefined) return true;
    return this.subsystems.some((s) => s.waitsForRepair?.() === true);
  }

  /**
   * Without a horizon a run ends only when nothing is left to do. Work left over would be
   * reported as unfinished at a made-up end time, a silent wrong answer: fail instead.
   */
  private assertDrained(): void {
    const left: string[] = [];
    for (const j of this.running) left.push(`job '${j.name}' is ${j.state}${j.rateFlopPerS > 0 ? '' : ' at rate 0'}`);
    for (const [name, h] of this.held) if (h.jobs.length > 0) left.push(`job '${name}' waits for ${h.pending} transfer(s)`);
    for (const t of this.network?.transfersInFlight() ?? []) left.push(`transfer '${t}' is in flight`);
    if (left.length === 0) return;
    const shown = left.slice(0, 5).join('; ') + (left.length > 5 ? `; and ${left.length - 5} more` : '');
    throw new RunFailedError(
      `the run stopped at t=${this.engine.now} s with no horizon and work left (${shown}): nothing else was due to happen, so these would be reported at a made-up end time. This is a bug in poolsim; please report it with the scenario`,
    );
  }

  // --- arrivals -------------------------------------------------------------------------------

  private scheduleExplicitJobs(list: JobList): void {
    const n = list.length;
    if (n === 0) return;
    // By submit time, listing order among equals; usually the list is in that order already (a
    // trace is sorted on import), and then it is taken as it is, not sorted.
    const order = inSubmitOrder(list) ? undefined : submitOrder(list);
    let cursor = 0;
    const arrive = (): void => {
      const now = this.engine.now;
      // Every job due now arrives before the scheduling pass that follows.
      while (cursor < n) {
        const i = order ? order[cursor]! : cursor;
        if (!(list.submitS(i) <= now)) break;
        cursor++;
        // A trace row's template is made for its submission; the line makes it again when read.
        const table = list.tableOf(i);
        if (table) {
          const row = list.rowOf(i);
          this.enter(table.template(row), true, table, row);
        } else this.enter(list.at(i), true);
      }
      if (cursor < n) this.engine.post(list.submitS(order ? order[cursor]! : cursor), arrive);
    };
    this.engine.post(list.submitS(order ? order[0]! : 0), arrive);
  }

  private startGenerator(g: GeneratorSource): void {
    const spec = g.spec;
    const arrivals = this.streams.stream(`arrivals:${g.name}`);
    const sizes = this.streams.stream(`sizes:${g.name}`);
    const cluster = this.cluster;
    const ref = g.referenceKind !== undefined ? cluster.kinds[g.referenceKind] : undefined;
    const meanGapS =
      spec.arrival.process === 'fixed' ? spec.arrival.interval : spec.arrival.mean_interval ?? 1 / spec.arrival.rate!;
    const limitS = Math.min(spec.until ?? Infinity, this.resolved.scenario.horizon ?? Infinity);
    let made = 0;
    const nextGap = (): number => (spec.arrival.process === 'fixed' ? meanGapS : arrivals.exponential(meanGapS));
    // What every job of the generator has alike, kept once (GeneratedTemplate reads it through).
    const host = hostRequest(spec);
    const common: GeneratorCommon = {
      name: g.name,
      efficiency: spec.efficiency,
      shape: spec.model,
      queue: g.queue,
      kindRate: g.kindRate,
      cpuMilli: host.cpuMilli,
      memoryMiB: host.memoryMiB,
    };
    const make = (submitS: number): JobTemplate => {
      const devices = Math.max(1, Math.round(sample(spec.devices, sizes)));
      let usefulFlop: number;
      let params = 0;
      let durationS: number | undefined;
      if (spec.duration) {
        durationS = sample(spec.duration, sizes);
        const refSpec = ref!.spec;
        usefulFlop = durationS * devices * deviceRate({ kindRate: g.kindRate, efficiency: spec.efficiency, shape: spec.model }, refSpec, g.referenceKind!);
        // A model size alongside a duration describes the job's communication (network model).
        if (spec.params) params = sample(spec.params, sizes);
      } else {
        params = sample(spec.params!, sizes);
        usefulFlop = trainingFlop(usefulParamsOf(params, spec.model), sample(spec.tokens!, sizes));
      }
      const priority = spec.priority ? Math.round(sample(spec.priority, sizes)) : 0;
      const t = new GeneratedTemplate(common, made, g.allowedKinds, submitS, devices, usefulFlop, priority, params);
      // A duration is the run time alone on the reference kind, as the step model times the job.
      if (durationS !== undefined && params > 0) t.usefulFlop = this.durationWork(t, durationS, g.referenceKind!);
      return t;
    };
    const arrive = (): void => {
      this.enter(make(this.engine.now), true);
      made++;
      if (spec.count !== undefined && made >= spec.count) return;
      const t = this.engine.now + nextGap();
      if (t < limitS) this.engine.post(t, arrive);
    };
    const first = spec.start;
    if (first < limitS && (spec.count === undefined || spec.count > 0)) this.engine.post(first, arrive);
  }

  /** A job enters the system: rejected at once if it can never fit, else queued (as this object). */
  submit(template: JobTemplate): SimJob {
    return this.enter(template, false)!;
  }

  /**
   * The object through which submissions kept as fields are announced (enter): renewed for each,
   * never kept by the listeners that hear it (the simulator's own), never queued or run.
   */
  private submission: SimJob | undefined;

  /**
   * submit(), for the workload's own arrivals: `mayDefer`, a job queued while only the simulator
   * hears 'submitted' is kept as its fields until read (WaitingLine.pushSubmitted), and undefined is
   * returned (the line makes its object when something reads it).
   */
  private enter(given: JobTemplate, mayDefer: boolean, table?: TraceJobTable, row?: number): SimJob | undefined {
    const { template, fit } = this.admitted(given);
    // Heard only by the simulator's own listeners (metrics' count, finish-time fairness' mark, which
    // the line keeps), the job is kept as its fields until read, where that saves memory: behind a
    // long line. A short line holds the object (it is read at the next pass, and would be made again
    // then). Such a job is announced through one object renewed for each (a million at t = 0 made a
    // SimJob each only to drop it), made a job of its own only if it is rejected now.
    const defer = mayDefer && this.waiting.size >= DEFER_BEHIND && this.signals.listenerCount('submitted') === this.ownSubmittedListeners;
    // Jobs its tenant queue or its data may hold are checked against the object itself.
    const quiet = defer && this.held.size === 0 && this.admission === undefined;
    const id = this.nextJobId++;
    // What follows from the job's shape alone is worked out again only when the shape changes.
    const sameShape = this.arrivalShape.same(template);
    const predictedRuntimeS = this.predictRuntime(template, sameShape);
    let job = quiet ? SimJob.renew((this.submission ??= new SimJob(-1, template, 0)), id, template, predictedRuntimeS) : new SimJob(id, template, predictedRuntimeS, this.queueNames);
    this.signals.emit('submitted', job, this.engine.now);
    // A job its tenant queue could never admit (more than the queue's quota and what its cohort may
    // lend, on every kind it may use) is rejected now, as one larger than the pool is: left waiting,
    // it blocked a strict-fifo queue's later jobs for good, and they were rejected at the end as
    // unplaceable on the idle pool.
    if (!sameShape) this.shapeNeverFits = this.neverFits(job);
    const why = this.shapeNeverFits ?? fit?.reason ?? this.admission?.neverAdmitted(job);
    if (why) {
      if (quiet) {
        const own = new SimJob(id, template, predictedRuntimeS, this.queueNames);
        own.contentionAtSubmitJobS = job.contentionAtSubmitJobS;
        job = own;
      }
      return this.reject(job, why);
    }
    // Jobs are held for their data only when transfers name them (no map lookup by name otherwise).
    const hold = this.held.size > 0 ? this.held.get(template.name) : undefined;
    if (hold && hold.pending > 0) {
      if (hold.never !== undefined) return this.reject(job, hold.never);
      hold.jobs.push(job); // queues when its data has arrived; the wait counts as queueing delay
      return job;
    }
    if (defer) this.waiting.pushSubmitted(job, table, row);
    else this.waiting.push(job);
    this.requestPass();
    return defer ? undefined : job;
  }

  /**
   * The template as a job of it enters: a listed job given as a duration with its model gets its
   * work as the step model runs it, and a known model only the kinds whose memory holds it (`fit`,
   * with the reason where none does).
   */
  private admitted(template: JobTemplate): { template: JobTemplate; fit: ArrivalFit | undefined } {
    // A listed job given as a duration with its model: its work as the step model runs it.
    if (template.durationS !== undefined && !(template instanceof GeneratedTemplate)) template = { ...template, usefulFlop: this.durationWork(template, template.durationS, template.referenceKind!), durationS: undefined };
    // A known model runs only on kinds whose memory holds it (listed jobs were narrowed at load).
    const fit = template.params > 0 ? (template instanceof GeneratedTemplate ? this.fitOfGenerated(template) : this.fitter.fit(template, template.allowedKinds)) : undefined;
    if (fit && fit.allowedKinds !== template.allowedKinds) {
      // A generated template is this job's own (and a spread would drop what it reads through).
      template = template instanceof GeneratedTemplate ? template.narrow(fit.allowedKinds) : { ...template, allowedKinds: fit.allowedKinds };
    }
    return { template, fit };
  }

  /**
   * Where the run's placement policy puts a job of `given` (a listed job's template) alone on the
   * empty pool at its submission, `linksDown` (inter-DC link indices) down: the job made as submit
   * makes it (its kinds narrowed to those that hold its model, its predicted run time), asked
   * through the run's own placer, hints and checks (`poolsim explain`). Call it on a simulation
   * made for it and never run: the placer keeps what it keeps between calls, and this is its first.
   * `refused`: why the run would reject the job, or why the policy leaves it waiting on the empty
   * pool (a run would then never start it).
   */
  placeAlone(given: JobTemplate, linksDown: readonly number[] = []): { placement: Placement; drewAtRandom: boolean } | { refused: string } {
    if (this.engine.eventsFired > 0 || this.running.length > 0) throw new Error('placeAlone: the simulation has already run');
    for (const i of linksDown) this.network?.setInterDcLink(i, true);
    const { template, fit } = this.admitted(given);
    const job = new SimJob(0, template, this.predictRuntime(template, false), this.queueNames);
    // What the run rejects at submission (enter): a job no kind holds, or its tenant queue could never admit.
    const why = this.neverFits(job) ?? fit?.reason ?? this.admission?.neverAdmitted(job);
    if (why) return { refused: why };
    // Whether the policy read its seeded stream: a run's draws for this job depend on those before it.
    let drewAtRandom = false;
    const stream = (): RandomStream => {
      drewAtRandom = true;
      return this.streams.stream(`placement:${this.policies.placementName}`);
    };
    const hints = makeHints(this, stream, () => template.submitS);
    let placement: Placement | undefined;
    try {
      placement = this.cluster.mayHoldNow(job.devices, job.milli, job.allowedKinds) ? this.policies.placer.place(job, this.cluster, hints) : undefined;
    } catch (e) {
      if (e instanceof PolicyError || e instanceof InputError) throw e;
      throw new PolicyError(this.policies.placementName, job.name, template.submitS, `threw: ${e instanceof Error ? e.message : String(e)}`, this.policies.placementOrigin);
    }
    if (!placement) return { refused: `placement policy '${this.policies.placementName}' does not place it on the empty pool` };
    const problem = placementProblem(this.cluster, job, placement);
    if (problem !== undefined) throw new PolicyError(this.policies.placementName, job.name, template.submitS, problem, this.policies.placementOrigin);
    return { placement, drewAtRandom };
  }

  // --- data transfers -------------------------------------------------------------------------

  private scheduleTransfers(): void {
    const plans = this.resolved.transfers;
    if (plans.length === 0) return;
    const dcs = this.cluster.datacentres;
    const afterJob = new Map<string, (() => void)[]>();
    const started = new Map<string, TransferState>();
    const arrived = new Set<string>();
    const row = (p: (typeof plans)[number], startS: number, finishS: number): TransferRow => ({
      transfer: p.name,
      from: dcs[p.from]!.name,
      to: dcs[p.to]!.name,
      bytes: p.bytes,
      start_s: startS,
      finish_s: finishS,
      duration_s: finishS - startS,
      mean_gbps: (p.bytes * 8) / 1e9 / (finishS - startS),
      after_job: p.after ?? '',
      before_job: p.before ?? '',
    });
    // A transfer that has not arrived at the end (a horizon cut it, or it was to follow a job that
    // never finished) was left out of transfers.csv, as if the scenario had never asked for it: it
    // gets its row, with its start if it started, and no finish, duration or rate.
    this.emitUnarrivedTransfers = () => {
      for (const p of plans) if (!arrived.has(p.name)) this.signals.emitRow('transferRow', row(p, started.get(p.name)?.startS ?? Number.NaN, Number.NaN));
    };
    for (const p of plans) {
      if (p.before !== undefined) {
        const h = this.held.get(p.before) ?? { jobs: [], pending: 0 };
        h.pending++;
        this.held.set(p.before, h);
      }
      const begin = (): void => {
        const state = this.network!.startTransfer(p.name, p.from, p.to, p.bytes, (t: TransferState) => {
          arrived.add(p.name);
          this.signals.emitRow('transferRow', row(p, t.startS, t.finishS));
          if (p.before !== undefined) this.transferArrived(p.before);
        }, p.connections);
        started.set(p.name, state);
      };
      if (p.after !== undefined) afterJob.set(p.after, [...(afterJob.get(p.after) ?? []), begin]);
      else this.engine.at(p.startS, begin);
    }
    if (afterJob.size > 0) {
      this.signals.on('finished', (job) => {
        for (const begin of afterJob.get(job.name) ?? []) begin();
      });
      // A transfer after a job that is rejected never starts: the job waiting for its data would
      // wait for good (the run then stopped as an internal error, "a bug in poolsim"). It is
      // rejected, now or when it arrives, with why.
      this.signals.on('rejected', (job) => {
        if (!afterJob.has(job.name)) return;
        for (const p of plans) {
          if (p.after !== job.name || p.before === undefined) continue;
          const h = this.held.get(p.before);
          if (!h || h.never !== undefined) continue;
          h.never = `its data never arrives: transfer '${p.name}' was to start when job '${job.name}' finished, and that job was rejected`;
          const jobs = h.jobs.splice(0);
          for (const held of jobs) this.reject(held, h.never);
        }
      });
    }
  }

  /** Reject a job that will never run (it can never fit or be admitted, or its data never arrives), saying why. */
  private reject(job: SimJob, why: string): SimJob {
    job.state = 'rejected';
    const r = job.runState();
    r.reason = why;
    r.finishS = this.engine.now;
    this.signals.emit('rejected', job, this.engine.now);
    return job;
  }

  /** Emits transfers.csv's rows of the scenario's transfers that have not arrived (set by scheduleTransfers). */
  private emitUnarrivedTransfers: (() => void) | undefined;

  private transferArrived(jobName: string): void {
    const h = this.held.get(jobName)!;
    h.pending--;
    if (h.pending > 0 || h.jobs.length === 0) return;
    this.held.delete(jobName);
    for (const job of h.jobs) this.waiting.push(job);
    this.requestPass();
  }

  /**
   * The fitter's answers for generated jobs by (generator, allowed kinds, params, devices): the same
   * answer object its memo gives (its key is those figures with the shape, which the generator
   * fixes, and no layout), without the key string it builds per call (290 B per scale-100k job).
   */
  private readonly generatedFits = new Map<GeneratorCommon, Map<readonly number[] | undefined, Map<number, Map<number, ArrivalFit>>>>();

  private fitOfGenerated(t: GeneratedTemplate): ArrivalFit {
    let byKinds = this.generatedFits.get(t.common);
    if (!byKinds) this.generatedFits.set(t.common, (byKinds = new Map()));
    let byParams = byKinds.get(t.allowedKinds);
    if (!byParams) byKinds.set(t.allowedKinds, (byParams = new Map()));
    let byDevices = byParams.get(t.params);
    if (!byDevices) byParams.set(t.params, (byDevices = new Map()));
    let fit = byDevices.get(t.devices);
    if (!fit) byDevices.set(t.devices, (fit = this.fitter.fit(t, t.allowedKinds)));
    return fit;
  }

  private fitterOfPool: ArrivalFitter | undefined;
  private get fitter(): ArrivalFitter {
    return (this.fitterOfPool ??= new ArrivalFitter(poolKindsFor(this.resolved.shape)));
  }

  private neverFits(job: SimJob): string | undefined {
    const c = this.cluster;
    const kinds = job.allowedKinds ?? c.allKinds;
    let best = 0;
    let left = 0;
    const held = this.replicaHeld;
    for (const k of kinds) {
      best = Math.max(best, c.kindTotal[k]!);
      left = Math.max(left, c.kindTotal[k]! - held[k]!);
    }
    // The kinds' names only for a message (joined for every submission, they cost as much as the check).
    const names = (): string => (job.allowedKinds ? job.allowedKinds.map((k) => c.kinds[k]!.name).join('|') : 'any kind');
    if (job.devices > best) return `needs ${countOf(job.devices, 'device')} of one kind (${names()}); the pool has at most ${best}`;
    // Inference replicas hold their fixed count (or autoscaler minimum) for the whole run.
    if (job.devices > left) {
      const where = kinds.filter((k) => held[k]! > 0).map((k) => `${held[k]} of the pool's ${c.kindTotal[k]} ${c.kinds[k]!.name}`);
      return `needs ${countOf(job.devices, 'device')} of one kind (${names()}); inference replicas hold ${where.join(' and ')} for the whole run, which leaves at most ${left}`;
    }
    return this.neverFitsHost(job, kinds);
  }

  /** Per kind: devices inference replicas hold for the whole run (model/inference/replica-devices.ts). */
  private readonly replicaHeld: readonly number[];

  /**
   * On a pool with host resources, whether no set of empty nodes of one allowed kind holds the job's
   * devices with their share of its CPU and memory (the most each node could take, summed).
   */
  private neverFitsHost(job: SimJob, kinds: readonly number[]): string | undefined {
    const c = this.cluster;
    if (!c.hostLimited || (job.cpuMilli <= 0 && job.memoryMiB <= 0)) return undefined;
    const need = Math.max(1, job.devices);
    for (const k of kinds) {
      let room = 0;
      for (const node of c.nodesOfKind[k]!) {
        let take = Math.min(need, c.nodeDevices[node]!);
        while (take > 0 && (c.nodeCpuMilli[node]! < hostShare(job.cpuMilli, take, job.devices) || c.nodeMemoryMiB[node]! < hostShare(job.memoryMiB, take, job.devices))) take--;
        room += take;
        if (room >= need) return undefined;
      }
    }
    return `needs ${job.cpuMilli} CPU milli-cores and ${job.memoryMiB} MiB of memory with its ${devicesHeldText(job.devices, job.milli)}; no nodes of an allowed kind have that much`;
  }

  /** Per (kind, devices, CPU, memory): whether some empty nodes of the kind hold the job's CPU and memory (neverFitsHost on one kind), remembered. */
  private readonly hostFitsMemo = new Map<string, boolean>();
  private hostFitsKind(job: { readonly devices: number; readonly cpuMilli: number; readonly memoryMiB: number }, kind: number): boolean {
    if (!this.cluster.hostLimited || (job.cpuMilli <= 0 && job.memoryMiB <= 0)) return true;
    const key = `${kind}|${job.devices}|${job.cpuMilli}|${job.memoryMiB}`;
    let fits = this.hostFitsMemo.get(key);
    if (fits === undefined) this.hostFitsMemo.set(key, (fits = this.neverFitsHost(job as SimJob, [kind]) === undefined));
    return fits;
  }

  /** The last arriving job's shape (LastShape), and what followed from it: its best rate on the pool and why it never fits. */
  private readonly arrivalShape = new LastShape();
  private shapeNeverFits: string | undefined = undefined;

  /**
   * The useful work of a job given as `durationS` on `referenceKind` (model/alone-runtime.ts
   * durationWork, as the size estimate works it out): that run time at its rate alone there,
   * worked out once per shape and kept. Where the simple model times it, or the pool has too few
   * devices of the reference kind to place it alone, the template's figure.
   */
  private durationWork(t: JobTemplate, durationS: number, referenceKind: number): number {
    // The step model reads the job's size, model, efficiency override, and shape and layout.
    const job = { devices: t.devices, params: t.params, efficiency: t.efficiency, template: t } as unknown as JobView;
    return durationWorkOf(this.aloneRatesOf, job as unknown as AloneJob, durationS, referenceKind, this.durationScratch) ?? t.usefulFlop;
  }
  private readonly durationScratch = { kind: [0], rate: new Float64Array(1) };
  private readonly aloneRatesOf: AloneRatesOf = (job, kinds, out) => this.progress.aloneRates?.(job as unknown as JobView, kinds, out) ?? false;

  /** Run time alone on the fastest allowed kind, as the run would time it (SubmitRuntime); `sameShape`: `t` has the last arrival's shape. */
  private predictRuntime(t: JobTemplate, sameShape: boolean): number {
    return (this.submitRuntime ??= new SubmitRuntime(this.cluster, this.progress.aloneRates ? (job, kinds, out) => this.progress.aloneRates!(job, kinds, out) : undefined, this.resolved.scenario.checkpointing, () => (this.failureRateOn ? (job, placement) => this.failureRateOf(job, placement) : undefined))).of(t, sameShape);
  }
  private submitRuntime: SubmitRuntime | undefined;

  // --- scheduling -----------------------------------------------------------------------------

  /** Policy wake-ups (ctx.wakeAt) scheduled and not yet fired. */
  private pendingWakes = 0;

  /** A policy's wake-up fired: the pass it asked for. */
  private readonly wakePass = (): void => {
    this.pendingWakes--;
    this.requestPass(true);
  };

  /**
   * Coalesce: one pass per instant, after every event due now has fired. A pass runs when jobs wait; `asked` (a policy's wakeAt) runs it even when none do, so a policy
   * that moves running jobs at set times (rounds) is called as its contract says. Not when no job
   * waits or runs: a policy could decide nothing, and one that asks for a wake-up at every pass
   * would keep an idle run going to the century limit (hours of wall time after its last job).
   */
  requestPass(asked = false): void {
    if (asked) this.passAsked = true;
    if (this.passPending) return;
    this.passPending = true;
    this.engine.atEndOfInstant(this.runPass);
  }

  private readonly runPass = (): void => {
    this.passPending = false;
    const asked = this.passAsked;
    this.passAsked = false;
    if (this.waiting.size === 0 && (!asked || this.running.length === 0)) return;
    const idle = asked && this.running.length === 0;
    try {
      if (this.headOfLine) this.startHeads();
      else this.policies.queue.schedule(this.ctx);
    } catch (e) {
      // A run failure raised while applying the policy's decision is the run's, not the policy's
      // (even when a plug-in wrapped it, or caught it and carried on).
      if (this.runFailure) throw this.runFailure;
      if (e instanceof PolicyError || e instanceof RunFailedError || e instanceof InputError) throw e;
      throw new PolicyError(this.policies.queueName, undefined, this.engine.now, `threw: ${e instanceof Error ? e.message : String(e)}`, this.policies.queueOrigin);
    }
    if (this.runFailure) throw this.runFailure;
    if (idle) this.watchIdleWake();
    else this.idleWakes = 0;
  };

  /** The queue policy promises a strict FIFO walk (QueueDiscipline.headOfLine): the pass runs it here. */
  private readonly headOfLine: boolean;

  /**
   * What a head-of-line policy's schedule does, without its iterator and the context's closures:
   * start the first waiting job while it gets a placement. Jobs queued during the walk are not
   * visited (as by the line's iterator).
   */
  private startHeads(): void {
    const line = this.waiting;
    const endStamp = line.pushes + 1;
    for (;;) {
      const job = line.first(endStamp);
      if (job === undefined) return;
      const placement = this.place(job);
      if (!placement) return;
      this.start(job, placement);
    }
  }

  /** Passes in a row a policy asked for that found the pool idle and left it so, with nothing changed between them. */
  private idleWakes = 0;
  private idleWakeState = '';

  /**
   * A pass the queue policy asked for (wakeAt) found nothing running, watched for a livelock: a
   * policy that starts nothing and asks for another wake-up at every pass kept a run without a
   * horizon going to the century limit (137 s of wall time at one wake-up an hour, hours at one a
   * minute) and then blamed the scenario; with a horizon, to the horizon. After IDLE_WAKES such
   * passes in a row, the pool idle after each and the same jobs waiting on the same free devices
   * (no arrival, failure or repair between), the run stops naming the policy: it saw the same
   * state every time, and only the clock moved.
   */
  private watchIdleWake(): void {
    if (this.running.length > 0) {
      this.idleWakes = 0;
      return;
    }
    const state = `${this.waiting.pushes},${this.waiting.size},${this.cluster.version}`;
    this.idleWakes = state === this.idleWakeState ? this.idleWakes + 1 : 1;
    this.idleWakeState = state;
    if (this.idleWakes < IDLE_WAKES) return;
    const first = this.waiting[Symbol.iterator]().next().value as SimJob | undefined;
    throw new PolicyError(
      this.policies.queueName,
      first?.name,
      this.engine.now,
      `${IDLE_WAKES.toLocaleString('en-US')} wake-ups in a row (ctx.wakeAt) found no job running and the same ${countOf(this.waiting.size, 'job')} waiting, and started none; nothing else changed between them, so the run would never finish. Start a job when the pool is idle, or stop asking for wake-ups while it is`,
      this.policies.queueOrigin,
    );
  }

  /** The first run failure (or input found unusable) raised while starting a job, kept so that no policy can swallow it. */
  private runFailure: RunFailedError | InputError | undefined;

  /** ctx.place's answers by request and cluster version, for placers that answer from the request alone. */
  private readonly placeMemo = new PlaceMemo();

  private readonly hints: PlacementHints = makeHints(this, () => this.streams.stream(`placement:${this.policies.placementName}`));

  /** The placement policy's answer for `job` now (no memo). */
  private askPlacer(job: JobView): Placement | undefined {
    // What no placement can hold now is refused before asking the policy: queue disciplines that
    // try every waiting job each pass (built-in or plug-in) then cost one check per job that cannot
    // start, not a placement search (identical decisions: the search would fail).
    if (!this.cluster.mayHoldNow(job.devices, job.milli, job.allowedKinds)) return undefined;
    try {
      return this.policies.placer.place(job, this.cluster, this.hints);
    } catch (e) {
      if (e instanceof PolicyError) throw e;
      throw new PolicyError(this.policies.placementName, job.name, this.engine.now, `threw: ${e instanceof Error ? e.message : String(e)}`, this.policies.placementOrigin);
    }
  }

  /** ctx.place: the placement policy's answer for `job` now. */
  private place(job: JobView): Placement | undefined {
    // A placer that answers from the request alone gives an equal request the same answer
    // until the cluster changes (Placer.requestOnly): asked once per request and state.
    if (this.policies.placer.requestOnly !== true) return this.askPlacer(job);
    const known = this.placeMemo.lookup(job, this.cluster.version);
    if (known !== undefined) return known ?? undefined;
    const p = this.askPlacer(job);
    this.placeMemo.remember(p ?? null);
    return p;
  }

  private makeContext(): SchedulingContext {
    const sim = this;
    return {
      get nowS() {
        return sim.engine.now;
      },
      waiting: this.waiting,
      running: this.running,
      runningTable: this.slots,
      cluster: this.cluster,
      place: (job: JobView) => this.place(job),
      placeIsPure: this.policies.placer.requestOnly === true,
      start: (job: JobView, placement: Placement) => this.start(job as SimJob, placement),
      preempt: (job: JobView) => this.policyPreempt(job as SimJob),
      predictRate: (job: JobView, placement: Placement) => this.predictRate(job, placement),
      predictRunS: (job: JobView, placement: Placement) => this.predictRunS(job, placement),
      maxRate: (job: JobView, kind: number) => this.progress.maxRate(job, kind),
      // A background event: a wake-up left pending when the last job has ended must not stretch
      // the run (and with it every figure over the run's length: utilisation, the pool's effective
      // compute ratio, idle energy). run() fires them while jobs wait and nothing else is due.
      wakeAt: (timeS: number) => {
        if (timeS > this.engine.now) {
          this.pendingWakes++;
          this.engine.daemonAt(timeS, this.wakePass);
        }
      },
      // As setRate schedules the completion: progress starts once a restore's stall is over.
      predictedFinishS: (job: JobView) => {
        const j = job as SimJob;
        return j.run ? j.run.predictedEndS(j.state) : Infinity;
      },
      random: this.streams.stream(`policy:${this.policies.queueName}`),
    };
  }

  /** Check a decision and apply it. */
  private start(job: SimJob, placement: Placement): void {
    const now = this.engine.now;
    this.checkPlacement(job, placement);
    job.state = 'running';
    this.waiting.left(job);
    const r = (job.run ??= this.spareRuns.pop()?.reset(job.template) ?? new JobRun(job.template));
    // A share placed without its milli (a plug-in may leave it out) holds the job's share, and
    // utilisation and energy read it from the placement, which would count a whole device.
    r.placement = placement.device !== undefined && placement.milli === undefined ? { ...placement, milli: job.milli } : placement;
    // Gathered in a scratch array that is never shrunk, and kept as a packed copy of exactly its
    // size (grown by push, a gang's array was copied several times and kept larger than it needs).
    const held = this.heldScratch;
    const n = claimPlacement(this.cluster, job, placement, held);
    // A restart hands back the array of its last allocation (released when it stopped).
    if (r.heldDevices.length > 0) this.spareHeld(r.heldDevices);
    const heldDevices = this.heldArray(held, n);
    r.heldDevices = heldDevices;
    const kindSpec = this.cluster.kinds[placement.kind]!.spec;
    const share = (job.devices * job.milli) / WHOLE_DEVICE_MILLI;
    // Its effective compute ratio is over the peak at its precision (an FP8 job's, the FP8 peak).
    r.allocatedPeakFlops = share * ratioPeakFlops(kindSpec, job.template.shape?.precision);
    if (job.template.fixedRuntimeS !== undefined) {
      // Same run time on any kind: re-base the work on this kind, keeping the fraction done.
      const work = job.template.fixedRuntimeS * (share * kindSpec.peak) * (job.efficiency ?? kindSpec.efficiency);
      r.remainingFlop = (r.remainingFlop / r.usefulFlop) * work;
      r.usefulFlop = work;
    }
    r.allocatedSinceS = now;
    r.waitedS += now - r.queuedSinceS;
    r.starts++;
    if (r.starts === 1) r.firstStartS = now;
    r.settledS = now;
    const resilience = r.resilience;
    r.stallUntilS = resilience ? now + resilience.pendingRestoreS : now;
    if (resilience) {
      resilience.pendingRestoreS = 0;
      resilience.segmentProgressS = 0;
      resilience.cycleFlop = 0;
      resilience.cycleComputeFlop = 0;
      resilience.restoredFlop = r.usefulFlop - r.remainingFlop;
      resilience.restoredProgressS = r.progressS;
    }
    r.speedFactor = this.deviceSpeed.slowest(heldDevices);
    const owners = this.deviceJob;
    if (owners) for (const dev of heldDevices) owners[dev] = job;
    this.planCheckpoints(job);
    r.runningSlot = this.running.length;
    this.running.push(job);
    this.slots.put(r.runningSlot, job.devices, job.milli, placement.kind, job.account ?? '');
    // Listeners hear of the start with the job's first rate set; that first rate is no change.
    this.starting = job;
    try {
      this.setRate(job, this.progress.startRate(job));
    } catch (e) {
      if (e instanceof RunFailedError || e instanceof InputError) this.runFailure ??= e;
      throw e;
    } finally {
      this.starting = undefined;
    }
    this.signals.emit('started', job, now);
  }

  /** Run records taken back from completed jobs (SimJob.retire), for the next jobs to start. */
  private readonly spareRuns: JobRun[] = [];
  /** Queue-policy preemptions in a row of jobs with no progress since their start (policyPreempt). */
  private fruitlessPreemptions = 0;

  /** Where start() gathers a placement's devices (see there). */
  private readonly heldScratch: number[] = [];

  /**
   * Held-device arrays given back by completed and restarted jobs, by length, for the next start
   * of that many devices. Each start made one (sliced from the scratch, packed and exact), and it
   * lived as long as its job ran: long enough to be promoted to V8's old generation, where a
   * million of them piled up between full collections.
   */
  private readonly heldBySize: number[][][] = [];

  /** held[0 .. n) as a packed array of exactly n: a spare one refilled, or a fresh slice. */
  private heldArray(held: readonly number[], n: number): number[] {
    const a = n < this.heldBySize.length ? this.heldBySize[n]!.pop() : undefined;
    if (a === undefined) return held.slice(0, n);
    for (let i = 0; i < n; i++) a[i] = held[i]!;
    return a;
  }

  /** Keep a held-device array no job points to any longer (gangs of up to 4,096 devices). */
  private spareHeld(a: number[]): void {
    const n = a.length;
    if (n === 0 || n > 4096) return;
    while (this.heldBySize.length <= n) this.heldBySize.push([]);
    this.heldBySize[n]!.push(a);
  }

  /** The job being started, whose first setRate() is not a rate change. */
  private starting: SimJob | undefined;

  /** What the rate changes made now are due to (set by the failure model around a failure or repair), for JobEvent.why. */
  rateCause: string | undefined;

  /** Apply no decision that breaks the rules: a policy bug, named with the policy, job and time. */
  private checkPlacement(job: SimJob, p: Placement): void {
    const problem = placementProblem(this.cluster, job, p);
    if (problem !== undefined) {
      throw new PolicyError(`${this.policies.queueName}/${this.policies.placementName}`, job.name, this.engine.now, problem, pairOrigin(this.policies));
    }
  }

  // --- fluid progress -------------------------------------------------------------------------

  /**
   * Bring a running job up to `nowS`: progress at its current rate (none while it restores or
   * checkpoints), device-time held throughout.
   */
  settle(job: SimJob, nowS: number): void {
    const run = job.run!;
    const dt = nowS - run.settledS;
    if (dt > 0) {
      // A job at rate 0 (its path's link failed) holds its devices but makes no progress.
      const progressS = job.state === 'running' && run.rateFlopPerS > 0 ? nowS - Math.max(run.settledS, run.stallUntilS) : 0;
      if (progressS > 0) {
        // Only rounding residue snaps to 0 (of the work, or of the work in one ulp of the clock).
        run.remainingFlop = snapToZero(run.remainingFlop - run.rateFlopPerS * progressS, Math.max(run.remainingFlop, run.rateFlopPerS * nowS));
        run.progressS += progressS;
        // Without a resilience record the job has no checkpoints, and nothing of this is read.
        const r = run.resilience;
        if (r) {
          const cycleS = r.checkpointIntervalS + r.checkpointCostS;
          const cycleBefore = Math.floor(r.segmentProgressS / cycleS);
          const phaseBefore = r.segmentProgressS % cycleS;
          const progressBeforeS = r.segmentProgressS;
          r.segmentProgressS += progressS;
          if (r.checkpointIntervalS < Infinity) {
            const T = r.checkpointIntervalS;
            // Its periodic checkpoint writes in this stretch, where its cycles put them: idle power,
            // as every checkpoint write (README, Definitions: energy).
            const d = r.checkpointCostS;
            const writtenBeforeS = writingWithinS(progressBeforeS, T, d);
            const fromS = nowS - progressS;
            this.metrics.addHeldIdleWithin(run.placement!, fromS, nowS, (atS) => writingWithinS(progressBeforeS + (atS - fromS), T, d) - writtenBeforeS);
            r.checkpointOverheadS += (progressS * r.checkpointCostS) / cycleS;
            // A cycle completed in this stretch: the work since is the current phase's, at this rate.
            const phase = r.segmentProgressS % cycleS;
            const crossed = Math.floor(r.segmentProgressS / cycleS) > cycleBefore;
            const fullRate = (run.rateFlopPerS * cycleS) / T;
            if (crossed) {
              // The cycle this stretch completed did its work at the full rate for T s, then wrote;
              // progress counted it at the net rate, which differs where the rate changed within it:
              // the work left is what the cycle left. (Later whole cycles here ran at one rate.)
              const countedFlop = r.cycleFlop + run.rateFlopPerS * (cycleS - phaseBefore);
              const doneFlop = r.cycleComputeFlop + fullRate * (T - Math.min(phaseBefore, T));
              run.remainingFlop = Math.max(0, run.remainingFlop - (doneFlop - countedFlop));
            }
            r.cycleFlop = crossed ? run.rateFlopPerS * phase : r.cycleFlop + run.rateFlopPerS * progressS;
            // The same work as the cycle does it: at the full rate for its first T seconds of phase.
            r.cycleComputeFlop = crossed ? fullRate * Math.min(phase, T) : r.cycleComputeFlop + fullRate * (Math.min(phase, T) - Math.min(phaseBefore, T));
          }
        }
        // Without a step record the integrals follow from progressS (SimJob.stepWeightedS).
        const st = run.steps;
        if (st) {
          // Per-step figures weigh each stretch by the steps it did: weighing them by its seconds
          // counted a slow stretch (a shared link) once per second, and a job an hour alone on a
          // link then sharing it printed a mean step 3.8% above its progress time over its steps.
          const steps = progressS / st.stepS;
          st.stepCount += steps;
          st.stepWeightedS += st.stepS * steps;
          st.commWeightedS += st.commFraction * progressS;
          st.computeWeightedS += st.computeS * steps;
          st.exposedWeightedS += st.exposedS * steps;
          st.bubbleWeightedS += st.bubbleS * steps;
        }
      }
      // Writing a preemption's checkpoint (preempt() made the resilience record), or the final one.
      if (job.state === 'checkpointing') run.resilience!.preemptionCheckpointS += dt;
      // Held without progress (a preemption's checkpoint or the final one, a restore, a rate of 0
      // while cut off by a failure): idle power, as an inference replica's devices without a batch
      // in flight, and as the periodic checkpoint writes above.
      if (progressS < dt) {
        const idleTo = job.state === 'running' && run.rateFlopPerS > 0 ? Math.min(nowS, run.stallUntilS) : nowS;
        if (idleTo > run.settledS) this.metrics.addHeldIdle(run.placement!, run.settledS, idleTo, 1);
      }
      const devices = job.devices;
      // Service is GPU-time (Tiresias' 2D attained service): a share of a device attains its share.
      run.attainedDeviceS += ((devices * job.milli) / WHOLE_DEVICE_MILLI) * dt;
      run.allocatedPeakFlopS += run.allocatedPeakFlops * dt;
      run.allocatedDeviceS += devices * dt;
    }
    run.settledS = nowS;
    this.refreshFinish(job, run);
  }

  /** The running table's predicted finish of `job`, as SchedulingContext.predictedFinishS gives it, after a change to what it is computed from. */
  private refreshFinish(job: SimJob, run: JobRun): void {
    const slot = run.runningSlot;
    if (slot >= 0) this.slots.finishS[slot] = run.predictedEndS(job.state);
  }

  /** Change a running job's rate: settle at the old rate, reschedule its completion (cancel by version). */
  /**
   * Change a running job's rate: settle at the old rate, reschedule its completion (cancel by
   * version). `modelRateFlopPerS` is the progress model's; the job runs at it times its slowest
   * device's pace and the share of time not spent writing checkpoints. A rate of 0 (a failed link
   * on its path) stalls the job until the rate changes again.
   */
  setRate(job: SimJob, modelRateFlopPerS: number): void {
    const now = this.engine.now;
    this.settle(job, now);
    if (!(modelRateFlopPerS >= 0)) throw new PolicyError('progress model', job.name, now, `invalid rate ${modelRateFlopPerS}`);
    const run = job.run!;
    const before = run.rateFlopPerS;
    run.rateFlopPerS = modelRateFlopPerS * run.speedFactor * computeShare(job.checkpointIntervalS, job.checkpointCostS);
    this.refreshFinish(job, run);
    const step = this.network?.stepOf(job);
    if (step) {
      const st = run.stepsFor(run.progressS > 0);
      st.stepS = step.stepS / run.speedFactor;
      st.commFraction = step.exposedCommS / step.stepS;
      st.computeS = step.computeS / run.speedFactor;
      st.exposedS = step.exposedCommS / run.speedFactor;
      st.bubbleS = step.bubbleS / run.speedFactor;
      st.memoryBytes = this.network?.memoryOf(job) ?? Number.NaN;
      st.layout = this.network?.layoutOf(job) ?? '';
      st.layoutNearTie = this.network?.layoutNearTieOf(job) ?? false;
    } else if (run.steps) {
      const st = run.steps;
      st.stepS = Number.NaN;
      st.commFraction = 0;
      st.computeS = Number.NaN;
      st.exposedS = Number.NaN;
      st.bubbleS = Number.NaN;
      st.memoryBytes = Number.NaN;
      st.layout = '';
      st.layoutNearTie = false;
    }
    this.engine.cancel(run.completion);
    // The work's end as the checkpoint cycles do it; the final checkpoint follows (complete).
    const finishS = run.doneAtS(Math.max(now, run.stallUntilS), false);
    if (run.rateFlopPerS > 0 && !Number.isFinite(finishS)) {
      throw new RunFailedError(
        `job '${job.name}' at t=${now} s: at ${run.rateFlopPerS} FLOP/s its remaining ${run.remainingFlop} FLOP would end beyond the range of floating-point time, so no result would mean anything; check the scenario's rates (link bandwidths, NIC and port rates, device peaks and efficiencies)`,
      );
    }
    // The handle is held only while pending (cleared by complete, replaced or dropped as it is
    // cancelled), so the engine may reuse the event (Engine.schedule).
    run.completion = run.rateFlopPerS > 0 ? this.engine.schedule(finishS, this.complete, job) : undefined;
    if (before !== run.rateFlopPerS && job !== this.starting && job.state === 'running') this.signals.emitRateChanged(job, now, this.rateCause);
  }

  /** Device pace per device (1 = nominal); set by the failure model for stragglers. */
  readonly deviceSpeed: DevicePace;
  /** The running job holding each whole device (for a shared one, some sharer or none: jobsOnDevice asks the running jobs): kept from the start when the scenario has failures, else built at the first jobsOnDevice. */
  private deviceJob: (SimJob | undefined)[] | undefined;

  /** Checkpoint interval for a job on its placement: fixed, or Young/Daly from its failure rate. */
  private planCheckpoints(job: SimJob): void {
    const cp = this.resolved.scenario.checkpointing;
    if (!cp) return;
    const r = job.resilient();
    r.checkpointCostS = cp.cost;
    r.finalCheckpointS = cp.final_cost ?? cp.cost;
    r.checkpointIntervalS = this.checkpointIntervalOn(job, job.placement!);
  }

  /** Progress time between checkpoints for `job` on `placement` (the scenario checkpoints). */
  private checkpointIntervalOn(job: JobView, placement: Placement): number {
    const cp = this.resolved.scenario.checkpointing!;
    if (cp.interval !== 'auto') return cp.interval;
    const rate = this.failureRateOf(job, placement);
    return rate > 0 ? youngDalyIntervalS(cp.cost, 1 / rate) : Infinity;
  }

  /**
   * Failures per second that would stop `job` on `placement` (0 without failures): a fabric switch
   * or an inter-DC link counts only for a job timed over the flow network, the only jobs whose
   * flows such a failure cuts (FailurePort.failureRateOn).
   */
  failureRateOf(job: JobView, placement: Placement): number {
    return this.failureRateOn?.(job.devices, placement, this.network?.timesOverNetwork(job) ?? false) ?? 0;
  }

  /** Failures per second that would stop a job of `devices` on `placement` (set by the failure model; FailurePort.failureRateOn). */
  failureRateOn: ((devices: number, placement: Placement, overNetwork: boolean) => number) | undefined;

  /** The running jobs using a device (several when it is shared). */
  jobsOnDevice(dev: number): SimJob[] {
    // Without failures nothing else asks, and starts and releases skip the per-device bookkeeping
    // (a million W2 jobs: 18 million device writes); a first question builds it from the running jobs.
    const owners = (this.deviceJob ??= this.ownersOfDevices());
    const owner = owners[dev];
    if (owner !== undefined && owner.state !== 'waiting' && owner.placement?.device === undefined) return [owner];
    // A device shared by several jobs has no one owner: the last sharer to start overwrote the
    // first one's entry, and the entry is cleared when that job ends though others still run there.
    // Its sharers are the running jobs placed on it, asked only while some share of it is taken.
    if (this.cluster.deviceFreeMilli[dev] === WHOLE_DEVICE_MILLI) return [];
    return this.running.filter((j) => j.placement?.device === dev);
  }

  private ownersOfDevices(): (SimJob | undefined)[] {
    const owners = new Array<SimJob | undefined>(this.cluster.deviceCount);
    for (const job of this.running) for (const dev of job.heldDevices) owners[dev] = job;
    return owners;
  }

  /**
   * A failure stops a running job: work since its last checkpoint is lost (all of it without
   * checkpoints), it frees its devices and re-joins the waiting line, and it pays the restart
   * cost before progressing again. Its time re-queued counts as queueing delay.
   */
  failJob(job: SimJob, why: string): void {
    if (job.state !== 'running' && job.state !== 'checkpointing') return;
    const now = this.engine.now;
    this.settle(job, now);
    const run = job.run!;
    this.engine.cancel(run.completion);
    run.completion = undefined;
    const r = job.resilient();
    // The work done when the job last (re)started is safe: it restored from it.
    const sinceRestoreFlop = job.doneFlop - r.restoredFlop;
    // The work to redo (progress's measure) and the work the failure lost as the cycle did it.
    let redoFlop: number;
    let lostFlop: number;
    let lostS: number;
    const T = job.checkpointIntervalS;
    if (T < Infinity) {
      // Progress is fluid (work accrues at rate x T/(T+d) through each checkpoint cycle), so the
      // job goes back to the end of its last completed cycle: the partial cycle's work at that rate.
      const cycleS = T + job.checkpointCostS;
      lostS = job.segmentProgressS % cycleS;
      redoFlop = Math.min(r.cycleFlop, sinceRestoreFlop);
      // The cycle computed at the full rate, then wrote its checkpoint: lost is the compute since the
      // last checkpoint written, and no checkpoint of the partial cycle was (or was completed). Its
      // share of writing, which settle() counted as overhead, is lost time, not a checkpoint.
      lostFlop = Math.min(r.cycleComputeFlop, (sinceRestoreFlop * cycleS) / T);
      // A job failing while it writes a preemption's checkpoint, or its final one, counted the
      // writing under way instead (keepPartialCycle): that too is lost time.
      r.checkpointOverheadS -= job.state === 'checkpointing' ? Math.max(0, lostS - T) : (lostS * job.checkpointCostS) / cycleS;
      // Only rounding residue of the overhead of a job with no completed checkpoint snaps to 0.
      if (Math.abs(r.checkpointOverheadS) <= 1e-9 * job.checkpointCostS) r.checkpointOverheadS = 0;
    } else {
      lostS = job.progressS - r.restoredProgressS;
      redoFlop = lostFlop = sinceRestoreFlop;
    }
    run.remainingFlop += redoFlop;
    r.lostFlop += lostFlop;
    r.lostTimeS += lostS;
    r.failures++;
    r.pendingRestoreS = this.resolved.scenario.checkpointing?.restart ?? this.resolved.scenario.preemption.restore;
    if (this.resolved.scenario.horizon === undefined) this.checkCanFinish(job);
    this.removeRunning(job);
    this.releaseDevices(job);
    this.progress.released?.(job);
    this.signals.emitStopped(job, now, why);
    job.state = 'waiting';
    run.rateFlopPerS = 0;
    run.queuedSinceS = now;
    this.waiting.push(job);
    this.requestPass();
  }

  /**
   * A job that failures keep throwing back may never finish: with failures at rate l, a restart
   * cost r and progress kept only every checkpoint cycle of wall time t (the whole remaining run
   * without checkpoints), each cycle takes e^(lr) (e^(lt) - 1) / l on average (exponential
   * failures; Daly 2006). When the remaining cycles would take longer than MAX_OPEN_RUN_S, stop
   * now and say so, instead of simulating failure after failure for a century.
   */
  private checkCanFinish(job: SimJob): void {
    const l = this.failureRateOf(job, job.placement!);
    const rate = job.rateFlopPerS;
    if (!(l > 0) || !(rate > 0)) return;
    const remainingS = job.remainingFlop / rate;
    const logExpected = logExpectedRunS(remainingS, l, job.checkpointIntervalS, job.checkpointCostS, job.pendingRestoreS);
    if (logExpected <= Math.log(MAX_OPEN_RUN_S)) return;
    const T = job.checkpointIntervalS;
    const checkpoints = T < Infinity ? `checkpoints every ${formatDuration(T)} of progress${T >= remainingS ? ', more than the work left, so a failure loses it all' : ''}` : 'keeps no progress across a failure (no checkpoints)';
    throw new RunFailedError(
      `job '${job.name}' would never finish: its devices fail every ${formatDuration(1 / l)} on average and it ${checkpoints}, with ${formatDuration(remainingS)} of work left; the expected time to finish is about ${
        logExpected / Math.LN10 < 300 ? formatDuration(Math.exp(logExpected)) : `e^${Math.round(logExpected)} s`
      } (failure ${job.failures} at t=${formatDuration(this.engine.now)}). To let it finish: ${this.failureRemedy()}; or set a horizon.`,
    );
  }

  /** What a scenario can change when failures undo a job's work faster than it is done, given how it checkpoints now. */
  private failureRemedy(): string {
    const cp = this.resolved.scenario.checkpointing;
    if (!cp) return 'checkpoint (checkpointing: { interval: auto, cost: ..., restart: ... })';
    if (cp.interval !== 'auto') return 'checkpoint more often (checkpointing.interval: auto chooses the interval for the failure rate)';
    return 'its checkpoint interval is already chosen for the failure rate (interval: auto), so make checkpoints and restarts cheaper (checkpointing.cost, checkpointing.restart), give the job fewer devices, or make them fail less often (mtbf)';
  }

  /**
   * A queue policy's preemption, watched for a livelock: a policy that preempts jobs before they
   * make any progress (during the restore that follows their restart) and again at their next start
   * keeps every job checkpointing and restoring; such a run ended only at the century limit, hours
   * later. After LIVELOCK_PREEMPTIONS in a row of jobs preempted before any progress since their
   * start, with no job completed between, the run stops naming the policy.
   */
  private policyPreempt(job: SimJob): void {
    const run = job.run;
    if (job.state === 'running' && run) {
      if (this.engine.now <= run.stallUntilS) {
        if (++this.fruitlessPreemptions >= LIVELOCK_PREEMPTIONS) {
          const { checkpoint, restore } = this.resolved.scenario.preemption;
          throw new PolicyError(
            this.policies.queueName,
            job.name,
            this.engine.now,
            `${LIVELOCK_PREEMPTIONS.toLocaleString('en-US')} preemptions in a row of jobs that had made no progress since they last started (each spends ${checkpoint} s writing a checkpoint and ${restore} s restoring it), and no job completed meanwhile: the run would never finish. Preempt a job only once it has run (ctx.running's jobs restore until their stall is over)`,
            this.policies.queueOrigin,
          );
        }
      } else this.fruitlessPreemptions = 0;
    }
    this.preempt(job);
  }

  /** Suspend a running job: checkpoint while holding its devices, then free them and re-queue. */
  private preempt(job: SimJob): void {
    const now = this.engine.now;
    if (job.state !== 'running') {
      throw new PolicyError(this.policies.queueName, job.name, now, `cannot preempt a job that is ${job.state}`, this.policies.queueOrigin);
    }
    this.settle(job, now);
    const run = job.run!;
    this.engine.cancel(run.completion);
    run.completion = undefined;
    this.keepPartialCycle(run);
    job.state = 'checkpointing';
    this.refreshFinish(job, run);
    const preemption = ++run.preemptions;
    job.resilient().pendingRestoreS = this.resolved.scenario.preemption.restore;
    // A failure while it writes the checkpoint stops the job there (failJob): then this re-queue,
    // or one of an earlier preemption of a job since restarted and preempted again, is void.
    this.engine.at(now + this.resolved.scenario.preemption.checkpoint, () => {
      if (job.state === 'checkpointing' && run.preemptions === preemption) this.requeue(job);
    });
  }

  /**
   * A preemption keeps all the work done (its checkpoint saves it), as the cycle did it: settle()
   * counted the partial cycle at the rate net of checkpoint writing and a share of writing, but the
   * cycle computed at the full rate for its first T s of phase, then wrote its checkpoint. So the
   * work done is the cycle's compute (cycleComputeFlop, not cycleFlop), and its overhead is the
   * writing under way at the preemption (phase past T), cut short by the preemption's own checkpoint.
   */
  private keepPartialCycle(run: JobRun): void {
    const r = run.resilience;
    if (!r || !(r.checkpointIntervalS < Infinity)) return;
    const T = r.checkpointIntervalS;
    const cycleS = T + r.checkpointCostS;
    const phase = r.segmentProgressS % cycleS;
    if (phase === 0) return;
    // The work done since the cycle began exceeds progress's count of it by this much; the work's
    // end comes when this is all that is left (setRate), so only rounding takes it below 0.
    const extraFlop = r.cycleComputeFlop - r.cycleFlop;
    run.remainingFlop = Math.max(0, run.remainingFlop - extraFlop);
    r.cycleFlop = r.cycleComputeFlop;
    r.checkpointOverheadS += Math.max(0, phase - T) - (phase * r.checkpointCostS) / cycleS;
    // Only rounding residue of the overhead of a job with no completed checkpoint snaps to 0.
    if (Math.abs(r.checkpointOverheadS) <= 1e-9 * r.checkpointCostS) r.checkpointOverheadS = 0;
  }

  private readonly requeue = (job: SimJob): void => {
    const now = this.engine.now;
    this.settle(job, now);
    this.removeRunning(job);
    this.releaseDevices(job);
    this.progress.released?.(job);
    this.signals.emitStopped(job, now, 'preempted');
    job.state = 'waiting';
    const run = job.run!;
    run.rateFlopPerS = 0;
    run.queuedSinceS = now;
    this.waiting.push(job);
    this.requestPass();
  };

  /**
   * The job's work is done (setRate scheduled this as its checkpoint cycles do it) or, for a job
   * that checkpoints, its final checkpoint is written. That checkpoint is a trainer's save after its
   * last step (Megatron-LM's pretrain(), TorchTitan's save(last_step=True)): the devices are held
   * for it, no progress, as for a preemption's checkpoint, and the job completes when it is written.
   */
  private readonly complete = (job: SimJob): void => {
    const now = this.engine.now;
    this.settle(job, now);
    const run = job.run!;
    const r = run.resilience;
    // Whenever the scenario checkpoints, interval: auto with no failure rate (an interval of
    // Infinity: no periodic checkpoints) included: the trainer still saves after its last step.
    if (job.state === 'running' && r !== undefined && this.resolved.scenario.checkpointing !== undefined) {
      // The last partial cycle as it was done: its compute at the full rate, no periodic writing.
      this.keepPartialCycle(run);
      run.remainingFlop = 0;
      if (r.finalCheckpointS > 0) {
        job.state = 'checkpointing';
        // Held while pending, as a completion: a failure meanwhile cancels it (failJob).
        run.completion = this.engine.schedule(now + r.finalCheckpointS, this.complete, job);
        // The write's end is the job's predicted end (JobRun.predictedEndS), once its completion is set.
        this.refreshFinish(job, run);
        return;
      }
    }
    this.fruitlessPreemptions = 0;
    run.remainingFlop = 0;
    run.completion = undefined;
    job.state = 'completed';
    run.finishS = now;
    this.removeRunning(job);
    this.releaseDevices(job);
    this.progress.released?.(job);
    this.signals.emit('finished', job, now);
    // Every listener has read the job: its record goes to the next job to start (SimJob.retire).
    const spare = job.retire();
    this.spareHeld(spare.heldDevices);
    spare.clear();
    this.spareRuns.push(spare);
    this.requestPass();
  };

  /** Take (sign 1) or give back (sign -1) the job's host resources on each node of its placement. */
  private changeHost(job: SimJob, p: Placement, sign: 1 | -1): void {
    if (!this.cluster.hostLimited || (job.cpuMilli <= 0 && job.memoryMiB <= 0)) return;
    for (let i = 0; i < p.nodes.length; i++) {
      const count = p.counts[i]!;
      this.cluster.changeHost(p.nodes[i]!, sign * hostShare(job.cpuMilli, count, job.devices), sign * hostShare(job.memoryMiB, count, job.devices));
    }
  }

  private *affinityHolders(): Generator<AffinityHolder> {
    for (const j of this.running) if (j.placement) yield { nodes: j.placement.nodes, key: gpuAffinity(j.devices, j.milli) };
  }

  private releaseDevices(job: SimJob): void {
    const run = job.run!;
    const p = run.placement;
    const held = run.heldDevices;
    if (p) this.changeHost(job, p, -1);
    const owners = this.deviceJob;
    if (owners) for (const dev of held) if (owners[dev] === job) owners[dev] = undefined;
    if (p?.device !== undefined) this.cluster.releaseShare(p.device, job.milli);
    else if (p) this.cluster.releaseWholeOn(p.nodes, p.counts, held);
    else this.cluster.releaseWhole(held);
    if (p && this.cluster.tracksAffinity) {
      const affinity = gpuAffinity(job.devices, job.milli);
      for (const node of p.nodes) this.cluster.tallyAffinity(node, affinity, -1);
    }
  }

  private removeRunning(job: SimJob): void {
    const run = job.run!;
    const i = run.runningSlot;
    const last = this.running.pop()!;
    if (last !== job) {
      this.running[i] = last;
      last.run!.runningSlot = i;
      this.slots.move(this.running.length, i);
    }
    this.slots.dropLast();
    run.runningSlot = -1;
  }

  /** At the end of a run to idle, jobs still waiting can never start: reject them with the reason. */
  private rejectStranded(): void {
    const waiting = [...this.waiting];
    const policyLine = { who: `queue policy '${this.policies.queueName}'`, verb: 'started' };
    // A job its tenant queue never admitted was never offered to placement; one that fits the idle
    // pool waited behind one that does not (or its queue policy never started it).
    const reasons = strandedReasons(waiting, {
      placeable: (job) => this.askPlacer(job) !== undefined,
      neverAdmitted: (job) => this.admission?.neverAdmitted(job),
      line: (job) => this.admission?.waitingIn(job) ?? policyLine,
      name: (job) => job.name,
      placementName: this.policies.placementName,
    });
    for (const [i, job] of waiting.entries()) {
      job.state = 'rejected';
      const r = job.runState();
      r.reason = reasons[i]!;
      r.finishS = this.engine.now;
      this.waiting.left(job);
      this.signals.emit('rejected', job, this.engine.now);
    }
  }
}

function makeHints(sim: Simulation, random: () => RandomStream, now: () => number = () => sim.engine.now): PlacementHints {
  let stream: RandomStream | undefined;
  let workload: TaskClass[] | undefined;
  return {
    get nowS() {
      return now();
    },
    predictRate: (job, placement) => sim.predictRate(job, placement),
    get random() {
      return (stream ??= random());
    },
    get targetWorkload() {
      return (workload ??= taskClasses(
        sim.jobShapes(),
      ));
    },
  };
}

export { youngDalyIntervalS };

/** Jobs a run is expected to have: the listed and trace jobs and what the generators with a count make. */
function expectedJobs(listed: number, generators: readonly GeneratorSource[]): number {
  let n = listed;
  for (const g of generators) n += g.spec.count ?? 0;
  return n;
}

/** Are the jobs in non-decreasing submit time (so a stable sort by it would change nothing)? */
function inSubmitOrder(list: JobList): boolean {
  for (let i = 1; i < list.length; i++) if (!(list.submitS(i - 1) <= list.submitS(i))) return false;
  return true;
}

/** The jobs' indices by submit time, listing order among equals. */
function submitOrder(list: JobList): Uint32Array {
  const order = new Uint32Array(list.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  return order.sort((a, b) => list.submitS(a) - list.submitS(b) || a - b);
}
