// Preempt the jobs that have done the smallest fraction of their work first: they lose the least
// relative progress to the checkpoint/restore pause and are furthest from finishing.
import { z } from 'zod';
import { chooseVictims, progressOf } from './victim-selection.js';
import type { PreemptionPolicy } from './types.js';

export const leastProgress: PreemptionPolicy<Record<string, never>> = {
  name: 'least-progress',
  description: 'Smallest fraction of work done first (then the largest gangs); the kind needing the fewest victims.',
  params: z.strictObject({}),
  create: () => ({
    victims(job, ctx, eligible) {
      const order = [...eligible].sort((a, b) => progressOf(a) - progressOf(b) || b.devices - a.devices || b.id - a.id);
      return chooseVictims(job, ctx, order, (vs) => [vs.length, vs.reduce((s, v) => s + v.devices, 0)]);
    },
  }),
};
