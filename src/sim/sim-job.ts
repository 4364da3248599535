// A job's state inside one simulation: where it is in its lifecycle, and its fluid progress
// (remaining useful FLOPs at a current rate, settled whenever the rate changes).
import type { ScheduledEvent } from '../engine/engine.js';
import { snapToZero } from '../engine/numeric.js';
import type { JobTemplate } from '../model/job.js';
import type { JobView, Placement } from '../policy/types.js';

/** checkpointing: preempted, still holding its devices while it writes a checkpoint. */
export type JobState = 'waiting' | 'running' | 'checkpointing' | 'completed' | 'rejected';

/** heldDevices of a job never started: shared, and never written (a start gives the job its own array). */
const NO_DEVICES: number[] = Object.freeze([]) as unknown as number[];

/**
 * A job's step time, exposed communication and bubble (network model), now and integrated over
 * its progress, and its memory per device: for jobs.csv.
 */
export class StepStats {
  stepS = Number.NaN;
  commFraction = 0;
  computeS = Number.NaN;
  exposedS = Number.NaN;
  bubbleS = Number.NaN;
  /**
   * Step time, kernel time, exposed communication and bubble, each summed over the steps done
   * (a stretch of progress p at step time s does p / s steps): jobs.csv's per-step means are these
   * over `stepCount`, so a slow stretch counts once per step, not once per second.
   */
  stepWeightedS: number;
  /** Share of progress time in exposed communication, integrated over progress time (comm_fraction). */
  commWeightedS = 0;
  computeWeightedS: number;
  exposedWeightedS: number;
  bubbleWeightedS: number;
  /** Steps done (progress time over step time, summed): the denominator of the per-step means. */
  stepCount = 0;
  memoryBytes = Number.NaN;
  /** The layout its steps were last timed with (jobs.csv's cell; empty while it has no step). */
  layout = '';
  /** Whether that layout was an automatic one within the model's error of its runner-up (layout-search.ts nearTieOf). */
  layoutNearTie = false;

  /**
   * Made when the job first gets a step, with the integrals its progress so far left: none
   * without progress, else NaN (progress without a step time has none) and no communication.
   */
  constructor(progressed: boolean) {
    const before = progressed ? Number.NaN : 0;
    this.stepWeightedS = before;
    this.computeWeightedS = before;
    this.exposedWeightedS = before;
    this.bubbleWeightedS = before;
  }

  /** As made by `new StepStats(progressed)`, for a record taken back from a retired job (JobRun.stepsFor). */
  init(progressed: boolean): this {
    this.stepS = Number.NaN;
    this.commFraction = 0;
    this.computeS = Number.NaN;
    this.exposedS = Number.NaN;
    this.bubbleS = Number.NaN;
    const before = progressed ? Number.NaN : 0;
    this.stepWeightedS = before;
    this.commWeightedS = 0;
    this.computeWeightedS = before;
    this.exposedWeightedS = before;
    this.bubbleWeightedS = before;
    this.stepCount = 0;
    this.memoryBytes = Number.NaN;
    this.layout = '';
    this.layoutNearTie = false;
    return this;
  }
}

/**
 * A job as the simulator holds it. While it has never run it carries only what a waiting job needs
 * (a million may wait at once): its id, template, predicted run time, state and place in the line.
 * What running adds (rate, settled time, completion, placement, held devices, allocation totals,
 * progress, starts and preemptions, stall, failures, step figures) lives in a `JobRun` given at its
 * first start (or rejection), read through the getters below; the simulator writes the record.
 *
 * Once a job has completed and its 'finished' signal has been heard, the simulator takes the record
 * back for the next job to start (`retire`): the job keeps what a policy may read of it (JobView:
 * state, remaining and useful work, attained service, preemptions; no placement, as it runs
 * nowhere), and the other run-time getters refuse to answer rather than answer wrong. A record
 * per job made its objects outlive the job: the job was old (made when it was submitted, often at
 * load), so V8's young-generation collections kept what it pointed to, and every job's record,
 * placement and held devices were promoted and piled up until a full collection.
 */
export class SimJob implements JobView {
  state: JobState = 'waiting';
  /** Stamp of the job's current entry in the waiting line. */
  lineStamp = 0;
  /** Run-time state, given at the job's first start or its rejection (undefined before, and once retired). */
  run: JobRun | undefined = undefined;
  /** What a completed job keeps once its run record is taken back (retire). */
  done: JobDone | undefined = undefined;
  /** Run time alone on the fastest allowed kind (Infinity when no kind holds it). */
  readonly predictedRuntimeS: number = Number.NaN;
  /** The finish-time-fairness contention integral at its submission (NaN: not in the system). */
  contentionAtSubmitJobS = Number.NaN;
  /**
   * ctx.place's memo id of this job's request (PlaceMemo), -1 until it has one. Private, so that
   * only the job itself has it: a view of the job (a proxy allowing other kinds) is another request.
   */
  #placeRequestId = -1;

  /** `job`'s placement request id (-1: none yet), or undefined when `job` is not a SimJob itself. */
  static placeRequestIdOf(job: JobView): number | undefined {
    return #placeRequestId in job ? job.#placeRequestId : undefined;
  }

  static setPlaceRequestId(job: SimJob, id: number): void {
    job.#placeRequestId = id;
  }

  constructor(
    readonly id: number,
    readonly template: JobTemplate,
    predictedRuntimeS: number,
    /** The tenant queues' names by index (scenarios with tenants): a queued job's account. */
    readonly queueNames: readonly string[] | undefined = undefined,
  ) {
    // Stored after the NaN above, so the field is a double for every job whatever this value is (a
    // value stored first as a small integer would give the field an integer representation, and
    // the first job with a fraction would deprecate the map of every job made before it).
    this.predictedRuntimeS = predictedRuntimeS;
  }

  /**
   * `job` made again as `new SimJob(id, template, predictedRuntimeS)` makes a job: for the one
   * object through which the simulator announces submissions that only its own listeners hear
   * (they keep nothing of it), before the waiting line keeps the job as its fields.
   */
  static renew(job: SimJob, id: number, template: JobTemplate, predictedRuntimeS: number): SimJob {
    const w = job as { -readonly [K in 'id' | 'template' | 'predictedRuntimeS']: SimJob[K] };
    w.id = id;
    w.template = template;
    w.predictedRuntimeS = predictedRuntimeS;
    job.state = 'waiting';
    job.lineStamp = 0;
    job.run = undefined;
    job.done = undefined;
    job.contentionAtSubmitJobS = Number.NaN;
    job.#placeRequestId = -1;
    return job;
  }

  /** The job's run-time record, made on first use (a rejection, a failure). */
  runState(): JobRun {
    return (this.run ??= new JobRun(this.template));
  }

  /** A completed job, its 'finished' signal heard: keep what JobView shows, hand back the record. */
  retire(): JobRun {
    const run = this.run!;
    this.done = new JobDone(run);
    this.run = undefined;
    return run;
  }

  /** What a never-started job answers; a retired one no longer knows (see the class comment). */
  private unrun<T>(value: T, what: string): T {
    if (this.done) throw new Error(`internal: job '${this.name}' has completed and its ${what} was released; read it in the 'finished' signal`);
    return value;
  }

  get name(): string {
    return this.template.name;
  }
  get devices(): number {
    return this.template.devices;
  }
  get submitS(): number {
    return this.template.submitS;
  }
  get priority(): number {
    return this.template.priority;
  }
  get allowedKinds(): readonly number[] | undefined {
    return this.template.allowedKinds;
  }
  get efficiency(): number | undefined {
    return this.template.efficiency;
  }
  get milli(): number {
    return this.template.milli ?? 1000;
  }
  get cpuMilli(): number {
    return this.template.cpuMilli ?? 0;
  }
  get memoryMiB(): number {
    return this.template.memoryMiB ?? 0;
  }
  get params(): number {
    return this.template.params;
  }
  /** Its tenant queue's name (what `shares` and the docs call it), else its workload entry's. */
  get account(): string {
    const q = this.template.queue;
    return q === undefined ? this.template.source : (this.queueNames?.[q] ?? `queue ${q}`);
  }
  /** Useful FLOPs of the whole job (re-based on the device kind for fixed-runtime jobs). */
  get usefulFlop(): number {
    return this.run ? this.run.usefulFlop : this.done ? this.done.usefulFlop : this.template.usefulFlop;
  }
  get remainingFlop(): number {
    return this.run ? this.run.remainingFlop : this.done ? 0 : this.template.usefulFlop;
  }
  /** Useful FLOP/s at the current placement (0 when not running). */
  get rateFlopPerS(): number {
    return this.run ? this.run.rateFlopPerS : 0;
  }
  /** Time up to which remainingFlop and attainedDeviceS are settled. */
  get settledS(): number {
    return this.run ? this.run.settledS : this.unrun(this.template.submitS, 'settledS');
  }
  get completion(): ScheduledEvent | undefined {
    return this.run?.completion;
  }
  get placement(): Placement | undefined {
    return this.run?.placement;
  }
  /** Device indices held while running: an array of exactly them from each start (handed on to a later start once no job holds it); none before the first. */
  get heldDevices(): number[] {
    return this.run ? this.run.heldDevices : NO_DEVICES;
  }
  /** Dense peak of the devices held (FLOP/s). */
  get allocatedPeakFlops(): number {
    return this.run ? this.run.allocatedPeakFlops : this.unrun(0, 'allocatedPeakFlops');
  }
  get firstStartS(): number {
    return this.run ? this.run.firstStartS : this.unrun(Number.NaN, 'firstStartS');
  }
  /** Start of the current allocation. */
  get allocatedSinceS(): number {
    return this.run ? this.run.allocatedSinceS : this.unrun(Number.NaN, 'allocatedSinceS');
  }
  /** How many times the job has started (restarts after preemption or failure count). */
  get starts(): number {
    return this.run ? this.run.starts : this.unrun(0, 'starts');
  }
  get preemptions(): number {
    return this.run ? this.run.preemptions : this.done ? this.done.preemptions : 0;
  }
  /** Pace of the slowest device held (stragglers), 1 = nominal. */
  get speedFactor(): number {
    return this.run ? this.run.speedFactor : this.unrun(1, 'speedFactor');
  }
  /** Index in the simulator's running list (-1 when not running). */
  get runningSlot(): number {
    return this.run ? this.run.runningSlot : -1;
  }
  /** No progress before this time on the current allocation (restoring from a checkpoint). */
  get stallUntilS(): number {
    return this.run ? this.run.stallUntilS : this.unrun(0, 'stallUntilS');
  }
  get finishS(): number {
    return this.run ? this.run.finishS : this.unrun(Number.NaN, 'finishS');
  }
  /** When the job last joined the waiting line (submission, or a re-queue after preemption). */
  get queuedSinceS(): number {
    return this.run ? this.run.queuedSinceS : this.unrun(this.template.submitS, 'queuedSinceS');
  }
  /** Total time spent waiting, first wait included. */
  get waitedS(): number {
    return this.run ? this.run.waitedS : this.unrun(0, 'waitedS');
  }
  /** Sum over allocations of (peak FLOP/s of the devices x seconds held): the ECR denominator. */
  get allocatedPeakFlopS(): number {
    return this.run ? this.run.allocatedPeakFlopS : this.unrun(0, 'allocatedPeakFlopS');
  }
  get allocatedDeviceS(): number {
    return this.run ? this.run.allocatedDeviceS : this.unrun(0, 'allocatedDeviceS');
  }
  get attainedDeviceS(): number {
    return this.run ? this.run.attainedDeviceS : this.done ? this.done.attainedDeviceS : 0;
  }
  get reason(): string {
    return this.run ? this.run.reason : this.unrun('', 'reason');
  }
  /** Time spent progressing. */
  get progressS(): number {
    return this.run ? this.run.progressS : this.unrun(0, 'progressS');
  }
  /** Step-time figures under the network model (see JobRun.steps). */
  get steps(): StepStats | undefined {
    return this.run ? this.run.steps : this.unrun(undefined, 'steps');
  }
  /** Failures, checkpoints and restores (see JobRun.resilience). */
  get resilience(): Resilience | undefined {
    return this.run ? this.run.resilience : this.unrun(undefined, 'resilience');
  }
  /** Step time summed over the steps done (NaN once the job progressed without a step time). */
  get stepWeightedS(): number {
    const st = this.steps;
    return st ? st.stepWeightedS : this.progressS > 0 ? Number.NaN : 0;
  }
  get commWeightedS(): number {
    const st = this.steps;
    return st ? st.commWeightedS : 0;
  }
  get computeWeightedS(): number {
    const st = this.steps;
    return st ? st.computeWeightedS : this.progressS > 0 ? Number.NaN : 0;
  }
  get exposedWeightedS(): number {
    const st = this.steps;
    return st ? st.exposedWeightedS : this.progressS > 0 ? Number.NaN : 0;
  }
  get bubbleWeightedS(): number {
    const st = this.steps;
    return st ? st.bubbleWeightedS : this.progressS > 0 ? Number.NaN : 0;
  }
  /** Memory per device of its layout on its current kind (bytes; NaN without the network model). */
  get memoryBytes(): number {
    const st = this.steps;
    return st ? st.memoryBytes : Number.NaN;
  }
  get doneFlop(): number {
    return this.usefulFlop - this.remainingFlop;
  }
  /** This job's failure, checkpoint and restore state, made at its first use. */
  resilient(): Resilience {
    return (this.runState().resilience ??= new Resilience());
  }
  get checkpointIntervalS(): number {
    const r = this.resilience;
    return r ? r.checkpointIntervalS : Infinity;
  }
  get checkpointCostS(): number {
    const r = this.resilience;
    return r ? r.checkpointCostS : 0;
  }
  get segmentProgressS(): number {
    const r = this.resilience;
    return r ? r.segmentProgressS : 0;
  }
  get pendingRestoreS(): number {
    const r = this.resilience;
    return r ? r.pendingRestoreS : 0;
  }
  get failures(): number {
    const r = this.resilience;
    return r ? r.failures : 0;
  }
  get lostFlop(): number {
    const r = this.resilience;
    return r ? r.lostFlop : 0;
  }
  get lostTimeS(): number {
    const r = this.resilience;
    return r ? r.lostTimeS : 0;
  }
  /** Time spent writing checkpoints: periodic ones (their share of progress) and those written when preempted. */
  get checkpointOverheadS(): number {
    const r = this.resilience;
    return r ? r.checkpointOverheadS + r.preemptionCheckpointS : 0;
  }
}

/**
 * A job's run-time state, made at its first start (or its rejection) and kept until the job is
 * dropped: the fields of a job that has run, as SimJob's getters describe them. Every field that
 * holds fractions is first stored as NaN, so V8 gives it a double representation from the start:
 * a field made with a small integer (0, 1) and later given a fraction changes the object's map,
 * deprecating the map of every record made before (their next access migrates them one by one).
 * The constructor then stores the starting values, which a double field holds as they are.
 */
export class JobRun {
  remainingFlop = Number.NaN;
  usefulFlop = Number.NaN;
  rateFlopPerS = Number.NaN;
  settledS = Number.NaN;
  allocatedPeakFlops = Number.NaN;
  firstStartS = Number.NaN;
  allocatedSinceS = Number.NaN;
  speedFactor = Number.NaN;
  stallUntilS = Number.NaN;
  finishS = Number.NaN;
  queuedSinceS = Number.NaN;
  waitedS = Number.NaN;
  allocatedPeakFlopS = Number.NaN;
  allocatedDeviceS = Number.NaN;
  attainedDeviceS = Number.NaN;
  progressS = Number.NaN;
  completion: ScheduledEvent | undefined = undefined;
  placement: Placement | undefined = undefined;
  heldDevices: number[] = NO_DEVICES;
  starts = 0;
  preemptions = 0;
  runningSlot = -1;
  reason = '';
  /**
   * Step-time figures under the network model, made when the model first gives the job a step
   * (most jobs of most runs never get one: they carry no such fields).
   */
  steps: StepStats | undefined = undefined;
  /**
   * The last job's step figures, kept when the record is reset or cleared for the next job and
   * re-initialised by stepsFor(): nearly every job of a network run gets a step, and a fresh
   * record per job (a heap number per double field) was 36 MB per 200k jobs of scale-100k.
   */
  private spareSteps: StepStats | undefined = undefined;
  /** Failures, checkpoints and restores, made by SimJob.resilient(). */
  resilience: Resilience | undefined = undefined;
  /**
   * The progress model's state of the job while it runs (the network model's per-job record), set
   * and cleared by the model: a field rather than a Map keyed by job, read at every start, rate
   * change and end.
   */
  progressState: object | undefined = undefined;

  constructor(template: JobTemplate) {
    this.reset(template);
  }

  /** The job's step figures, made as `new StepStats(progressed)` (from the spare when there is one) at its first step. */
  stepsFor(progressed: boolean): StepStats {
    if (this.steps) return this.steps;
    const spare = this.spareSteps;
    this.spareSteps = undefined;
    return (this.steps = spare ? spare.init(progressed) : new StepStats(progressed));
  }

  private dropSteps(): void {
    if (this.steps) this.spareSteps = this.steps;
    this.steps = undefined;
  }

  /** As made for a job of `template` that never ran (a taken-back record is reset for its next job). */
  reset(template: JobTemplate): this {
    this.firstStartS = Number.NaN;
    this.allocatedSinceS = Number.NaN;
    this.finishS = Number.NaN;
    this.completion = undefined;
    this.placement = undefined;
    this.heldDevices = NO_DEVICES;
    this.starts = 0;
    this.preemptions = 0;
    this.runningSlot = -1;
    this.reason = '';
    this.dropSteps();
    this.resilience = undefined;
    this.progressState = undefined;
    this.remainingFlop = template.usefulFlop;
    this.usefulFlop = template.usefulFlop;
    this.rateFlopPerS = 0;
    this.settledS = template.submitS;
    this.allocatedPeakFlops = 0;
    this.speedFactor = 1;
    this.stallUntilS = 0;
    this.queuedSinceS = template.submitS;
    this.waitedS = 0;
    this.allocatedPeakFlopS = 0;
    this.allocatedDeviceS = 0;
    this.attainedDeviceS = 0;
    this.progressS = 0;
    return this;
  }

  /**
   * When the job, progressing from `fromS` at its rate, will have done its work (as its checkpoint
   * cycles do it: Resilience.secondsToDone) and, `withFinal`, written its final checkpoint.
   */
  doneAtS(fromS: number, withFinal: boolean): number {
    const r = this.resilience;
    if (r === undefined) return fromS + this.remainingFlop / this.rateFlopPerS;
    // No periodic checkpoints (none in the scenario, or interval: auto with no failure rate): the
    // final one (0 s without checkpointing) still follows the work.
    if (!(r.checkpointIntervalS < Infinity)) return fromS + this.remainingFlop / this.rateFlopPerS + (withFinal ? r.finalCheckpointS : 0);
    return fromS + r.secondsToDone(this.remainingFlop, this.rateFlopPerS) + (withFinal ? r.finalCheckpointS : 0);
  }

  /**
   * When a job in `state` with this run is predicted to end (SchedulingContext.predictedFinishS):
   * running, once its work and final checkpoint are done (doneAtS, progress from the end of a
   * restore's stall); writing its final checkpoint (its work done, its completion pending), at the
   * write's end; otherwise (a preemption's checkpoint, after which it waits again) Infinity.
   */
  predictedEndS(state: JobState): number {
    if (state === 'running') return this.doneAtS(Math.max(this.settledS, this.stallUntilS), true);
    if (state === 'checkpointing' && this.completion !== undefined) return this.completion.timeS;
    return Infinity;
  }

  /** Let go of what it points to, so a record kept for reuse holds nothing of its last job. */
  clear(): void {
    this.completion = undefined;
    this.placement = undefined;
    this.heldDevices = NO_DEVICES;
    this.dropSteps();
    this.resilience = undefined;
    this.progressState = undefined;
  }
}

/** What a completed job keeps of its run once the record is taken back: what JobView shows. */
export class JobDone {
  usefulFlop = Number.NaN;
  attainedDeviceS = Number.NaN;
  readonly preemptions: number;

  constructor(run: JobRun) {
    // Stored after the NaNs above: double fields whatever these values are (see JobRun).
    this.usefulFlop = run.usefulFlop;
    this.attainedDeviceS = run.attainedDeviceS;
    this.preemptions = run.preemptions;
  }
}

/**
 * What failures, checkpoints and restores add to a job's state, made at the first of them: at each
 * start when the scenario checkpoints, else at a job's first failure or preemption. Most jobs of
 * most runs never have one; a million jobs waiting at once each carried these eight fields (and a
 * boxed Infinity) before.
 */
export class Resilience {
  /** Progress time between checkpoints (Infinity: no checkpoints) and the time to write one. */
  checkpointIntervalS = Infinity;
  checkpointCostS = 0;
  /**
   * Time to write the checkpoint a trainer saves after its last step (checkpointing.final_cost),
   * written once the work is done: in place of the periodic one when the last step is a save step.
   */
  finalCheckpointS = 0;
  /** Progress time in the current allocation (for the phase of the checkpoint cycle). */
  segmentProgressS = 0;
  /**
   * Work done since the current checkpoint cycle began, at the rates it was done at: what a failure
   * loses. Not the phase times the rate at the failure, which is 0 when a failed link or switch has
   * already stopped the job.
   */
  cycleFlop = 0;
  /**
   * The work the current cycle's compute did at its full rate: a cycle computes for the interval,
   * then writes its checkpoint, so a failure at phase p of it loses min(p, interval) of compute at
   * the full rate (cycleFlop is that work at the rate net of checkpoint writing, as progress counts it).
   */
  cycleComputeFlop = 0;
  /** No-progress time owed at the next start: restore after preemption, restart after failure. */
  pendingRestoreS = 0;
  failures = 0;
  /**
   * Work redone because a failure lost it (not useful twice), and the progress time it took: with
   * checkpoints, all of the partial cycle's time (its compute, and the writing of a checkpoint the
   * failure cut short).
   */
  lostFlop = 0;
  lostTimeS = 0;
  /**
   * Work done and progress time at the job's last (re)start: what it restored from (a preemption's
   * checkpoint, or the last periodic one), so a failure loses only the work since.
   */
  restoredFlop = 0;
  restoredProgressS = 0;
  /**
   * Progress time spent writing periodic checkpoints: each cycle's share as progress accrues (the
   * rate is net of it), less a failed cycle's share at the failure, so that the checkpoints a failure
   * ends with are those completed.
   */
  checkpointOverheadS = 0;
  /**
   * Time spent writing the checkpoints of preemptions, and the final one after the work is done
   * (devices held, no progress): not progress time, so not in checkpointOverheadS, but in the
   * checkpoint_overhead_s column with it.
   */
  preemptionCheckpointS = 0;

  /**
   * Progress time until a job with `remainingFlop` left (progress's measure) at `rateFlopPerS`
   * (net of checkpoint writing) has done its work as its cycles do it: computing at the full rate
   * for what is left of the interval, writing a checkpoint, and so on, the work ending in a cycle's
   * compute (the final checkpoint, if any, comes after). Progress counted the current cycle at the
   * net rate, so the work left as the cycle did it is less by what its compute did beyond that.
   */
  secondsToDone(remainingFlop: number, rateFlopPerS: number): number {
    const T = this.checkpointIntervalS;
    if (!(T < Infinity) || !(rateFlopPerS > 0)) return remainingFlop / rateFlopPerS;
    const cycleS = T + this.checkpointCostS;
    // Only rounding residue of the work left snaps to 0: the work is done, whatever the phase.
    const leftFlop = snapToZero(remainingFlop - (this.cycleComputeFlop - this.cycleFlop), remainingFlop + this.cycleComputeFlop);
    if (!(leftFlop > 0)) return 0;
    const computeS = leftFlop / ((rateFlopPerS * cycleS) / T);
    const phase = this.segmentProgressS % cycleS;
    // Until the next cycle's compute begins (the rest of this one's compute and its write, or
    // the rest of the write under way), and the compute left then.
    // Work that would end within 1e-9 of an interval past its end (a few microseconds, far less than
    // a training step) ends on it: rounding, not a cycle more with its checkpoint.
    const slackS = 1e-9 * T;
    let leadS: number;
    let leftS: number;
    if (phase < T) {
      if (computeS <= T - phase + slackS) return computeS;
      leadS = cycleS - phase;
      leftS = computeS - (T - phase);
    } else {
      leadS = cycleS - phase;
      leftS = computeS;
    }
    // Whole cycles before the last one, whose compute (at most T) ends the work.
    const whole = Math.max(0, Math.ceil((leftS - slackS) / T) - 1);
    return leadS + whole * cycleS + (leftS - whole * T);
  }
}
