// Least attained service, discretised and two-dimensional, after Tiresias (Gu et al., "Tiresias: A
// GPU Cluster Manager for Distributed Deep Learning", NSDI 2019, section 4.2, "Discretized 2D-LAS").
//
// Attained service is two-dimensional: devices x time held (JobView.attainedDeviceS), so a wide job
// ages as fast as its width; a fractional job holding a share of one device (milli < 1000) ages at
// its share: service is GPU-time, Tiresias' 2DAS taking a job's GPUs times its executed time. It is discretised into queues Q0..QK by thresholds T1 < ... < TK:
// a job with attained service in [T(i), T(i+1)) is in Qi. Lower queues go first, FIFO (submission
// order) within a queue; no job-size information is needed. A job that cannot be placed preempts
// running jobs of strictly lower queues (jobs demoted below it), chosen by a preemption policy;
// by default in Tiresias' own order, the lowest queue first. Starvation: a job that has waited
// `starvation` (continuous) is promoted to Q0 and its attained service counted afresh from there
// (Tiresias' STARVELIMIT knob). The policy asks for a pass (wakeAt) at the next instant a running
// job crosses a threshold above a waiting job's queue, and at the next starvation deadline: between
// arrivals and completions it would otherwise act as FIFO.
import { z } from 'zod';
import { WHOLE_DEVICE_MILLI } from '../model/cluster.js';
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
      .describe('attained-service boundaries between queues, in device-time (device-seconds, or with units: 1h = one device-hour; a job holding a share of a device attains its share); ascending'),
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
  /** The time of the pass this policy last asked for (wakeAt), to ask once for each. */
  private wakeS = -Infinity;

  constructor(private readonly params: LasParams) {}

  schedule(ctx: SchedulingContext): void {
    const now = ctx.nowS;
    if (ctx.waiting !== this.line) {
      this.line = ctx.waiting;
      this.track.clear();
      this.runJobs = [];
      this.runTracks = [];
      this.starving = [];
      this.starvingHead = 0;
      this.wakeS = -Infinity;
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
    this.runCount = -1;
    const eligibleDevices = (q: number, kind: number): number => {
      this.runningQueues(ctx, now);
      return q < this.queues ? this.eligibleIn[q * this.kinds + kind]! : 0;
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
                this.runningQueues(ctx, now);
                const jobs = this.runJobs;
                const queue = this.runQueue;
                const at: number[] = [];
                for (let i = 0; i < this.runCount; i++) if (jobs[i]!.state === 'running' && queue[i]! > q) at.push(i);
                at.sort((a, b) => queue[b]! - queue[a]! || bySubmission(jobs[b]!, jobs[a]!));
                return at.map((i) => jobs[i]!);
              },
              eligibleDevices,
            },
          }
        : {}),
    });
    this.askNextPass(ctx, now);
    // Forget jobs that have left for good.
    if (this.track.size > 2 * (this.index.size + ctx.running.length) + 64) {
      const live = new Set<number>(ctx.running.map((r) => r.id));
      for (const j of this.index.jobs()) live.add(j.id);
      for (const id of this.track.keys()) if (!live.has(id)) this.track.delete(id);
    }
  }

  /**
   * Ask for a pass at the soonest of: a running job crossing into a queue above the lowest queue
   * that has a job waiting (it becomes a victim for that job), and a waiting job's starvation
   * deadline. Nothing else that changes a decision happens between arrivals and completions.
   */
  private askNextPass(ctx: SchedulingContext, now: number): void {
    let next = Infinity;
    const lowest = this.index.lowestRank();
    if (this.params.preemptive && lowest < Infinity) {
      const th = this.params.thresholds;
      for (const r of ctx.running) {
        if (r.state !== 'running') continue;
        const t = this.trackOf(r);
        if (Number.isNaN(t.startS)) continue;
        // Crossing into a queue above k makes the job a victim for waiting jobs of queue k (none
        // wait below the lowest): the next such crossing, unless no threshold is left.
        const share = shareOf(r);
        const k = Math.max(this.queueOf(attainedAt(t, share, now) - t.promotedAtDeviceS), lowest);
        if (k >= th.length) continue;
        // The first instant at which the job's queue (as runningQueues works it out) is above k.
        const target = th[k]! + t.promotedAtDeviceS;
        let at = t.startS + (target - t.attainedAtStartS) / share;
        for (let i = 0; i < 8 && attainedAt(t, share, at) < target; i++) at += Math.max(Math.abs(at) * Number.EPSILON, Number.MIN_VALUE);
        if (at < next) next = at;
      }
    }
    const starvation = this.params.starvation;
    if (starvation !== undefined) {
      const list = this.starving;
      // The head is the earliest live entry (promoteStarving skips the others the same way).
      while (this.starvingHead < list.length) {
        const { e, sinceS } = list[this.starvingHead]!;
        if (e.live && e.job.state === 'waiting' && this.trackOf(e.job).waitingSinceS === sinceS) {
          if (sinceS + starvation < next) next = sinceS + starvation;
          break;
        }
        this.starvingHead++;
      }
    }
    if (next > now && next < Infinity && !(this.wakeS > now && this.wakeS <= next)) {
      this.wakeS = next;
      ctx.wakeAt(next);
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

  // The running jobs as the pass first needed them (ctx.running's order, the first runCount; -1
  // until then), each one's queue, and per queue q and kind the devices of those in state 'running'
  // in queues above q (eligibleIn[q x kinds + kind]). Reused across passes.
  private runJobs: JobView[] = [];
  /** Each running position's track (trackOf(runJobs[i])), kept while the position holds the same job. */
  private runTracks: (Track | undefined)[] = [];
  private runQueue = new Int32Array(0);
  private runCount = -1;
  private eligibleIn = new Float64Array(0);
  private kinds = 0;
  private get queues(): number {
    return this.params.thresholds.length + 1;
  }

  /**
   * Work out runJobs, runQueue and eligibleIn, once per pass. Each running position keeps the job's
   * track from the last pass while it holds the same job (a running job's track is never dropped),
   * and the simulator's running table, when offered, gives its devices and kind.
   */
  private runningQueues(ctx: SchedulingContext, now: number): void {
    if (this.runCount >= 0) return;
    const running = ctx.running;
    const table = ctx.runningTable;
    const m = running.length;
    const kinds = (this.kinds = ctx.cluster.kinds.length);
    const queues = this.queues;
    if (this.runQueue.length < m) this.runQueue = new Int32Array(Math.max(m, 2 * this.runQueue.length));
    if (this.eligibleIn.length < queues * kinds) this.eligibleIn = new Float64Array(queues * kinds);
    const eligible = this.eligibleIn;
    eligible.fill(0, 0, queues * kinds);
    const jobs = this.runJobs;
    const tracks = this.runTracks;
    for (let i = 0; i < m; i++) {
      const r = running[i]!;
      let t = tracks[i];
      if (jobs[i] !== r || t === undefined) {
        jobs[i] = r;
        t = tracks[i] = this.trackOf(r);
      }
      const state = r.state;
      const devices = table ? table.devices[i]! : r.devices;
      // Attained device-time now: a running job's view is settled only at rate changes, so age it here.
      const attained = state !== 'running' || Number.isNaN(t.startS) ? r.attainedDeviceS : attainedAt(t, table ? table.share[i]! : shareOf(r), now);
      const queue = this.queueOf(attained - t.promotedAtDeviceS);
      this.runQueue[i] = queue;
      if (state !== 'running') continue;
      // Added in running order for each lower queue: the sums one walk per queue would make.
      const kind = table ? table.kind[i]! : r.placement ? r.placement.kind : -1;
      if (kind >= 0) for (let q = 0; q < queue; q++) eligible[q * kinds + kind]! += devices;
    }
    for (let i = m; i < jobs.length; i++) {
      jobs[i] = undefined as unknown as JobView;
      tracks[i] = undefined;
    }
    this.runCount = m;
  }

  private trackOf(j: JobView): Track {
    let t = this.track.get(j.id);
    if (!t) {
      t = { waitingSinceS: undefined, startS: Number.NaN, attainedAtStartS: 0, promotedAtDeviceS: 0 };
      this.track.set(j.id, t);
    }
    return t;
  }

  private queueOf(attained: number): number {
    const th = this.params.thresholds;
    let q = 0;
    while (q < th.length && attained >= th[q]!) q++;
    return q;
  }
}

/** Attained device-time at `timeS` of a job running since its track's start on `share` devices. */
function attainedAt(t: Track, share: number, timeS: number): number {
  return t.attainedAtStartS + share * (timeS - t.startS);
}

/** Devices a job holds, a share of one counted as its part: the rate at which it attains service (as the simulator settles it). */
function shareOf(j: JobView): number {
  return (j.devices * j.milli) / WHOLE_DEVICE_MILLI;
}
