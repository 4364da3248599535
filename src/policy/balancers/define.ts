// Typed helper for a load balancer in a file of your own (a plug-in): returns its argument, giving
// `create` its parameters' type inferred from the zod schema. `export default defineLoadBalancer({...})`.
import type { z } from 'zod';
import type { LoadBalancer, LoadBalancerPolicy } from './types.js';

export function defineLoadBalancer<S extends z.ZodType>(def: {
  readonly name: string;
  readonly description: string;
  readonly params: S;
  create(params: z.output<S>): LoadBalancer;
}): LoadBalancerPolicy<z.output<S>> {
  return def as LoadBalancerPolicy<z.output<S>>;
}
