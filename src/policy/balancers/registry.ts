// The load balancers by name: adding one is one file plus one row here. Parameters are validated
// by each balancer's own schema, with errors located at `services[i].balancer.params`.
import { InputError, SourceMap, zodIssues, type PathKey } from '../../scenario/errors.js';
import { suggestName } from '../../scenario/did-you-mean.js';
import type { PolicyRef } from '../../scenario/schema.js';
import { isModuleName, unloadedModuleMessage } from '../module-name.js';
import { cacheAware } from './cache-aware.js';
import { latencyAware } from './latency-aware.js';
import { leastOutstanding } from './least-outstanding.js';
import { powerOfTwo } from './power-of-two.js';
import { randomBalancer } from './random.js';
import { roundRobin } from './round-robin.js';
import type { LoadBalancer, LoadBalancerPolicy } from './types.js';
import { weightedCapacity } from './weighted.js';

export const LOAD_BALANCERS: ReadonlyMap<string, LoadBalancerPolicy<never>> = new Map<string, LoadBalancerPolicy<never>>([
  [roundRobin.name, roundRobin as LoadBalancerPolicy<never>],
  [randomBalancer.name, randomBalancer as LoadBalancerPolicy<never>],
  [leastOutstanding.name, leastOutstanding as LoadBalancerPolicy<never>],
  [powerOfTwo.name, powerOfTwo as LoadBalancerPolicy<never>],
  [weightedCapacity.name, weightedCapacity as LoadBalancerPolicy<never>],
  [latencyAware.name, latencyAware as LoadBalancerPolicy<never>],
  [cacheAware.name, cacheAware as LoadBalancerPolicy<never>],
]);

/** A service's balancer, ready to route, and the name results show. */
export interface ResolvedBalancer {
  balancer: LoadBalancer;
  name: string;
}

/** Instantiate a balancer; `extra` holds plug-ins loaded by the caller. Throws InputError naming the field. */
export function resolveBalancer(
  ref: PolicyRef,
  path: readonly PathKey[],
  src: SourceMap = new SourceMap('<scenario>', undefined, undefined),
  extra: ReadonlyMap<string, LoadBalancerPolicy<never>> = new Map(),
): ResolvedBalancer {
  const defs = new Map([...LOAD_BALANCERS, ...extra]);
  const def = defs.get(ref.name);
  if (!def && isModuleName(ref.name)) throw new InputError([src.issue(path, unloadedModuleMessage(ref.name, 'load balancer'))]);
  if (!def) {
    const known = [...defs.keys()];
    const builtIn = known.filter((k) => !isModuleName(k));
    const guess = suggestName(ref.name, builtIn);
    throw new InputError([
      src.issue(path, `unknown load balancer '${ref.name}'${guess ? ` (did you mean '${guess}'?)` : `; expected one of: ${builtIn.join(', ')}, or a module file (./my-balancer.mjs)`}`),
    ]);
  }
  const parsed = def.params.safeParse(ref.params);
  if (!parsed.success) {
    const at = [...path, 'params'];
    const data = at.reduceRight<unknown>((inner, key) => ({ [key]: inner }), ref.params);
    throw new InputError(zodIssues(parsed.error.issues, src, def.params, data, at));
  }
  return { balancer: def.create(parsed.data as never), name: def.name };
}
