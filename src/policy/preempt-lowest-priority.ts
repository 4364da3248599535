// Preempt the lowest-priority jobs first, and as few of them as possible: within a priority, the
// largest gangs first; across kinds, the set whose most important victim is least important, then
// the fewest victims.
import { z } from 'zod';
import { chooseVictims } from './victim-selection.js';
import type { PreemptionPolicy } from './types.js';

export const lowestPriority: PreemptionPolicy<Record<string, never>> = {
  name: 'lowest-priority',
  description: 'Lowest priority first, then the largest gangs (fewest victims), then the most recently submitted; the kind whose victims are least important and fewest.',
  params: z.strictObject({}),
  create: () => ({
    victims(job, ctx, eligible) {
      const order = [...eligible].sort((a, b) => a.priority - b.priority || b.devices - a.devices || b.submitS - a.submitS || b.id - a.id);
      return chooseVictims(job, ctx, order, (vs) => [Math.max(...vs.map((v) => v.priority)), vs.length]);
    },
  }),
};
