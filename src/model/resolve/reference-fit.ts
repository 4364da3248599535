// A job given as a `duration` on a reference kind, with the model the step model times (params,
// network: flow, no job type): the run turns the duration into work at the job's rate alone on that
// kind (Simulation.durationWork). Where the kind cannot run the job alone, that rate does not exist
// and the run falls back to peak x efficiency there, which the step model then runs longer than the
// duration says. Said here, for listed jobs and for every (devices, params) pair a generator can draw.
import { maxOf } from '../../scenario/distribution.js';
import type { PathKey } from '../../scenario/errors.js';
import type { GeneratorSpec } from '../../scenario/schema.js';
import { shareAbove } from '../draw-share.js';
import type { ShapeOverrides } from '../job.js';
import { describeMisfits, fitTrainingJob, supportOf, type FitModel, type PoolKind } from '../training-fit.js';
import type { Fail } from './context.js';
import { countOf } from '../../units/count-noun.js';

/** Why the pool's `ref` devices cannot run `model` alone: too few of them, or no layout of them holds it in memory. Undefined when they can. */
export function referenceMisfit(pool: readonly PoolKind[], ref: number, refName: string, model: FitModel): { tooFew: boolean; reason: string } | undefined {
  const kind = pool.find((k) => k.index === ref);
  const have = kind?.totalDevices ?? 0;
  if (have < model.devices) return { tooFew: true, reason: `the pool has ${countOf(have, `${refName} device`)}, fewer than the job's ${model.devices}` };
  const fit = fitTrainingJob(model, [kind!]);
  // The model's own problems (heads, depth) are refused where the job's fit is checked.
  if (fit.problems.length > 0 || fit.fitting.length > 0) return undefined;
  return { tooFew: false, reason: `the model fits no layout of ${countOf(model.devices, `${refName} device`)}: ${describeMisfits(fit)}` };
}

export const FALLBACK = 'its work is the duration x devices x peak x efficiency there instead, and the step model (communication, memory-bound kernels) runs it longer than the duration';

/**
 * A generator's duration measured on `ref`: each (devices, params) pair it can draw (fixed and
 * empirical sizes) that some kind of the pool runs but whose reference devices cannot run alone is
 * named with its reason; every such pair failing for memory is refused at `reference_device` when the model is what does not fit (a job that cannot run
 * on the kind was not measured there), warned otherwise. Continuous device counts are warned by the
 * share of draws above what the pool has of the kind; continuous model sizes are not enumerable.
 */
export function checkGeneratorReference(g: GeneratorSpec, name: string, ref: number, refName: string, allowed: readonly number[] | undefined, pool: readonly PoolKind[], at: readonly PathKey[], fail: Fail, warn: Fail): void {
  if (g.params === undefined) return;
  const devices = supportOf(g.devices)?.map((d) => Math.max(1, Math.round(d)));
  const params = supportOf(g.params);
  if (!devices) {
    const have = pool.find((k) => k.index === ref)?.totalDevices ?? 0;
    const over = shareAbove(g.devices, have);
    if (over > 0 && (maxOf(g.devices) < Infinity || over >= 1e-4)) {
      warn([...at, 'reference_device'], `generator '${name}': about ${Number((100 * over).toPrecision(2))}% of the jobs it generates need more than the pool's ${have} ${refName} devices, so their run time alone there cannot be worked out: ${FALLBACK}`);
    }
    return;
  }
  if (!params) return;
  const ds = [...new Set(devices)];
  const ps = [...new Set(params)];
  if (ds.length * ps.length > 10_000) return;
  const misfits: string[] = [];
  let memory = 0;
  let pairs = 0;
  for (const d of ds) {
    const candidates = pool.filter((k) => k.totalDevices >= d && (allowed === undefined || allowed.includes(k.index)));
    for (const p of ps) {
      const model = { devices: d, params: p, shape: g.model as ShapeOverrides | undefined, efficiency: g.efficiency };
      // A pair no kind of the pool can run is rejected when drawn (checkGenerator says so).
      if (fitTrainingJob(model, candidates).fitting.length === 0) continue;
      pairs++;
      const why = referenceMisfit(pool, ref, refName, model);
      if (!why) continue;
      if (!why.tooFew) memory++;
      misfits.push(`${p / 1e9}B parameters on ${d} device${d === 1 ? '' : 's'} (${why.reason})`);
    }
  }
  if (misfits.length === 0) return;
  const list = misfits.slice(0, 3).join('; ') + (misfits.length > 3 ? `; and ${misfits.length - 3} more` : '');
  if (memory === pairs) {
    fail([...at, 'reference_device'], `generator '${name}': no job it can generate fits ${refName}'s memory, so none can have run its duration there: ${list}; give the kind the durations were measured on`);
    return;
  }
  warn([...at, 'reference_device'], `generator '${name}': ${misfits.length} of the ${pairs} (devices, params) pairs it can draw that the pool can run cannot run alone on the reference kind, so their run time alone there cannot be worked out: ${list}; ${FALLBACK}`);
}
