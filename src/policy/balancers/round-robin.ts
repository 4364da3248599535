// Round-robin: each request to the next serving replica in turn. The tutorial balancer.
import { z } from 'zod';
import { defineLoadBalancer } from './define.js';

export const roundRobin = defineLoadBalancer({
  name: 'round-robin',
  description: 'Each request to the next serving replica in turn (by replica id), ignoring load.',
  params: z.strictObject({}),
  create() {
    let lastId = -1;
    return {
      route(_req, ctx) {
        // Follow ids, not positions, so that replicas joining or leaving do not skip or repeat others.
        const rs = ctx.replicas;
        for (let i = 0; i < rs.length; i++) {
          if (rs[i]!.id > lastId) {
            lastId = rs[i]!.id;
            return i;
          }
        }
        lastId = rs[0]!.id;
        return 0;
      },
    };
  },
});
