// Metrics gathered from lifecycle signals: per-job rows streamed to a sink as jobs end, and the
// run's summary row (effective compute ratio, queueing delay, JCT, utilisation, energy).
import type { FragmentationRecorder } from './fragmentation-recorder.js';
import { WHOLE_DEVICE_MILLI, type Cluster } from '../model/cluster.js';
import type { FabricCost } from '../model/network/fabric-cost.js';
import { FinishTimeFairness, ftfColumns, type AloneRates } from './finish-time-fairness.js';
import type { Signals } from './signals.js';
import type { Resilience, SimJob, StepStats } from './sim-job.js';
import { waitSoFar } from './wait-so-far.js';
import type { Placement } from '../policy/types.js';
import { Samples } from './stats.js';

export interface JobRow {
  job_id: string;
  kind: string;
  submit_s: number;
  start_s: number;
  finish_s: number;
  queueing_delay_s: number;
  /** Part of queueing_delay_s spent re-queued after preemptions. */
  requeued_s: number;
  preemptions: number;
  devices: number;
  /**
   * The share of each of its devices it held: 1 for whole devices, below 1 for a GPU-sharing job
   * (0.5: half of one GPU; its template's milli / 1000). Its device-time is devices x device_share.
   */
  device_share: number;
  device_kind: string;
  datacentre: string;
  useful_pflop: number;
  effective_compute_ratio: number;
  /** Mean time per step: progress time over the steps done (network model; empty for jobs without a model size). */
  step_time_s: number;
  /** Fraction of its progress time spent in exposed communication (exposed_comm_s / step_time_s). */
  comm_fraction: number;
  /** Mean kernel time per step (network model; operator-level for kinds with a GEMM efficiency). */
  compute_s: number;
  /** Mean exposed TP + PP + DP communication per step. */
  exposed_comm_s: number;
  /** Mean pipeline bubble per step. */
  bubble_s: number;
  /** Memory per device of its layout (GiB; src/model/memory.ts). */
  memory_gib: number;
  /** node, leaf, dc or multi-dc. */
  placement_span: string;
  /** Times a failure stopped the job. */
  failures: number;
  lost_pflop: number;
  checkpoint_overhead_s: number;
  /** Productive share of the time since first start: progress minus checkpoints and lost work. */
  effective_training_fraction: number;
  status: string;
  reason: string;
  /**
   * The parallel layout its steps were last timed with, given or chosen by poolsim (network
   * model; layoutCell: e.g. 'tp8 pp4 dp2 v2 mb16'); empty without a step model.
   */
  layout: string;
}

export const JOB_COLUMNS: readonly (keyof JobRow)[] = [
  'job_id',
  'kind',
  'submit_s',
  'start_s',
  'finish_s',
  'queueing_delay_s',
  'requeued_s',
  'preemptions',
  'devices',
  'device_share',
  'device_kind',
  'datacentre',
  'useful_pflop',
  'effective_compute_ratio',
  'step_time_s',
  'comm_fraction',
  'compute_s',
  'exposed_comm_s',
  'bubble_s',
  'memory_gib',
  'placement_span',
  'failures',
  'lost_pflop',
  'checkpoint_overhead_s',
  'effective_training_fraction',
  'status',
  'reason',
  'layout',
];

export interface SummaryRow {
  scenario: string;
  policy: string;
  placement: string;
  seed: number;
  jobs_submitted: number;
  jobs_completed: number;
  jobs_rejected: number;
  jobs_unfinished: number;
  preemptions: number;
  makespan_s: number;
  effective_compute_ratio_pool: number;
  effective_compute_ratio_allocated: number;
  utilisation: number;
  queueing_delay_mean_s: number;
  queueing_delay_p50_s: number;
  queueing_delay_p95_s: number;
  queueing_delay_p99_s: number;
  queueing_delay_max_s: number;
  jct_mean_s: number;
  jct_p95_s: number;
  useful_pflop: number;
  busy_device_hours: number;
  energy_kwh: number;
  energy_cost: number;
  co2_kg: number;
  /** Hardware failure events (devices, nodes, links). */
  failures: number;
  /** Work lost to failures and redone (not useful twice). */
  lost_pflop: number;
  /** Progress time spent writing checkpoints, summed over jobs. */
  checkpoint_overhead_s: number;
  /** Finish-time fairness (Themis): largest and mean JCT / run time on a 1/N share of the pool, over completed jobs (sim/finish-time-fairness.ts). */
  ftf_rho_max: number;
  ftf_rho_mean: number;
  /**
   * Time-weighted mean share of the GPUs fragmented in the FGD paper's sense against the run's
   * requests (sim/fragmentation-recorder.ts); empty where it does not apply (generated or multi-node jobs).
   */
  gpu_fragmentation_mean: number;
  /** What the switch fabrics cost (switches, transceivers, cables; model/network/fabric-cost.ts): empty without the flow network or equipment figures. */
  fabric_capex: number;
  /** Their rated power (kW), likewise. */
  fabric_kw: number;
  /**
   * What they drew over the run (kWh): rated power, always on, times each site's PUE, over the run's
   * length. Not in energy_kwh (devices and hosts), so that column compares across fabrics; likewise empty.
   */
  fabric_energy_kwh: number;
  /**
   * Training jobs whose automatic layout, as their steps were last timed, had a runner-up within the
   * model's error (layout-search.ts NEAR_TIE_SHARE): results that rest on those jobs' layouts rest
   * on a choice the model cannot make for certain (`poolsim explain` names the runner-up).
   */
  layout_near_tie_jobs: number;
}

export const SUMMARY_COLUMNS: readonly (keyof SummaryRow)[] = [
  'scenario',
  'policy',
  'placement',
  'seed',
  'jobs_submitted',
  'jobs_completed',
  'jobs_rejected',
  'jobs_unfinished',
  'preemptions',
  'makespan_s',
  'effective_compute_ratio_pool',
  'effective_compute_ratio_allocated',
  'utilisation',
  'queueing_delay_mean_s',
  'queueing_delay_p50_s',
  'queueing_delay_p95_s',
  'queueing_delay_p99_s',
  'queueing_delay_max_s',
  'jct_mean_s',
  'jct_p95_s',
  'useful_pflop',
  'busy_device_hours',
  'energy_kwh',
  'energy_cost',
  'co2_kg',
  'failures',
  'lost_pflop',
  'checkpoint_overhead_s',
  'ftf_rho_max',
  'ftf_rho_mean',
  'gpu_fragmentation_mean',
  'fabric_capex',
  'fabric_kw',
  'fabric_energy_kwh',
  'layout_near_tie_jobs',
];

export interface RunLabels {
  scenario: string;
  policy: string;
  placement: string;
  seed: number;
}

export class MetricsRecorder {
  private submitted = 0;
  private completed = 0;
  private rejected = 0;
  private preemptions = 0;
  /** Jobs whose automatic layout was a near-tie as their steps were last timed (summary's layout_near_tie_jobs). */
  private layoutNearTieJobs = 0;
  private lastFinishS = 0;
  private usefulDoneFlop = 0;
  private allocatedPeakFlopS = 0;
  private readonly queueing: Samples;
  private readonly jct: Samples;
  /** Busy device-seconds per (data centre, kind, hour of day). */
  private readonly busyDeviceS: Float64Array;
  /** Of busyDeviceS, what inference replicas held with no batch in flight (idle power), same layout. */
  private readonly heldIdleDeviceS: Float64Array;
  /** Finish-time fairness of completed jobs (tenant metrics read it per tenant). */
  readonly finishTimeFairness: FinishTimeFairness;
  /** GPU fragmentation over time, where the measure applies (the simulation sets it). */
  fragmentation: FragmentationRecorder | undefined;
  /** The pool's fabrics priced, with the flow network (the simulation sets it). */
  fabricCost: FabricCost | undefined;

  /** `expectedJobs`: how many jobs the run is expected to have (room for their samples is taken at once). */
  constructor(
    private readonly cluster: Cluster,
    private readonly signals: Signals,
    private readonly labels: RunLabels,
    expectedJobs = 0,
    aloneRates?: AloneRates,
  ) {
    this.queueing = new Samples(expectedJobs);
    this.jct = new Samples(expectedJobs);
    this.busyDeviceS = new Float64Array(cluster.datacentres.length * cluster.kinds.length * 24);
    this.heldIdleDeviceS = new Float64Array(this.busyDeviceS.length);
    this.finishTimeFairness = new FinishTimeFairness(cluster, signals, aloneRates);
    this.byHour = cluster.datacentres.some(
      (d) => d.electricityPriceByHour.some((x) => x !== d.electricityPriceByHour[0]) || d.carbonIntensityByHour.some((x) => x !== d.carbonIntensityByHour[0]),
    );
    signals.on('submitted', () => void this.submitted++);
    signals.on('rejected', (job) => {
      this.rejected++;
      this.emit(job);
    });
    signals.on('stopped', (job, now) => this.release(job, now));
    signals.on('finished', (job, now) => {
      // A job is heard finishing with its run record (taken back only after the signal): its
      // fields are read there, as SimJob's getters would give them, without a getter each.
      const run = job.run!;
      this.addBusy(run.placement!, run.allocatedSinceS, now);
      this.addPrecisionPeak(job, run.placement!, run.allocatedPeakFlops, run.allocatedSinceS, now);
      this.completed++;
      this.lastFinishS = Math.max(this.lastFinishS, now);
      this.jct.add(now - job.template.submitS);
      this.queueing.add(run.waitedS);
      this.preemptions += run.preemptions;
      const r = run.resilience;
      this.lostFlop += r ? r.lostFlop : 0;
      this.checkpointOverheadS += r ? r.checkpointOverheadS + r.preemptionCheckpointS : 0;
      this.usefulDoneFlop += run.usefulFlop;
      this.allocatedPeakFlopS += run.allocatedPeakFlopS;
      if (run.steps?.layoutNearTie) this.layoutNearTieJobs++;
      this.emit(job);
    });
  }

  /** Account the device-time of an allocation that just ended (called before devices are freed). */
  release(job: SimJob, nowS: number): void {
    this.addBusy(job.placement!, job.allocatedSinceS, nowS);
    this.addPrecisionPeak(job, job.placement!, job.allocatedPeakFlops, job.allocatedSinceS, nowS);
  }

  /**
   * Peak FLOP-seconds the pool's ratio counts beyond every device's 16-bit peak over the run: a
   * device's peak is that at the precision of the job holding it (design.md), so an FP8 job's
   * devices count their FP8 peak while it holds them, as in its own ratio and the allocated one.
   * Only FP8 jobs add to it (0 for every other, so their runs keep their bits).
   */
  private precisionPeakExtraFlopS = 0;

  /** An allocation of `job` on `p` over [fromS, toS], at `allocatedPeakFlops` (its peak at its precision). */
  private addPrecisionPeak(job: SimJob, p: Placement, allocatedPeakFlops: number, fromS: number, toS: number): void {
    if (job.template.shape?.precision !== 'fp8' || !(toS > fromS)) return;
    const sixteenBit = ((job.devices * job.milli) / WHOLE_DEVICE_MILLI) * this.cluster.kinds[p.kind]!.spec.peak;
    this.precisionPeakExtraFlopS += (allocatedPeakFlops - sixteenBit) * (toS - fromS);
  }

  /** Busy device-time of a placement held over [fromS, toS] (training jobs and other owners alike). */
  addBusy(p: { kind: number; nodes: readonly number[]; counts: readonly number[]; milli?: number | undefined }, fromS: number, toS: number): void {
    this.accumulate(this.busyDeviceS, p, fromS, toS, 1);
  }

  /**
   * Device-time an inference replica held over [fromS, toS] (counted busy by addBusy, for
   * utilisation): `sign` 1 adds it as held without a batch in flight, which draws idle power;
   * -1 takes back the part it iterated (busy power). Replicas are charged busy power only while
   * they run an iteration: at 1 request/s, 16.8 of a service's 20.2 kWh was busy draw of replicas
   * loading or waiting for requests.
   */
  addHeldIdle(p: { kind: number; nodes: readonly number[]; counts: readonly number[]; milli?: number | undefined }, fromS: number, toS: number, sign: 1 | -1): void {
    this.accumulate(this.heldIdleDeviceS, p, fromS, toS, sign);
  }

  /**
   * Held without a batch or a step over part of [fromS, toS] (idle power): `idleUpToS(t)`, for t in
   * that span, is how much of [fromS, t] it was, from 0 at fromS, never decreasing. A training job's
   * periodic checkpoint writes within a stretch of progress, placed as its cycles place them, so
   * that an hour's price and carbon intensity apply to the writing done in that hour.
   */
  addHeldIdleWithin(p: { kind: number; nodes: readonly number[]; counts: readonly number[]; milli?: number | undefined }, fromS: number, toS: number, idleUpToS: (atS: number) => number): void {
    if (!(toS > fromS)) return;
    if (!this.byHour) {
      // One bucket: only the total counts (accumulate adds toS - fromS of it).
      const idleS = idleUpToS(toS);
      if (idleS > 0) this.accumulate(this.heldIdleDeviceS, p, 0, idleS, 1);
      return;
    }
    let t = fromS;
    let before = 0;
    while (t < toS) {
      const next = Math.min((Math.floor(t / 3600) + 1) * 3600, toS);
      const upTo = idleUpToS(next);
      // Within one hour of the day: any span of that length in it lands in the same bucket.
      if (upTo > before) this.accumulate(this.heldIdleDeviceS, p, t, Math.min(next, t + (upTo - before)), 1);
      before = upTo;
      t = next;
    }
  }

  private accumulate(into: Float64Array, p: { kind: number; nodes: readonly number[]; counts: readonly number[]; milli?: number | undefined }, fromS: number, toS: number, sign: number): void {
    if (!(toS > fromS)) return;
    const kinds = this.cluster.kinds.length;
    if (!this.byHour) {
      // Constant prices and intensities: one bucket is enough (and cheaper on every release).
      const share0 = (p.milli ?? 1000) / 1000;
      for (let i = 0; i < p.nodes.length; i++) {
        into[(this.cluster.nodeDatacentre[p.nodes[i]!]! * kinds + p.kind) * 24]! += p.counts[i]! * share0 * (toS - fromS) * sign;
      }
      return;
    }
    hourOverlap(fromS, toS, this.hours);
    // A device share counts as that fraction of a busy device (power and utilisation alike).
    const share = (p.milli ?? 1000) / 1000;
    for (let i = 0; i < p.nodes.length; i++) {
      const base = (this.cluster.nodeDatacentre[p.nodes[i]!]! * kinds + p.kind) * 24;
      const devices = p.counts[i]! * share;
      for (let h = 0; h < 24; h++) if (this.hours[h]! > 0) into[base + h]! += devices * this.hours[h]! * sign;
    }
  }

  private readonly hours = new Float64Array(24);
  /** Some site has a daily price or carbon profile: keep busy time per hour of the day. */
  private readonly byHour: boolean;

  private failureEvents = 0;
  private lostFlop = 0;
  private checkpointOverheadS = 0;

  addFailures(n: number): void {
    this.failureEvents += n;
  }

  /**
   * Useful work done outside training jobs (inference tokens: 2 x params per token), with the
   * peak FLOP-seconds of the devices that did it: both count in the pool's effective compute ratio.
   */
  addUsefulWork(usefulFlop: number, allocatedPeakFlopS: number, sixteenBitPeakFlopS = allocatedPeakFlopS): void {
    this.usefulDoneFlop += usefulFlop;
    this.allocatedPeakFlopS += allocatedPeakFlopS;
    // Held at a precision whose peak is not the 16-bit one (an FP8 service): the pool counts it so meanwhile.
    if (sixteenBitPeakFlopS !== allocatedPeakFlopS) this.precisionPeakExtraFlopS += allocatedPeakFlopS - sixteenBitPeakFlopS;
  }

  /** Rows for jobs still running or waiting at the end, and the summary. */
  finish(endS: number, unfinished: Iterable<SimJob>): SummaryRow {
    let unfinishedCount = 0;
    for (const job of unfinished) {
      unfinishedCount++;
      if (job.state === 'waiting') {
        // Still in the line at the end: its delay is at least the wait so far. Leaving it out
        // made the statistics those of the jobs a policy chose to start (a policy that starves
        // large jobs until the horizon looked best on queueing delay).
        this.queueing.add(waitSoFar(job, endS));
      } else if (job.state === 'running' || job.state === 'checkpointing') {
        this.release(job, endS);
        this.queueing.add(job.waitedS);
      }
      // A waiting job may have run before (preempted, or stopped by a failure): its preemptions,
      // the work it kept and lost and the device-time it held count as a running job's do. They
      // were left out: a job preempted and waiting at the horizon took its done work out of
      // useful_pflop and the pool's effective compute ratio (0.21 for 0.54), and its preemption
      // out of the count.
      if (job.state === 'waiting' || job.state === 'running' || job.state === 'checkpointing') {
        this.preemptions += job.preemptions;
        this.lostFlop += job.lostFlop;
        this.checkpointOverheadS += job.checkpointOverheadS;
        this.usefulDoneFlop += job.doneFlop;
        this.allocatedPeakFlopS += job.allocatedPeakFlopS;
        if (job.run?.steps?.layoutNearTie) this.layoutNearTieJobs++;
      }
      this.emit(job, job.state === 'waiting' ? endS : undefined);
    }
    const c = this.cluster;
    const kinds = c.kinds.length;
    let energyJ = 0;
    let cost = 0;
    let co2 = 0;
    // A site that drew energy without a price (or carbon figure) leaves the run's total unknown: empty, not 0.
    let unpriced = false;
    let carbonUnknown = false;
    let busyTotalS = 0;
    // Seconds of the run in each hour of the day: idle power, host power and daily price profiles.
    const window = new Float64Array(24);
    if (this.byHour) hourOverlap(0, endS, window);
    else window[0] = endS;
    for (const dc of c.datacentres) {
      const itJ = new Float64Array(24);
      for (const k of c.kinds) {
        let total = 0;
        for (const g of c.groups) if (g.datacentre === dc.index && g.kind === k.index) total += g.nodeCount * g.devicesPerNode;
        for (let h = 0; h < 24; h++) {
          const at = (dc.index * kinds + k.index) * 24 + h;
          const busy = this.busyDeviceS[at]!;
          busyTotalS += busy;
          // Allocated device-time draws busy power, but for an inference replica's time without a batch in flight.
          const powered = Math.max(0, busy - Math.max(0, this.heldIdleDeviceS[at]!));
          itJ[h]! += powered * k.spec.busy_power + Math.max(0, total * window[h]! - powered) * k.spec.idle_power;
        }
      }
      let hostW = 0;
      for (const g of c.groups) if (g.datacentre === dc.index) hostW += g.nodeCount * (g.hostPowerW ?? 0);
      let siteJ = 0;
      for (let h = 0; h < 24; h++) {
        const j = (itJ[h]! + hostW * window[h]!) * dc.pue;
        siteJ += j;
        const kwh = j / 3.6e6;
        energyJ += j;
        cost += kwh * dc.electricityPriceByHour[h]!;
        co2 += kwh * dc.carbonIntensityByHour[h]!;
      }
      if (siteJ > 0 && !dc.priced) unpriced = true;
      if (siteJ > 0 && !dc.carbonKnown) carbonUnknown = true;
    }
    // Every device's peak over the run, at the precision of the job holding it while held.
    const poolPeakFlopS = c.totalPeakFlops() * endS + this.precisionPeakExtraFlopS;
    return {
      ...this.labels,
      jobs_submitted: this.submitted,
      jobs_completed: this.completed,
      jobs_rejected: this.rejected,
      jobs_unfinished: unfinishedCount,
      preemptions: this.preemptions,
      // No job completed: there is no last completion (0 read as the best makespan of all).
      makespan_s: this.completed > 0 ? this.lastFinishS : Number.NaN,
      effective_compute_ratio_pool: poolPeakFlopS > 0 ? this.usefulDoneFlop / poolPeakFlopS : 0,
      // Nothing allocated: no ratio over allocated device-time (empty, as a job's that never held a
      // device); a 0 read as all of it wasted, and compare averaged it into a policy's mean.
      effective_compute_ratio_allocated: this.allocatedPeakFlopS > 0 ? this.usefulDoneFlop / this.allocatedPeakFlopS : Number.NaN,
      utilisation: c.deviceCount > 0 && endS > 0 ? busyTotalS / (c.deviceCount * endS) : 0,
      queueing_delay_mean_s: this.queueing.mean(),
      queueing_delay_p50_s: this.queueing.quantile(0.5),
      queueing_delay_p95_s: this.queueing.quantile(0.95),
      queueing_delay_p99_s: this.queueing.quantile(0.99),
      queueing_delay_max_s: this.queueing.max(),
      jct_mean_s: this.jct.mean(),
      jct_p95_s: this.jct.quantile(0.95),
      useful_pflop: this.usefulDoneFlop / 1e15,
      busy_device_hours: busyTotalS / 3600,
      energy_kwh: energyJ / 3.6e6,
      energy_cost: unpriced ? NaN : cost,
      co2_kg: carbonUnknown ? NaN : co2,
      failures: this.failureEvents,
      lost_pflop: this.lostFlop / 1e15,
      checkpoint_overhead_s: this.checkpointOverheadS,
      ...ftfColumns(this.finishTimeFairness.rho),
      gpu_fragmentation_mean: this.fragmentation ? this.fragmentation.meanShare(endS) : NaN,
      fabric_capex: this.fabricCost?.capex ?? NaN,
      fabric_kw: this.fabricCost?.kw ?? NaN,
      fabric_energy_kwh: this.fabricCost ? (this.fabricCost.kwWithPue * endS) / 3600 : NaN,
      layout_near_tie_jobs: this.layoutNearTieJobs,
    };
  }

  /** The job row refilled for each job when no listener keeps rows (Signals.reusesRows). */
  private readonly row = {} as JobRow;

  /** `waitingAtS`: the run ended at this time with the job still waiting (its row gives the wait so far). */
  private emit(job: SimJob, waitingAtS?: number): void {
    if (!this.signals.wantsRows('jobRow')) return;
    const c = this.cluster;
    // The job's figures, read from its run record where it has one (every job that started or was
    // rejected: fields read directly stay unboxed, where getters that V8 does not inline here each
    // box a double), else through SimJob's getters (a job that never started).
    const run = job.run;
    let p: Placement | undefined;
    let firstStartS: number;
    let finishS: number;
    let settledS: number;
    let waitedS: number;
    let preemptions: number;
    let doneFlop: number;
    let allocatedPeakFlopS: number;
    let progressS: number;
    let steps: StepStats | undefined;
    let res: Resilience | undefined;
    let reason: string;
    if (run) {
      p = run.placement;
      firstStartS = run.firstStartS;
      finishS = run.finishS;
      settledS = run.settledS;
      waitedS = run.waitedS;
      preemptions = run.preemptions;
      doneFlop = run.usefulFlop - run.remainingFlop;
      allocatedPeakFlopS = run.allocatedPeakFlopS;
      progressS = run.progressS;
      steps = run.steps;
      res = run.resilience;
      reason = run.reason;
    } else {
      p = job.placement;
      firstStartS = job.firstStartS;
      finishS = job.finishS;
      settledS = job.settledS;
      waitedS = job.waitedS;
      preemptions = job.preemptions;
      doneFlop = job.doneFlop;
      allocatedPeakFlopS = job.allocatedPeakFlopS;
      progressS = job.progressS;
      steps = job.steps;
      res = job.resilience;
      reason = job.reason;
    }
    // As SimJob's getters derive them from the step and resilience records.
    const stepWeightedS = steps ? steps.stepWeightedS : progressS > 0 ? Number.NaN : 0;
    const failures = res ? res.failures : 0;
    const lostFlop = res ? res.lostFlop : 0;
    const lostTimeS = res ? res.lostTimeS : 0;
    // Periodic checkpoints' share of progress time; with the preemptions' checkpoints, the column.
    const checkpointOverheadS = res ? res.checkpointOverheadS : 0;
    const preemptionCheckpointS = res ? res.preemptionCheckpointS : 0;
    const t = job.template;
    const submitS = t.submitS;
    const started = !Number.isNaN(firstStartS);
    const end = Number.isNaN(finishS) ? settledS : finishS;
    const row = this.row;
    row.job_id = t.name;
    row.kind = 'training';
    row.submit_s = submitS;
    row.start_s = firstStartS;
    row.finish_s = finishS;
    if (waitingAtS !== undefined) {
      // Still waiting at the end: the wait so far, a lower bound, as the summary counts it (an
      // empty cell left the summary's mean and percentiles out of reach of jobs.csv, and a job
      // re-queued after a preemption showed only its earlier waits).
      row.queueing_delay_s = waitSoFar(job, waitingAtS);
      row.requeued_s = started ? row.queueing_delay_s - (firstStartS - submitS) : 0;
    } else {
      row.queueing_delay_s = started ? waitedS : Number.NaN;
      row.requeued_s = started ? waitedS - (firstStartS - submitS) : Number.NaN;
    }
    row.preemptions = preemptions;
    row.devices = t.devices;
    row.device_share = (t.milli ?? WHOLE_DEVICE_MILLI) / WHOLE_DEVICE_MILLI;
    row.device_kind = p ? c.kinds[p.kind]!.name : '';
    row.datacentre = p ? datacentreNames(c, p.nodes) : '';
    row.useful_pflop = doneFlop / 1e15;
    row.effective_compute_ratio = allocatedPeakFlopS > 0 ? doneFlop / allocatedPeakFlopS : Number.NaN;
    // Per-step means over the steps done (StepStats); the communication share over progress time.
    const stepCount = steps ? steps.stepCount : 0;
    row.step_time_s = progressS > 0 ? stepWeightedS / stepCount : Number.NaN;
    const stepped = progressS > 0 && stepWeightedS > 0;
    row.comm_fraction = stepped ? (steps ? steps.commWeightedS : 0) / progressS : Number.NaN;
    row.compute_s = stepped ? (steps ? steps.computeWeightedS : Number.NaN) / stepCount : Number.NaN;
    row.exposed_comm_s = stepped ? (steps ? steps.exposedWeightedS : Number.NaN) / stepCount : Number.NaN;
    row.bubble_s = stepped ? (steps ? steps.bubbleWeightedS : Number.NaN) / stepCount : Number.NaN;
    row.memory_gib = (steps ? steps.memoryBytes : Number.NaN) / 2 ** 30;
    row.placement_span = p ? placementSpan(this.cluster, p.nodes) : '';
    row.failures = failures;
    row.lost_pflop = lostFlop / 1e15;
    row.checkpoint_overhead_s = checkpointOverheadS + preemptionCheckpointS;
    // Useful progress time: a difference of sums, which rounds to a few ulps below 0 when a job lost all
    // it did (-5e-23 printed for a job whose every cycle was lost): such a residue is 0.
    let usefulS = progressS - checkpointOverheadS - lostTimeS;
    if (Math.abs(usefulS) <= 1e-12 * (progressS + checkpointOverheadS + lostTimeS)) usefulS = 0;
    row.effective_training_fraction = started && end > firstStartS ? usefulS / (end - firstStartS) : Number.NaN;
    row.status = job.state;
    row.reason = reason;
    row.layout = steps ? steps.layout : '';
    // A row per job ends up in jobs.csv: when every listener only reads it (the CSV sink), the same
    // object serves the next job too; a listener that keeps rows gets a copy of its own.
    this.signals.emitRow('jobRow', this.signals.reusesRows('jobRow') ? row : { ...row });
  }
}

/** The data centres of a placement's nodes, in order of first appearance, joined by '+'. */
function datacentreNames(c: Cluster, nodes: readonly number[]): string {
  if (nodes.length === 0) return '';
  const first = c.nodeDatacentre[nodes[0]!]!;
  let i = 1;
  while (i < nodes.length && c.nodeDatacentre[nodes[i]!] === first) i++;
  if (i === nodes.length) return c.datacentres[first]!.name;
  const names: string[] = [];
  for (const n of nodes) {
    const name = c.datacentres[c.nodeDatacentre[n]!]!.name;
    if (!names.includes(name)) names.push(name);
  }
  return names.join('+');
}

/**
 * How a set of nodes spans the pool: one node, one leaf, one pod (where the data centre's topology
 * has pods), one data centre, or several.
 */
export function placementSpan(c: Cluster, nodes: readonly number[]): 'node' | 'leaf' | 'pod' | 'dc' | 'multi-dc' {
  if (nodes.length <= 1) return 'node';
  const dc = c.nodeDatacentre[nodes[0]!];
  const leaf = c.nodeLeaf[nodes[0]!];
  const pod = c.nodePod[nodes[0]!];
  let sameLeaf = true;
  let samePod = pod! >= 0;
  for (const n of nodes) {
    if (c.nodeDatacentre[n] !== dc) return 'multi-dc';
    if (c.nodeLeaf[n] !== leaf) sameLeaf = false;
    if (c.nodePod[n] !== pod) samePod = false;
  }
  return sameLeaf ? 'leaf' : samePod ? 'pod' : 'dc';
}

/** Add the seconds of [fromS, toS] that fall in each hour of the day (hour 0 begins at time 0). */
export function hourOverlap(fromS: number, toS: number, out: Float64Array): void {
  out.fill(0);
  if (!(toS > fromS)) return;
  const day = 86400;
  const days = Math.floor((toS - fromS) / day);
  if (days > 0) for (let h = 0; h < 24; h++) out[h] = days * 3600;
  let t = fromS + days * day;
  while (t < toS) {
    const hourStart = Math.floor(t / 3600) * 3600;
    const next = Math.min(hourStart + 3600, toS);
    const h = Math.floor(hourStart / 3600) % 24;
    out[h]! += next - t;
    t = next;
  }
}
