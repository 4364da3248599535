// Tenant queues with Kueue's semantics: the hand-computed examples of Kueue's documentation and KEPs
// reproduced exactly (quota a queue may use, shares, which workload is preempted), then through the
// simulator. Sources are cited at each example.
import { describe, expect, it } from 'vitest';
import type { Tenants } from '../src/model/tenants.js';
import { classicTargets, fairTargets, type Admission } from '../src/policy/tenants/kueue-preemption.js';
import { QuotaBook } from '../src/policy/tenants/quota-book.js';
import { InputError } from '../src/scenario/errors.js';
import { tenantsSchema } from '../src/scenario/tenants-schema.js';
import { resolveTenants } from '../src/model/tenants.js';
import { runToCsv, scenarioFromText } from './helpers.js';

/** Tenants from the scenario syntax, with kinds named k0, k1, ... */
function tenantsOf(spec: unknown, kinds = 1): Tenants {
  const problems: string[] = [];
  const t = resolveTenants(
    tenantsSchema.parse(spec),
    kinds,
    (name) => (/^k\d+$/.test(name) ? Number(name.slice(1)) : undefined),
    (path, message) => problems.push(`${path.join('.')}: ${message}`),
  );
  expect(problems).toEqual([]);
  return t;
}

const D = 1000; // thousandths of a device

describe('quota a queue may use (Kueue docs/concepts/cluster_queue.md)', () => {
  it('"Borrowing example": team-a-cq (9) can admit 12+9=21 when team-b-cq (12) has nothing admitted', () => {
    const t = tenantsOf({ queues: [{ name: 'team-a-cq', cohort: 'team-ab', quota: { k0: 9 } }, { name: 'team-b-cq', cohort: 'team-ab', quota: { k0: 12 } }] });
    const book = new QuotaBook(t, 1);
    expect(book.available(0, 0)).toBe(21 * D);
    expect(book.fits(0, 0, 21 * D)).toBe(true);
    expect(book.fits(0, 0, 22 * D)).toBe(false);
    // Once team-a-cq uses 15 (6 borrowed), team-b-cq gets back only what is left: 21 - 15 = 6.
    book.add(0, 0, 15 * D);
    expect(book.borrowing(0, 0)).toBe(true);
    expect(book.available(1, 0)).toBe(6 * D);
  });

  it('"BorrowingLimit": with borrowingLimit 1, team-a-cq admits up to 9+1=10; team-b-cq (no limit) can borrow 12+9', () => {
    const t = tenantsOf({ queues: [{ name: 'team-a-cq', cohort: 'team-ab', quota: { k0: { nominal: 9, borrowing_limit: 1 } } }, { name: 'team-b-cq', cohort: 'team-ab', quota: { k0: 12 } }] });
    const book = new QuotaBook(t, 1);
    expect(book.available(0, 0)).toBe(10 * D);
    expect(book.available(1, 0)).toBe(21 * D);
    expect(book.potential(0, 0)).toBe(10 * D);
  });

  // KEP-1224 (lendingLimit), "Integration tests": the amounts cq-a can borrow.
  it('KEP-1224, two queues: cq-a borrows as much as cq-b\'s lendingLimit, or min(lendingLimit, borrowingLimit)', () => {
    const two = (aLimit: number | undefined) =>
      new QuotaBook(tenantsOf({ queues: [{ name: 'a', cohort: 'c', quota: { k0: { nominal: 9, borrowing_limit: aLimit } } }, { name: 'b', cohort: 'c', quota: { k0: { nominal: 12, lending_limit: 4 } } }] }), 1);
    expect(two(undefined).available(0, 0)).toBe((9 + 4) * D);
    expect(two(2).available(0, 0)).toBe((9 + 2) * D);
    // cq-b keeps nominal - lendingLimit = 8 for itself even when cq-a borrows all it may.
    const book = two(undefined);
    book.add(0, 0, 13 * D);
    expect(book.available(1, 0)).toBe(8 * D);
  });

  it('KEP-1224, three queues: (b\'s lendingLimit + c\'s nominal), (b\'s + c\'s lendingLimits), each capped by a\'s borrowingLimit', () => {
    const three = (cLend: number | undefined, aLimit: number | undefined) =>
      new QuotaBook(
        tenantsOf({
          queues: [
            { name: 'a', cohort: 'c', quota: { k0: { nominal: 9, borrowing_limit: aLimit } } },
            { name: 'b', cohort: 'c', quota: { k0: { nominal: 12, lending_limit: 4 } } },
            { name: 'c', cohort: 'c', quota: { k0: { nominal: 6, lending_limit: cLend } } },
          ],
        }),
        1,
      );
    expect(three(undefined, undefined).available(0, 0)).toBe((9 + 4 + 6) * D);
    expect(three(undefined, 5).available(0, 0)).toBe((9 + 5) * D);
    expect(three(2, undefined).available(0, 0)).toBe((9 + 4 + 2) * D);
    expect(three(2, 3).available(0, 0)).toBe((9 + 3) * D);
  });

  it('KEP-1224, two flavours: the lending limit of one flavour limits borrowing of that flavour only', () => {
    const t = tenantsOf({ queues: [{ name: 'a', cohort: 'c', quota: { k0: 2, k1: 2 } }, { name: 'b', cohort: 'c', quota: { k0: { nominal: 10, lending_limit: 3 }, k1: 10 } }] }, 2);
    const book = new QuotaBook(t, 2);
    expect(book.available(0, 0)).toBe((2 + 3) * D);
    expect(book.available(0, 1)).toBe((2 + 10) * D);
  });
});

describe('dominant resource share (KEP-1714 "Share value function and weights")', () => {
  // A cohort whose lendable quota is 30 devices: an idle owner with 30, two queues with none.
  const cohort = (weightB = 1) =>
    new QuotaBook(
      tenantsOf({
        queues: [
          { name: 'owner', cohort: 'c', quota: { k0: 30 } },
          { name: 'a', cohort: 'c', quota: { k0: 0 } },
          { name: 'b', cohort: 'c', weight: weightB, quota: { k0: 0 } },
        ],
      }),
      1,
    );

  it('is borrowed / lendable per mille, divided by the weight; 0 when not borrowing; weight 0 is infinite', () => {
    const book = cohort(0.5);
    book.add(1, 0, 18 * D);
    book.add(2, 0, 6 * D);
    expect(book.share(0)).toBe(0); // within nominal
    expect(book.share(1)).toBe(600); // 18 / 30
    expect(book.share(2)).toBe(400); // 6 / 30 = 200, weight 0.5
    expect(book.share(1, 0, 6 * D)).toBe(800); // with a workload of 6 admitted
    expect(cohort(0).share(2)).toBe(Infinity); // Kueue docs: weight 0 "always at a disadvantage"
    const alone = new QuotaBook(tenantsOf({ queues: [{ name: 'solo', quota: { k0: 4 } }] }), 1);
    alone.add(0, 0, 4 * D);
    expect(alone.share(0)).toBe(0); // no cohort: nothing to share
  });

  // The weight in thousandths was Math.round(weight x 1000): 0 for a weight below 0.0005, so a queue
  // of weight 0.0004 had the share of weight 0 (Infinity) when it borrowed a device, and NaN (which
  // leaves the admission order and preemption's choice of queue to the sort's whims) when it
  // borrowed less than a thousandth of the lendable quota. Kueue takes the weight's MilliValue,
  // which rounds up: 1.
  it("takes a tiny weight as Kueue does (its thousandths rounded up), never as 0 or NaN", () => {
    const book = cohort(0.0004);
    book.add(2, 0, 1 * D);
    expect(book.share(2)).toBe(33_000); // 1 / 30 = 33 per mille, / 0.001
    const sliver = cohort(0.0004);
    sliver.add(2, 0, 10); // a hundredth of a device: 0 per mille
    expect(sliver.share(2)).toBe(0);
    expect(cohort(0.07).share(2, 0, 3 * D)).toBe(1428); // 100 per mille x 1000 / 70 (0.07 x 1000 is 70.000...01 in floats)
  });

  it("uses Kueue's integer arithmetic (per mille, rounded down)", () => {
    const book = cohort();
    book.add(1, 0, 7 * D);
    expect(book.share(1)).toBe(233); // floor(7000 / 30)
  });
});

/** Admitted workloads for the preemption examples. */
function admitted(book: QuotaBook, list: [name: string, queue: number, devices: number, priority: number][]): (Admission & { name: string })[] {
  return list.map(([name, queue, devices, priority], i) => {
    book.add(queue, 0, devices * D);
    return { name, queue, kind: 0, milli: devices * D, priority, submitS: i, id: i, admittedS: i, seq: i };
  });
}
const names = (targets: readonly Admission[] | undefined): string[] | undefined => targets?.map((t) => (t as Admission & { name: string }).name);

describe('classic preemption (Kueue docs/concepts/preemption.md "Classic Preemption")', () => {
  const teams = (aPreemption: object) =>
    tenantsOf({
      queues: [
        { name: 'team-a', cohort: 'ab', quota: { k0: 9 }, preemption: aPreemption },
        { name: 'team-b', cohort: 'ab', quota: { k0: 12 } },
      ],
    });

  it('reclaims nominal quota from the borrowing queue: only as many as needed, the most recently admitted first', () => {
    const book = new QuotaBook(teams({ reclaim_within_cohort: 'any' }), 1);
    // team-b holds all 21 devices (9 borrowed); team-a wants 6 of its nominal 9.
    const running = admitted(book, [
      ['b1', 1, 6, 0],
      ['b2', 1, 6, 0],
      ['b3', 1, 6, 0],
      ['b4', 1, 3, 0],
    ]);
    const w = { queue: 0, kind: 0, milli: 6 * D, priority: 0, submitS: 10, id: 10 };
    // Greedy, most recent first: b4 (3) leaves 3 free, b3 (6) makes 9; then fill back: without b4
    // taken team-a still has 21 - 15 = 6. So only b3 is preempted.
    expect(names(classicTargets(book, w, running))).toEqual(['b3']);
    expect(book.usage[1]![0]).toBe(21 * D); // the book is restored
  });

  it("reclaimWithinCohort: LowerPriority spares borrowers' workloads of equal or higher priority; Never spares all", () => {
    const w = { queue: 0, kind: 0, milli: 6 * D, priority: 5, submitS: 10, id: 10 };
    const lower = new QuotaBook(teams({ reclaim_within_cohort: 'lower-priority' }), 1);
    const r1 = admitted(lower, [
      ['b1', 1, 9, 1],
      ['b2', 1, 6, 5],
      ['b3', 1, 6, 9],
    ]);
    expect(names(classicTargets(lower, w, r1))).toEqual(['b1']);
    const never = new QuotaBook(teams({}), 1);
    const r2 = admitted(never, [['b1', 1, 21, 0]]);
    expect(classicTargets(never, w, r2)).toBeUndefined();
  });

  it('does not reclaim from a queue that is not borrowing', () => {
    const book = new QuotaBook(teams({ reclaim_within_cohort: 'any' }), 1);
    // team-a uses 9 (its nominal), team-b 12 (its nominal): team-a's next workload would borrow, and nobody borrows.
    const running = admitted(book, [
      ['a1', 0, 9, 0],
      ['b1', 1, 12, 0],
    ]);
    expect(classicTargets(book, { queue: 0, kind: 0, milli: 1 * D, priority: 9, submitS: 10, id: 10 }, running)).toBeUndefined();
  });

  it('withinClusterQueue: LowerPriority preempts the lowest priority first; LowerOrNewerEqualPriority also newer equals', () => {
    const solo = (within: string) => new QuotaBook(tenantsOf({ queues: [{ name: 'q', quota: { k0: 8 }, preemption: { within_queue: within } }] }), 1);
    const book = solo('lower-priority');
    const running = admitted(book, [
      ['p3', 0, 4, 3],
      ['p1', 0, 4, 1],
    ]);
    const w = { queue: 0, kind: 0, milli: 4 * D, priority: 3, submitS: 0.5, id: 99 };
    expect(names(classicTargets(book, w, running))).toEqual(['p1']);
    const eq = solo('lower-or-newer-equal-priority');
    const r2 = admitted(eq, [
      ['old', 0, 4, 3],
      ['new', 0, 4, 3],
    ]);
    // 'new' was submitted at 1, after the preemptor (0.5); 'old' at 0, before it.
    expect(names(classicTargets(eq, w, r2))).toEqual(['new']);
  });

  it('borrowWithinCohort: a borrowing queue preempts lower-priority borrowers at or below the threshold', () => {
    const book = (threshold: number) =>
      new QuotaBook(
        tenantsOf({
          queues: [
            { name: 'team-a', cohort: 'abc', quota: { k0: 9 }, preemption: { reclaim_within_cohort: 'lower-priority', borrow_within_cohort: { policy: 'lower-priority', max_priority_threshold: threshold } } },
            { name: 'team-b', cohort: 'abc', quota: { k0: 12 } },
            { name: 'team-c', cohort: 'abc', quota: { k0: 6 } },
          ],
        }),
        1,
      );
    const run = (b: QuotaBook) =>
      admitted(b, [
        ['a1', 0, 9, 0],
        ['b1', 1, 12, 200],
        ['b2', 1, 6, 50],
      ]);
    // team-a (9 of 9) wants 6 more, which it can only borrow; team-b borrows team-c's 6. Only
    // workloads below the preemptor's priority (150) are candidates: b2 (50) goes, b1 (200) stays.
    const w = { queue: 0, kind: 0, milli: 6 * D, priority: 150, submitS: 10, id: 10 };
    const b100 = book(100);
    expect(names(classicTargets(b100, w, run(b100)))).toEqual(['b2']);
    // With the threshold at 40, b2 (50) is above it, and team-a is not under its nominal quota to reclaim.
    const b40 = book(40);
    expect(classicTargets(b40, w, run(b40))).toBeUndefined();
  });
});

describe('fair-sharing preemption (Kueue docs/concepts/preemption.md "Fair Sharing")', () => {
  const cohort = (weights: [number, number] = [1, 1], strategies?: string[]) =>
    new QuotaBook(
      tenantsOf({
        fair_sharing: strategies ? { strategies } : true,
        queues: [
          { name: 'owner', cohort: 'c', quota: { k0: 30 } },
          { name: 'a', cohort: 'c', weight: weights[0], quota: { k0: 0 }, preemption: { reclaim_within_cohort: 'any' } },
          { name: 'b', cohort: 'c', weight: weights[1], quota: { k0: 0 }, preemption: { reclaim_within_cohort: 'any' } },
          { name: 'c', cohort: 'c', quota: { k0: 0 }, preemption: { reclaim_within_cohort: 'any' } },
        ],
      }),
      1,
    );
  const w = { queue: 3, kind: 0, milli: 6 * D, priority: 0, submitS: 100, id: 100 };

  it('preempts from the queue with the highest share, while the preemptor stays at or below its final share', () => {
    const book = cohort();
    // a borrows 18 (share 600), b 12 (400): the cohort's 30 are all in use. c wants 6: share 200 with it.
    const running = admitted(book, [
      ['a1', 1, 6, 0],
      ['a2', 1, 6, 0],
      ['a3', 1, 6, 0],
      ['b1', 2, 6, 0],
      ['b2', 2, 6, 0],
    ]);
    // a has the highest share; without a3 (its most recent) a's share is 400 >= 200: a3 is preempted.
    expect(names(fairTargets(book, w, running))).toEqual(['a3']);
  });

  it('weights: b with weight 0.5 counts its 12 borrowed as a share of 800, above a\'s 600, and gives way first', () => {
    const book = cohort([1, 0.5]);
    const running = admitted(book, [
      ['a1', 1, 6, 0],
      ['a2', 1, 6, 0],
      ['a3', 1, 6, 0],
      ['b1', 2, 6, 0],
      ['b2', 2, 6, 0],
    ]);
    expect(book.share(2)).toBe(800);
    expect(names(fairTargets(book, w, running))).toEqual(['b2']);
  });

  it('a greedy workload taking everything fails LessThanOrEqualToFinalShare but goes by LessThanInitialShare (KEP-1714 S2-b)', () => {
    const running = (book: QuotaBook) => admitted(book, [['huge', 1, 30, 0]]);
    // Without 'huge' a's share would be 0 < 200: the first strategy refuses; 200 < 1000 lets the second take it.
    const both = cohort();
    expect(names(fairTargets(both, w, running(both)))).toEqual(['huge']);
    const first = cohort([1, 1], ['less-than-or-equal-to-final-share']);
    expect(fairTargets(first, w, running(first))).toBeUndefined();
  });

  it('does not preempt when the preemptor would end with a higher share than its target', () => {
    const book = cohort();
    // a borrows 12 (400) and c already 12 (400): with 6 more c would reach 600 > a's 400 either way.
    const running = admitted(book, [
      ['a1', 1, 6, 0],
      ['a2', 1, 6, 0],
      ['c1', 3, 6, 0],
      ['c2', 3, 6, 0],
      ['b1', 2, 6, 0],
    ]);
    expect(fairTargets(book, w, running)).toBeUndefined();
  });
});

const pool = `
name: tenants-sim
network: ideal
datacentres:
  - name: dc
    node_groups:
      - { count: 2, device: H100 }
`;

describe('tenant queues in a run', () => {
  it('a queue reclaims its nominal quota: the borrowing job is preempted, checkpoints, and resumes when devices free up', () => {
    const r = runToCsv(
      scenarioFromText(`${pool}
tenants:
  queues:
    - { name: a, cohort: c, quota: { H100: 8 }, preemption: { reclaim_within_cohort: any } }
    - { name: b, cohort: c, quota: { H100: 8 } }
workloads:
  - jobs:
      - { name: b1, devices: 8, duration: 2h, reference_device: H100, queue: b }
      - { name: b2, devices: 8, duration: 2h, reference_device: H100, queue: b }
      - { name: a1, submit: 10min, devices: 8, duration: 1h, reference_device: H100, queue: a }
`),
    );
    const row = (n: string) => r.jobs.find((j) => j.job_id === n)!;
    // b2 borrowed a's quota; a1 arrives at 600 s, b2 checkpoints 60 s, a1 starts at 660 s.
    expect(row('a1').start_s).toBe(660);
    expect(row('b2').preemptions).toBe(1);
    expect(row('b1').preemptions).toBe(0);
    // b2 restarts when a1 ends (660 + 3600) and pays the 60 s restore: its 6600 s left end at 10920 s.
    expect(row('b2').finish_s).toBe(10920);
  });

  it('without reclaim, the borrower keeps the devices and the owner waits', () => {
    const r = runToCsv(
      scenarioFromText(`${pool}
tenants:
  queues:
    - { name: a, cohort: c, quota: { H100: 8 } }
    - { name: b, cohort: c, quota: { H100: 8 } }
workloads:
  - jobs:
      - { name: b1, devices: 8, duration: 2h, reference_device: H100, queue: b }
      - { name: b2, devices: 8, duration: 2h, reference_device: H100, queue: b }
      - { name: a1, submit: 10min, devices: 8, duration: 1h, reference_device: H100, queue: a }
`),
    );
    expect(r.jobs.find((j) => j.job_id === 'a1')!.start_s).toBe(7200);
    expect(r.jobs.every((j) => j.preemptions === 0)).toBe(true);
  });

  it('a queue outside any cohort never exceeds its quota, even on an idle pool', () => {
    const r = runToCsv(
      scenarioFromText(`${pool}
tenants:
  queues:
    - { name: small, quota: { H100: 8 } }
workloads:
  - jobs:
      - { name: s1, devices: 8, duration: 1h, reference_device: H100, queue: small }
      - { name: s2, devices: 8, duration: 1h, reference_device: H100, queue: small }
`),
    );
    expect(r.jobs.find((j) => j.job_id === 's2')!.start_s).toBe(3600);
  });

  it('refuses unknown queues, kinds outside the pool and jobs without a queue, located', () => {
    let err: unknown;
    try {
      scenarioFromText(`${pool}
tenants:
  queues:
    - { name: a, quota: { A100: 8, H100: { nominal: 8, borrowing_limit: 2 } } }
workloads:
  - jobs:
      - { name: j1, devices: 8, duration: 1h, reference_device: H100, queue: aa }
      - { name: j2, devices: 8, duration: 1h, reference_device: H100 }
`);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).message).toMatchInlineSnapshot(`
      "test.yaml:11:33: tenants.queues[0].quota.A100: no node group has 'A100' (A100-80GB) devices, so a quota of them could never be used (did you mean 'H100'?); the pool has H100
      test.yaml:11:42: tenants.queues[0].quota.H100: borrowing_limit and lending_limit need the queue to be in a cohort (Kueue refuses them too)
      test.yaml:14:78: workloads[0].jobs[0].queue: unknown queue 'aa' (did you mean 'a'?)
      test.yaml:15:9: workloads[0].jobs[1]: the scenario defines tenants, so every workload needs \`queue:\` (one of: a)"
    `);
  });
});

describe('a job its queue can never admit', () => {
  it('is rejected at the end with that reason, not as one placement could not place', () => {
    // Queue a has a quota of 0 H100 and no cohort: its job waited for admission all run and was
    // then said to be "could not be placed by 'first-fit' even on the idle pool".
    const r = runToCsv(
      scenarioFromText(`name: never-admitted
datacentres:
  - name: east
    node_groups:
      - { count: 2, device: H100 }
tenants:
  queues:
    - { name: a, quota: { H100: 0 } }
    - { name: b, quota: { H100: 4 }, cohort: c }
    - { name: d, quota: { H100: 8 }, cohort: c }
workloads:
  - jobs:
      - { name: j1, devices: 8, duration: 1h, reference_device: H100, queue: a }
      - { name: j2, devices: 8, duration: 1h, reference_device: H100, queue: b }
`),
    );
    const row = (name: string) => r.jobs.find((j) => j.job_id === name)!;
    expect(row('j1').status).toBe('rejected');
    expect(row('j1').reason).toBe("queue 'a' could never admit it: it needs 8 devices of one kind, and the queue's quota reaches at most 0 of any kind it may use");
    // Borrowing from its cohort, b's job runs.
    expect(row('j2').status).toBe('completed');
  });
});
