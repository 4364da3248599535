// Random: each request to a replica drawn uniformly from the service's seeded stream.
import { z } from 'zod';
import { defineLoadBalancer } from './define.js';

export const randomBalancer = defineLoadBalancer({
  name: 'random',
  description: 'Each request to a serving replica chosen uniformly at random (seeded).',
  params: z.strictObject({}),
  create() {
    return { route: (_req, ctx) => ctx.random.int(ctx.replicas.length) };
  },
});
