// Finish-time fairness (Themis, Mahajan et al., NSDI 2020): for each completed training job,
// rho = T_sh / T_id, its completion time in the shared pool (finish - submission) over its run time
// alone on an exclusive 1/N share of the pool, N being the average number of jobs contending
// during its lifetime. rho <= 1 means the job did no worse than on its own share of the pool
// (Themis's sharing incentive); the run reports the largest and the mean rho.
//
// What the simulator knows makes T_id physical:
// - N is the number of training jobs in the system (submitted and neither finished nor
//   rejected: waiting, running, held for their data), time-averaged over [submission, finish],
//   the job itself included. It is per job, as in Themis, not the number of tenants: a tenant's
//   value in tenants.csv is over its own jobs.
// - The share holds D_k / N devices of each kind k (D_k the pool's devices of that kind). A gang
//   of G devices (x its device share for fractional GPUs) can hold G of kind k for a fraction
//   x_k <= D_k / (N G) of the time (time slicing, as Gavel's isolated allocation), with
//   sum x_k <= 1. Alone on G devices of kind k it would take T_k: its work at the rate it runs at
//   alone on an idle pool there, from the same model the run times it with: for a training job
//   with a model size under `network: flow`, its step (kernels, exposed communication, bubble) on
//   the kind's first G devices in node order, the network carrying nothing else
//   (ProgressModel.aloneRates, kept per shape); otherwise G x peak x kernel efficiency, or its job
//   type's throughput row; or its recorded duration for trace jobs given one. (It was peak x
//   efficiency for every job: a 7B job alone on an idle pool had rho 3.52, its step-model run over
//   a peak-rate T_id.) On its share it runs its fastest kinds first:
//   1 / T_id = sum_k x_k / T_k, filling x_k in order of T_k. Kinds it may not use, and kinds with
//   fewer than G devices, are not in its share.
// With N = 1 and enough devices, T_id is the run time alone on the best kind, and rho the slowdown:
// 1 for a job that starts at once and runs undisturbed where T_id's devices are (the first ones of
// its kind). Other jobs' traffic on its links, a placement elsewhere, waiting, failures and
// checkpoints count in rho. Jobs that do not finish have no rho.
import type { Cluster } from '../model/cluster.js';
import { deviceRate } from './progress-model.js';
import type { Signals } from './signals.js';
import type { SimJob } from './sim-job.js';
import { Moments } from './stats.js';
import { LastShape } from './last-shape.js';

const WHOLE_DEVICE_MILLI = 1000;

/** One kind a job's share may hold: devices of the kind in the pool, and the job's run time alone on it. */
export interface ShareKind {
  readonly devices: number;
  readonly runtimeAloneS: number;
}

/**
 * Run time on an exclusive 1/contention share of the pool for a gang of `gangDevices` (device
 * shares count as fractions), filling its fastest kinds first (see the file comment). Infinity
 * when no kind can run it.
 */
export function isolatedRuntimeS(kinds: readonly ShareKind[], gangDevices: number, contention: number): number {
  const share = new ShareScratch(kinds.length);
  for (const k of kinds) share.add(k.devices, k.runtimeAloneS, gangDevices);
  return share.runtimeS(gangDevices, contention);
}

/**
 * The kinds of one job's share, in reusable typed arrays (a share is computed for every finished
 * job): those that can run the gang, kept sorted by run time alone (stable: equal times keep the
 * order they were added in).
 */
class ShareScratch {
  private devices: Float64Array;
  private runtimes: Float64Array;
  private n = 0;

  constructor(capacity: number) {
    this.devices = new Float64Array(Math.max(1, capacity));
    this.runtimes = new Float64Array(Math.max(1, capacity));
  }

  clear(): void {
    this.n = 0;
  }

  add(devices: number, runtimeAloneS: number, gangDevices: number): void {
    if (!(devices >= gangDevices && runtimeAloneS > 0 && Number.isFinite(runtimeAloneS))) return;
    if (this.n === this.devices.length) {
      const d = new Float64Array(2 * this.n);
      d.set(this.devices);
      this.devices = d;
      const r = new Float64Array(2 * this.n);
      r.set(this.runtimes);
      this.runtimes = r;
    }
    let i = this.n++;
    while (i > 0 && this.runtimes[i - 1]! > runtimeAloneS) {
      this.devices[i] = this.devices[i - 1]!;
      this.runtimes[i] = this.runtimes[i - 1]!;
      i--;
    }
    this.devices[i] = devices;
    this.runtimes[i] = runtimeAloneS;
  }

  runtimeS(gangDevices: number, contention: number): number {
    let timeLeft = 1;
    let progressPerS = 0;
    for (let i = 0; i < this.n; i++) {
      if (timeLeft <= 0) break;
      const x = Math.min(timeLeft, this.devices[i]! / (contention * gangDevices));
      progressPerS += x / this.runtimes[i]!;
      timeLeft -= x;
    }
    return progressPerS > 0 ? 1 / progressPerS : Infinity;
  }
}

/** Summary columns (summary.csv) and their per-tenant counterparts (tenants.csv). */
export interface FtfColumns {
  ftf_rho_max: number;
  ftf_rho_mean: number;
}

export function ftfColumns(s: Pick<Moments, 'max' | 'mean'>): FtfColumns {
  return { ftf_rho_max: s.max(), ftf_rho_mean: s.mean() };
}

/**
 * Useful FLOP/s of `job` alone on an idle pool on each kind of `kinds`, into `out` by position
 * (ProgressModel.aloneRates); false where the simple rate is the run's.
 */
export type AloneRates = (job: SimJob, kinds: readonly number[], out: Float64Array) => boolean;

/** Listens to job lifecycle signals; rho of each job as it finishes. */
export class FinishTimeFairness {
  /** rho of the completed jobs: only their mean and largest are reported, so none is kept. */
  readonly rho = new Moments();
  /** Training jobs in the system now, and the integral of that count over time up to `sinceS`. */
  private present = 0;
  private contentionJobS = 0;
  private sinceS = 0;
  private readonly listeners: ((job: SimJob, rho: number) => void)[] = [];
  private readonly share: ShareScratch;

  /**
   * `aloneRates`: the job's gang's useful FLOP/s alone on an idle pool on each of its kinds, where
   * the run times it with the step model (ProgressModel.aloneRates); false where the simple rate is
   * the run's.
   */
  constructor(
    private readonly cluster: Cluster,
    signals: Signals,
    private readonly aloneRates?: AloneRates,
  ) {
    this.share = new ShareScratch(cluster.kinds.length);
    signals.on('submitted', (job, now) => {
      this.accrue(now);
      this.present++;
      job.contentionAtSubmitJobS = this.contentionJobS;
    });
    signals.on('rejected', (job, now) => {
      this.accrue(now);
      this.present--;
      job.contentionAtSubmitJobS = Number.NaN;
    });
    signals.on('finished', (job, now) => {
      this.accrue(now);
      const before = job.contentionAtSubmitJobS;
      job.contentionAtSubmitJobS = Number.NaN;
      this.present--;
      if (Number.isNaN(before)) return;
      const lifeS = now - job.submitS;
      // A job done at its submission instant shares that instant with the jobs present then.
      const contention = lifeS > 0 ? (this.contentionJobS - before) / lifeS : this.present + 1;
      const rho = lifeS / this.isolatedS(job, contention);
      if (!Number.isFinite(rho)) return;
      this.rho.add(rho);
      for (const f of this.listeners) f(job, rho);
    });
  }

  /** Call `f` with each finished job's rho (per-tenant aggregates). */
  onRho(f: (job: SimJob, rho: number) => void): void {
    this.listeners.push(f);
  }

  private accrue(nowS: number): void {
    this.contentionJobS += this.present * (nowS - this.sinceS);
    this.sinceS = nowS;
  }

  /** The last finished job's shape, and per kind it may use the pool's devices and its gang's rate there (gang x device rate). */
  private readonly lastShape = new LastShape();
  private shapeDevices = new Float64Array(0);
  private shapeGangRate = new Float64Array(0);
  /** The step model's rates of the job being asked about, by the same position (aloneRates). */
  private aloneRate = new Float64Array(0);
  private shapeKinds = 0;
  private shapeKindList: readonly number[] = [];

  /** T_id of `job` under `contention` contending jobs. */
  isolatedS(job: SimJob, contention: number): number {
    const c = this.cluster;
    const t = job.template;
    const gang = (t.devices * (t.milli ?? WHOLE_DEVICE_MILLI)) / WHOLE_DEVICE_MILLI;
    if (!(gang > 0)) return Infinity;
    // The kinds and their rates follow from the shape: worked out again only when it changes.
    if (!this.lastShape.same(t)) {
      const kinds = t.allowedKinds ?? c.allKinds;
      if (this.shapeDevices.length < kinds.length) {
        this.shapeDevices = new Float64Array(kinds.length);
        this.shapeGangRate = new Float64Array(kinds.length);
        this.aloneRate = new Float64Array(kinds.length);
      }
      this.shapeKindList = kinds;
      for (let i = 0; i < kinds.length; i++) {
        const k = kinds[i]!;
        this.shapeDevices[i] = c.kindTotal[k]!;
        this.shapeGangRate[i] = gang * deviceRate(t, c.kinds[k]!.spec, k);
      }
      this.shapeKinds = kinds.length;
    }
    const share = this.share;
    share.clear();
    const fixed = t.fixedRuntimeS;
    // The step model's rates where the run times the job with it (its shape, not the last shape's).
    const rates = fixed === undefined && this.aloneRates?.(job, this.shapeKindList, this.aloneRate) ? this.aloneRate : this.shapeGangRate;
    for (let i = 0; i < this.shapeKinds; i++) share.add(this.shapeDevices[i]!, fixed ?? t.usefulFlop / rates[i]!, gang);
    return share.runtimeS(gang, contention);
  }
}
