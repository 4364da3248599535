// Weighted by capacity: smooth weighted round-robin (nginx's algorithm) with each replica's decode
// capacity as its weight, so a replica twice as fast gets twice the requests, evenly interleaved.
import { z } from 'zod';
import { defineLoadBalancer } from './define.js';

export const weightedCapacity = defineLoadBalancer({
  name: 'weighted',
  description: "Smooth weighted round-robin (nginx) with each replica's full-batch decode throughput as its weight.",
  params: z.strictObject({}),
  create() {
    // Current weights by replica id (replicas come and go under autoscaling).
    const current = new Map<number, number>();
    return {
      route(_req, ctx) {
        const rs = ctx.replicas;
        let total = 0;
        let best = 0;
        let bestW = -Infinity;
        for (let i = 0; i < rs.length; i++) {
          const r = rs[i]!;
          const w = (current.get(r.id) ?? 0) + r.capacityTokensPerS;
          current.set(r.id, w);
          total += r.capacityTokensPerS;
          if (w > bestW) {
            bestW = w;
            best = i;
          }
        }
        current.set(rs[best]!.id, bestW - total);
        if (current.size > 2 * rs.length) {
          const live = new Set(rs.map((r) => r.id));
          for (const id of [...current.keys()]) if (!live.has(id)) current.delete(id);
        }
        return best;
      },
    };
  },
});
