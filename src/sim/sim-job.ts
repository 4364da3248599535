// A job's state inside one simulation: where it is in its lifecycle, and its fluid progress
// (remaining useful FLOPs at a current rate, settled whenever the rate changes).
import type { ScheduledEvent } from '../engine/engine.js';
import type { JobTemplate } from '../model/job.js';
import type { JobView, Placement } from '../policy/types.js';

/** checkpointing: preempted, still holding its devices while it writes a checkpoint. */
export type JobState = 'waiting' | 'running' | 'checkpointing' | 'completed' | 'rejected';

export class SimJob implements JobView {
  state: JobState = 'waiting';
  remainingFlop: number;
  /** Useful FLOP/s at the current placement (0 when not running). */
  rateFlopPerS = 0;
  /** Time up to which remainingFlop and attainedDeviceS are settled. */
  settledS: number;
  completion: ScheduledEvent | undefined;
  placement: Placement | undefined;
  /** Device indices held while running. */
  readonly heldDevices: number[] = [];
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
  /** Current step time and exposed-communication fraction (network model), for jobs.csv. */
  stepS = Number.NaN;
  commFraction = 0;
  /** Time spent progressing, and step time and comm fraction integrated over it. */
  progressS = 0;
  stepWeightedS = 0;
  commWeightedS = 0;
  /** Current step's compute, exposed communication and bubble (s), and their integrals over progress. */
  stepComputeS = 0;
  stepExposedS = 0;
  stepBubbleS = 0;
  computeWeightedS = 0;
  exposedWeightedS = 0;
  bubbleWeightedS = 0;
  /** Memory per device of its layout on its current kind (bytes; NaN without the network model). */
  memoryBytes = Number.NaN;
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
  get doneFlop(): number {
    return this.usefulFlop - this.remainingFlop;
  }
}
