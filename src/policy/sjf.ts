// Shortest job first on the predicted remaining run time (alone, on the fastest allowed kind).
// Non-preemptive. By default a long job that does not fit lets shorter ones behind it start.
import { z } from 'zod';
import { bySubmission, startInOrder, waitingSnapshot } from './ordered-pass.js';
import type { JobView, QueuePolicy } from './types.js';

const paramsSchema = z.strictObject({
  strict: z.boolean().default(false).describe('the first job in order that cannot start blocks the rest (gang-FIFO style); default: later jobs that fit may start'),
});

export const sjf: QueuePolicy<z.output<typeof paramsSchema>> = {
  name: 'sjf',
  description: 'Shortest job first: waiting jobs in order of predicted remaining run time (alone, on the fastest allowed kind), submission order on ties.',
  params: paramsSchema,
  create: (params) => ({
    schedule(ctx) {
      const order = waitingSnapshot(ctx).sort((a, b) => remainingRuntimeS(a) - remainingRuntimeS(b) || bySubmission(a, b));
      startInOrder(ctx, order, { strict: params.strict });
    },
  }),
};

/** Predicted run time of the work still to do (a preempted job has done part of it). */
export const remainingRuntimeS = (j: JobView): number => (j.usefulFlop > 0 ? (j.predictedRuntimeS * j.remainingFlop) / j.usefulFlop : 0);
