// Training jobs as the workload layer hands them to the simulator: what they compute, how many
// devices of which kinds they may use, and when they arrive.

export interface JobTemplate {
  /** Stable id within a run (unique; used in jobs.csv and for tie-breaks). */
  readonly name: string;
  readonly submitS: number;
  readonly devices: number;
  /** Useful model FLOPs to complete (6 x params x tokens for training). */
  readonly usefulFlop: number;
  /** Per-job kernel efficiency override; the device kind's own when undefined. */
  readonly efficiency: number | undefined;
  /** Allowed device kind indices; undefined = any kind. */
  readonly allowedKinds: readonly number[] | undefined;
  readonly priority: number;
  /** Model size when known (for the step-time model and inference); 0 when the job is given as a duration. */
  readonly params: number;
  /** Name of the workload entry that produced it. */
  readonly source: string;
}

/** Useful training FLOPs of a model of `params` parameters over `tokens` tokens (forward + backward). */
export function trainingFlop(params: number, tokens: number): number {
  return 6 * params * tokens;
}
