// Priority classes: higher `priority` first, FIFO within a class. Optionally preemptive: a job that
// cannot be placed suspends strictly lower-priority running jobs chosen by a preemption policy
// (they pay the scenario's checkpoint and restore times).
import { z } from 'zod';
import { victimsSchema } from './preemption-registry.js';
import { bySubmission, startInOrder, waitingSnapshot } from './ordered-pass.js';
import type { JobView, QueuePolicy } from './types.js';

const paramsSchema = z.strictObject({
  preemptive: z.boolean().default(false).describe('suspend lower-priority running jobs when a higher-priority job cannot be placed'),
  victims: victimsSchema('lowest-priority'),
  strict: z.boolean().default(true).describe('the first job that cannot start blocks the rest (default); false: lower jobs that fit may start'),
});

export const priority: QueuePolicy<z.output<typeof paramsSchema>> = {
  name: 'priority',
  description: 'Priority classes: higher priority first, FIFO within a class; with preemptive: true, suspends strictly lower-priority running jobs (victims chosen by a preemption policy).',
  params: paramsSchema,
  create: (params) => ({
    schedule(ctx) {
      const byPriority = (a: JobView, b: JobView): number => b.priority - a.priority || bySubmission(a, b);
      const order = waitingSnapshot(ctx).sort(byPriority);
      startInOrder(ctx, order, {
        strict: params.strict,
        ...(params.preemptive
          ? {
              preempt: {
                preemptor: params.victims,
                eligible: (job: JobView) => ctx.running.filter((r) => r.state === 'running' && r.priority < job.priority).sort((a, b) => byPriority(b, a)),
              },
            }
          : {}),
      });
    },
  }),
};
