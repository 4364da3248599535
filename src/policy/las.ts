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
import { bySubmission, startInOrder } from './ordered-pass.js';
import type { JobView, QueuePolicy, SchedulingContext } from './types.js';
import { WaitingIndex, type WaitingEntry } from './waiting-index.js';

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

/**
 * The waiting jobs are indexed by queue across passes (a waiting job's attained service does not
 * change, so neither does its queue until a starvation promotion); running jobs' queues are
 * worked out once per pass, and only when a job needs victims.
 */
class LasDiscipline {
  private readonly track = new Map<number, Track>();
  private readonly index = new WaitingIndex(
    (j) => this.queueOf(j.attainedDeviceS - this.trackOf(j).promotedAtDeviceS),
    () => 0, // FIFO within a queue
  );
  /** Waiting entries by the time they started waiting (or were last promoted), for starvation. */
  private starving: { e: WaitingEntry; sinceS: number }[] = [];
  private starvingHead = 0;
  private line: SchedulingContext['waiting'] | undefined;

  constructor(private readonly params: LasParams) {}

  schedule(ctx: SchedulingContext): void {
    const now = ctx.nowS;
    if (ctx.waiting !== this.line) {
      this.line = ctx.waiting;
      this.track.clear();
      this.starving = [];
      this.starvingHead = 0;
    }
    const starvation = this.params.starvation;
    for (const e of this.index.update(ctx)) {
      const t = this.trackOf(e.job);
      if (t.waitingSinceS === undefined) t.waitingSinceS = now;
      if (starvation !== undefined) this.starving.push({ e, sinceS: t.waitingSinceS });
    }
    if (starvation !== undefined) this.promoteStarving(now, starvation);

    // Queues of the running jobs as of now, worked out when first needed in this pass (jobs started
    // in the pass are left out: they come before any job that could preempt them).
    let running: { job: JobView; queue: number }[] | undefined;
    const runningQueues = (): { job: JobView; queue: number }[] => {
      if (!running) running = ctx.running.map((r) => ({ job: r, queue: this.queueOf(this.attained(r, now) - this.trackOf(r).promotedAtDeviceS) }));
      return running;
    };
    // Per job queue: devices per kind of the running jobs in lower queues (higher numbers).
    const eligibleByQueue = new Map<number, number[]>();
    const eligibleDevices = (q: number, kind: number): number => {
      let perKind = eligibleByQueue.get(q);
      if (!perKind) {
        perKind = ctx.cluster.kinds.map(() => 0);
        for (const { job: r, queue } of runningQueues()) if (r.state === 'running' && queue > q && r.placement) perKind[r.placement.kind]! += r.devices;
        eligibleByQueue.set(q, perKind);
      }
      return perKind[kind]!;
    };
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
    startInOrder(wrapped, this.index, {
      strict: this.params.strict,
      ...(this.params.preemptive
        ? {
            preempt: {
              preemptor: this.params.victims,
              // Least important first: the lowest queue, then the latest submitted.
              eligible: (job: JobView) => {
                const q = this.index.entry(job)!.group.rank;
                return runningQueues()
                  .filter((x) => x.job.state === 'running' && x.queue > q)
                  .sort((a, b) => b.queue - a.queue || bySubmission(b.job, a.job))
                  .map((x) => x.job);
              },
              eligibleDevices,
            },
          }
        : {}),
    });
    // Forget jobs that have left for good.
    if (this.track.size > 2 * (this.index.size + ctx.running.length) + 64) {
      const live = new Set<number>(ctx.running.map((r) => r.id));
      for (const j of this.index.jobs()) live.add(j.id);
      for (const id of this.track.keys()) if (!live.has(id)) this.track.delete(id);
    }
  }

  /** Jobs that have waited `starvation` since they joined (or were last promoted) go to the first queue. */
  private promoteStarving(now: number, starvation: number): void {
    const list = this.starving;
    while (this.starvingHead < list.length) {
      const { e, sinceS } = list[this.starvingHead]!;
      const t = this.trackOf(e.job);
      if (e.live && e.job.state === 'waiting' && t.waitingSinceS === sinceS) {
        if (!(now - sinceS >= starvation)) break;
        t.promotedAtDeviceS = e.job.attainedDeviceS;
        t.waitingSinceS = now;
        this.index.move(e, this.queueOf(e.job.attainedDeviceS - t.promotedAtDeviceS));
        list.push({ e, sinceS: now });
      }
      this.starvingHead++;
    }
    if (this.starvingHead > 1024 && this.starvingHead * 2 > list.length) {
      this.starving = list.slice(this.starvingHead);
      this.starvingHead = 0;
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
