// A queue policy written outside poolsim: higher priority first and, within a priority, the job
// that needs the fewest devices first (ties: submission order). With `max_skips`, a job that has
// been overtaken that many times goes first in its class, so large jobs are not starved forever.
// Run it: npx poolsim run scenarios/quickstart.yaml --policy ./examples/policies/smallest-first-within-priority.mjs
import { defineQueuePolicy, z } from 'poolsim';

export default defineQueuePolicy({
  name: 'smallest-first-within-priority',
  description: 'Higher priority first; within a priority, fewest devices first; a job overtaken max_skips times goes first in its class.',
  params: z.strictObject({
    max_skips: z.number().int().positive().default(50).describe('times a job may be overtaken before it goes first in its class'),
  }),
  create(params) {
    const skips = new Map(); // job id -> times overtaken
    return {
      schedule(ctx) {
        const starved = (job) => (skips.get(job.id) ?? 0) >= params.max_skips;
        const order = [...new Set(ctx.waiting)].sort(
          (a, b) =>
            b.priority - a.priority ||
            Number(starved(b)) - Number(starved(a)) ||
            a.devices - b.devices ||
            a.submitS - b.submitS ||
            a.id - b.id,
        );
        const blocked = [];
        for (const job of order) {
          // A starved job that does not fit holds back the rest of its class.
          if (blocked.some((b) => b.priority === job.priority && starved(b))) continue;
          const placement = ctx.place(job);
          if (!placement) {
            blocked.push(job);
            continue;
          }
          ctx.start(job, placement);
          skips.delete(job.id);
          for (const b of blocked) if (b.priority === job.priority) skips.set(b.id, (skips.get(b.id) ?? 0) + 1);
        }
      },
    };
  },
});
