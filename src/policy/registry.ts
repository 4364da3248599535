// One table per kind of decision: adding a policy is one file plus one row here. Parameters are
// validated by each policy's own schema, with errors located in the scenario file.
import { bestFit } from './best-fit.js';
import { easyBackfill } from './easy-backfill.js';
import { fifo } from './fifo.js';
import { fgd } from './fgd.js';
import { dotProduct } from './dot-product.js';
import { gpuClustering } from './gpu-clustering.js';
import { gpuPacking } from './gpu-packing.js';
import { randomFit } from './random-fit.js';
import { firstFit } from './first-fit.js';
import { heterogeneityAware } from './heterogeneity-aware.js';
import { las } from './las.js';
import { maxMinFairness } from './max-min-fairness.js';
import { multifactor } from './multifactor.js';
import { drf } from './drf.js';
import { priority } from './priority.js';
import { siteAware } from './site-aware.js';
import { sjf } from './sjf.js';
import { spread } from './spread.js';
import { topologyAware } from './topology-aware.js';
import type { PlacementPolicy, Placer, PolicyOrigin, PoolFacts, QueueDiscipline, QueuePolicy } from './types.js';
import type { ResolvedBalancer } from './balancers/registry.js';
import type { PolicyRef } from '../scenario/schema.js';
import { InputError, zodIssues, type InputIssue, type PathKey, SourceMap } from '../scenario/errors.js';
import { suggestName } from '../scenario/did-you-mean.js';
import { isModuleName, unloadedModuleMessage } from './module-name.js';

export const QUEUE_POLICIES: ReadonlyMap<string, QueuePolicy<never>> = new Map<string, QueuePolicy<never>>([
  [fifo.name, fifo as QueuePolicy<never>],
  [sjf.name, sjf as QueuePolicy<never>],
  [priority.name, priority as QueuePolicy<never>],
  [las.name, las as QueuePolicy<never>],
  [easyBackfill.name, easyBackfill as QueuePolicy<never>],
  [multifactor.name, multifactor as QueuePolicy<never>],
  [drf.name, drf as QueuePolicy<never>],
  [maxMinFairness.name, maxMinFairness as QueuePolicy<never>],
]);

export const PLACEMENT_POLICIES: ReadonlyMap<string, PlacementPolicy<never>> = new Map<string, PlacementPolicy<never>>([
  [firstFit.name, firstFit as PlacementPolicy<never>],
  [bestFit.name, bestFit as PlacementPolicy<never>],
  [spread.name, spread as PlacementPolicy<never>],
  [topologyAware.name, topologyAware as PlacementPolicy<never>],
  [heterogeneityAware.name, heterogeneityAware as PlacementPolicy<never>],
  [siteAware.name, siteAware as PlacementPolicy<never>],
  [fgd.name, fgd as PlacementPolicy<never>],
  [gpuPacking.name, gpuPacking as PlacementPolicy<never>],
  [randomFit.name, randomFit as PlacementPolicy<never>],
  [dotProduct.name, dotProduct as PlacementPolicy<never>],
  [gpuClustering.name, gpuClustering as PlacementPolicy<never>],
]);

/** Preemption policies (whom to suspend for whom) live in their own table, named by preemptive queue policies' `victims`. */
export { PREEMPTION_POLICIES } from './preemption-registry.js';

export interface ResolvedPolicies {
  queue: QueueDiscipline;
  placer: Placer;
  queueName: string;
  placementName: string;
  /** Parameters legal but likely not meant on this pool (PolicyDefinition.warnPool), located. */
  warnings?: readonly InputIssue[];
  /** Both are built-in policies: no watchdog needed (a plug-in might never return). */
  builtIn?: boolean;
  /**
   * Set where the queue (placement) policy is a plug-in: its role and file, so that an error the
   * simulator raises about it (a livelock guard, a decision that breaks the rules) names the file,
   * as the plug-in's own guard does (`queue policy 'x' (./x.mjs)`).
   */
  queueOrigin?: PolicyOrigin;
  placementOrigin?: PolicyOrigin;
  /**
   * Each inference service's load balancer, by service index, resolved with the policies (so that
   * `validate` resolves them as `run` does). Absent: the simulator resolves the scenario's by name.
   */
  balancers?: readonly ResolvedBalancer[];
}

/** Instantiate the named policies with validated parameters. Throws InputError naming the field. */
export function resolvePolicies(
  queueRef: PolicyRef,
  placementRef: PolicyRef,
  options: {
    src?: SourceMap;
    /** Where the placement reference was written, when not in the same file (a CLI option). */
    placementSrc?: SourceMap;
    extraQueue?: ReadonlyMap<string, QueuePolicy<never>>;
    extraPlacement?: ReadonlyMap<string, PlacementPolicy<never>>;
    /** The pool the policies will run on: parameters it cannot honour are refused (`checkPool`). */
    pool?: PoolFacts;
  } = {},
): ResolvedPolicies {
  const src = options.src ?? new SourceMap('<scenario>', undefined, undefined);
  const issues: InputIssue[] = [];
  const queueDefs = new Map([...QUEUE_POLICIES, ...(options.extraQueue ?? [])]);
  const placementDefs = new Map([...PLACEMENT_POLICIES, ...(options.extraPlacement ?? [])]);
  const warnings: InputIssue[] = [];
  const queue = instantiate(queueDefs, queueRef, ['policy'], src, issues, options.pool, warnings);
  const placer = instantiate(placementDefs, placementRef, ['placement'], options.placementSrc ?? src, issues, options.pool, warnings);
  if (issues.length > 0 || !queue || !placer) throw new InputError(issues);
  // A plug-in is referred to by its file but known by its own name (in result files and messages).
  const builtIn = !options.extraQueue?.has(queueRef.name) && !options.extraPlacement?.has(placementRef.name);
  return {
    queue,
    placer,
    queueName: queueDefs.get(queueRef.name)!.name,
    placementName: placementDefs.get(placementRef.name)!.name,
    builtIn,
    ...(warnings.length > 0 ? { warnings } : {}),
    ...(options.extraQueue?.has(queueRef.name) ? { queueOrigin: { role: 'queue policy', file: queueRef.name } } : {}),
    ...(options.extraPlacement?.has(placementRef.name) ? { placementOrigin: { role: 'placement policy', file: placementRef.name } } : {}),
  };
}

function instantiate<T>(
  defs: ReadonlyMap<
    string,
    {
      name: string;
      params: import('zod').ZodType<unknown>;
      create(p: never): T;
      checkPool?(p: never, pool: PoolFacts): { path: readonly PathKey[]; message: string } | undefined;
      warnPool?(p: never, pool: PoolFacts): readonly { path: readonly PathKey[]; message: string }[];
    }
  >,
  ref: PolicyRef,
  path: PathKey[],
  src: SourceMap,
  issues: InputIssue[],
  pool: PoolFacts | undefined,
  warnings: InputIssue[] = [],
): T | undefined {
  const def = defs.get(ref.name);
  if (!def && isModuleName(ref.name)) {
    issues.push(src.issue(path, unloadedModuleMessage(ref.name, path[0] === 'policy' ? 'queue policy' : 'placement policy')));
    return undefined;
  }
  if (!def) {
    const builtIn = [...defs.keys()].filter((k) => !isModuleName(k));
    const guess = suggestName(ref.name, builtIn);
    issues.push(
      src.issue(
        path,
        `unknown policy '${ref.name}'${guess ? ` (did you mean '${guess}'?)` : `; expected one of: ${builtIn.join(', ')}, or a module file (./my-policy.mjs)`}`,
      ),
    );
    return undefined;
  }
  const parsed = def.params.safeParse(ref.params);
  if (!parsed.success) {
    // zodIssues reads offending values at the full path, so the parameters sit under it.
    const at = [...path, 'params'];
    const data = at.reduceRight<unknown>((inner, key) => ({ [key]: inner }), ref.params);
    issues.push(...zodIssues(parsed.error.issues, src, def.params, data, at));
    return undefined;
  }
  const refused = pool ? def.checkPool?.(parsed.data as never, pool) : undefined;
  if (refused) {
    issues.push(src.issue([...path, 'params', ...refused.path], refused.message));
    return undefined;
  }
  for (const w of pool ? (def.warnPool?.(parsed.data as never, pool) ?? []) : []) warnings.push(src.issue([...path, 'params', ...w.path], w.message));
  return def.create(parsed.data as never);
}

export { isModuleName } from './module-name.js';
