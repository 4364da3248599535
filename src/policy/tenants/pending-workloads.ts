// The workloads waiting for admission, per tenant queue in Kueue's queue order (priority, then
// submission, then id), kept across scheduling passes and grouped by what their nomination depends
// on (size, allowed kinds, priority). A group whose nomination failed while the quota state stayed
// the same fails again for every other member, so a pass skips the whole group instead of trying
// each of thousands of waiting jobs (issue 13: a Philly replay over three queues took 13 minutes).

import type { JobView } from '../types.js';

/** Workloads of one queue that a nomination cannot tell apart. */
export interface PendingGroup {
  readonly queue: number;
  readonly key: string;
  /** Members in (submission, id) order. */
  readonly jobs: JobView[];
  /** Index of the first member not yet passed in this pass. */
  ptr: number;
  /** The quota state version at which a member last failed nomination (-1: none). */
  failedAt: number;
}

interface QueuePending {
  readonly groups: Map<string, PendingGroup>;
  /** Where this pass stands: every workload before `cursor` in queue order is passed, and `cursor` itself too when `inclusive`. */
  cursor: JobView | undefined;
  inclusive: boolean;
  /** Every workload of the queue is passed. */
  exhausted: boolean;
}

/** Whether `a` comes before `b` in Kueue's queue order (higher priority, earlier submission, lower id). */
export function queueOrderBefore(a: JobView, b: JobView): boolean {
  if (a.priority !== b.priority) return a.priority > b.priority;
  if (a.submitS !== b.submitS) return a.submitS < b.submitS;
  return a.id < b.id;
}

/** Whether a pass standing at `cursor` has passed `job`. */
function passed(job: JobView, cursor: JobView, inclusive: boolean): boolean {
  return inclusive ? job === cursor || queueOrderBefore(job, cursor) : queueOrderBefore(job, cursor);
}

export class PendingWorkloads {
  private readonly queues: QueuePending[];
  private readonly groupOf = new Map<JobView, PendingGroup>();

  constructor(queueCount: number) {
    this.queues = Array.from({ length: queueCount }, () => ({ groups: new Map<string, PendingGroup>(), cursor: undefined, inclusive: false, exhausted: false }));
  }

  has(job: JobView): boolean {
    return this.groupOf.has(job);
  }

  /** Add a waiting workload of queue `q`; `key` names everything its nomination depends on besides its queue. */
  add(job: JobView, q: number, key: string): void {
    if (this.groupOf.has(job)) return;
    const groups = this.queues[q]!.groups;
    let g = groups.get(key);
    if (!g) {
      g = { queue: q, key, jobs: [], ptr: 0, failedAt: -1 };
      groups.set(key, g);
    }
    const jobs = g.jobs;
    // Arrivals come in submission order, so this is nearly always an append.
    let i = jobs.length;
    if (i > 0 && queueOrderBefore(job, jobs[i - 1]!)) i = this.lowerBound(jobs, job);
    jobs.splice(i, 0, job);
    if (i < g.ptr) g.ptr++;
    this.groupOf.set(job, g);
  }

  /** Drop a workload (admitted, or no longer waiting). */
  remove(job: JobView): void {
    const g = this.groupOf.get(job);
    if (!g) return;
    this.groupOf.delete(job);
    const jobs = g.jobs;
    let i = g.ptr < jobs.length && jobs[g.ptr] === job ? g.ptr : this.lowerBound(jobs, job);
    if (jobs[i] !== job) i = jobs.indexOf(job);
    jobs.splice(i, 1);
    if (i < g.ptr) g.ptr--;
    // An empty group goes (a group per job when the key holds the job's own submission and id).
    if (jobs.length === 0) this.queues[g.queue]!.groups.delete(g.key);
  }

  /** Start a pass: nothing has been passed yet. */
  beginPass(): void {
    for (const qp of this.queues) {
      qp.cursor = undefined;
      qp.inclusive = false;
      qp.exhausted = false;
      for (const g of qp.groups.values()) g.ptr = 0;
    }
  }

  /**
   * The first workload of queue `q` not yet passed in this pass, among groups that `skip` does not
   * rule out, with its group; undefined when none is left (then every workload of the queue counts
   * as passed, those of skipped groups too). Members that stopped waiting are dropped.
   */
  first(q: number, skip?: (g: PendingGroup) => boolean): { job: JobView; group: PendingGroup } | undefined {
    const qp = this.queues[q]!;
    if (qp.exhausted) return undefined;
    let best: JobView | undefined;
    let bestGroup: PendingGroup | undefined;
    for (const g of qp.groups.values()) {
      if (skip?.(g)) continue;
      const job = this.head(g, qp);
      if (job && (!best || queueOrderBefore(job, best))) {
        best = job;
        bestGroup = g;
      }
    }
    if (!best) {
      qp.exhausted = true;
      return undefined;
    }
    return { job: best, group: bestGroup! };
  }

  /** Queue `q`'s pass moves beyond `job` (it was tried and skipped, or admitted). */
  pass(q: number, job: JobView): void {
    const qp = this.queues[q]!;
    qp.cursor = job;
    qp.inclusive = true;
  }

  /** Queue `q`'s pass moves up to `job` (its nominee): the workloads before it are passed. */
  passBefore(q: number, job: JobView): void {
    const qp = this.queues[q]!;
    qp.cursor = job;
    qp.inclusive = false;
  }

  /** The group's first live member that the queue's pass has not passed. */
  private head(g: PendingGroup, qp: QueuePending): JobView | undefined {
    const jobs = g.jobs;
    const cursor = qp.cursor;
    if (cursor && g.ptr < jobs.length && passed(jobs[g.ptr]!, cursor, qp.inclusive)) {
      // Jump over the members the pass has passed.
      let lo = g.ptr;
      let hi = jobs.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (passed(jobs[mid]!, cursor, qp.inclusive)) lo = mid + 1;
        else hi = mid;
      }
      g.ptr = lo;
    }
    while (g.ptr < jobs.length) {
      const job = jobs[g.ptr]!;
      if (job.state === 'waiting') return job;
      this.remove(job);
    }
    return undefined;
  }

  /** Index of the first member not before `job` in queue order. */
  private lowerBound(jobs: readonly JobView[], job: JobView): number {
    let lo = 0;
    let hi = jobs.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (queueOrderBefore(jobs[mid]!, job)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
