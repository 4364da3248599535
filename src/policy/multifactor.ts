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
import { carriedOrder } from './carried-order.js';
import { reserve, type Reservation } from './easy-backfill.js';
import { maxRateOn, runtimeOnS } from './predict.js';
import type { JobView, QueueDiscipline, QueuePolicy, RunningTable, SchedulingContext } from './types.js';

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

  /**
   * Decay the usage to `nowS` and add what the running jobs used since the last call (their devices
   * held constant in between); `table`, the simulator's running table when it offers one, gives
   * each job's account and share without reading the job.
   */
  advance(nowS: number, running: readonly JobView[], table?: RunningTable): void {
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
    // Running jobs of one account mostly come in runs: a run is summed in a local and written once
    // (the same additions in the same order as adding each job to the map).
    let account: string | undefined;
    let sum = 0;
    for (let i = 0; i < running.length; i++) {
      const j = table ? undefined : running[i]!;
      const a = j ? (j.account ?? '') : table!.account[i]!;
      if (a !== account) {
        if (account !== undefined) this.rate.set(account, sum);
        account = a;
        sum = this.rate.get(a) ?? 0;
      }
      sum += j ? (j.devices * j.milli) / 1000 : table!.share[i]!;
    }
    if (account !== undefined) this.rate.set(account, sum);
  }

  /** The accounts of the running jobs at the last advance, in the order the running jobs name them first. */
  runningAccounts(): IterableIterator<string> {
    return this.rate.keys();
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
  return weighted(p, age, jobSize, qos, fairShareFactor(ctx.usage(account), ctx.shareOf(account)));
}

/** Fair-share factor 2^(-U/S). */
const fairShareFactor = (usage: number, share: number): number => Math.pow(2, -usage / share);

/** The weighted sum of the four factors (one formula for the pass and for multifactorPriority). */
const weighted = (p: MultifactorParams, age: number, jobSize: number, qos: number, fairShare: number): number =>
  p.weight_age * age + p.weight_fairshare * fairShare + p.weight_job_size * jobSize + p.weight_qos * qos;

export function createMultifactor(p: MultifactorParams): QueueDiscipline {
  const usage = new FairShareUsage(p.half_life);
  // Reused across passes (a pass runs at each of thousands of instants while jobs wait): the
  // waiting jobs, their accounts, priorities and the sort index. Only the first n entries are read.
  let waiting: JobView[] = [];
  let accountOf: string[] = [];
  let prio = new Float64Array(0);
  let submit = new Float64Array(0);
  let ids = new Float64Array(0);
  let order = new Uint32Array(0);
  // With a pure `place` and backfilling, per waiting job: the only kind it may use (-1: several) and
  // its shortest possible run time (remaining work over maxRate on its best kind), so that a job
  // that could not start after the reservation whatever `place` answered is not asked about.
  let onlyKind = new Int32Array(0);
  let shortestS = new Float64Array(0);
  let devices = new Float64Array(0);
  const bestRate = new BestRateCache();
  // The accounts of the pass (waiting, then running) and each one's fair-share factor, kept across passes.
  const accounts = new Set<string>();
  const fairShareOf = new Map<string, number>();
  // The line in priority order, reused across passes (only the first n entries are read).
  let line: JobView[] = [];
  // The last pass's line (push order) and its sorted order (positions in that line): the candidate
  // order of the next pass (carried-order.ts).
  let prevJobs: JobView[] = [];
  let prevN = 0;
  let prevOrder = new Uint32Array(0);
  const byPriority = (a: number, b: number): number => prio[b]! - prio[a]! || submit[a]! - submit[b]! || ids[a]! - ids[b]!;
  return {
    schedule(ctx: SchedulingContext) {
      usage.advance(ctx.nowS, ctx.running, ctx.runningTable);
      // One walk over the line: the jobs, their accounts (read once: a getter), the highest QOS.
      let n = 0;
      let maxQos = 0;
      accounts.clear();
      // Jobs of one account mostly come in runs: a run adds its account once (the same set, in the
      // same insertion order, as adding each job's).
      let runAccount: string | undefined;
      for (const j of ctx.waiting) {
        const a = j.account ?? '';
        waiting[n] = j;
        accountOf[n] = a;
        if (a !== runAccount) {
          accounts.add(a);
          runAccount = a;
        }
        maxQos = Math.max(maxQos, j.priority);
        n++;
      }
      if (n === 0) return;
      if (prio.length < n) {
        const size = Math.max(n, 2 * prio.length);
        prio = new Float64Array(size);
        submit = new Float64Array(size);
        ids = new Float64Array(size);
        order = new Uint32Array(size);
        onlyKind = new Int32Array(size);
        shortestS = new Float64Array(size);
        devices = new Float64Array(size);
      }
      const skipping = p.backfill && ctx.placeIsPure === true;
      const allKinds = ctx.cluster.allKinds;
      for (const a of usage.runningAccounts()) accounts.add(a);
      let totalShares = 0;
      for (const a of accounts) totalShares += p.shares[a] ?? 1;
      // Each account's fair-share factor once per pass (the value multifactorPriority computes).
      fairShareOf.clear();
      const poolDevices = Math.max(1, ctx.cluster.deviceCount);
      const nowS = ctx.nowS; // one instant: the pass does not move the clock
      // The soonest time an age factor reaches its cap (see the end of the pass), and who sets it.
      let capS = Infinity;
      let capJob: JobView | undefined;
      let lastAccount: string | undefined;
      let fairShare = 0;
      for (let i = 0; i < n; i++) {
        const j = waiting[i]!;
        const a = accountOf[i]!;
        if (a !== lastAccount) {
          lastAccount = a;
          const known = fairShareOf.get(a);
          if (known !== undefined) fairShare = known;
          else fairShareOf.set(a, (fairShare = fairShareFactor(usage.normalized(a), (p.shares[a] ?? 1) / totalShares)));
        }
        const s = j.submitS;
        const cap = s + p.max_age;
        if (cap > nowS && cap < capS) {
          capS = cap;
          capJob = j;
        }
        const age = Math.min(1, Math.max(0, nowS - s) / p.max_age);
        const d = j.devices;
        const size = Math.min(1, d / poolDevices);
        const qos = maxQos > 0 ? Math.max(0, j.priority) / maxQos : 0;
        prio[i] = weighted(p, age, p.favor_small ? 1 - size : size, qos, fairShare);
        submit[i] = s;
        ids[i] = j.id;
        if (skipping) {
          const kinds = j.allowedKinds ?? allKinds;
          onlyKind[i] = kinds.length === 1 ? kinds[0]! : -1;
          devices[i] = d;
          shortestS[i] = j.remainingFlop / bestRate.of(j, kinds, ctx);
        }
      }
      const sorted = carriedOrder(waiting, n, prevJobs, prevN, prevOrder, byPriority, order.subarray(0, n));
      for (let i = 0; i < n; i++) line[i] = waiting[sorted[i]!]!;
      for (let i = n; i < line.length; i++) line[i] = undefined as unknown as JobView;
      // This pass's line and order become the next pass's candidate (the arrays swap, at their size).
      for (let i = n; i < prevN; i++) prevJobs[i] = undefined as unknown as JobView;
      const jobs = prevJobs;
      prevJobs = waiting;
      waiting = jobs;
      prevN = n;
      if (prevOrder.length < n) prevOrder = new Uint32Array(order.length);
      prevOrder.set(sorted);
      let reservation: Reservation | undefined;
      let extra = 0;
      for (let i = 0; i < n; i++) {
        const job = line[i]!;
        if (reservation && skipping) {
          // It could only start on the reserved kind, ending by the reservation (the predicted
          // run time is at least the shortest) or within the extra devices: neither can hold.
          const w = sorted[i]!;
          if (onlyKind[w] === reservation.kind && devices[w]! > extra && nowS + shortestS[w]! > reservation.timeS) continue;
        }
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
        if (nowS + runtimeOnS(job, placement, ctx) <= reservation.timeS) ctx.start(job, placement);
        else if (job.devices <= extra) {
          extra -= job.devices;
          ctx.start(job, placement);
        }
      }
      // Age factors grow while jobs wait: look again when the oldest would cross max_age. The
      // soonest cap among all jobs of the pass is the answer while a job with that cap still waits
      // (usually: the oldest rarely starts); else the jobs still waiting are scanned.
      if (p.weight_age > 0) {
        let next = capS;
        if (capJob !== undefined && capJob.state !== 'waiting') {
          next = Infinity;
          for (let i = 0; i < n; i++) {
            const j = line[i]!;
            if (j.state === 'waiting' && j.submitS + p.max_age > nowS) next = Math.min(next, j.submitS + p.max_age);
          }
        }
        if (Number.isFinite(next)) ctx.wakeAt(next);
      }
    },
  };
}

/**
 * Per job, the highest rate the progress model can predict for it on any allowed kind (maxRateOn):
 * it depends on the job and the kind alone, so it is kept by job id, checked against the job
 * object and its list of kinds (a tenant view of a job is another object, possibly other kinds).
 */
class BestRateCache {
  private rate = new Float64Array(0);
  private job: (JobView | undefined)[] = [];
  private kinds: (readonly number[] | undefined)[] = [];

  of(j: JobView, kinds: readonly number[], ctx: SchedulingContext): number {
    const id = j.id;
    if (this.job[id] === j && this.kinds[id] === kinds) return this.rate[id]!;
    let best = 0;
    for (const k of kinds) best = Math.max(best, maxRateOn(j, k, ctx));
    if (!(Number.isInteger(id) && id >= 0)) return best;
    if (id >= this.rate.length) {
      const grown = new Float64Array(Math.max(id + 1, 2 * this.rate.length));
      grown.set(this.rate);
      this.rate = grown;
    }
    this.rate[id] = best;
    this.job[id] = j;
    this.kinds[id] = kinds;
    return best;
  }
}
