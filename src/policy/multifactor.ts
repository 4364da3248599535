// Slurm's multifactor priority (slurm.conf PriorityType=priority/multifactor; Slurm documentation,
// "Multifactor Priority Plugin"): every waiting job's priority is a weighted sum of factors in
// [0, 1],
//   priority = PriorityWeightAge x age + PriorityWeightFairshare x fair-share
//            + PriorityWeightJobSize x job size + PriorityWeightQOS x QOS,
// with age = min(1, time waiting / PriorityMaxAge); job size = devices / the pool's devices (or
// 1 - that with PriorityFavorSmall); QOS = the job's priority / the highest priority waiting (0 when
// none is positive); fair-share the classic 2^(-U/S) of its account (JobView.account), where U is
// the account's share of the pool's decayed usage (device-seconds, halved every
// PriorityDecayHalfLife) and S its share of the shares (equal unless given). The line is taken in
// priority order (ties: submission order); the first job that cannot start gets an EASY
// reservation and later ones backfill around it, as Slurm's backfill scheduler does, or, with
// backfill: false, it blocks the rest.
import { z } from 'zod';
import { reserve, type Reservation } from './easy-backfill.js';
import { runtimeOnS } from './predict.js';
import type { JobView, QueueDiscipline, QueuePolicy, SchedulingContext } from './types.js';

const paramsSchema = z.strictObject({
  weight_age: z.number().nonnegative().finite().default(1000).describe('PriorityWeightAge'),
  weight_fairshare: z.number().nonnegative().finite().default(10000).describe('PriorityWeightFairshare'),
  weight_job_size: z.number().nonnegative().finite().default(1000).describe('PriorityWeightJobSize'),
  weight_qos: z.number().nonnegative().finite().default(1000).describe("PriorityWeightQOS (the job's priority as its QOS)"),
  max_age: z.number().positive().finite().default(7 * 86400).describe('PriorityMaxAge, seconds: the wait at which the age factor reaches 1'),
  half_life: z.number().positive().finite().default(7 * 86400).describe('PriorityDecayHalfLife, seconds: usage counts half after this long'),
  favor_small: z.boolean().default(false).describe('PriorityFavorSmall: smaller jobs get the larger job-size factor'),
  shares: z.record(z.string(), z.number().positive().finite()).default({}).describe("fair-share shares by account (a job's tenant queue, or its workload's name); 1 for accounts not listed"),
  backfill: z.boolean().default(true).describe('EASY backfilling around the highest-priority job that cannot start (false: it blocks the rest)'),
});

export type MultifactorParams = z.output<typeof paramsSchema>;

export const multifactor: QueuePolicy<MultifactorParams> = {
  name: 'multifactor',
  description:
    "Slurm's multifactor priority: age, fair share (decayed usage per account against its shares), job size and QOS (the job's priority), weighted as PriorityWeight*; highest first, with EASY backfilling around the first job that cannot start.",
  params: paramsSchema,
  create: (params) => createMultifactor(params),
};

/** Decayed usage per account (device-seconds), advanced to each pass. */
export class FairShareUsage {
  private readonly usage = new Map<string, number>();
  private readonly rate = new Map<string, number>();
  private lastS: number | undefined;

  constructor(private readonly halfLifeS: number) {}

  /** Decay the usage to `nowS` and add what the running jobs used since the last call (their devices held constant in between). */
  advance(nowS: number, running: readonly JobView[]): void {
    if (this.lastS !== undefined && nowS > this.lastS) {
      const dt = nowS - this.lastS;
      const decay = Math.pow(2, -dt / this.halfLifeS);
      // Usage accrued at a constant rate r over dt, each instant decayed to now: r h (1 - decay) / ln 2.
      const accrued = (this.halfLifeS * (1 - decay)) / Math.LN2;
      for (const [a, u] of this.usage) this.usage.set(a, u * decay);
      for (const [a, r] of this.rate) this.usage.set(a, (this.usage.get(a) ?? 0) + r * accrued);
    }
    this.lastS = nowS;
    this.rate.clear();
    for (const j of running) {
      const a = j.account ?? '';
      this.rate.set(a, (this.rate.get(a) ?? 0) + (j.devices * j.milli) / 1000);
    }
  }

  /** The account's share of all decayed usage (0 when nothing has been used yet). */
  normalized(account: string): number {
    let total = 0;
    for (const u of this.usage.values()) total += u;
    return total > 0 ? (this.usage.get(account) ?? 0) / total : 0;
  }
}

/** The multifactor priority of `job` now (see the file comment); exported for tests. */
export function multifactorPriority(
  job: JobView,
  ctx: { readonly nowS: number; readonly poolDevices: number; readonly maxQos: number; usage(account: string): number; shareOf(account: string): number },
  p: MultifactorParams,
): number {
  const age = Math.min(1, Math.max(0, ctx.nowS - job.submitS) / p.max_age);
  const size = Math.min(1, job.devices / ctx.poolDevices);
  const jobSize = p.favor_small ? 1 - size : size;
  const qos = ctx.maxQos > 0 ? Math.max(0, job.priority) / ctx.maxQos : 0;
  const account = job.account ?? '';
  const fairShare = Math.pow(2, -ctx.usage(account) / ctx.shareOf(account));
  return p.weight_age * age + p.weight_fairshare * fairShare + p.weight_job_size * jobSize + p.weight_qos * qos;
}

export function createMultifactor(p: MultifactorParams): QueueDiscipline {
  const usage = new FairShareUsage(p.half_life);
  return {
    schedule(ctx: SchedulingContext) {
      usage.advance(ctx.nowS, ctx.running);
      const waiting = [...ctx.waiting];
      if (waiting.length === 0) return;
      const accounts = new Set<string>();
      for (const j of waiting) accounts.add(j.account ?? '');
      for (const j of ctx.running) accounts.add(j.account ?? '');
      let totalShares = 0;
      for (const a of accounts) totalShares += p.shares[a] ?? 1;
      let maxQos = 0;
      for (const j of waiting) maxQos = Math.max(maxQos, j.priority);
      // Each account's normalized usage once per pass (the same value normalized() gives).
      const used = new Map<string, number>();
      const view = {
        nowS: ctx.nowS,
        poolDevices: Math.max(1, ctx.cluster.deviceCount),
        maxQos,
        usage: (a: string) => {
          let u = used.get(a);
          if (u === undefined) used.set(a, (u = usage.normalized(a)));
          return u;
        },
        shareOf: (a: string) => (p.shares[a] ?? 1) / totalShares,
      };
      // Sorted through an index over typed arrays: the comparator reads numbers, not map entries.
      const n = waiting.length;
      const prio = new Float64Array(n);
      const submit = new Float64Array(n);
      const ids = new Float64Array(n);
      const order = new Uint32Array(n);
      for (let i = 0; i < n; i++) {
        const j = waiting[i]!;
        prio[i] = multifactorPriority(j, view, p);
        submit[i] = j.submitS;
        ids[i] = j.id;
        order[i] = i;
      }
      order.sort((a, b) => prio[b]! - prio[a]! || submit[a]! - submit[b]! || ids[a]! - ids[b]!);
      const line = waiting.slice();
      for (let i = 0; i < n; i++) waiting[i] = line[order[i]!]!;
      let reservation: Reservation | undefined;
      let extra = 0;
      for (const job of waiting) {
        const placement = ctx.place(job);
        if (!reservation) {
          if (placement) {
            ctx.start(job, placement);
            continue;
          }
          if (!p.backfill) return;
          reservation = reserve(job, ctx);
          if (!reservation) return;
          extra = reservation.extra;
          continue;
        }
        if (!placement) continue;
        if (placement.kind !== reservation.kind) {
          ctx.start(job, placement);
          continue;
        }
        if (ctx.nowS + runtimeOnS(job, placement, ctx) <= reservation.timeS) ctx.start(job, placement);
        else if (job.devices <= extra) {
          extra -= job.devices;
          ctx.start(job, placement);
        }
      }
      // Age factors grow while jobs wait: look again when the oldest would cross max_age.
      if (p.weight_age > 0) {
        let next = Infinity;
        for (const j of waiting) if (j.state === 'waiting' && j.submitS + p.max_age > ctx.nowS) next = Math.min(next, j.submitS + p.max_age);
        if (Number.isFinite(next)) ctx.wakeAt(next);
      }
    },
  };
}
