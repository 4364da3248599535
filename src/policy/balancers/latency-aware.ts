// Latency-aware: the nearest data centre (by the request's region latency) first, the least
// loaded replica there; spill over to the next-nearest site when even that replica has more than
// `spill_queue` requests waiting. When every site is past the threshold, the least loaded overall.
import { z } from 'zod';
import { defineLoadBalancer } from './define.js';

export const latencyAware = defineLoadBalancer({
  name: 'latency-aware',
  description: 'Nearest site first (least outstanding replica there); spill to the next-nearest when its queue exceeds `spill_queue`.',
  params: z.strictObject({ spill_queue: z.number().int().nonnegative().default(4) }),
  create({ spill_queue }) {
    return {
      route(req, ctx) {
        const rs = ctx.replicas;
        const lat = req.latencyS;
        // Best replica per site, then sites by latency (ties by data centre index).
        const bestAt = new Map<number, number>();
        let overall = 0;
        for (let i = 0; i < rs.length; i++) {
          const r = rs[i]!;
          const cur = bestAt.get(r.datacentre);
          if (cur === undefined || r.outstanding < rs[cur]!.outstanding) bestAt.set(r.datacentre, i);
          if (r.outstanding < rs[overall]!.outstanding) overall = i;
        }
        const sites = [...bestAt.keys()].sort((a, b) => (lat[a] ?? 0) - (lat[b] ?? 0) || a - b);
        for (const dc of sites) {
          const i = bestAt.get(dc)!;
          if (rs[i]!.queued <= spill_queue) return i;
        }
        return overall;
      },
    };
  },
});
