// The last job shape a per-job answer was worked out for. Jobs in a row mostly ask the same (one
// generator's or trace's jobs share their allowed kinds, size, efficiency and kind rates), and what
// follows from the shape alone (never fitting, the best rate on the pool, a finish-time-fairness
// share) need not be worked out again for each: a million W1 jobs each did so on arrival and end.
import type { JobTemplate } from '../model/job.js';

/** What of a template a shape is: the lists by identity (jobs of one source share them). */
type ShapeFields = Pick<JobTemplate, 'allowedKinds' | 'devices' | 'milli' | 'cpuMilli' | 'memoryMiB' | 'kindRate' | 'efficiency' | 'shape'>;

export class LastShape {
  private known = false;
  private allowedKinds: readonly number[] | undefined = undefined;
  private devices = 0;
  private milli: number | undefined = undefined;
  private cpuMilli: number | undefined = undefined;
  private memoryMiB: number | undefined = undefined;
  private kindRate: readonly number[] | undefined = undefined;
  private efficiency: number | undefined = undefined;
  /** The training precision (an FP8 job's simple rate differs: model/device-rate.ts). */
  private precision: string | undefined = undefined;

  /**
   * Whether `t` has the last shape asked about (every field equal, lists the same arrays). When it
   * has not, it becomes the last shape, and the caller works out and keeps its answers anew.
   */
  same(t: ShapeFields): boolean {
    const allowedKinds = t.allowedKinds;
    const devices = t.devices;
    const milli = t.milli;
    const cpuMilli = t.cpuMilli;
    const memoryMiB = t.memoryMiB;
    const kindRate = t.kindRate;
    const efficiency = t.efficiency;
    const precision = t.shape?.precision;
    if (
      this.known &&
      allowedKinds === this.allowedKinds &&
      devices === this.devices &&
      milli === this.milli &&
      cpuMilli === this.cpuMilli &&
      memoryMiB === this.memoryMiB &&
      kindRate === this.kindRate &&
      efficiency === this.efficiency &&
      precision === this.precision
    ) {
      return true;
    }
    this.known = true;
    this.allowedKinds = allowedKinds;
    this.devices = devices;
    this.milli = milli;
    this.cpuMilli = cpuMilli;
    this.memoryMiB = memoryMiB;
    this.kindRate = kindRate;
    this.efficiency = efficiency;
    this.precision = precision;
    return false;
  }
}
