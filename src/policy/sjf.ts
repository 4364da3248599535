// Shortest job first on the predicted remaining run time (alone, on the fastest allowed kind).
// Non-preemptive. By default a long job that does not fit lets shorter ones behind it start.
import { z } from 'zod';
import { startInOrder } from './ordered-pass.js';
import type { JobView, QueuePolicy } from './types.js';
import { WaitingIndex } from './waiting-index.js';

const paramsSchema = z.strictObject({
  strict: z.boolean().default(false).describe('the first job in order that cannot start blocks the rest (gang-FIFO style); default: later jobs that fit may start'),
});

export const sjf: QueuePolicy<z.output<typeof paramsSchema>> = {
  name: 'sjf',
  description: 'Shortest job first: waiting jobs in order of predicted remaining run time (alone, on the fastest allowed kind), submission order on ties.',
  params: paramsSchema,
  create: (params) => {
    // A waiting job's remaining run time does not change, so the order is kept across passes.
    const index = new WaitingIndex(() => 0, remainingRuntimeS);
    return {
      schedule(ctx) {
        index.update(ctx);
        startInOrder(ctx, index, { strict: params.strict });
      },
    };
  },
};

/** Predicted run time of the work still to do (a preempted job has done part of it). */
export const remainingRuntimeS = (j: JobView): number => (j.usefulFlop > 0 ? (j.predictedRuntimeS * j.remainingFlop) / j.usefulFlop : 0);
