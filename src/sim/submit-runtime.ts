// A job's predicted run time at submission (JobView.predictedRuntimeS: SJF's key, the tenants'
// slowdown): its run time alone on the fastest kind it may use, as the run would time it. Its rate
// there is the step model's rate alone where the run times the job with it (ProgressModel.aloneRates,
// kept per shape), else its job type's row or peak x efficiency (deviceRate); a trace's recorded run
// time (`runtime: fixed`) is the user's own. Checkpoints are added as the run writes them
// (checkpointedRunS, the interval it would set on the kind's first devices).
import { checkpointedRunS, youngDalyIntervalS } from '../model/checkpoint-interval.js';
import { WHOLE_DEVICE_MILLI, type Cluster } from '../model/cluster.js';
import { deviceRate } from '../model/device-rate.js';
import type { JobTemplate } from '../model/job.js';
import { firstDevicesOf, stepModelTimes } from '../model/network/alone-rate.js';
import type { Scenario } from '../scenario/schema.js';
import type { JobView, Placement } from '../policy/types.js';

/** The step model's rates alone (ProgressModel.aloneRates): false where the simple rate is the run's. */
export type AloneRatesFn = (job: JobView, kinds: readonly number[], out: Float64Array) => boolean;

type CheckpointSpec = NonNullable<Scenario['checkpointing']>;

export class SubmitRuntime {
  /** The last shape's best simple gang rate and its kind (`sameShape`: the caller's LastShape says it is unchanged). */
  private simpleBest = 0;
  private simpleKind = -1;
  private rates = new Float64Array(0);
  /** Checkpoint intervals by kind and gang size (interval: auto asks the failure model once each). */
  private readonly intervals = new Map<number, number>();

  constructor(
    private readonly cluster: Cluster,
    private readonly aloneRates: AloneRatesFn | undefined,
    private readonly checkpoints: CheckpointSpec | undefined,
    /** The failure model's rate for a job on a placement (Simulation.failureRateOf; read when asked: it is set after the simulator is made). */
    private readonly failureRateOn: () => ((job: JobView, placement: Placement) => number) | undefined,
  ) {}

  /** Seconds `t` would run alone on its fastest allowed kind; Infinity where no kind holds it. */
  of(t: JobTemplate, sameShape: boolean): number {
    const c = this.cluster;
    const kinds = t.allowedKinds ?? c.allKinds;
    // Kept for the shape (the caller's LastShape): a step-model job of it may fall back to it.
    if (!sameShape || this.simpleKind < 0) this.simpleShape(t, kinds);
    let best = 0;
    let bestKind = -1;
    if (t.fixedRuntimeS === undefined && t.params > 0 && this.aloneRates) {
      if (this.rates.length < kinds.length) this.rates = new Float64Array(c.kinds.length);
      // The step model reads the job's size, model, efficiency override, and shape and layout (its template's).
      const job = { devices: t.devices, params: t.params, efficiency: t.efficiency, template: t } as unknown as JobView;
      if (this.aloneRates(job, kinds, this.rates)) {
        for (let i = 0; i < kinds.length; i++) {
          if (this.rates[i]! > best) {
            best = this.rates[i]!;
            bestKind = kinds[i]!;
          }
        }
      }
    }
    // No kind the step model places it on alone, or the simple rate times it: the run's simple rate.
    if (bestKind < 0) {
      best = this.simpleBest;
      bestKind = this.simpleKind;
    }
    if (bestKind < 0 || !(best > 0)) return Infinity;
    const computeS = t.fixedRuntimeS ?? t.usefulFlop / best;
    const cp = this.checkpoints;
    return cp ? checkpointedRunS(computeS, this.intervalOn(t, bestKind, cp), cp.cost, cp.final_cost ?? cp.cost) : computeS;
  }

  /** The fastest kind by the simple rate (gang x deviceRate) among those with devices enough. */
  private simpleShape(t: JobTemplate, kinds: readonly number[]): void {
    const c = this.cluster;
    const gang = (t.devices * (t.milli ?? WHOLE_DEVICE_MILLI)) / WHOLE_DEVICE_MILLI;
    this.simpleBest = 0;
    this.simpleKind = -1;
    for (const k of kinds) {
      if (c.kindTotal[k]! < t.devices) continue;
      const rate = gang * deviceRate(t, c.kinds[k]!.spec, k);
      if (rate > this.simpleBest) {
        this.simpleBest = rate;
        this.simpleKind = k;
      }
    }
  }

  /** Progress time between checkpoints for job `t` on `kind`'s first devices (Simulation.checkpointIntervalOn). */
  private intervalOn(t: JobTemplate, kind: number, cp: CheckpointSpec): number {
    if (cp.interval !== 'auto') return cp.interval;
    const rateOn = this.failureRateOn();
    if (!rateOn) return Infinity;
    const devices = t.devices;
    // The rate counts fabric and inter-DC link failures only for a job the step model times over the
    // network (Simulation.failureRateOf): kept apart by whether it could be.
    const key = (kind * 1e7 + devices) * 2 + (stepModelTimes(t.params, t.kindRate) ? 1 : 0);
    let interval = this.intervals.get(key);
    if (interval === undefined) {
      const placement = firstDevicesOf(this.cluster, kind, Math.max(1, Math.ceil(devices)));
      const job = { devices, params: t.params, efficiency: t.efficiency, template: t } as unknown as JobView;
      const rate = placement ? rateOn(job, placement) : 0;
      this.intervals.set(key, (interval = rate > 0 ? youngDalyIntervalS(cp.cost, 1 / rate) : Infinity));
    }
    return interval;
  }
}
