// Classic preemption over a tree of cohorts as Kueue does it (pkg/scheduler/preemption/classical:
// hierarchical_preemption.go, candidate_generator.go): candidates are gathered walking from the
// preemptor's queue up to the root; those in parts of the tree where the quota it needs belongs
// nearer to it (its hierarchical advantage) come first and may be taken while it borrows; a subtree
// within its own quota is not searched, whatever its queues borrow inside it. Hand-computed.
import { describe, expect, it } from 'vitest';
import { resolveTenants, type Tenants } from '../src/model/tenants.js';
import { classicCandidates, classicTargets, mayPreempt, type Admission } from '../src/policy/tenants/kueue-preemption.js';
import { QuotaBook } from '../src/policy/tenants/quota-book.js';
import { tenantsSchema } from '../src/scenario/tenants-schema.js';

const D = 1000;

function tenantsOf(spec: unknown): Tenants {
  const problems: string[] = [];
  const t = resolveTenants(tenantsSchema.parse(spec), 1, (name) => (name === 'k0' ? 0 : undefined), (path, message) => problems.push(`${path.join('.')}: ${message}`));
  expect(problems).toEqual([]);
  return t;
}

/** org -> { research -> { r1, r2 }, prod -> { p1, p2 } }, one kind. */
function tree(nominal: { r1: number; r2: number; p1: number; p2: number }, r1Preemption: object): QuotaBook {
  return new QuotaBook(
    tenantsOf({
      cohorts: [{ name: 'org' }, { name: 'research', parent: 'org' }, { name: 'prod', parent: 'org' }],
      queues: [
        { name: 'r1', cohort: 'research', quota: { k0: nominal.r1 }, preemption: r1Preemption },
        { name: 'r2', cohort: 'research', quota: { k0: nominal.r2 } },
        { name: 'p1', cohort: 'prod', quota: { k0: nominal.p1 } },
        { name: 'p2', cohort: 'prod', quota: { k0: nominal.p2 } },
      ],
    }),
    1,
  );
}

/** Admit [name, queue index, devices, priority] in order (admission time = position). */
function admit(book: QuotaBook, list: [string, number, number, number][]): (Admission & { name: string })[] {
  return list.map(([name, queue, devices, priority], i) => {
    book.add(queue, 0, devices * D);
    return { name, queue, kind: 0, milli: devices * D, priority, submitS: i, id: i, admittedS: i, seq: i };
  });
}

const names = (l: readonly Admission[] | undefined): string[] | undefined => l?.map((a) => (a as Admission & { name: string }).name);

describe('classic preemption in hierarchical cohorts (Kueue)', () => {
  it('takes from the borrowing sibling in its own subtree, not from a queue that borrows only inside a subtree within its quota', () => {
    // research = r1 4 + r2 2 = 6, prod = p1 5 + p2 5 = 10, org 16. r1 holds 4 (its nominal), r2 4
    // (borrowing 2, so research holds 8 of its 6), p1 8 (borrowing 3 from p2's idle quota; prod
    // holds 8 of its 10): the tree is full. r1 wants 2 more at priority 1 (borrow_within_cohort).
    const book = tree({ r1: 4, r2: 2, p1: 5, p2: 5 }, { reclaim_within_cohort: 'any', borrow_within_cohort: { policy: 'lower-priority' } });
    const admitted = admit(book, [
      ['a1', 0, 4, 0],
      ['b1', 1, 2, 0],
      ['b2', 1, 2, 0],
      ['c1', 2, 4, 0],
      ['c2', 2, 4, 0],
    ]);
    const w = { queue: 0, kind: 0, milli: 2 * D, priority: 1, submitS: 10, id: 10 };
    // No advantage: r1 would pass its nominal (4 + 2 > 4), research its quota (8 + 2 > 6), org too.
    // Candidates: r2's (priority, found at research); prod is within its quota, so p1 is not searched.
    const c = classicCandidates(book, w, admitted);
    expect([c.hierarchy.length, c.same.length]).toEqual([0, 0]);
    expect(c.priority.map((x) => (x.a as Admission & { name: string }).name)).toEqual(['b2', 'b1']);
    // The most recently admitted of r2 goes: r2 falls to 2, research to 6, org to 14; r1 borrows 2.
    expect(names(classicTargets(book, w, admitted))).toEqual(['b2']);
    expect(book.usage.map((u) => u[0]! / D)).toEqual([4, 4, 8, 0]); // unchanged
  });

  it('reclaims across the tree, regardless of priority and borrow_within_cohort, what another subtree borrowed from its own', () => {
    // research = r1 4 + r2 4 = 8 holds 6 (r1 4, r2 2): 2 idle. prod = 5 + 5 = 10 holds 12 (p1 8,
    // p2 4): it borrows research's 2, and org (18) is full. r1 wants 2: its queue would borrow (4 + 2
    // > 4), but research holds 6 + 2 <= 8, so from research up r1 has the advantage: p1's workloads
    // (priority 5, above r1's 1; reclaim 'any') are hierarchy candidates, valid while r1 borrows,
    // though borrow_within_cohort is 'never'.
    const book = tree({ r1: 4, r2: 4, p1: 5, p2: 5 }, { reclaim_within_cohort: 'any' });
    const admitted = admit(book, [
      ['a1', 0, 4, 0],
      ['b1', 1, 2, 0],
      ['c1', 2, 4, 5],
      ['c2', 2, 4, 5],
      ['d1', 3, 4, 0],
    ]);
    const w = { queue: 0, kind: 0, milli: 2 * D, priority: 1, submitS: 10, id: 10 };
    const c = classicCandidates(book, w, admitted);
    expect(c.hierarchy.map((x) => (x.a as Admission & { name: string }).name)).toEqual(['c2', 'c1']);
    expect(c.priority.length).toBe(0);
    const held = (q: number, _k: number, p: number, orEqual: boolean): number =>
      admitted.filter((a) => a.queue === q && (a.priority < p || (orEqual && a.priority === p))).reduce((s, a) => s + a.milli, 0);
    expect(mayPreempt(book, w, held)).toBe(true);
    // c2 goes: p1 falls to 4 (no longer borrowing), prod to 8, org to 14: r1 borrows 2.
    expect(names(classicTargets(book, w, admitted))).toEqual(['c2']);
    // Without the advantage (r1 wants 4: research would hold 6 + 4 > 8, org 18 + 4 > 18), p1's
    // workloads are priority candidates, which borrow_within_cohort 'never' forbids taking while r1
    // borrows; r1 is not under its nominal quota to reclaim without borrowing: no targets.
    const w4 = { ...w, milli: 4 * D };
    expect(classicCandidates(book, w4, admitted).priority.map((x) => (x.a as Admission & { name: string }).name)).toEqual(['c2', 'c1']);
    expect(classicTargets(book, w4, admitted)).toBeUndefined();
  });

  it('refuses borrow_within_cohort without reclaim_within_cohort, as Kueue does', () => {
    expect(() => tenantsSchema.parse({ queues: [{ name: 'a', cohort: 'c', quota: { k0: 1 }, preemption: { borrow_within_cohort: { policy: 'lower-priority' } } }] })).toThrow(
      /borrow_within_cohort needs reclaim_within_cohort other than never/,
    );
  });
});
