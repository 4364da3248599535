// Least attained service, discretised and two-dimensional, after Tiresias (Gu et al., "Tiresias: A
// GPU Cluster Manager for Distributed Deep Learning", NSDI 2019, section 4.2, "Discretized 2D-LAS").
//
// Attained service is two-dimensional: devices x time held (JobView.attainedDeviceS), so a wide job
// ages as fast as its width. It is discretised into queues Q0..QK by thresholds T1 < ... < TK:
// a job with attained service in [T(i), T(i+1)) is in Qi. Lower queues go first, FIFO (submission
// order) within a queue; no job-size information is needed. A job that cannot be placed preempts
// running jobs of strictly lower queues (jobs demoted below it), chosen by a preemption policy;
// by default in Tiresias' own order, the lowest queue first. Starvation: a job that has waited
// `starvation` (continuous) is promoted to Q0 and its attained service counted afresh from there
// (Tiresias' STARVELIMIT knob). Demotion is noticed at scheduling passes (arrivals, completions,
// re-queues), not at the instant a running job crosses a threshold.
import { z } from 'zod';
import { duration } from '../scenario/quantity.js';
import { victimsSchema } from './preemption-registry.js';
import { bySubmission, startInOrder, waitingSnapshot } from './ordered-pass.js';
import type { JobView, QueuePolicy, SchedulingContext } from './types.js';

const paramsSchema = z
  .strictObject({
    thresholds: z
      .array(duration({ positive: true }))
      .min(1)
      .prefault(['1h', '10h'])
      .describe('attained-service boundaries between queues, in device-time (device-seconds, or with units: 1h = one device-hour); ascending'),
    starvation: duration({ positive: true }).optional().describe('promote a job that has waited this long (continuously) to the first queue; off when absent'),
    preemptive: z.boolean().default(true).describe('suspend running jobs of lower queues for a job that cannot be placed'),
    victims: victimsSchema('policy-order'),
    strict: z.boolean().default(false).describe('the first job that cannot start blocks the rest; default: later jobs that fit may start'),
  })
  .superRefine((p, ctx) => {
    for (let i = 1; i < p.thresholds.length; i++) {
      if (!(p.thresholds[i]! > p.thresholds[i - 1]!)) ctx.addIssue({ code: 'custom', path: ['thresholds', i], message: 'thresholds must be strictly ascending' });
    }
  });

export type LasParams = z.output<typeof paramsSchema>;

export const las: QueuePolicy<LasParams> = {
  name: 'las',
  description:
    'Tiresias discretised 2D-LAS: queues by attained device-time (thresholds), lowest queue first, FIFO within a queue; preempts jobs of lower queues; optional starvation promotion.',
  params: paramsSchema,
  create: (params) => new LasDiscipline(params),
};

interface Track {
  /** When the job joined the waiting line (first seen waiting), while it waits. */
  waitingSinceS: number | undefined;
  /** Start of the current run, and its attained service then (to age a running job between settles). */
  startS: number;
  attainedAtStartS: number;
  /** Attained service at its last starvation promotion (queues count from there). */
  promotedAtDeviceS: number;
}

class LasDiscipline {
  private readonly track = new Map<number, Track>();

  constructor(private readonly params: LasParams) {}

  schedule(ctx: SchedulingContext): void {
    const now = ctx.nowS;
    const waiting = waitingSnapshot(ctx);
    for (const j of waiting) {
      const t = this.trackOf(j);
      if (t.waitingSinceS === undefined) t.waitingSinceS = now;
      if (this.params.starvation !== undefined && now - t.waitingSinceS >= this.params.starvation) {
        t.promotedAtDeviceS = j.attainedDeviceS;
        t.waitingSinceS = now;
      }
    }
    const queue = new Map<JobView, number>();
    for (const j of waiting) queue.set(j, this.queueOf(this.attained(j, now) - this.trackOf(j).promotedAtDeviceS));
    for (const r of ctx.running) queue.set(r, this.queueOf(this.attained(r, now) - this.trackOf(r).promotedAtDeviceS));
    const byQueue = (a: JobView, b: JobView): number => queue.get(a)! - queue.get(b)! || bySubmission(a, b);
    waiting.sort(byQueue);
    const wrapped: SchedulingContext = Object.create(ctx, {
      start: {
        value: (job: JobView, p: Parameters<SchedulingContext['start']>[1]) => {
          ctx.start(job, p);
          const t = this.trackOf(job);
          t.waitingSinceS = undefined;
          t.startS = now;
          t.attainedAtStartS = job.attainedDeviceS;
        },
      },
    });
    startInOrder(wrapped, waiting, {
      strict: this.params.strict,
      ...(this.params.preemptive
        ? {
            preempt: {
              preemptor: this.params.victims,
              eligible: (job: JobView) =>
                ctx.running.filter((r) => r.state === 'running' && queue.get(r)! > queue.get(job)!).sort((a, b) => byQueue(b, a)),
            },
          }
        : {}),
    });
    // Forget jobs that have left for good.
    if (this.track.size > 2 * (ctx.waiting.size + ctx.running.length) + 64) {
      const live = new Set<number>([...ctx.waiting].map((j) => j.id).concat(ctx.running.map((r) => r.id)));
      for (const id of this.track.keys()) if (!live.has(id)) this.track.delete(id);
    }
  }

  private trackOf(j: JobView): Track {
    let t = this.track.get(j.id);
    if (!t) {
      t = { waitingSinceS: undefined, startS: Number.NaN, attainedAtStartS: 0, promotedAtDeviceS: 0 };
      this.track.set(j.id, t);
    }
    return t;
  }

  /** Attained device-time now: a running job's view is settled only at rate changes, so age it here. */
  private attained(j: JobView, now: number): number {
    if (j.state !== 'running') return j.attainedDeviceS;
    const t = this.trackOf(j);
    return Number.isNaN(t.startS) ? j.attainedDeviceS : t.attainedAtStartS + j.devices * (now - t.startS);
  }

  private queueOf(attained: number): number {
    const th = this.params.thresholds;
    let q = 0;
    while (q < th.length && attained >= th[q]!) q++;
    return q;
  }
}
