// A job's state inside one simulation: where it is in its lifecycle, and its fluid progress
// (remaining useful FLOPs at a current rate, settled whenever the rate changes).
import type { ScheduledEvent } from '../engine/engine.js';
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
  stepWeightedS: number;
  commWeightedS = 0;
  computeWeightedS: number;
  exposedWeightedS: number;
  bubbleWeightedS: number;
  memoryBytes = Number.NaN;

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
}

export class SimJob implements JobView {
  state: JobState = 'waiting';
  remainingFlop: number;
  /** Useful FLOP/s at the current placement (0 when not running). */
  rateFlopPerS = 0;
  /** Time up to which remainingFlop and attainedDeviceS are settled. */
  settledS: number;
  completion: ScheduledEvent | undefined;
  placement: Placement | undefined;
  /** Device indices held while running (a fresh array from each start; none before the first). */
  heldDevices: number[] = NO_DEVICES;
  /** Dense peak of the devices held (FLOP/s). */
  allocatedPeakFlops = 0;
  firstStartS = Number.NaN;
  /** Start of the current allocation. */
  allocatedSinceS = Number.NaN;
  /** How many times the job has started (restarts after preemption or failure count). */
  starts = 0;
  preemptions = 0;
  /** Pace of the slowest device held (stragglers), 1 = nominal. */
  speedFactor = 1;
  /** Failures, checkpoints and restores (read through the getters below; made by resilient()). */
  resilience: Resilience | undefined = undefined;
  /** Stamp of the job's current entry in the waiting line. */
  lineStamp = 0;
  /** Index in the simulator's running list (-1 when not running). */
  runningSlot = -1;
  /** No progress before this time on the current allocation (restoring from a checkpoint). */
  stallUntilS = 0;
  finishS = Number.NaN;
  /** When the job last joined the waiting line (submission, or a re-queue after preemption). */
  queuedSinceS: number;
  /** Total time spent waiting, first wait included. */
  waitedS = 0;
  /** Sum over allocations of (peak FLOP/s of the devices x seconds held): the ECR denominator. */
  allocatedPeakFlopS = 0;
  allocatedDeviceS = 0;
  attainedDeviceS = 0;
  reason = '';
  /** Time spent progressing. */
  progressS = 0;
  /**
   * Step-time figures under the network model, made when the model first gives the job a step
   * (most jobs of most runs never get one: they carry no such fields).
   */
  steps: StepStats | undefined = undefined;
  /** The finish-time-fairness contention integral at its submission (NaN: not in the system). */
  contentionAtSubmitJobS = Number.NaN;

  constructor(
    readonly id: number,
    readonly template: JobTemplate,
    readonly predictedRuntimeS: number,
  ) {
    this.remainingFlop = template.usefulFlop;
    this.usefulFlop = template.usefulFlop;
    this.settledS = template.submitS;
    this.queuedSinceS = template.submitS;
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
  get account(): string {
    return this.template.queue !== undefined ? `queue ${this.template.queue}` : this.template.source;
  }
  /** Useful FLOPs of the whole job (re-based on the device kind for fixed-runtime jobs). */
  usefulFlop: number;
  /** Step time integrated over progress (NaN once the job progressed without a step time). */
  get stepWeightedS(): number {
    return this.steps ? this.steps.stepWeightedS : this.progressS > 0 ? Number.NaN : 0;
  }
  get commWeightedS(): number {
    return this.steps ? this.steps.commWeightedS : 0;
  }
  get computeWeightedS(): number {
    return this.steps ? this.steps.computeWeightedS : this.progressS > 0 ? Number.NaN : 0;
  }
  get exposedWeightedS(): number {
    return this.steps ? this.steps.exposedWeightedS : this.progressS > 0 ? Number.NaN : 0;
  }
  get bubbleWeightedS(): number {
    return this.steps ? this.steps.bubbleWeightedS : this.progressS > 0 ? Number.NaN : 0;
  }
  /** Memory per device of its layout on its current kind (bytes; NaN without the network model). */
  get memoryBytes(): number {
    return this.steps ? this.steps.memoryBytes : Number.NaN;
  }
  get doneFlop(): number {
    return this.usefulFlop - this.remainingFlop;
  }
  /** This job's failure, checkpoint and restore state, made at its first use. */
  resilient(): Resilience {
    return (this.resilience ??= new Resilience());
  }
  get checkpointIntervalS(): number {
    return this.resilience ? this.resilience.checkpointIntervalS : Infinity;
  }
  get checkpointCostS(): number {
    return this.resilience ? this.resilience.checkpointCostS : 0;
  }
  get segmentProgressS(): number {
    return this.resilience ? this.resilience.segmentProgressS : 0;
  }
  get pendingRestoreS(): number {
    return this.resilience ? this.resilience.pendingRestoreS : 0;
  }
  get failures(): number {
    return this.resilience ? this.resilience.failures : 0;
  }
  get lostFlop(): number {
    return this.resilience ? this.resilience.lostFlop : 0;
  }
  get lostTimeS(): number {
    return this.resilience ? this.resilience.lostTimeS : 0;
  }
  get checkpointOverheadS(): number {
    return this.resilience ? this.resilience.checkpointOverheadS : 0;
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
  /** Progress time in the current allocation (for the phase of the checkpoint cycle). */
  segmentProgressS = 0;
  /** No-progress time owed at the next start: restore after preemption, restart after failure. */
  pendingRestoreS = 0;
  failures = 0;
  /** Work redone because a failure lost it (not useful twice), and the progress time it took. */
  lostFlop = 0;
  lostTimeS = 0;
  /** Progress time spent writing checkpoints. */
  checkpointOverheadS = 0;
}
