// Priority classes: higher `priority` first, FIFO within a class. Optionally preemptive: a job that
// cannot be placed suspends strictly lower-priority running jobs chosen by a preemption policy
// (they pay the scenario's checkpoint and restore times).
import { z } from 'zod';
import { victimsSchema } from './preemption-registry.js';
import { bySubmission, startInOrder } from './ordered-pass.js';
import type { JobView, QueuePolicy } from './types.js';
import { WaitingIndex } from './waiting-index.js';

const paramsSchema = z.strictObject({
  preemptive: z.boolean().default(false).describe('suspend lower-priority running jobs when a higher-priority job cannot be placed'),
  victims: victimsSchema('lowest-priority'),
  strict: z.boolean().default(true).describe('the first job that cannot start blocks the rest (default); false: lower jobs that fit may start'),
});

export const priority: QueuePolicy<z.output<typeof paramsSchema>> = {
  name: 'priority',
  description: 'Priority classes: higher priority first, FIFO within a class; with preemptive: true, suspends strictly lower-priority running jobs (victims chosen by a preemption policy).',
  params: paramsSchema,
  create: (params) => {
    const byPriority = (a: JobView, b: JobView): number => b.priority - a.priority || bySubmission(a, b);
    // Classes are ranked by minus the priority, so that the highest priority goes first.
    const index = new WaitingIndex(
      (j) => -j.priority,
      () => 0, // FIFO within a class
    );
    return {
      schedule(ctx) {
        index.update(ctx);
        // Per job priority, devices per kind of the running jobs of lower priority (this pass).
        const eligibleByPriority = new Map<number, number[]>();
        startInOrder(ctx, index, {
          strict: params.strict,
          ...(params.preemptive
            ? {
                preempt: {
                  preemptor: params.victims,
                  eligible: (job: JobView) => ctx.running.filter((r) => r.state === 'running' && r.priority < job.priority).sort((a, b) => byPriority(b, a)),
                  eligibleDevices: (rank: number, kind: number) => {
                    let perKind = eligibleByPriority.get(rank);
                    if (!perKind) {
                      perKind = ctx.cluster.kinds.map(() => 0);
                      for (const r of ctx.running) if (r.state === 'running' && r.priority < -rank && r.placement) perKind[r.placement.kind]! += r.devices;
                      eligibleByPriority.set(rank, perKind);
                    }
                    return perKind[kind]!;
                  },
                },
              }
            : {}),
        });
      },
    };
  },
};
