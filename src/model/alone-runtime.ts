// A training job's run time alone, with the figures the run uses, for the size estimate made before
// a run: its rate alone on each kind (its job type's measured row or peak x efficiency, or the step
// model's rate alone where the run times the job with it: ProgressModel.aloneRates, kept per shape),
// the work of a job given as a duration as the run sizes it (durationWork), and the checkpoints it
// writes (checkpointedRunS). The run itself calls durationWork.
import type { KindInfo, NodeGroup } from './cluster.js';
import { checkpointedRunS } from './checkpoint-interval.js';
import { deviceRate } from './device-rate.js';
import { trainingFlop, type JobTemplate } from './job.js';
import { usefulParamsOf } from './training-layout.js';
import { meanOf } from '../scenario/distribution.js';
import type { GeneratorSource } from './resolve/types.js';
import type { StepJob } from './job-steps.js';

/** What the step model reads of a job, and its job type's row (with which the step model leaves it alone: templateOf). */
export type AloneJob = StepJob & { readonly template?: Pick<JobTemplate, 'shape' | 'layout' | 'kindRate'> | undefined };

/**
 * The job's useful FLOP/s alone on an idle pool on each kind of `kinds`, into `out` by position
 * (NaN: the pool has too few devices of the kind), where the step model times it; false (and `out`
 * untouched) where the simple rate (deviceRate) is the run's. ProgressModel.aloneRates' contract.
 */
export type AloneRatesOf = (job: AloneJob, kinds: readonly number[], out: Float64Array) => boolean;

/**
 * The work of a job given as `durationS` on `referenceKind`: that run time at its rate alone on its
 * devices of the kind (`aloneRates`), so that the job alone runs its stated time. Undefined where the
 * simple rate times it (then its peak x efficiency or job-type work is the run's), or the pool has
 * too few devices of the kind to place it alone (the resolver warns: model/resolve/reference-fit.ts).
 */
export function durationWork(aloneRates: AloneRatesOf | undefined, job: AloneJob, durationS: number, referenceKind: number, scratch: { kind: number[]; rate: Float64Array }): number | undefined {
  scratch.kind[0] = referenceKind;
  if (!aloneRates?.(job, scratch.kind, scratch.rate) || !(scratch.rate[0]! > 0)) return undefined;
  return durationS * scratch.rate[0]!;
}

/** A job's fields as the estimate reads them (JobSizeFields, with what the step model reads). */
export interface AloneRuntimeJob extends Pick<JobTemplate, 'devices' | 'usefulFlop' | 'efficiency' | 'allowedKinds' | 'milli' | 'fixedRuntimeS'> {
  readonly params?: number | undefined;
  readonly shape?: JobTemplate['shape'];
  readonly layout?: JobTemplate['layout'];
  readonly kindRate?: JobTemplate['kindRate'];
  readonly durationS?: number | undefined;
  readonly referenceKind?: number | undefined;
}

/** Checkpoints the run writes (scenario.checkpointing), with the interval a job of a shape gets. */
export interface RunCheckpoints {
  readonly costS: number;
  readonly finalCostS: number;
  /** Progress time between checkpoints for the job (Infinity: none, as interval: auto without failures). */
  intervalS(t: AloneRuntimeJob): number;
}

/** Run times alone of one job, written into a reused record (read at once by the caller). */
export interface RunTimes {
  /** On the mean device of its kinds (the pool's load), and on its fastest kind (its best case), checkpoints included. */
  meanS: number;
  bestS: number;
  /** bestS's compute alone, net of checkpoints (the failure bound spreads them itself). */
  bestComputeS: number;
  /** bestS's checkpoint interval (Infinity: none). */
  intervalS: number;
}

export class AloneRuntime {
  private readonly out: RunTimes = { meanS: 0, bestS: 0, bestComputeS: 0, intervalS: Infinity };
  private readonly scratch = { kind: [0], rate: new Float64Array(1) };
  private kindRates = new Float64Array(0);
  /** Simple per-device rates by kinds, efficiency and job type (jobs in a row usually share them). */
  private readonly simple = new Map<string, { mean: number; best: number }>();
  private last: { kinds: readonly number[] | undefined; efficiency: number | undefined; kindRate: readonly number[] | undefined; precision: string | undefined; rate: { mean: number; best: number } } | undefined;
  private readonly poolKinds: number[];

  constructor(
    private readonly kinds: readonly KindInfo[],
    private readonly groups: readonly NodeGroup[],
    private readonly aloneRates: AloneRatesOf | undefined,
    private readonly checkpoints: RunCheckpoints | undefined,
  ) {
    this.poolKinds = [...new Set(groups.map((g) => g.kind))].sort((a, b) => a - b);
  }

  /** The job's run times alone (fixed for a trace's recorded run time). */
  of(t: AloneRuntimeJob): RunTimes {
    const o = this.out;
    if (t.fixedRuntimeS !== undefined) {
      o.meanS = o.bestS = o.bestComputeS = t.fixedRuntimeS;
      o.intervalS = Infinity;
      return o;
    }
    const stepped = this.stepRates(t);
    if (!stepped) {
      this.times(t.usefulFlop, t.devices * ((t.milli ?? 1000) / 1000), this.simpleRate(t), t);
      return o;
    }
    // The step model times whole devices, as many as the run draws (a generator's mean job: its mean count rounded).
    let work = t.usefulFlop;
    if (t.durationS !== undefined && t.referenceKind !== undefined) work = durationWork(this.aloneRates, asStepJob(t), t.durationS, t.referenceKind, this.scratch) ?? work;
    this.times(work, stepDevices(t), stepped, t);
    return o;
  }

  /** Run times from a job's work and its per-device rates (mean, best); checkpoints as the run writes them. */
  private times(work: number, devices: number, rate: { mean: number; best: number }, t: AloneRuntimeJob): void {
    const o = this.out;
    const meanComputeS = rate.best > 0 ? work / (devices * rate.mean) : 0;
    o.bestComputeS = rate.best > 0 ? work / (devices * rate.best) : 0;
    const cp = this.checkpoints;
    o.intervalS = cp ? cp.intervalS(t) : Infinity;
    o.meanS = cp ? checkpointedRunS(meanComputeS, o.intervalS, cp.costS, cp.finalCostS) : meanComputeS;
    o.bestS = cp ? checkpointedRunS(o.bestComputeS, o.intervalS, cp.costS, cp.finalCostS) : o.bestComputeS;
  }

  /**
   * Per-device rates on the step model's rates alone (ProgressModel.aloneRates: one lookup per job
   * once its shape is known), over the pool's kinds the job may use and can be placed on alone;
   * undefined where the simple rate is the run's.
   */
  private stepRates(t: AloneRuntimeJob): { mean: number; best: number } | undefined {
    if (!this.aloneRates || !((t.params ?? 0) > 0)) return undefined;
    const devices = stepDevices(t);
    const kinds = t.allowedKinds ?? this.poolKinds;
    if (this.kindRates.length < this.kinds.length) this.kindRates = new Float64Array(this.kinds.length);
    if (!this.aloneRates(asStepJob(t), kinds, this.kindRates)) return undefined;
    let n = 0;
    let sum = 0;
    let best = 0;
    for (const g of this.groups) {
      const i = kinds.indexOf(g.kind);
      const r = i < 0 ? Number.NaN : this.kindRates[i]! / devices;
      if (!(r > 0)) continue;
      const d = g.nodeCount * g.devicesPerNode;
      n += d;
      sum += d * r;
      best = Math.max(best, r);
    }
    // No kind the job fits alone: the simple figure, as the run's (durationWork falls back likewise).
    return best > 0 ? { mean: sum / n, best } : undefined;
  }

  /**
   * Useful FLOP/s of one device running the job (deviceRate: its job type's row, else peak x
   * efficiency) over the pool's devices of the allowed kinds: the mean (for load) and the fastest
   * kind's (for what a job takes at best).
   */
  private simpleRate(t: AloneRuntimeJob): { mean: number; best: number } {
    const l = this.last;
    const precision = t.shape?.precision;
    if (l !== undefined && t.allowedKinds === l.kinds && t.efficiency === l.efficiency && t.kindRate === l.kindRate && precision === l.precision) return l.rate;
    const key = `${t.allowedKinds?.join(',') ?? '*'}/${t.efficiency ?? ''}/${t.kindRate?.join(',') ?? ''}/${precision ?? ''}`;
    let rate = this.simple.get(key);
    if (rate === undefined) {
      let devices = 0;
      let sum = 0;
      let best = 0;
      for (const g of this.groups) {
        if (t.allowedKinds && !t.allowedKinds.includes(g.kind)) continue;
        const n = g.nodeCount * g.devicesPerNode;
        const one = deviceRate(t, this.kinds[g.kind]!.spec, g.kind);
        devices += n;
        sum += n * one;
        best = Math.max(best, one);
      }
      this.simple.set(key, (rate = { mean: devices > 0 ? sum / devices : 0, best }));
    }
    this.last = { kinds: t.allowedKinds, efficiency: t.efficiency, kindRate: t.kindRate, precision, rate };
    return rate;
  }
}

/** Whole devices, as the run draws a job's count (Simulation.startGenerator). */
function stepDevices(t: AloneRuntimeJob): number {
  return Math.max(1, Math.round(t.devices));
}

/** The job as the step model reads it (its shape and layout as a template's). */
function asStepJob(t: AloneRuntimeJob): AloneJob {
  return { devices: stepDevices(t), params: t.params ?? 0, efficiency: t.efficiency, template: { shape: t.shape, layout: t.layout, kindRate: t.kindRate } };
}

/**
 * A generator's mean job (its mean count of devices, model size, tokens or duration), as the run
 * makes each of its jobs (Simulation.startGenerator): a duration is work at the reference kind's
 * simple rate, which `of` works out again at the step model's where the run does.
 */
export function meanJobOf(g: GeneratorSource, kinds: readonly KindInfo[]): AloneRuntimeJob {
  const spec = g.spec;
  const devices = meanOf(spec.devices);
  const params = spec.params ? meanOf(spec.params) : 0;
  const base = { devices, efficiency: spec.efficiency, allowedKinds: g.allowedKinds, milli: undefined, fixedRuntimeS: undefined, params, shape: spec.model, layout: undefined, kindRate: g.kindRate };
  if (spec.duration) {
    const durationS = meanOf(spec.duration);
    const ref = g.referenceKind!;
    const usefulFlop = durationS * devices * deviceRate({ kindRate: g.kindRate, efficiency: spec.efficiency, shape: spec.model }, kinds[ref]!.spec, ref);
    return { ...base, usefulFlop, durationS, referenceKind: ref };
  }
  return { ...base, usefulFlop: trainingFlop(usefulParamsOf(params, spec.model), meanOf(spec.tokens!)) };
}
