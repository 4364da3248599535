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
// kinds as Kueue sums a resource over flavours. Cohorts may form a tree (KEP-79, hierarchical
// cohorts): a cohort's quota is what its subtree provides (queues' and child cohorts' lendable quota,
// and its own), its usage what its children use beyond what they keep, and a queue's available quota
// recurses up the tree with each level's borrowing limit, as Kueue's resource_node.go computes it.
import type { Tenants } from '../../model/tenants.js';

export const MILLI = 1000;

export class QuotaBook {
  /** usage[queue][kind], in thousandths of a device. */
  readonly usage: number[][];
  /** Queues by cohort index (direct members). */
  private readonly members: number[][];
  /** Per cohort: thousandths of each kind its subtree provides to it (Kueue's SubtreeQuota), fixed. */
  private readonly subtreeQuota: number[][];
  /** Per cohort: what it keeps from its parent (guaranteedQuota: subtree quota - lending limit), fixed. */
  private readonly cohortGuaranteed: number[][];
  /** Per cohort: its children's usage beyond what they keep for themselves (Kueue's cohort Usage). */
  private readonly cohortUse: number[][];
  /** Per cohort: the root of its tree. */
  private readonly root: number[];

  constructor(
    readonly tenants: Tenants,
    readonly kindCount: number,
  ) {
    this.usage = tenants.queues.map(() => new Array<number>(kindCount).fill(0));
    const cohorts = tenants.cohorts.length;
    this.members = tenants.cohorts.map(() => []);
    for (const q of tenants.queues) if (q.cohort !== undefined) this.members[q.cohort]!.push(q.index);
    const parent = (c: number): number | undefined => tenants.cohortParent[c];
    this.root = tenants.cohorts.map((_, c) => {
      let r = c;
      for (let p = parent(r); p !== undefined; p = parent(r)) r = p;
      return r;
    });
    this.cohortUse = tenants.cohorts.map(() => new Array<number>(kindCount).fill(0));
    this.subtreeQuota = tenants.cohorts.map(() => new Array<number>(kindCount).fill(0));
    this.cohortGuaranteed = tenants.cohorts.map(() => new Array<number>(kindCount).fill(0));
    // Children before parents: a cohort's subtree quota needs its child cohorts' (depth, deepest first).
    const depth = (c: number): number => (parent(c) === undefined ? 0 : 1 + depth(parent(c)!));
    const order = [...Array(cohorts).keys()].sort((a, b) => depth(b) - depth(a) || a - b);
    for (const c of order) {
      for (let k = 0; k < kindCount; k++) {
        let sum = (tenants.cohortQuota[c]?.nominal[k] ?? 0) * MILLI;
        for (const q of this.members[c]!) sum += this.nominal(q, k) - this.guaranteed(q, k);
        for (let child = 0; child < cohorts; child++) if (parent(child) === c) sum += this.subtreeQuota[child]![k]! - this.cohortGuaranteed[child]![k]!;
        this.subtreeQuota[c]![k] = sum;
        const lend = tenants.cohortQuota[c]?.lendingLimit[k];
        this.cohortGuaranteed[c]![k] = lend === undefined ? 0 : Math.max(0, sum - lend * MILLI);
      }
    }
  }

  nominal(q: number, k: number): number {
    return (this.tenants.queues[q]!.nominal[k] ?? 0) * MILLI;
  }

  /** What the queue keeps for itself: nominal - lending limit (0 without a lending limit). */
  guaranteed(q: number, k: number): number {
    const lend = this.tenants.queues[q]!.lendingLimit[k];
    return lend === undefined ? 0 : Math.max(0, this.nominal(q, k) - lend * MILLI);
  }

  /** The cohort's pool of a kind: what its subtree provides (its queues' and child cohorts' lendable quota, and its own). */
  cohortQuota(c: number, k: number): number {
    return this.subtreeQuota[c]![k]!;
  }

  /** What a cohort keeps from its parent and has not used (Kueue's LocalAvailable of a cohort). */
  cohortLocalAvailable(c: number, k: number): number {
    return Math.max(0, this.cohortGuaranteed[c]![k]! - this.cohortUse[c]![k]!);
  }

  /** What the cohort's pool has handed out: each child's usage beyond what it keeps for itself. */
  cohortUsage(c: number, k: number): number {
    return this.cohortUse[c]![k]!;
  }

  /** The root cohort of the queue's tree (undefined outside any cohort): queues of one tree borrow from each other. */
  rootOf(q: number): number | undefined {
    const c = this.tenants.queues[q]!.cohort;
    return c === undefined ? undefined : this.root[c];
  }

  /** The root of a cohort's tree. */
  rootOfCohort(c: number): number {
    return this.root[c]!;
  }

  /**
   * Thousandths of a device of kind k the queue may still admit (Kueue's available(), resource_node.go):
   * what it keeps for itself, plus what its cohort can give, each level capped by its borrowing limit.
   */
  available(q: number, k: number): number {
    const queue = this.tenants.queues[q]!;
    const use = this.usage[q]![k]!;
    if (queue.cohort === undefined) return this.nominal(q, k) - use;
    const guaranteed = this.guaranteed(q, k);
    const local = Math.max(0, guaranteed - use);
    let parent = this.cohortAvailable(queue.cohort, k);
    const limit = queue.borrowingLimit[k];
    if (limit !== undefined) {
      const storedInParent = this.nominal(q, k) - guaranteed;
      const usedInParent = Math.max(0, use - guaranteed);
      parent = Math.min(parent, storedInParent - usedInParent + limit * MILLI);
    }
    return local + parent;
  }

  /** What a cohort can still give its children: the same recursion one level up (a root: its subtree quota less its usage). */
  private cohortAvailable(c: number, k: number): number {
    const subtree = this.subtreeQuota[c]![k]!;
    const use = this.cohortUse[c]![k]!;
    const p = this.tenants.cohortParent[c];
    if (p === undefined) return subtree - use;
    const guaranteed = this.cohortGuaranteed[c]![k]!;
    const local = Math.max(0, guaranteed - use);
    let parent = this.cohortAvailable(p, k);
    const limit = this.tenants.cohortQuota[c]!.borrowingLimit[k];
    if (limit !== undefined) parent = Math.min(parent, subtree - guaranteed - Math.max(0, use - guaranteed) + limit * MILLI);
    return local + parent;
  }

  /** The most the queue could hold of kind k if nothing else ran (Kueue's potentialAvailable). */
  potential(q: number, k: number): number {
    const queue = this.tenants.queues[q]!;
    if (queue.cohort === undefined) return this.nominal(q, k);
    const guaranteed = this.guaranteed(q, k);
    let parent = this.cohortPotential(queue.cohort, k);
    const limit = queue.borrowingLimit[k];
    if (limit !== undefined) parent = Math.min(parent, this.nominal(q, k) - guaranteed + limit * MILLI);
    return guaranteed + parent;
  }

  private cohortPotential(c: number, k: number): number {
    const subtree = this.subtreeQuota[c]![k]!;
    const p = this.tenants.cohortParent[c];
    if (p === undefined) return subtree;
    const guaranteed = this.cohortGuaranteed[c]![k]!;
    const available = guaranteed + this.cohortPotential(p, k);
    const limit = this.tenants.cohortQuota[c]!.borrowingLimit[k];
    return limit === undefined ? available : Math.min(available, subtree + limit * MILLI);
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
    this.change(q, k, milli);
  }

  remove(q: number, k: number, milli: number): void {
    this.change(q, k, -milli);
  }

  /** Change a queue's usage and carry what its cohorts hold for it up the tree. */
  private change(q: number, k: number, delta: number): void {
    const row = this.usage[q]!;
    const before = row[k]!;
    row[k] = before + delta;
    const c = this.tenants.queues[q]!.cohort;
    if (c === undefined) return;
    const g = this.guaranteed(q, k);
    let d = Math.max(0, row[k]! - g) - Math.max(0, before - g);
    for (let at: number | undefined = c; at !== undefined && d !== 0; at = this.tenants.cohortParent[at]) {
      const use = this.cohortUse[at]!;
      const old = use[k]!;
      use[k] = old + d;
      const cg = this.cohortGuaranteed[at]![k]!;
      d = Math.max(0, use[k]! - cg) - Math.max(0, old - cg);
    }
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
    // The weight's thousandths rounded up, as Kueue's MilliValue does (a weight below 0.0005 rounded to 0 divided by 0).
    return Math.floor((perMille * 1000) / weightMilli(queue.weight));
  }
}

/** A positive weight in whole thousandths, rounded up (Kueue: resource.Quantity MilliValue), float noise aside (0.07 x 1000 is 70.000...01). */
export function weightMilli(weight: number): number {
  return Math.max(1, Math.ceil(weight * 1000 - 1e-6));
}
