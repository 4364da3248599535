// Preempt in the queue policy's own order (least important first): for least-attained-service that
// is the lowest queue, most attained service first, as Tiresias does.
import { z } from 'zod';
import { chooseVictims } from './victim-selection.js';
import type { PreemptionPolicy } from './types.js';

export const policyOrder: PreemptionPolicy<Record<string, never>> = {
  name: 'policy-order',
  description: "In the queue policy's order of importance, least important first; the kind whose victims are least important, then fewest.",
  params: z.strictObject({}),
  create: () => ({
    victims(job, ctx, eligible) {
      const rank = new Map(eligible.map((v, i) => [v, i]));
      return chooseVictims(job, ctx, eligible, (vs) => [-Math.min(...vs.map((v) => rank.get(v)!)), vs.length]);
    },
  }),
};
