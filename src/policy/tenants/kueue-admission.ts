// Tenant queues as an admission layer in front of any queue policy, with Kueue's semantics: a job
// is first admitted by its queue's quota (a device kind, the "flavour", is chosen then and quota is
// held until the job ends or is preempted), and only admitted jobs reach the scheduling policy
// (fifo, easy-backfill, ...), which places them on their admitted kind through the placement policy.
//
// Each pass (Kueue's scheduling cycle, docs/concepts/cluster_queue.md and preemption.md):
// - every queue nominates its first pending workload (priority, then submission) that fits its
//   quota, or that can fit by preempting; strict-fifo queues nominate only their head, and
//   best-effort-fifo queues skip workloads that can do neither;
// - a flavour is assigned as Kueue's flavour assigner does by default: kinds in the queue's quota
//   order, the first where the workload fits (borrowing if need be: whenCanBorrow: Borrow), else
//   the first where preemption could make room (whenCanPreempt: TryNextFlavor);
// - nominees are admitted in Kueue's order: those not borrowing first, then (fair sharing) lower
//   share after admission, then higher priority, then earlier submission; a nominee that needs
//   preemption evicts its targets and its queue waits until they have let go of their quota;
// - a nominee that needs preemption reserves, for the rest of the pass, the quota it will take in
//   its cohort (Kueue's cycleCohortsUsage and resourcesToReserve), and so does a queue waiting for
//   its targets, in every pass until they let go: a later nominee of the cohort that no longer fits
//   beside the reservation waits. Otherwise a borrower took the room during the targets'
//   checkpoint, and the preemptor evicted again, over and over.
import type { Tenants } from '../../model/tenants.js';
import { maxRateOn, runtimeOnS } from '../predict.js';
import { PolicyError, type JobView, type Placement, type PolicyOrigin, type QueueDiscipline, type SchedulingContext, type WaitingJobs } from '../types.js';
import { classicTargets, fairTargets, mayPreempt, type Admission } from './kueue-preemption.js';
import { PendingWorkloads, type PendingGroup } from './pending-workloads.js';
import { MILLI, QuotaBook } from './quota-book.js';
import { countOf } from '../../units/count-noun.js';
import { devicesHeldText } from '../../units/devices-held.js';

interface Record_ {
  readonly job: JobView;
  /** The job as the scheduling policy sees it: allowed only its admitted kind. */
  readonly view: JobView;
  readonly a: Admission;
  started: boolean;
  /** Evicted by a preemption: it holds its quota until it has let go of its devices. */
  evicted: boolean;
}

/** Quota over time, per queue, for tenants.csv. */
export interface QueueUsageTotals {
  /** Device-seconds held beyond nominal quota (borrowed), and lent to the cohort. */
  borrowedDeviceS: number;
  lentDeviceS: number;
  /** Jobs evicted by the admission layer's preemptions. */
  evictions: number;
}

export class KueueAdmission implements QueueDiscipline {
  readonly book: QuotaBook;
  private readonly records = new Map<JobView, Record_>();
  private readonly line = new AdmittedLine((view, real) => this.records.get(real)?.view === view);
  /** Per queue: the jobs whose eviction its nominee waits for. */
  private readonly waitingFor = new Map<number, Set<JobView>>();
  /** Per queue waiting for evictions: the nominee that asked for them (it reserves its room meanwhile). */
  private readonly preemptors = new Map<number, Nominee>();
  private seq = 0;
  private lastS = 0;
  /** Workloads waiting for admission, and the line's entries already read into them. */
  private readonly pending: PendingWorkloads;
  private lineMark = 0;
  /** Workloads whose quota was released while they were still waiting: pending again from the next pass. */
  private readonly returned: JobView[] = [];
  /** Bumped whenever what a nomination reads changes (quota usage, admissions, evictions). */
  private version = 0;
  /** Per queue and kind, thousandths of a device admitted and not being evicted, by priority. */
  private readonly heldByPriority: Map<number, number>[][];
  private readonly held = (q: number, k: number, priority: number, orEqual: boolean): number => {
    let sum = 0;
    for (const [p, m] of this.heldByPriority[q]![k]!) if (p < priority || (orEqual && p === priority)) sum += m;
    return sum;
  };
  readonly totals: QueueUsageTotals[];
  private innerCtx: SchedulingContext | undefined;
  /** Per cohort: borrowed and idle lendable thousandths of one kind (accrue's scratch). */
  private readonly cohortScratch: number[][];
  private outerCtx: SchedulingContext | undefined;

  /**
   * `pool`: the pool's devices and name per kind index, and whether a kind's nodes could ever hold
   * a job's CPU and memory (absent: every kind holds any job). A kind with fewer devices than a job
   * needs, or whose nodes lack its CPU or memory, is no flavour for it: admitted there, it could
   * never start.
   */
  constructor(
    readonly tenants: Tenants,
    kindCount: number,
    private readonly inner: QueueDiscipline,
    private readonly innerName: string,
    private readonly pool?: { readonly devices: ArrayLike<number>; readonly names: readonly string[]; readonly hostFits?: (kind: number, job: JobView) => boolean },
    /** The inner policy's file where it is a plug-in: its errors name it. */
    private readonly innerOrigin?: PolicyOrigin,
  ) {
    this.book = new QuotaBook(tenants, kindCount);
    this.pending = new PendingWorkloads(tenants.queues.length);
    this.heldByPriority = tenants.queues.map(() => Array.from({ length: kindCount }, () => new Map<number, number>()));
    this.totals = tenants.queues.map(() => ({ borrowedDeviceS: 0, lentDeviceS: 0, evictions: 0 }));
    this.cohortScratch = [new Array<number>(tenants.cohorts.length).fill(0), new Array<number>(tenants.cohorts.length).fill(0)];
  }

  schedule(ctx: SchedulingContext): void {
    this.outerCtx = ctx;
    this.accrue(ctx.nowS);
    this.admit(ctx);
    this.inner.schedule((this.innerCtx ??= this.makeInnerContext()));
  }

  /** Bring the borrowed and lent integrals up to `nowS` (call before usage changes, and at the end). */
  accrue(nowS: number): void {
    const dt = nowS - this.lastS;
    this.lastS = nowS;
    if (!(dt > 0)) return;
    const book = this.book;
    const queues = this.tenants.queues;
    // Borrowed devices of a kind in a cohort tree are lent by its queues in proportion to their unused lendable quota.
    const borrowedInCohort = this.cohortScratch[0]!;
    const idleLendable = this.cohortScratch[1]!;
    for (let k = 0; k < book.kindCount; k++) {
      borrowedInCohort.fill(0);
      idleLendable.fill(0);
      // A tree's own cohort quota lends too (to no tenant's credit); flat cohorts have none.
      for (let c = 0; c < this.tenants.cohorts.length; c++) idleLendable[book.rootOfCohort(c)]! += (this.tenants.cohortQuota[c]?.nominal[k] ?? 0) * MILLI;
      for (const q of queues) {
        const over = book.usage[q.index]![k]! - book.nominal(q.index, k);
        if (over > 0) this.totals[q.index]!.borrowedDeviceS += (over / MILLI) * dt;
        const root = book.rootOf(q.index);
        if (root === undefined) continue;
        if (over > 0) borrowedInCohort[root]! += over;
        idleLendable[root]! += lendableIdle(book, q.index, k);
      }
      for (const q of queues) {
        const root = book.rootOf(q.index);
        if (root === undefined || borrowedInCohort[root] === 0 || idleLendable[root] === 0) continue;
        this.totals[q.index]!.lentDeviceS += ((borrowedInCohort[root]! * lendableIdle(book, q.index, k)) / idleLendable[root]! / MILLI) * dt;
      }
    }
  }

  /**
   * A job stopped holding devices (finished, preempted, failed) or was rejected: its quota goes back
   * at once (the simulator calls this on every lifecycle signal by which a job lets go of its quota,
   * so borrowed time is exact and a pass need not look for jobs that ended).
   */
  jobLeft(job: JobView, nowS: number): void {
    const r = this.records.get(job);
    if (!r) {
      this.pending.remove(job);
      return;
    }
    this.accrue(nowS);
    this.release(job, r);
  }

  /** Count a record's quota in or out of what preemption could free (admitted, not being evicted). */
  private hold(r: Record_, sign: 1 | -1): void {
    const byPriority = this.heldByPriority[r.a.queue]![r.a.kind]!;
    const m = (byPriority.get(r.a.priority) ?? 0) + sign * r.a.milli;
    if (m === 0) byPriority.delete(r.a.priority);
    else byPriority.set(r.a.priority, m);
  }

  private release(job: JobView, r: Record_): void {
    if (!r.evicted) this.hold(r, -1);
    this.records.delete(job);
    this.book.remove(r.a.queue, r.a.kind, r.a.milli);
    this.version++;
    if (job.state === 'waiting') this.returned.push(job);
  }

  private admit(ctx: SchedulingContext): void {
    this.syncPending(ctx);
    const queues = this.tenants.queues;
    const pending = this.pending;
    pending.beginPass();
    // A group that failed nomination at the current quota state fails again for its other members.
    const failedNow = (g: PendingGroup): boolean => g.failedAt === this.version;
    // Nominees found inadmissible stay so for this pass: admissions only take quota away.
    for (;;) {
      const nominees: Nominee[] = [];
      for (const q of queues) {
        if (this.blocked(q.index)) {
          // Still pending while its targets let go: it reserves its room again (Kueue re-nominates it each cycle).
          const p = this.preemptors.get(q.index);
          if (p && pending.has(p.job)) nominees.push({ ...p, borrows: this.book.usage[q.index]![p.kind]! + p.milli > this.book.nominal(q.index, p.kind), reserveOnly: true });
          continue;
        }
        for (;;) {
          // A strict-fifo queue nominates only its head: if the head cannot be admitted, nothing.
          const head = pending.first(q.index, q.strictFifo ? undefined : failedNow);
          if (!head) break;
          const n = failedNow(head.group) ? undefined : this.nominate(q.index, head.job);
          if (n) {
            // Workloads of failed groups before the nominee are passed, as if each had been tried.
            pending.passBefore(q.index, head.job);
            nominees.push(n);
            break;
          }
          head.group.failedAt = this.version;
          if (q.strictFifo) break;
          pending.pass(q.index, head.job);
        }
      }
      if (!nominees.some((n) => !n.reserveOnly)) return;
      const fair = this.tenants.fairSharing.enabled;
      for (const n of nominees) n.share = fair ? this.book.share(n.queue, n.kind, n.milli) : 0;
      nominees.sort((a, b) => Number(a.borrows) - Number(b.borrows) || a.share - b.share || b.job.priority - a.job.priority || a.job.submitS - b.job.submitS || a.job.id - b.job.id);
      let progressed = false;
      const reserved = new Map<string, number>();
      for (const n of nominees) {
        const root = this.book.rootOf(n.queue);
        const key = `${root}|${n.kind}`;
        const held = root === undefined ? 0 : (reserved.get(key) ?? 0);
        // Room an earlier preempting nominee of the cohort reserved this pass (Kueue: "no longer fits after processing another workload").
        if (held > 0 && this.book.available(n.queue, n.kind) < held + n.milli) continue;
        if (n.reserveOnly || n.targets) {
          if (root !== undefined) reserved.set(key, held + this.toReserve(n));
          if (n.reserveOnly) continue;
        }
        if (!n.targets) {
          if (!this.book.fits(n.queue, n.kind, n.milli)) continue; // an earlier nominee took the room: next round
          pending.pass(n.queue, n.job);
          pending.remove(n.job);
          this.admitJob(n, ctx.nowS);
          progressed = true;
          continue;
        }
        if (n.targets.some((t) => !this.records.has(t.job) || this.records.get(t.job)!.evicted)) continue;
        // The queue now waits for its targets to let go (blocked()); targets that had not started let go at once.
        this.evict(n, ctx);
        progressed = true;
      }
      if (!progressed) return;
    }
  }

  /**
   * Bring the pending workloads up to date: jobs that joined the line since the last pass, and
   * workloads whose quota was released while they waited (evicted before they started).
   */
  private syncPending(ctx: SchedulingContext): void {
    const waiting = ctx.waiting;
    if (waiting.since && waiting.pushes !== undefined) {
      for (const job of waiting.since(this.lineMark)) this.addPending(job, ctx);
      this.lineMark = waiting.pushes;
    } else {
      for (const job of waiting) this.addPending(job, ctx);
    }
    for (const job of this.returned) if (job.state === 'waiting') this.addPending(job, ctx);
    this.returned.length = 0;
  }

  private addPending(job: JobView, ctx: SchedulingContext): void {
    if (this.records.has(job) || this.pending.has(job)) return;
    const q = queueOf(job);
    if (q === undefined) throw new PolicyError(this.innerName, job.name, ctx.nowS, 'the scenario defines tenants but this job names no queue');
    // What nominate() reads of the job besides its queue; the submission and id too where a queue may preempt newer workloads of equal priority.
    const kinds = job.allowedKinds ? job.allowedKinds.join(',') : '*';
    const own = this.tenants.queues[q]!.withinQueue === 'lower-or-newer-equal-priority' ? `|${job.submitS}|${job.id}` : '';
    // And, for a job asking for CPU or memory, which of its queue's kinds have nodes that hold it.
    const host = this.pool?.hostFits && (job.cpuMilli > 0 || job.memoryMiB > 0) ? `|${this.tenants.queues[q]!.flavours.filter((k) => this.holds(k, job)).join(',')}` : '';
    this.pending.add(job, q, `${job.devices * job.milli}|${kinds}|${job.priority}${own}${host}`);
  }

  /**
   * Why a job left waiting when the run idles was never admitted, when its queue could never admit
   * it (more devices than its quota and its cohort's reach on every kind it may use, a quota of 0);
   * undefined when it was admitted, or when its queue could have.
   */
  neverAdmitted(job: JobView): string | undefined {
    if (this.records.has(job)) return undefined;
    const q = queueOf(job);
    if (q === undefined) return undefined;
    const queue = this.tenants.queues[q]!;
    const milli = job.devices * job.milli;
    const allowed = queue.flavours.filter((k) => !job.allowedKinds || job.allowedKinds.includes(k));
    const kinds = allowed.filter((k) => this.holds(k, job));
    if (kinds.some((k) => milli <= this.book.potential(q, k))) return undefined;
    if (kinds.length === 0 && allowed.length > 0 && this.pool) {
      const pool = this.pool;
      const largest = Math.max(...allowed.map((k) => pool.devices[k]!));
      const names = allowed.map((k) => pool.names[k]).join(', ');
      if (job.devices > largest) return `queue '${queue.name}' could never admit it: it needs ${countOf(job.devices, 'device')} of one kind, and its quota is on ${names} only, of which the pool has at most ${largest}`;
      return `queue '${queue.name}' could never admit it: its quota is on ${names} only, whose nodes could never hold its ${job.cpuMilli} CPU milli-cores and ${job.memoryMiB} MiB of memory with its ${devicesHeldText(job.devices, job.milli)}`;
    }
    const most = Math.max(0, ...kinds.map((k) => this.book.potential(q, k))) / MILLI;
    const reach = queue.cohort === undefined ? "the queue's quota reaches" : "the queue's quota and what its cohort lends reach";
    // A share of a device (GPU-sharing) counts its fraction of one device against the quota: said as a
    // share, since "0.3 devices of one kind" reads as a count of whole devices.
    const needs = job.milli >= MILLI ? `${countOf(job.devices, 'device')} of one kind` : job.devices === 1 ? devicesHeldText(1, job.milli) : `${devicesHeldText(job.devices, job.milli)} (${milli / MILLI} of a device's quota)`;
    return `queue '${queue.name}' could never admit it: it needs ${needs}, and ${reach} at most ${most} of any kind it may use`;
  }

  /** The tenant queue a job not yet admitted waits in; undefined once admitted (it waits in the inner queue policy's line). */
  waitingIn(job: JobView): { who: string; verb: string } | undefined {
    const r = this.records.get(job);
    if (r && !r.evicted) return undefined;
    const q = queueOf(job);
    return q === undefined ? undefined : { who: `queue '${this.tenants.queues[q]!.name}'`, verb: 'admitted' };
  }

  /** Whether the pool has enough devices of kind k for the job (a share of one device: any device), and nodes for its CPU and memory. */
  private holds(k: number, job: JobView): boolean {
    const pool = this.pool;
    return !pool || (job.devices <= pool.devices[k]! && (pool.hostFits?.(k, job) ?? true));
  }

  /** The queue waits for the eviction it asked for. */
  private blocked(q: number): boolean {
    const set = this.waitingFor.get(q);
    if (!set) return false;
    for (const job of set) if (this.records.has(job)) return true;
    this.waitingFor.delete(q);
    this.preemptors.delete(q);
    return false;
  }

  /**
   * The quota a preempting nominee holds back in its cohort for the pass (Kueue's resourcesToReserve):
   * borrowing, what it needs up to its borrowing limit; else what it needs up to its nominal quota.
   */
  private toReserve(n: Nominee): number {
    const book = this.book;
    const use = book.usage[n.queue]![n.kind]!;
    const nominal = book.nominal(n.queue, n.kind);
    if (!n.borrows) return Math.max(0, Math.min(n.milli, nominal - use));
    const limit = this.tenants.queues[n.queue]!.borrowingLimit[n.kind];
    return limit === undefined ? n.milli : Math.max(0, Math.min(n.milli, nominal + limit * MILLI - use));
  }

  /** A nomination for `job` of queue `q`: the kind it fits on, or the evictions that would make room; undefined when neither. */
  private nominate(q: number, job: JobView): Nominee | undefined {
    const book = this.book;
    const queue = this.tenants.queues[q]!;
    const milli = job.devices * job.milli;
    let preemptKind = -1;
    for (const k of queue.flavours) {
      if ((job.allowedKinds && !job.allowedKinds.includes(k)) || !this.holds(k, job)) continue;
      if (book.fits(q, k, milli)) return { job, queue: q, kind: k, milli, borrows: book.usage[q]![k]! + milli > book.nominal(q, k), share: 0 };
      if (preemptKind < 0 && milli <= book.potential(q, k)) preemptKind = k;
    }
    if (preemptKind < 0) return undefined;
    const w = { queue: q, kind: preemptKind, milli, priority: job.priority, submitS: job.submitS, id: job.id };
    if (!mayPreempt(book, w, this.held)) return undefined;
    const admitted = [...this.records.values()].filter((r) => !r.evicted).map((r) => r.a);
    const targets = this.tenants.fairSharing.enabled ? fairTargets(book, w, admitted) : classicTargets(book, w, admitted);
    if (!targets) return undefined;
    const byAdmission = new Map([...this.records.values()].map((r) => [r.a, r]));
    return {
      job,
      queue: q,
      kind: preemptKind,
      milli,
      borrows: book.usage[q]![preemptKind]! + milli > book.nominal(q, preemptKind),
      share: 0,
      targets: targets.map((t) => byAdmission.get(t)!),
    };
  }

  private admitJob(n: Nominee, nowS: number): void {
    this.accrue(nowS);
    const job = n.job;
    const a: Admission = { queue: n.queue, kind: n.kind, milli: n.milli, priority: job.priority, submitS: job.submitS, id: job.id, admittedS: nowS, seq: this.seq++ };
    const records = this.records;
    const view = admittedView(job, n.kind, () => records.get(job)?.view === view);
    const r: Record_ = { job, view, a, started: false, evicted: false };
    this.records.set(job, r);
    this.hold(r, 1);
    this.book.add(n.queue, n.kind, n.milli);
    this.version++;
    this.line.push(view, job);
  }

  /** Evict the nominee's targets: running ones are preempted (they checkpoint, then let go); admitted ones not yet started let go at once. */
  private evict(n: Nominee, ctx: SchedulingContext): void {
    this.version++;
    const waitFor = new Set<JobView>();
    for (const r of n.targets!) {
      this.totals[r.a.queue]!.evictions++;
      if (r.job.state === 'running') {
        this.hold(r, -1);
        r.evicted = true;
        ctx.preempt(r.job);
        waitFor.add(r.job);
      } else if (r.job.state === 'waiting') {
        this.accrue(ctx.nowS);
        this.release(r.job, r);
      } else {
        // Checkpointing for another reason: it is letting go already.
        this.hold(r, -1);
        r.evicted = true;
        waitFor.add(r.job);
      }
    }
    if (waitFor.size > 0) {
      this.waitingFor.set(n.queue, waitFor);
      this.preemptors.set(n.queue, n);
    }
  }

  /** Jobs holding quota now, with the kind they were admitted on (tests and metrics). */
  admissions(): { job: JobView; queue: number; kind: number; milli: number }[] {
    return [...this.records.values()].map((r) => ({ job: r.job, queue: r.a.queue, kind: r.a.kind, milli: r.a.milli }));
  }

  private makeInnerContext(): SchedulingContext {
    const outer = (): SchedulingContext => this.outerCtx!;
    const realJob = (job: JobView): JobView => this.line.real(job) ?? job;
    const line = this.line;
    return {
      get nowS() {
        return outer().nowS;
      },
      waiting: line,
      get running() {
        return outer().running;
      },
      // The same running jobs: the simulator's table describes them.
      get runningTable() {
        return outer().runningTable;
      },
      get cluster() {
        return outer().cluster;
      },
      get random() {
        return outer().random;
      },
      place: (job) => outer().place(job),
      get placeIsPure() {
        return outer().placeIsPure;
      },
      start: (job: JobView, placement: Placement) => {
        const real = this.line.real(job);
        const r = real ? this.records.get(real) : undefined;
        if (!real || !r || r.view !== job) throw new PolicyError(this.innerName, job.name, outer().nowS, 'started a job that the tenant queues have not admitted', this.innerOrigin);
        if (placement && placement.kind !== r.a.kind) throw new PolicyError(this.innerName, job.name, outer().nowS, `placed on kind ${placement.kind}, not the kind its queue admitted it on (${r.a.kind})`, this.innerOrigin);
        outer().start(real, placement);
        r.started = true;
      },
      preempt: (job) => outer().preempt(realJob(job)),
      wakeAt: (t) => outer().wakeAt(t),
      predictRate: (job, p) => outer().predictRate(job, p),
      predictRunS: (job, p) => runtimeOnS(job, p, outer()),
      maxRate: (job, kind) => maxRateOn(job, kind, outer()),
      predictedFinishS: (job) => outer().predictedFinishS(realJob(job)),
    };
  }
}

interface Nominee {
  readonly job: JobView;
  readonly queue: number;
  readonly kind: number;
  readonly milli: number;
  readonly borrows: boolean;
  share: number;
  readonly targets?: Record_[];
  /** A queue's nominee that waits for its targets to let go: it only reserves its room. */
  readonly reserveOnly?: boolean;
}

/**
 * The job as the scheduling policy sees it once admitted: allowed only its admitted kind, and read
 * through to the job for everything else (a view never goes stale). A view outlives its admission in
 * a policy's own index (evicted before it started, then admitted again under a new view): once not
 * `current` it no longer reads as waiting, so the policy drops it.
 * A proxy, not Object.create(job): a job used as a prototype gets a map of its own in V8, and every
 * site in the simulator that reads jobs then sees thousands of shapes (measured: the Philly replay
 * over three queues ran twice as long).
 */
function admittedView(job: JobView, kind: number, current: () => boolean): JobView {
  const allowedKinds = Object.freeze([kind]);
  const view: JobView = new Proxy(job, {
    get(target, prop) {
      if (prop === 'allowedKinds') return allowedKinds;
      if (prop === 'state') return current() || target.state !== 'waiting' ? target.state : 'rejected';
      return Reflect.get(target, prop, view);
    },
  });
  return view;
}

/** Thousandths of a device of kind k the queue has unused and may lend. */
function lendableIdle(book: QuotaBook, q: number, k: number): number {
  const unused = book.nominal(q, k) - book.usage[q]![k]!;
  if (unused <= 0) return 0;
  const limit = book.tenants.queues[q]!.lendingLimit[k];
  return limit === undefined ? unused : Math.min(unused, limit * MILLI);
}

/** The queue index of a job (its template's; tests may give plain views with a `queue`). */
export function queueOf(job: JobView): number | undefined {
  const j = job as JobView & { template?: { queue?: number }; queue?: number };
  return j.template?.queue ?? j.queue;
}

/**
 * The admitted jobs as a waiting line, in admission order, with the incremental index (pushes,
 * since) that ordering policies use. A job that started or was evicted is skipped.
 */
class AdmittedLine implements WaitingJobs {
  constructor(private readonly current: (view: JobView, real: JobView) => boolean) {}

  private readonly views: JobView[] = [];
  private readonly reals: JobView[] = [];
  private readonly realOf = new Map<JobView, JobView>();
  private head = 0;

  push(view: JobView, real: JobView): void {
    this.views.push(view);
    this.reals.push(real);
    this.realOf.set(view, real);
  }

  real(view: JobView): JobView | undefined {
    return this.realOf.get(view);
  }

  private live(i: number): boolean {
    const view = this.views[i]!;
    return view.state === 'waiting' && this.realOf.has(view) && this.current(view, this.reals[i]!);
  }

  get size(): number {
    let n = 0;
    for (let i = this.head; i < this.views.length; i++) if (this.live(i)) n++;
    return n;
  }

  get pushes(): number {
    return this.views.length;
  }

  *since(mark: number): Generator<JobView> {
    for (let i = Math.max(mark, this.head); i < this.views.length; i++) if (this.live(i)) yield this.views[i]!;
  }

  *[Symbol.iterator](): Generator<JobView> {
    while (this.head < this.views.length && !this.live(this.head)) {
      this.realOf.delete(this.views[this.head]!);
      this.head++;
    }
    yield* this.since(this.head);
  }
}
