// Slurm's multifactor priority (slurm.conf PriorityType=priority/multifactor; Slurm documentation,
// "Multifactor Priority Plugin"): every waiting job's priority is a weighted sum of factors in
// [0, 1],
//   priority = PriorityWeightAge x age + PriorityWeightFairshare x fair-share
//            + PriorityWeightJobSize x job size + PriorityWeightQOS x QOS,
// with age = min(1, time waiting / PriorityMaxAge); job size = devices / the pool's devices (or
// 1 - that with PriorityFavorSmall); QOS = the job's priority / the highest QOS there is (Slurm
// normalises "to the highest priority of all the QOS's": `max_qos` when given, else the highest
// priority of any job the policy has seen in the run so far; 0 when none is positive); fair-share
// the classic 2^(-U/S) of its account (JobView.account), where U is the account's share of the
// pool's decayed usage (device-seconds, halved every PriorityDecayHalfLife) and S its share of the
// shares (equal unless given) of every account known so far (named in `shares`, or met in a pass:
// one that has stopped submitting keeps its shares, as every sibling account counts in Slurm's
// normalised shares, "Classic Fairshare Algorithm"). The line is taken in
// priority order (ties: submission order); the first job that cannot start gets an EASY
// reservation and later ones backfill around it, as Slurm's backfill scheduler does, or, with
// backfill: false, it blocks the rest.
import { z } from 'zod';
import { suggestName } from '../scenario/did-you-mean.js';
import { carriedOrder } from './carried-order.js';
import { reserve, type Reservation } from './easy-backfill.js';
import { maxRateOn, runtimeOnS } from './predict.js';
import { PolicyError, type JobView, type Placement, type QueueDiscipline, type QueuePolicy, type RunningTable, type SchedulingContext, type WaitingJobs } from './types.js';

const paramsSchema = z.strictObject({
  weight_age: z.number().nonnegative().finite().default(1000).describe('PriorityWeightAge'),
  weight_fairshare: z.number().nonnegative().finite().default(10000).describe('PriorityWeightFairshare'),
  weight_job_size: z.number().nonnegative().finite().default(1000).describe('PriorityWeightJobSize'),
  weight_qos: z.number().nonnegative().finite().default(1000).describe("PriorityWeightQOS (the job's priority as its QOS)"),
  max_qos: z
    .number()
    .positive()
    .finite()
    .optional()
    .describe("the highest QOS priority defined (Slurm normalises the QOS factor by it); absent: the highest job priority seen so far in the run. A job above it is refused"),
  max_age: z.number().positive().finite().default(7 * 86400).describe('PriorityMaxAge, seconds: the wait at which the age factor reaches 1'),
  half_life: z.number().positive().finite().default(7 * 86400).describe('PriorityDecayHalfLife, seconds: usage counts half after this long'),
  favor_small: z.boolean().default(false).describe('PriorityFavorSmall: smaller jobs get the larger job-size factor'),
  shares: z.record(z.string(), z.number().positive().finite()).default({}).describe("fair-share shares by account (a job's tenant queue, or its workload's name); 1 for accounts not listed. S is over every account named here or met so far"),
  backfill: z.boolean().default(true).describe('EASY backfilling around the highest-priority job that cannot start (false: it blocks the rest)'),
});

export type MultifactorParams = z.output<typeof paramsSchema>;

export const multifactor: QueuePolicy<MultifactorParams> = {
  name: 'multifactor',
  description:
    "Slurm's multifactor priority: age, fair share (decayed usage per account against its shares), job size and QOS (the job's priority), weighted as PriorityWeight*; highest first, with EASY backfilling around the first job that cannot start.",
  params: paramsSchema,
  create: (params) => createMultifactor(params),
  // A key no job can have is most likely misspelt: it would be an account of its own, its shares
  // not the meant account's (which gets 1), counted in every account's S.
  warnPool: (params, pool) => {
    const accounts = pool.accounts;
    if (!accounts) return [];
    const known = new Set(accounts);
    return Object.keys(params.shares)
      .filter((a) => !known.has(a))
      .map((a) => {
        const guess = suggestName(a, accounts);
        return {
          path: ['shares', a],
          message: `no job or tenant queue has account '${a}'${guess ? ` (did you mean '${guess}'?)` : ''}; accounts are tenant queues' names, else the job's workload ('workloads[0]', a trace's or generator's name)${guess ? '' : `: ${accounts.join(', ')}`}. It still counts among every account's shares, as Slurm counts an account with no jobs`,
        };
      });
  },
};

/** Decayed usage per account (device-seconds), advanced to each pass. */
export class FairShareUsage {
  private readonly usage = new Map<string, number>();
  private readonly rate = new Map<string, number>();
  private lastS: number | undefined;
  /** The table, its change count and the running jobs' count when `rate` was last summed. */
  private rowsTable: RunningTable | undefined;
  private rowsChanges: number | undefined;
  private rows = -1;

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
    // The same rows as at the last call: the rates are the ones already summed from them.
    if (table !== undefined && table === this.rowsTable && table.changes !== undefined && table.changes === this.rowsChanges && running.length === this.rows) return;
    this.rowsTable = table;
    this.rowsChanges = table?.changes;
    this.rows = running.length;
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

  /**
   * A job started after this instant's advance: its account's rate grows now, so that its use counts
   * from its start (the rates were summed before the pass started it; a start changes the running
   * table, so the next advance sums them again from the rows).
   */
  started(job: JobView): void {
    const a = job.account ?? '';
    this.rate.set(a, (this.rate.get(a) ?? 0) + (job.devices * job.milli) / 1000);
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

/** The optional incremental view of the waiting line (WaitingJobs.pushes and since). */
type IncrementalLine = WaitingJobs & { readonly pushes: number; since(mark: number): Iterable<JobView> };

const isIncremental = (w: WaitingJobs): w is IncrementalLine => typeof w.pushes === 'number' && typeof w.since === 'function';

export function createMultifactor(p: MultifactorParams): QueueDiscipline {
  const usage = new FairShareUsage(p.half_life);
  // Reused across passes (a pass runs at each of thousands of instants while jobs wait). Per
  // position in this pass's line (only the first n entries are read): the job, and what the pass
  // reads of it that does not change while it waits (its account's number, QOS, submission time,
  // id and devices, and with skipping its only kind and shortest run time), its priority and the
  // sort index.
  let waiting: JobView[] = [];
  let accountOf = new Int32Array(0);
  let qosOf = new Float64Array(0);
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
  /** Per position, 1 once this pass started the job (the next pass drops it from the carried line). */
  let gone = new Uint8Array(0);
  const bestRate = new BestRateCache();
  // Accounts by number (accountOf), in the order first met.
  const accountNumber = new Map<string, number>();
  const accountName: string[] = [];
  // The accounts of the pass (waiting, then running) and each one's fair-share factor, kept across passes.
  const accounts = new Set<string>();
  // Every account of the cluster known so far (those named in shares, then those met in passes) and
  // the sum of their shares: the normalised shares' denominator.
  const knownAccounts = new Set<string>(Object.keys(p.shares));
  let totalShares = 0;
  for (const a of knownAccounts) totalShares += p.shares[a]!;
  const fairShareOf = new Map<string, number>();
  // The last pass's line (push order) and its sorted order (positions in that line): the candidate
  // order of the next pass (carried-order.ts).
  let prevJobs: JobView[] = [];
  let prevN = 0;
  let prevOrder = new Uint32Array(0);
  // What the next pass may carry over instead of reading every waiting job again: the line it
  // read (the same object, offering pushes and since), how many entries had been pushed when it
  // read them, whether it skipped, and how many of its jobs it started (marked in `gone`).
  let carriedLine: IncrementalLine | undefined;
  let carriedMark = 0;
  let carriedSkipping = false;
  let startedCount = 0;
  // Where the last pass's entries are in a carried line (-1: started), and how many were kept.
  let carriedPos = new Int32Array(0);
  let carriedKept = 0;
  const wake = new WakeTimes();
  // The highest QOS (job priority) seen in any pass so far: the QOS factor's normaliser without max_qos.
  let seenQos = 0;
  const byPriority = (a: number, b: number): number => prio[b]! - prio[a]! || submit[a]! - submit[b]! || ids[a]! - ids[b]!;

  /** Room for `n` entries in the per-position columns, the first `keep` kept (and their `gone` marks). */
  const ensure = (n: number, keep: number): void => {
    if (prio.length >= n) return;
    const size = Math.max(n, 2 * prio.length);
    const grow = <A extends Float64Array | Int32Array | Uint32Array | Uint8Array>(a: A, make: (size: number) => A): A => {
      const b = make(size);
      b.set(a.subarray(0, keep) as never);
      return b;
    };
    accountOf = grow(accountOf, (k) => new Int32Array(k));
    qosOf = grow(qosOf, (k) => new Float64Array(k));
    submit = grow(submit, (k) => new Float64Array(k));
    ids = grow(ids, (k) => new Float64Array(k));
    onlyKind = grow(onlyKind, (k) => new Int32Array(k));
    shortestS = grow(shortestS, (k) => new Float64Array(k));
    devices = grow(devices, (k) => new Float64Array(k));
    gone = grow(gone, (k) => new Uint8Array(k));
    prio = new Float64Array(size);
    order = new Uint32Array(size);
  };

  /** Position i's columns from its job (read once per stay in the line). */
  const read = (i: number, j: JobView, skipping: boolean, ctx: SchedulingContext): void => {
    const a = j.account ?? '';
    let k = accountNumber.get(a);
    if (k === undefined) {
      k = accountName.length;
      accountNumber.set(a, k);
      accountName.push(a);
    }
    accountOf[i] = k;
    qosOf[i] = j.priority;
    submit[i] = j.submitS;
    ids[i] = j.id;
    devices[i] = j.devices;
    if (skipping) {
      const kinds = j.allowedKinds ?? ctx.cluster.allKinds;
      onlyKind[i] = kinds.length === 1 ? kinds[0]! : -1;
      shortestS[i] = j.remainingFlop / bestRate.of(j, kinds, ctx);
    }
  };

  /** This pass's line from every waiting job (the first pass, or when the last one's cannot be carried). */
  const readAll = (ctx: SchedulingContext, skipping: boolean): number => {
    let n = 0;
    for (const j of ctx.waiting) waiting[n++] = j;
    ensure(n, 0);
    for (let i = 0; i < n; i++) read(i, waiting[i]!, skipping, ctx);
    return n;
  };

  /**
   * This pass's line from the last one's: its jobs less those it started, in the same order, then
   * the jobs pushed since it read the line (their columns read now), or -1 when that is not this
   * pass's line: another job left between the passes (the count tells), or the line or skipping
   * differs. A waiting job's columns do not change while it waits: a preempted job re-joins as a
   * new entry.
   *
   * The last line is compacted in place (its job array and the columns): a pass starts a few jobs
   * anywhere in a line of thousands, so each run of kept entries moves down (one copyWithin per
   * typed column), and the entries before the first started job do not move at all. The compacted array
   * becomes `waiting`; where the line then turns out not to be this pass's, the last order is
   * renumbered to the compacted positions, so the next sort still starts from it.
   */
  const carry = (line: IncrementalLine, skipping: boolean, ctx: SchedulingContext): number => {
    if (line !== carriedLine || skipping !== carriedSkipping) return -1;
    const size = line.size;
    if (size < prevN - startedCount) return -1;
    ensure(size, prevN);
    if (carriedPos.length < prevN) carriedPos = new Int32Array(Math.max(prevN, 2 * carriedPos.length));
    const jobs = prevJobs;
    let i = 0;
    for (let k = 0; k < prevN; ) {
      if (gone[k] === 1) {
        carriedPos[k++] = -1;
        continue;
      }
      let e = k + 1;
      while (e < prevN && gone[e] !== 1) e++;
      if (i !== k) {
        // Array.prototype.copyWithin takes V8's generic path on an array of objects: a loop.
        for (let x = k; x < e; x++) jobs[i + x - k] = jobs[x]!;
        accountOf.copyWithin(i, k, e);
        qosOf.copyWithin(i, k, e);
        submit.copyWithin(i, k, e);
        ids.copyWithin(i, k, e);
        devices.copyWithin(i, k, e);
        onlyKind.copyWithin(i, k, e);
        shortestS.copyWithin(i, k, e);
      }
      for (; k < e; k++) carriedPos[k] = i++;
    }
    carriedKept = i;
    const mark = line.pushes;
    let fits = true;
    for (const j of line.since(carriedMark)) {
      if (i === size) {
        fits = false;
        break;
      }
      jobs[i] = j;
      read(i, j, skipping, ctx);
      i++;
    }
    if (!fits || i !== size) {
      // The last order, on the compacted positions of the jobs it kept.
      let m = 0;
      for (let s = 0; s < prevN; s++) {
        const at = carriedPos[prevOrder[s]!]!;
        if (at >= 0) prevOrder[m++] = at;
      }
      prevN = carriedKept;
      return -1;
    }
    carriedMark = mark;
    for (let x = size; x < prevN; x++) jobs[x] = undefined as unknown as JobView;
    prevJobs = waiting;
    waiting = jobs;
    return i;
  };

  return {
    schedule(ctx: SchedulingContext) {
      usage.advance(ctx.nowS, ctx.running, ctx.runningTable);
      const skipping = p.backfill && ctx.placeIsPure === true;
      const incremental = isIncremental(ctx.waiting) ? ctx.waiting : undefined;
      let n = incremental ? carry(incremental, skipping, ctx) : -1;
      const carried = n >= 0;
      if (n < 0) {
        if (incremental) carriedMark = incremental.pushes;
        n = readAll(ctx, skipping);
      }
      carriedLine = incremental;
      carriedSkipping = skipping;
      startedCount = 0;
      gone.fill(0, 0, n);
      if (n === 0) {
        prevN = 0;
        return;
      }
      // One walk over the columns: the accounts in line order (jobs of one account mostly come in
      // runs: a run adds its account once, the same set in the same insertion order as adding each
      // job's) and the highest QOS.
      let maxQos = 0;
      accounts.clear();
      let runAccount = -1;
      for (let i = 0; i < n; i++) {
        const a = accountOf[i]!;
        if (a !== runAccount) {
          accounts.add(accountName[a]!);
          runAccount = a;
        }
        maxQos = Math.max(maxQos, qosOf[i]!);
      }
      if (p.max_qos !== undefined && maxQos > p.max_qos) {
        let i = 0;
        while (qosOf[i]! <= p.max_qos) i++;
        throw new PolicyError('multifactor', waiting[i]!.name, ctx.nowS, `its priority ${qosOf[i]} (its QOS) is above max_qos ${p.max_qos}, the highest QOS the policy was told there is: raise max_qos or leave it out`);
      }
      // Slurm normalises by the highest QOS there is, not the highest waiting now: a job's QOS factor
      // does not jump when an unrelated high-QOS job leaves the line.
      seenQos = Math.max(seenQos, maxQos);
      const qosMax = p.max_qos ?? seenQos;
      for (const a of usage.runningAccounts()) accounts.add(a);
      // Slurm's S divides by the shares of every sibling account of the cluster, not only those with
      // jobs now: every account named in shares or met in a pass so far keeps its shares.
      for (const a of accounts) {
        if (knownAccounts.has(a)) continue;
        knownAccounts.add(a);
        totalShares += p.shares[a] ?? 1;
      }
      // Each account's fair-share factor once per pass (the value multifactorPriority computes).
      fairShareOf.clear();
      const poolDevices = Math.max(1, ctx.cluster.deviceCount);
      const nowS = ctx.nowS; // one instant: the pass does not move the clock
      // The soonest time an age factor reaches its cap (see the end of the pass), and who sets it.
      let capS = Infinity;
      let capAt = -1;
      let lastAccount = -1;
      let fairShare = 0;
      for (let i = 0; i < n; i++) {
        const k = accountOf[i]!;
        if (k !== lastAccount) {
          lastAccount = k;
          const a = accountName[k]!;
          const known = fairShareOf.get(a);
          if (known !== undefined) fairShare = known;
          else fairShareOf.set(a, (fairShare = fairShareFactor(usage.normalized(a), (p.shares[a] ?? 1) / totalShares)));
        }
        const s = submit[i]!;
        const cap = s + p.max_age;
        if (cap > nowS && cap < capS) {
          capS = cap;
          capAt = i;
        }
        const age = Math.min(1, Math.max(0, nowS - s) / p.max_age);
        const size = Math.min(1, devices[i]! / poolDevices);
        const qos = qosMax > 0 ? Math.max(0, qosOf[i]!) / qosMax : 0;
        prio[i] = weighted(p, age, p.favor_small ? 1 - size : size, qos, fairShare);
      }
      const sorted = carriedOrder(waiting, n, prevJobs, prevN, prevOrder, byPriority, order.subarray(0, n), carried ? { pos: carriedPos, kept: carriedKept } : undefined);
      // This pass's line and order become the next pass's candidate (the arrays swap, at their size).
      for (let i = n; i < prevN; i++) prevJobs[i] = undefined as unknown as JobView;
      const jobs = prevJobs;
      const line = waiting; // the jobs by position; sorted[i] is the i-th by priority
      prevJobs = waiting;
      waiting = jobs;
      prevN = n;
      if (prevOrder.length < n) prevOrder = new Uint32Array(order.length);
      prevOrder.set(sorted);
      const startAt = (w: number, job: JobView, placement: Placement): void => {
        // Marked first: a start that throws ends the run.
        gone[w] = 1;
        startedCount++;
        ctx.start(job, placement);
        usage.started(job);
      };
      let reservation: Reservation | undefined;
      let extra = 0;
      for (let i = 0; i < n; i++) {
        const w = sorted[i]!;
        if (reservation && skipping) {
          // It could only start on the reserved kind, ending by the reservation (the predicted
          // run time is at least the shortest) or within the extra devices: neither can hold.
          if (onlyKind[w] === reservation.kind && devices[w]! > extra && nowS + shortestS[w]! > reservation.timeS) continue;
        }
        const job = line[w]!;
        const placement = ctx.place(job);
        if (!reservation) {
          if (placement) {
            startAt(w, job, placement);
            continue;
          }
          // Blocked: the pass ends here, but still asks for its next one at the soonest age cap
          // (below), where another job may overtake this one.
          if (!p.backfill) break;
          reservation = reserve(job, ctx);
          if (!reservation) break;
          extra = reservation.extra;
          continue;
        }
        if (!placement) continue;
        if (placement.kind !== reservation.kind) {
          startAt(w, job, placement);
          continue;
        }
        if (nowS + runtimeOnS(job, placement, ctx) <= reservation.timeS) startAt(w, job, placement);
        else if (job.devices <= extra) {
          extra -= job.devices;
          startAt(w, job, placement);
        }
      }
      // Age factors grow while jobs wait: look again when the oldest would cross max_age. The
      // soonest cap among all jobs of the pass is the answer while a job with that cap still waits
      // (usually: the oldest rarely starts); else the jobs still waiting are scanned (a job's
      // state is read only where its cap would be the soonest so far).
      if (p.weight_age > 0) {
        let next = capS;
        if (capAt >= 0 && line[capAt]!.state !== 'waiting') {
          next = Infinity;
          for (let i = 0; i < n; i++) {
            const cap = submit[i]! + p.max_age;
            if (cap > nowS && cap < next && line[i]!.state === 'waiting') next = cap;
          }
        }
        if (Number.isFinite(next)) wake.ask(next, nowS, ctx);
      }
    },
  };
}

/**
 * The pass times this policy has asked for that are still to come, so that each is asked once: the
 * soonest age cap is usually the same on thousands of passes in a row (the oldest job's), and a
 * second event at a time already asked only asks again for the pass that time already gets (the
 * simulator runs one pass per instant), while the asked times are all asked, in the same order.
 */
class WakeTimes {
  private readonly pending = new Set<number>();
  private prunedAt = 0;

  ask(timeS: number, nowS: number, ctx: SchedulingContext): void {
    if (this.pending.has(timeS)) return;
    if (this.pending.size >= 2 * this.prunedAt + 16) {
      for (const t of this.pending) if (t <= nowS) this.pending.delete(t);
      this.prunedAt = this.pending.size;
    }
    this.pending.add(timeS);
    ctx.wakeAt(timeS);
  }
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
