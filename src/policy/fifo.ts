// First in, first out, strictly: the head of the line waits for its whole gang and blocks the
// jobs behind it. The simplest queue policy, and the model for writing your own.
import { z } from 'zod';
import type { QueuePolicy } from './types.js';

export const fifo: QueuePolicy<Record<string, never>> = {
  name: 'fifo',
  description: 'First in, first out; the head job blocks the line until all its devices are free (gang scheduling).',
  params: z.strictObject({}),
  create: () => ({
    schedule(ctx) {
      for (const job of ctx.waiting) {
        const placement = ctx.place(job);
        if (!placement) return;
        ctx.start(job, placement);
      }
    },
    // What schedule does above, so the simulator may run the same walk itself (QueueDiscipline.headOfLine).
    headOfLine: true,
  }),
};
