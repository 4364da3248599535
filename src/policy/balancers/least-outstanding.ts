// Least outstanding requests (join the shortest queue): the replica with the fewest requests queued
// or running; ties to the lowest id.
import { z } from 'zod';
import { defineLoadBalancer } from './define.js';

export const leastOutstanding = defineLoadBalancer({
  name: 'least-outstanding',
  description: 'The replica with the fewest outstanding requests (queued + running); ties to the lowest id.',
  params: z.strictObject({}),
  create() {
    return {
      route(_req, ctx) {
        const rs = ctx.replicas;
        let best = 0;
        let bestOut = rs[0]!.outstanding;
        for (let i = 1; i < rs.length; i++) {
          const o = rs[i]!.outstanding;
          if (o < bestOut) {
            best = i;
            bestOut = o;
          }
        }
        return best;
      },
    };
  },
});
