// A plug-in load balancer, wrapped: it sees read-only views of the request and the replicas, the
// service's seeded stream, and its answer is checked; whatever it gets wrong stops the run under its name.
import { isThenable, refuseAsync } from '../guard-policies.js';
import type { PluginGuard } from '../plugin-guard.js';
import type { BalancerContext, LoadBalancer } from './types.js';

export function guardBalancer(guard: PluginGuard, balancer: LoadBalancer): LoadBalancer {
  const views = guard.views;
  let raw: BalancerContext | undefined;
  let view: BalancerContext | undefined;
  return {
    route(request, ctx) {
      // The service passes the same context every time (its fields are live), so its view is made once.
      if (ctx !== raw) {
        raw = ctx;
        view = Object.freeze({
          get nowS() {
            return ctx.nowS;
          },
          get replicas() {
            return views.view(ctx.replicas, 'ctx.replicas');
          },
          get random() {
            return ctx.random;
          },
        });
      }
      const i = guard.call(ctx.nowS, undefined, () => balancer.route(views.view(request, 'request'), view!));
      if (isThenable(i)) refuseAsync(guard, i, 'route');
      const n = ctx.replicas.length;
      if (!(Number.isInteger(i) && i >= 0 && i < n)) guard.fail(`route() returned ${String(i)}, not an index into its ${n} replicas`);
      return i;
    },
  };
}
