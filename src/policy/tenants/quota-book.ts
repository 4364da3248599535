// Quota usage of tenant queues and the arithmetic Kueue does on it: what a queue may still admit on a
// device kind (its nominal quota, what its cohort lends, its borrowing limit), whether it borrows,
// and its dominant resource share (fair sharing). Usage is in thousandths of a device, so that
// fractional jobs count exactly.
//
// Sources (Kueue): the cohort and borrowing semantics of docs/concepts/cluster_queue.md ("Flavors and
// borrowing semantics", "BorrowingLimit"); lendingLimit from KEP-1224 (a queue keeps nominal -
// lendingLimit for its exclusive use; the cohort's pool is the sum of what its queues may lend);
// the share value from KEP-1714 ("Share value function and weights"), with Kueue's integer
// arithmetic (pkg/cache dominantResourceShare: per mille, then x 1000 / weight in thousandths).
// poolsim has one resource, devices; its kinds are Kueue's flavours of it, so borrowing sums over
// kinds as Kueue sums a resource over flavours.
import type { Tenants } from '../../model/tenants.js';

export const MILLI = 1000;

export class QuotaBook {
  /** usage[queue][kind], in thousandths of a device. */
  readonly usage: number[][];
  /** Queues by cohort index. */
  private readonly members: number[][];

  constructor(
    readonly tenants: Tenants,
    readonly kindCount: number,
  ) {
    this.usage = tenants.queues.map(() => new Array<number>(kindCount).fill(0));
    this.members = tenants.cohorts.map(() => []);
    for (const q of tenants.queues) if (q.cohort !== undefined) this.members[q.cohort]!.push(q.index);
  }

  nominal(q: number, k: number): number {
    return (this.tenants.queues[q]!.nominal[k] ?? 0) * MILLI;
  }

  /** What the queue keeps for itself: nominal - lending limit (0 without a lending limit). */
  guaranteed(q: number, k: number): number {
    const lend = this.tenants.queues[q]!.lendingLimit[k];
    return lend === undefined ? 0 : Math.max(0, this.nominal(q, k) - lend * MILLI);
  }

  /** The cohort's pool of a kind: what its queues may lend. */
  cohortQuota(c: number, k: number): number {
    let sum = 0;
    for (const q of this.members[c]!) sum += this.nominal(q, k) - this.guaranteed(q, k);
    return sum;
  }

  /** What the cohort's pool has handed out: each queue's usage beyond what it keeps for itself. */
  cohortUsage(c: number, k: number): number {
    let sum = 0;
    for (const q of this.members[c]!) sum += Math.max(0, this.usage[q]![k]! - this.guaranteed(q, k));
    return sum;
  }

  /** Thousandths of a device of kind k the queue may still admit (Kueue's available()). */
  available(q: number, k: number): number {
    const queue = this.tenants.queues[q]!;
    const use = this.usage[q]![k]!;
    if (queue.cohort === undefined) return this.nominal(q, k) - use;
    const guaranteed = this.guaranteed(q, k);
    const local = Math.max(0, guaranteed - use);
    let parent = this.cohortQuota(queue.cohort, k) - this.cohortUsage(queue.cohort, k);
    const limit = queue.borrowingLimit[k];
    if (limit !== undefined) {
      const storedInParent = this.nominal(q, k) - guaranteed;
      const usedInParent = Math.max(0, use - guaranteed);
      parent = Math.min(parent, storedInParent - usedInParent + limit * MILLI);
    }
    return local + parent;
  }

  /** The most the queue could hold of kind k if nothing else ran (Kueue's potentialAvailable). */
  potential(q: number, k: number): number {
    const queue = this.tenants.queues[q]!;
    if (queue.cohort === undefined) return this.nominal(q, k);
    const guaranteed = this.guaranteed(q, k);
    let parent = this.cohortQuota(queue.cohort, k);
    const limit = queue.borrowingLimit[k];
    if (limit !== undefined) parent = Math.min(parent, this.nominal(q, k) - guaranteed + limit * MILLI);
    return guaranteed + parent;
  }

  fits(q: number, k: number, milli: number, allowBorrowing = true): boolean {
    if (milli > this.available(q, k)) return false;
    return allowBorrowing || this.usage[q]![k]! + milli <= this.nominal(q, k);
  }

  /** Whether the queue uses more than its nominal quota of kind k. */
  borrowing(q: number, k: number): boolean {
    return this.usage[q]![k]! > this.nominal(q, k);
  }

  add(q: number, k: number, milli: number): void {
    this.usage[q]![k]! += milli;
  }

  remove(q: number, k: number, milli: number): void {
    this.usage[q]![k]! -= milli;
  }

  /**
   * Weighted dominant resource share of a queue (KEP-1714), with `extra` thousandths of kind
   * `extraKind` added to its usage (negative: removed). 0 outside a cohort or when not borrowing;
   * Infinity for weight 0 (always first to give way).
   */
  share(q: number, extraKind = -1, extra = 0): number {
    const queue = this.tenants.queues[q]!;
    if (queue.cohort === undefined) return 0;
    if (queue.weight === 0) return Infinity;
    let borrowed = 0;
    let lendable = 0;
    for (let k = 0; k < this.kindCount; k++) {
      const over = this.usage[q]![k]! + (k === extraKind ? extra : 0) - this.nominal(q, k);
      if (over > 0) borrowed += over;
      lendable += this.cohortQuota(queue.cohort, k);
    }
    if (borrowed === 0 || lendable === 0) return 0;
    const perMille = Math.floor((borrowed * 1000) / lendable);
    return Math.floor((perMille * 1000) / Math.round(queue.weight * 1000));
  }
}
