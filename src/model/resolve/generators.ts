// A workload's generator: checked as each job it can draw would be, then handed to the simulator,
// which draws its jobs as the run goes.
import { maxOf, type Distribution } from '../../scenario/distribution.js';
import { shareAbove } from '../draw-share.js';
import { warnClampDominance } from '../clamp-dominance.js';
import { checkGenerator } from '../training-fit.js';
import type { PathKey } from '../../scenario/errors.js';
import type { GeneratorSpec } from '../../scenario/schema.js';
import { formatCount, formatDuration } from '../../units/units.js';
import { countOf } from '../../units/count-noun.js';
import type { Fail } from './context.js';
import { referenceKindOf } from './listed-jobs.js';
import { checkGeneratorReference } from './reference-fit.js';
import type { GeneratorSource } from './types.js';
import type { WorkloadScope } from './workload-scope.js';

/** The generator of workload `wi`; undefined when its kinds or job type are refused. */
export function resolveGenerator(g: GeneratorSpec, wi: number, scope: WorkloadScope): GeneratorSource | undefined {
  const { scenario, book, checks } = scope;
  const { fail, warn } = scope.ctx;
  const kinds = book.kinds;
  const at: PathKey[] = ['workloads', wi, 'generator'];
  const queue = scope.queueOf(g.queue, at);
  const given = g.device_kinds?.map((k, ki) => book.useKind(k, [...at, 'device_kinds', ki]));
  if (given?.some((k) => k === undefined)) return undefined;
  const speed = scope.typed(g.job_type, given as number[] | undefined, g.efficiency, at, g.params !== undefined);
  if (speed === false) return undefined;
  const allowed = speed ? speed.allowedKinds : given;
  const allowedList = allowed as number[] | undefined;
  tooBigDraws(g.devices, scope.capacityOf(allowedList), allowedList ? allowedList.map((k) => kinds[k]!.name).join(', ') : 'any kind', [...at, 'devices'], fail, warn);
  warnClampDominance(g.devices, [...at, 'devices'], warn);
  warnClampDominance(g.duration, [...at, 'duration'], warn, formatDuration);
  warnClampDominance(g.params, [...at, 'params'], warn, formatCount);
  warnClampDominance(g.tokens, [...at, 'tokens'], warn, formatCount);
  warnClampDominance(g.priority, [...at, 'priority'], warn);
  if (g.until !== undefined && g.until <= g.start) {
    warn([...at, 'until'], `until (${formatDuration(g.until)}) is not after start (${formatDuration(g.start)}): this generator submits no job`);
  } else if (scenario.horizon !== undefined && g.start >= scenario.horizon) {
    warn([...at, 'start'], `start (${formatDuration(g.start)}) is not before the horizon (${formatDuration(scenario.horizon)}): this generator submits no job`);
  }
  if (g.count === undefined && g.until === undefined && scenario.horizon === undefined) {
    fail(at, 'a generator needs `count` or `until` (or the scenario a `horizon`), or it would never stop');
  }
  if (g.arrival.process === 'poisson' && (g.arrival.rate === undefined) === (g.arrival.mean_interval === undefined)) {
    fail([...at, 'arrival'], 'a poisson arrival needs exactly one of `rate` (e.g. 10/h) or `mean_interval` (e.g. 6min)');
  }
  const hasDuration = g.duration !== undefined;
  if (hasDuration === (g.tokens !== undefined) || (g.tokens !== undefined && g.params === undefined)) {
    fail(at, 'a generator needs either `duration` (run time on a reference device kind) or both `params` and `tokens`');
  }
  let referenceKind: number | undefined;
  if (hasDuration) {
    referenceKind = referenceKindOf(g.reference_device, allowed as number[] | undefined, [...at, 'reference_device'], book.useKind, fail);
    if (speed && referenceKind !== undefined && !(speed.kindRate[referenceKind]! > 0)) {
      fail([...at, 'reference_device'], `job type '${g.job_type}' has no throughput on ${kinds[referenceKind]!.name}, so a duration measured there means nothing; give a kind its row lists`);
    }
    // Where the step model times its jobs, the reference kind must be able to run them alone.
    if (referenceKind !== undefined && !speed && scenario.network === 'flow') checkGeneratorReference(g, g.name ?? `workloads[${wi}]`, referenceKind, kinds[referenceKind]!.name, allowedList, checks.fitPool, at, fail, warn);
  }
  checks.efficiencyWithFp8(g, at);
  checks.fp8ParamsWithFp8(g, at);
  checks.eagerKernels(g, at);
  checks.headDimWithMla(g, at);
  checks.opRecomputeApplies(g, at);
  checks.generatorParamsMatchShape(g.params, g.model, [...at, 'params']);
  checks.extrapolatedShapes(g.params, g, at);
  checkGenerator(g, allowed as number[] | undefined, checks.fitPool, checks.reportAt(at)); // model/training-fit.ts
  return { name: g.name ?? `workloads[${wi}]`, spec: g, allowedKinds: allowed as number[] | undefined, referenceKind, ...(queue !== undefined ? { queue } : {}), ...(speed ? { kindRate: speed.kindRate } : {}) };
}

/**
 * A generator whose device counts can exceed what the pool has of one kind makes jobs that are
 * rejected when drawn: every one of them is refused here, as a listed job that big is; a share of
 * them is warned with that share, since a run would otherwise only count them as rejected. An
 * unbounded distribution's remote tail (below 1 in 10,000 draws) is not worth a line.
 */
function tooBigDraws(
  devices: Distribution,
  capacity: number,
  kindList: string,
  at: readonly PathKey[],
  fail: Fail,
  warn: Fail,
): void {
  if (!(capacity > 0)) return; // no kind to run on: said where the kinds are
  const over = shareAbove(devices, capacity);
  const unbounded = maxOf(devices) === Infinity;
  if (over >= 1) {
    fail(at, `every job it generates needs more than the ${countOf(capacity, 'device')} of one kind (${kindList}) the pool has at most; none could ever start`);
  } else if (over > 0 && (!unbounded || over >= 1e-4)) {
    const share = over >= 0.995 ? '>99%' : `${Number((100 * over).toPrecision(2))}%`;
    warn(at, `${unbounded ? 'about ' : ''}${share} of the jobs it generates will need more than the ${countOf(capacity, 'device')} of one kind (${kindList}) the pool has at most, and be rejected when drawn`);
  }
}
