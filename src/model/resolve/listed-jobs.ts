// A workload's listed jobs (`jobs:`), as job templates: each job's kinds, work, layout and memory.
import type { KindInfo } from '../cluster.js';
import { trainingFlop, type JobTemplate, type ShapeOverrides } from '../job.js';
import { resolveShape, usefulParamsOf } from '../training-layout.js';
import { billions, shapeWeights } from '../shape-weights.js';
import { tiedEmbeddingsOf } from '../shape-defaults.js';
import { checkListedJob } from '../training-fit.js';
import type { PathKey } from '../../scenario/errors.js';
import type { Scenario } from '../../scenario/schema.js';
import type { Fail } from './context.js';
import type { UseKind } from './kinds.js';
import type { WorkloadScope } from './workload-scope.js';
import { formatDuration } from '../../units/units.js';
import { FALLBACK, referenceMisfit } from './reference-fit.js';
import { deviceRate } from '../device-rate.js';
import { countOf } from '../../units/count-noun.js';

type ListedJobs = Extract<Scenario['workloads'][number], { jobs: unknown }>['jobs'];

export function resolveListedJobs(listedJobs: ListedJobs, wi: number, scope: WorkloadScope): void {
  const { book, checks } = scope;
  const { fail } = scope.ctx;
  const kinds = book.kinds;
  const listed: JobTemplate[] = [];
  listedJobs.forEach((j, ji) => {
    const at: PathKey[] = ['workloads', wi, 'jobs', ji];
    const queue = scope.queueOf(j.queue, at);
    const allowed = j.device_kinds?.map((k, ki) => book.useKind(k, [...at, 'device_kinds', ki]));
    if (allowed?.some((k) => k === undefined)) return;
    const speed = scope.typed(j.job_type, allowed as number[] | undefined, j.efficiency, at, j.params !== undefined);
    if (speed === false) return;
    const allowedKinds = speed ? speed.allowedKinds : (allowed as number[] | undefined);
    const work = jobWork(j, allowedKinds, at, book.useKind, kinds, fail, speed?.kindRate);
    if (work === undefined) return;
    const capacity = scope.capacityOf(allowedKinds);
    if (j.devices > capacity) {
      const kindList = allowedKinds ? allowedKinds.map((k) => kinds[k]!.name).join(', ') : 'any kind';
      fail([...at, 'devices'], `job needs ${countOf(j.devices, 'device')} of one kind (${kindList}) but the pool has at most ${capacity}; it could never start`);
      return;
    }
    if (j.layout && j.params === undefined) fail([...at, 'layout'], 'a layout needs the model: give `params` (its size) too');
    checks.efficiencyWithFp8(j, at);
    checks.fp8ParamsWithFp8(j, at);
    checks.eagerKernels(j, at);
    checks.headDimWithMla(j, at);
    checks.opRecomputeApplies(j, at);
    checks.paramsMatchShape(j.params, j.model, [...at, 'params']);
    checks.extrapolatedShapes(j.params, j, at);
    // The model's layout and memory on the job's kinds (model/training-fit.ts).
    let fittingKinds: readonly number[] | undefined = allowedKinds;
    if (j.params !== undefined) {
      const fit = checkListedJob({ devices: j.devices, params: j.params, shape: j.model, layout: j.layout, efficiency: j.efficiency }, allowedKinds, checks.fitPool, checks.reportAt(at));
      if (fit === false) return;
      fittingKinds = fit;
      checks.fewerTokensThanAStep(j.params, j.tokens, j.model, [...at, 'tokens']);
    }
    listed.push({
      name: j.name ?? `w${wi}-j${ji}`,
      submitS: j.submit,
      devices: j.devices,
      usefulFlop: work,
      efficiency: j.efficiency,
      allowedKinds: fittingKinds,
      priority: j.priority,
      params: j.params ?? 0,
      source: `workloads[${wi}]`,
      shape: j.model,
      layout: j.layout,
      ...(queue !== undefined ? { queue } : {}),
      ...(speed ? { kindRate: speed.kindRate } : {}),
      // Its run time alone on the reference kind, for the step model (JobTemplate.durationS).
      ...(j.duration !== undefined && j.params !== undefined ? durationForm({ ...j, duration: j.duration, params: j.params }, referenceKindOf(j.reference_device, allowedKinds, [...at, 'reference_device'], book.useKind, fail)!, speed !== undefined, at, scope) : {}),
      ...hostRequest(j),
    });
  });
  scope.jobs.addTemplates(listed);
  warnAfterHorizon(listedJobs, wi, scope);
}

/**
 * Listed jobs submitted after the horizon never enter the run: no row, not counted as submitted
 * ('horizon: 5min' with the only job at 1h ran an empty pool and printed 0 submitted, unexplained).
 * Warned at the first such job, with how many there are (a trace's are warned likewise).
 */
function warnAfterHorizon(listedJobs: ListedJobs, wi: number, scope: WorkloadScope): void {
  const horizonS = scope.scenario.horizon;
  if (horizonS === undefined) return;
  const after = listedJobs.flatMap((j, ji) => (j.submit > horizonS ? [ji] : []));
  if (after.length === 0) return;
  const first = listedJobs[after[0]!]!;
  const others = after.length > 1 ? ` (and ${after.length - 1} more of this workload's ${listedJobs.length} jobs)` : '';
  scope.ctx.warn(
    ['workloads', wi, 'jobs', after[0]!, 'submit'],
    `submitted at ${formatDuration(first.submit)}, after the horizon (${formatDuration(horizonS)})${others}: it never enters the run, so no result counts it (not in jobs_submitted, no row in jobs.csv)`,
  );
}

/**
 * A duration with a model: the simulator times the job alone on `devices` devices of the reference
 * kind in the pool (Simulation.durationWork), where the step model times it (network: flow, no job
 * type: `typed`). A pool with fewer of them cannot say how fast the model runs there: warned, the
 * work is then duration x devices x peak x efficiency (reference-fit.ts). A model that fits no
 * layout of them in memory cannot have run there: refused at `reference_device`.
 */
function durationForm(
  j: { readonly duration: number; readonly devices: number; readonly params: number; readonly model?: ShapeOverrides | undefined; readonly layout?: JobTemplate['layout']; readonly efficiency?: number | undefined },
  referenceKind: number,
  typed: boolean,
  at: readonly PathKey[],
  scope: WorkloadScope,
): { durationS: number; referenceKind: number } {
  const name = scope.book.kinds[referenceKind]!.name;
  const why = typed || scope.scenario.network !== 'flow' ? undefined : referenceMisfit(scope.checks.fitPool, referenceKind, name, { devices: j.devices, params: j.params, shape: j.model, layout: j.layout, efficiency: j.efficiency });
  if (why?.tooFew) scope.ctx.warn([...at, 'duration'], `${why.reason}, so its run time alone there cannot be worked out: ${FALLBACK}`);
  else if (why) scope.ctx.fail([...at, 'reference_device'], `${why.reason}; a job that cannot run on ${name} was not measured there: give the kind its duration was measured on`);
  return { durationS: j.duration, referenceKind };
}

/** A job's `cpu` (cores) and `memory` (bytes) as the template's milli-cores and MiB. */
export function hostRequest(j: { readonly cpu?: number | undefined; readonly memory?: number | undefined }): { cpuMilli?: number; memoryMiB?: number } {
  return {
    ...(j.cpu !== undefined ? { cpuMilli: Math.round(j.cpu * 1000) } : {}),
    ...(j.memory !== undefined ? { memoryMiB: j.memory / 2 ** 20 } : {}),
  };
}

/** The kind a job's `duration` was measured on: `reference_device`, else its one allowed kind. */
export function referenceKindOf(name: string | undefined, allowed: readonly number[] | undefined, path: readonly PathKey[], useKind: UseKind, fail: Fail): number | undefined {
  if (name !== undefined) return useKind(name, path);
  if (allowed && allowed.length === 1) return allowed[0];
  fail(path.slice(0, -1), 'a job given as a `duration` needs `reference_device` (the kind that duration was measured on) unless `device_kinds` names exactly one kind');
  return undefined;
}

function jobWork(
  j: { params?: number | undefined; tokens?: number | undefined; work?: number | undefined; duration?: number | undefined; reference_device?: string | undefined; efficiency?: number | undefined; devices: number; model?: ShapeOverrides | undefined },
  allowed: readonly number[] | undefined,
  at: readonly PathKey[],
  useKind: UseKind,
  kinds: readonly KindInfo[],
  fail: Fail,
  kindRate?: readonly number[],
): number | undefined {
  // `params` alone describes the model (for its communication); the work comes from exactly one of
  // tokens (with params), work, or a duration on a reference kind.
  const forms = [j.tokens !== undefined, j.work !== undefined, j.duration !== undefined].filter(Boolean).length;
  if (forms !== 1) {
    fail(at, forms === 0 ? 'a job needs its work: `params` and `tokens`, or `work` in FLOP, or a `duration` on a reference device kind' : 'give only one of: `tokens` (with `params`), `work`, or `duration`');
    return undefined;
  }
  if (j.work !== undefined) return j.work;
  if (j.duration !== undefined) {
    const ref = referenceKindOf(j.reference_device, allowed, [...at, 'reference_device'], useKind, fail);
    if (ref === undefined) return undefined;
    if (kindRate) {
      const rate = kindRate[ref];
      if (!(rate! > 0)) {
        fail([...at, 'reference_device'], `the job's type has no throughput on ${kinds[ref]!.name}, so a duration measured there means nothing; give a kind its row lists`);
        return undefined;
      }
      return j.duration * j.devices * rate!;
    }
    // The reference kind's rate for the job (an FP8 job's GEMMs at the FP8 rate), as it runs there.
    return j.duration * j.devices * deviceRate({ efficiency: j.efficiency, shape: j.model }, kinds[ref]!.spec, ref);
  }
  if (j.params === undefined) {
    fail(at, `a job given by its tokens needs \`params\` too (work = 6 x params x tokens)${shapeHoldsHint(j.model)}`);
    return undefined;
  }
  // A mixture of experts does the work of the parameters a token passes through (moe.ts).
  return trainingFlop(usefulParamsOf(j.params, j.model), j.tokens!);
}

/**
 * What a model block that gives its layers and width holds, for a job that left `params` out: the
 * count it would have to give (shapeWeights, the output layer counted as the block says), so that a
 * user describing a published shape need not add the matrices up by hand.
 */
function shapeHoldsHint(model: ShapeOverrides | undefined): string {
  if (model?.layers === undefined || model.hidden_size === undefined) return '';
  // With layers and width given, nothing of the shape is derived from params (resolveShape).
  const shape = resolveShape(1, model);
  const w = shapeWeights(shape);
  const tied = tiedEmbeddingsOf(shape);
  return `; the model's shape holds ${billions(tied ? w.tied : w.untied)} weights (${tied ? 'embedding tied' : 'output layer of its own'}): give \`params: ${billions(tied ? w.tied : w.untied)}\` if that is the model`;
}

