// Which admitted workloads a pending one preempts, as Kueue chooses them (docs/concepts/preemption.md,
// "Classic Preemption" and "Fair Sharing"; KEP-83, KEP-1337, KEP-1714). Pure: the quota book is
// changed while a choice is tried and restored before returning.
import type { Tenants } from '../../model/tenants.js';
import type { QuotaBook } from './quota-book.js';

/** A workload holding quota: its queue, the kind (flavour) it was admitted on, and its size. */
export interface Admission {
  readonly queue: number;
  readonly kind: number;
  /** Thousandths of a device. */
  readonly milli: number;
  readonly priority: number;
  readonly submitS: number;
  readonly id: number;
  /** When it was admitted, and an admission counter for ties (most recent first among victims). */
  readonly admittedS: number;
  readonly seq: number;
}

/** The pending workload that needs room. */
export interface Preemptor {
  readonly queue: number;
  readonly kind: number;
  readonly milli: number;
  readonly priority: number;
  readonly submitS: number;
  readonly id: number;
}

/**
 * Kueue's candidates (preemption.go findCandidates): workloads on the same kind of the preemptor's
 * queue that its within_queue policy allows, and workloads on that kind of other queues of its
 * cohort tree that borrow it, when reclaim_within_cohort or borrow_within_cohort allow (only lower
 * priority unless reclaim is 'any'). Ordered (candidatesOrdering): other queues first, then lower
 * priority, then the most recently admitted.
 */
export function candidates(book: QuotaBook, w: Preemptor, admitted: Iterable<Admission>): Admission[] {
  const queues = book.tenants.queues;
  const x = queues[w.queue]!;
  const out: Admission[] = [];
  const crossCohort = x.cohort !== undefined && (x.reclaimWithinCohort !== 'never' || x.borrowWithinCohort.policy !== 'never');
  for (const a of admitted) {
    if (a.kind !== w.kind) continue;
    if (a.queue === w.queue) {
      if (x.withinQueue === 'never') continue;
      const lower = a.priority < w.priority;
      const newerEqual = a.priority === w.priority && (a.submitS > w.submitS || (a.submitS === w.submitS && a.id > w.id));
      if (lower || (x.withinQueue === 'lower-or-newer-equal-priority' && newerEqual)) out.push(a);
      continue;
    }
    // Reclaim reaches every borrowing queue of the cohort tree (KEP-79: preemption among the whole cohort structure).
    if (!crossCohort || book.rootOf(a.queue) !== book.rootOf(w.queue) || !book.borrowing(a.queue, a.kind)) continue;
    if (x.reclaimWithinCohort !== 'any' && a.priority >= w.priority) continue;
    out.push(a);
  }
  return out.sort((a, b) => Number(a.queue === w.queue) - Number(b.queue === w.queue) || a.priority - b.priority || b.admittedS - a.admittedS || b.seq - a.seq);
}

/**
 * Thousandths of a device of kind `kind` that queue `queue` holds in admitted workloads not being
 * evicted, counting those of priority below `priority` (and equal to it with `orEqual`).
 */
export type HeldQuota = (queue: number, kind: number, priority: number, orEqual: boolean) => number;

/**
 * Whether preemption could make room for `w` at all: false proves that classicTargets (or, with
 * fair sharing, fairTargets) finds no targets. Each strategy step fits the preemptor after removing
 * some of its candidates; removing every workload that could be one of them (a superset) can only
 * leave more room (available quota never falls as usage falls), so if even that does not fit, the
 * step cannot. A cheap test in place of ordering every admitted workload, for the many pending
 * workloads that wait while their queue is at its quota.
 */
export function mayPreempt(book: QuotaBook, w: Preemptor, held: HeldQuota): boolean {
  const queues = book.tenants.queues;
  const x = queues[w.queue]!;
  const own = x.withinQueue === 'never' ? 0 : held(w.queue, w.kind, w.priority, x.withinQueue === 'lower-or-newer-equal-priority');
  const others: [number, number][] = [];
  const crossCohort = x.cohort !== undefined && (x.reclaimWithinCohort !== 'never' || x.borrowWithinCohort.policy !== 'never');
  if (crossCohort) {
    for (const q of queues) {
      if (q.index === w.queue || book.rootOf(q.index) !== book.rootOf(w.queue) || !book.borrowing(q.index, w.kind)) continue;
      const m = held(q.index, w.kind, Infinity, true);
      if (m > 0) others.push([q.index, m]);
    }
  }
  if (own === 0 && others.length === 0) return false;
  const fitsWithout = (withOthers: boolean, allowBorrowing: boolean): boolean => {
    book.remove(w.queue, w.kind, own);
    if (withOthers) for (const [q, m] of others) book.remove(q, w.kind, m);
    const fits = book.fits(w.queue, w.kind, w.milli, allowBorrowing);
    book.add(w.queue, w.kind, own);
    if (withOthers) for (const [q, m] of others) book.add(q, w.kind, m);
    return fits;
  };
  if (book.tenants.fairSharing.enabled) return fitsWithout(true, true);
  // Classic: its own queue's candidates with borrowing (steps 1 and 4); borrow_within_cohort (2); reclaim without borrowing (3).
  if (own > 0 && fitsWithout(false, true)) return true;
  if (others.length === 0) return false;
  // Hierarchy candidates may be taken while borrowing, whatever borrow_within_cohort says.
  if ((x.borrowWithinCohort.policy === 'lower-priority' || (x.reclaimWithinCohort !== 'never' && hasAdvantage(book, w))) && fitsWithout(true, true)) return true;
  return book.usage[w.queue]![w.kind]! < book.nominal(w.queue, w.kind) && x.reclaimWithinCohort !== 'never' && fitsWithout(true, false);
}

/**
 * Classic preemption's targets, as Kueue's classicalPreemptions does it over a cohort tree
 * (pkg/scheduler/preemption/preemption.go and classical/: hierarchical_preemption.go,
 * candidate_generator.go; the docs' "Classic Preemption" steps are its flat-cohort case), or
 * undefined when none make room.
 *
 * Candidates come in three groups, each ordered by Kueue's CandidatesOrdering (lower priority, then
 * the most recently admitted):
 * 1. hierarchy candidates: workloads of borrowing queues in parts of the tree over which the
 *    preemptor has a hierarchical advantage. Walking from its queue up to the root, the preemptor
 *    has it from the first node whose own quota holds the request (its queue when the workload fits
 *    within its nominal quota; else the nearest cohort whose subtree quota does, counting what each
 *    level below keeps for itself); workloads found in subtrees joined at or above that node use
 *    quota that belongs nearer the preemptor. They may be taken while it borrows.
 * 2. priority candidates: borrowing queues' workloads reached before that node (siblings that share
 *    the pool it borrows from), taken by priority under borrow_within_cohort.
 * 3. its own queue's workloads (within_queue).
 * A subtree within its quota is not searched; a candidate stays valid while its queue, and every
 * cohort between it and the cohort where the preemptor's path meets it, still borrow. Attempts:
 * with borrowing first (Kueue's default), or without first when borrow_within_cohort is 'never' and
 * there is no hierarchy candidate; only with borrowing when no other queue has candidates or the
 * queue is not under its nominal quota and may not borrow within the cohort.
 */
export function classicTargets(book: QuotaBook, w: Preemptor, admitted: Iterable<Admission>): Admission[] | undefined {
  const { hierarchy, priority, same } = classicCandidates(book, w, admitted);
  const x = book.tenants.queues[w.queue]!;
  const noOther = hierarchy.length === 0 && priority.length === 0;
  const bwcForbidden = x.borrowWithinCohort.policy === 'never';
  const underNominal = book.usage[w.queue]![w.kind]! < book.nominal(w.queue, w.kind);
  const attempts = noOther || (bwcForbidden && !underNominal) ? [true] : bwcForbidden && hierarchy.length === 0 ? [false, true] : [true, false];
  const order = [...hierarchy, ...priority, ...same];
  if (order.length === 0) return undefined;
  for (const borrowing of attempts) {
    const targets = minimalTargets(book, w, order, borrowing);
    if (targets) return targets;
  }
  return undefined;
}

/** Whether the preemptor has a hierarchical advantage at some level of its path (see classicCandidates). */
function hasAdvantage(book: QuotaBook, w: Preemptor): boolean {
  const k = w.kind;
  const use = book.usage[w.queue]![k]!;
  if (use + w.milli <= book.nominal(w.queue, k)) return true;
  let remaining = Math.max(0, w.milli - Math.max(0, book.guaranteed(w.queue, k) - use));
  const parents = book.tenants.cohortParent;
  // The last level's fit gives no advantage to anything above it: stop before the root's.
  for (let c: number | undefined = book.tenants.queues[w.queue]!.cohort; c !== undefined && parents[c] !== undefined; c = parents[c]) {
    if (book.cohortQuota(c, k) >= book.cohortUsage(c, k) + remaining) return true;
    remaining = Math.max(0, remaining - book.cohortLocalAvailable(c, k));
  }
  return false;
}

/** How a candidate may be preempted (Kueue's preemptionVariant). */
type Variant = 'within-queue' | 'hierarchical' | 'without-borrowing' | 'while-borrowing';

interface Candidate {
  readonly a: Admission;
  readonly variant: Variant;
  /** The cohort where the preemptor's path to the root meets the candidate's queue (undefined: its own queue). */
  readonly lca: number | undefined;
}

/** Kueue's candidate groups for classic preemption (see classicTargets), each in Kueue's order. */
export function classicCandidates(book: QuotaBook, w: Preemptor, admitted: Iterable<Admission>): { hierarchy: Candidate[]; priority: Candidate[]; same: Candidate[] } {
  const tenants = book.tenants;
  const x = tenants.queues[w.queue]!;
  const k = w.kind;
  const byQueue = new Map<number, Admission[]>();
  for (const a of admitted) {
    if (a.kind !== k) continue;
    const l = byQueue.get(a.queue);
    if (l) l.push(a);
    else byQueue.set(a.queue, [a]);
  }
  const same: Candidate[] = [];
  if (x.withinQueue !== 'never') {
    for (const a of byQueue.get(w.queue) ?? []) {
      const lower = a.priority < w.priority;
      const newerEqual = a.priority === w.priority && (a.submitS > w.submitS || (a.submitS === w.submitS && a.id > w.id));
      if (lower || (x.withinQueue === 'lower-or-newer-equal-priority' && newerEqual)) same.push({ a, variant: 'within-queue', lca: undefined });
    }
  }
  const hierarchy: Candidate[] = [];
  const priority: Candidate[] = [];
  if (x.cohort !== undefined && x.reclaimWithinCohort !== 'never') {
    const bwc = x.borrowWithinCohort;
    const variant = (a: Admission, advantage: boolean): Variant | undefined => {
      if (x.reclaimWithinCohort === 'lower-priority' && !(a.priority < w.priority)) return undefined;
      if (advantage) return 'hierarchical';
      if (bwc.policy === 'never') return 'without-borrowing';
      if (a.priority >= w.priority || (bwc.maxPriorityThreshold !== undefined && a.priority > bwc.maxPriorityThreshold)) return 'without-borrowing';
      return 'while-borrowing';
    };
    const cohortOver = (c: number): boolean => book.cohortUsage(c, k) > book.cohortQuota(c, k);
    const childCohorts = (c: number): number[] => tenants.cohorts.map((_, i) => i).filter((i) => tenants.cohortParent[i] === c);
    const childQueues = (c: number): number[] => tenants.queues.filter((q) => q.cohort === c).map((q) => q.index);
    const collect = (at: number, lca: number, skip: number | undefined, advantage: boolean, out: Candidate[]): void => {
      for (const child of childCohorts(at)) if (child !== skip && cohortOver(child)) collect(child, lca, skip, advantage, out);
      for (const q of childQueues(at)) {
        if (q === w.queue || !book.borrowing(q, k)) continue;
        for (const a of byQueue.get(q) ?? []) {
          const v = variant(a, advantage);
          if (v) out.push({ a, variant: v, lca });
        }
      }
    };
    const use = book.usage[w.queue]![k]!;
    let advantage = use + w.milli <= book.nominal(w.queue, k);
    let remaining = Math.max(0, w.milli - Math.max(0, book.guaranteed(w.queue, k) - use));
    let previous: number | undefined;
    for (let c: number | undefined = x.cohort; c !== undefined; c = tenants.cohortParent[c]) {
      collect(c, c, previous, advantage, advantage ? hierarchy : priority);
      const fits = book.cohortQuota(c, k) >= book.cohortUsage(c, k) + remaining;
      remaining = Math.max(0, remaining - book.cohortLocalAvailable(c, k));
      advantage ||= fits;
      previous = c;
    }
  }
  const byOrder = (p: Candidate, q: Candidate): number => p.a.priority - q.a.priority || q.a.admittedS - p.a.admittedS || q.a.seq - p.a.seq;
  return { hierarchy: hierarchy.sort(byOrder), priority: priority.sort(byOrder), same: same.sort(byOrder) };
}

/** Whether a candidate may still be taken (Kueue's candidateIsValid): its queue and the cohorts up to the meeting point still borrow. */
function stillValid(book: QuotaBook, w: Preemptor, c: Candidate, borrowing: boolean): boolean {
  if (c.a.queue === w.queue) return true;
  if (borrowing && c.variant === 'without-borrowing') return false;
  const k = c.a.kind;
  if (!book.borrowing(c.a.queue, k)) return false;
  for (let at = book.tenants.queues[c.a.queue]!.cohort; at !== undefined && at !== c.lca; at = book.tenants.cohortParent[at]) {
    if (!(book.cohortUsage(at, k) > book.cohortQuota(at, k))) return false;
  }
  return true;
}

/**
 * Take valid candidates in order until the preemptor fits, then give back, from the second-to-last
 * down, those it fits without (Kueue's classicalPreemptions loop and fillBackWorkloads).
 */
function minimalTargets(book: QuotaBook, w: Preemptor, order: readonly Candidate[], allowBorrowing: boolean): Admission[] | undefined {
  const targets: Admission[] = [];
  let fits = false;
  for (const c of order) {
    if (!stillValid(book, w, c, allowBorrowing)) continue;
    const a = c.a;
    book.remove(a.queue, a.kind, a.milli);
    targets.push(a);
    if (book.fits(w.queue, w.kind, w.milli, allowBorrowing)) {
      fits = true;
      break;
    }
  }
  if (!fits) {
    restore(book, targets);
    return undefined;
  }
  const kept = fillBack(book, w, targets, allowBorrowing);
  restore(book, kept);
  return kept;
}

function fillBack(book: QuotaBook, w: Preemptor, targets: Admission[], allowBorrowing: boolean): Admission[] {
  const kept = [...targets];
  for (let i = kept.length - 2; i >= 0; i--) {
    const a = kept[i]!;
    book.add(a.queue, a.kind, a.milli);
    if (book.fits(w.queue, w.kind, w.milli, allowBorrowing)) kept.splice(i, 1);
    else book.remove(a.queue, a.kind, a.milli);
  }
  return kept;
}

function restore(book: QuotaBook, removed: readonly Admission[]): void {
  for (const a of removed) book.add(a.queue, a.kind, a.milli);
}

export type ShareStrategy = (preemptorNew: number, targetOld: number, targetNew: number) => boolean;

/** Kueue's fair-sharing preemption strategies (docs: "Preemption strategies"). */
export const SHARE_STRATEGIES: Record<Tenants['fairSharing']['strategies'][number], ShareStrategy> = {
  'less-than-or-equal-to-final-share': (preemptorNew, _targetOld, targetNew) => preemptorNew <= targetNew,
  'less-than-initial-share': (preemptorNew, targetOld) => preemptorNew < targetOld,
};

/**
 * Fair-sharing preemption's targets (docs: "Fair Sharing" > "Algorithm overview"; Kueue's
 * fairPreemptions): repeatedly take the queue with the highest share among those with candidates;
 * the preemptor's own queue gives its candidates in order, another queue its first candidate that
 * satisfies the first strategy (recomputing shares after each preemption). Candidates that failed
 * are tried under the second strategy, one per queue, highest share first. Then give back those
 * not needed.
 */
export function fairTargets(book: QuotaBook, w: Preemptor, admitted: Iterable<Admission>): Admission[] | undefined {
  const all = candidates(book, w, admitted);
  if (all.length === 0) return undefined;
  const strategies = book.tenants.fairSharing.strategies.map((s) => SHARE_STRATEGIES[s]);
  const x = book.tenants.queues[w.queue]!;
  const bwc = x.borrowWithinCohort;
  const threshold = bwc.policy === 'lower-priority' ? (bwc.maxPriorityThreshold ?? Infinity) : undefined;
  const preemptorNew = book.share(w.queue, w.kind, w.milli);
  const targets: Admission[] = [];
  let fits = false;
  const take = (a: Admission): boolean => {
    book.remove(a.queue, a.kind, a.milli);
    targets.push(a);
    return (fits = book.fits(w.queue, w.kind, w.milli, true));
  };
  const retry: Admission[] = [];
  const byQueue = groupByQueue(all);
  let heap = [...byQueue.keys()];
  while (heap.length > 0 && !fits) {
    const q = popHighestShare(book, heap);
    const list = byQueue.get(q)!;
    if (q === w.queue) {
      take(list.shift()!);
      if (!fits && list.length > 0) heap.push(q);
      continue;
    }
    while (list.length > 0) {
      const a = list.shift()!;
      const belowThreshold = threshold !== undefined && a.priority < w.priority && a.priority <= threshold;
      if (belowThreshold || strategies[0]!(preemptorNew, book.share(q), book.share(q, a.kind, -a.milli))) {
        take(a);
        if (!fits && list.length > 0 && book.borrowing(q, w.kind)) heap.push(q);
        break;
      }
      retry.push(a);
    }
  }
  if (!fits && strategies.length > 1) {
    const firsts = groupByQueue(retry);
    heap = [...firsts.keys()];
    while (heap.length > 0 && !fits) {
      const q = popHighestShare(book, heap);
      const a = firsts.get(q)![0]!;
      if (strategies[1]!(preemptorNew, book.share(q), 0)) take(a);
    }
  }
  if (!fits) {
    restore(book, targets);
    return undefined;
  }
  const kept = fillBack(book, w, targets, true);
  restore(book, kept);
  return kept;
}

function groupByQueue(list: readonly Admission[]): Map<number, Admission[]> {
  const m = new Map<number, Admission[]>();
  for (const a of list) {
    const l = m.get(a.queue);
    if (l) l.push(a);
    else m.set(a.queue, [a]);
  }
  return m;
}

/** Remove and return the queue with the highest current share (ties: the lower queue index). */
function popHighestShare(book: QuotaBook, heap: number[]): number {
  let best = 0;
  for (let i = 1; i < heap.length; i++) {
    const si = book.share(heap[i]!);
    const sb = book.share(heap[best]!);
    if (si > sb || (si === sb && heap[i]! < heap[best]!)) best = i;
  }
  return heap.splice(best, 1)[0]!;
}
