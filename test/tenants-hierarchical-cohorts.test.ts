// Hierarchical cohorts (Kueue KEP-79, keps/79-hierarchical-cohorts): cohorts with a parent and quota
// of their own, borrowing and lending limits at every level, quota computed as Kueue's
// resource_node.go does (a cohort's subtree quota is what its children may lend plus its own; a
// queue's available quota recurses up the tree, capped at each level by its borrowing limit). The
// tree below is computed by hand, then run, imported from Cohort manifests, and refused when wrong.
import { describe, expect, it } from 'vitest';
import { resolveTenants, type Tenants } from '../src/model/tenants.js';
import { QuotaBook } from '../src/policy/tenants/quota-book.js';
import { kueueToTenants } from '../src/scenario/kueue-manifests.js';
import { tenantsSchema } from '../src/scenario/tenants-schema.js';
import { inputErrorOf, loadWithFiles, runToCsv } from './helpers.js';

const D = 1000; // thousandths of a device

/** Tenants from the scenario syntax, with kinds named k0, k1, ...; problems returned, not thrown. */
function resolve(spec: unknown): { tenants: Tenants; problems: string[] } {
  const problems: string[] = [];
  const tenants = resolveTenants(
    tenantsSchema.parse(spec),
    1,
    (name) => (/^k\d+$/.test(name) ? Number(name.slice(1)) : undefined),
    (path, message) => problems.push(`${path.join('.')}: ${message}`),
  );
  return { tenants, problems };
}

// KEP-79's second story, with numbers: two organisations that must not borrow from each other
// beyond their own (research: borrowing_limit 0), a production org that keeps some quota at its own
// level and lends at most 5 to the rest of the tree, and a 'special' queue at the top that may use
// whatever is idle anywhere. 24 devices in all: r1 6 + r2 4 + p1 8 + prod 4 + org 2.
const TREE = {
  queues: [
    { name: 'r1', cohort: 'research', quota: { k0: 6 }, preemption: { reclaim_within_cohort: 'any' } },
    { name: 'r2', cohort: 'research', quota: { k0: 4 } },
    { name: 'p1', cohort: 'prod', quota: { k0: { nominal: 8, lending_limit: 2 } } },
    { name: 'special', cohort: 'org', quota: { k0: 0 } },
  ],
  cohorts: [
    { name: 'org', quota: { k0: 2 } },
    { name: 'research', parent: 'org', quota: { k0: { nominal: 0, borrowing_limit: 0 } } },
    { name: 'prod', parent: 'org', quota: { k0: { nominal: 4, lending_limit: 5 } } },
  ],
};

describe('hierarchical cohorts (KEP-79): quota by hand', () => {
  const { tenants, problems } = resolve(TREE);
  const [r1, r2, p1, special] = [0, 1, 2, 3];

  it('resolves the tree: queues name their cohorts first, then cohorts only the tree names', () => {
    expect(problems).toEqual([]);
    expect(tenants.cohorts).toEqual(['research', 'prod', 'org']);
    expect(tenants.cohortParent).toEqual([2, 2, undefined]);
  });

  it("subtree quotas: research 6 + 4 = 10; prod 4 + p1's lendable 8 - 6 = 6, of which it keeps 6 - 5 = 1; org 2 + 10 + 5 + 0 = 17", () => {
    const book = new QuotaBook(tenants, 1);
    expect(book.cohortQuota(0, 0)).toBe(10 * D);
    expect(book.cohortQuota(1, 0)).toBe(6 * D);
    expect(book.cohortQuota(2, 0)).toBe(17 * D);
  });

  it('an idle tree: research queues reach only their own subtree (borrowing_limit 0), p1 and special reach everything lendable', () => {
    const book = new QuotaBook(tenants, 1);
    // r1: nothing of its own kept; research gives min(org's 17, its subtree 10 - 0 used + 0 borrowable) = 10.
    expect(book.available(r1, 0)).toBe(10 * D);
    expect(book.available(r2, 0)).toBe(10 * D);
    expect(book.potential(r1, 0)).toBe(10 * D);
    // p1: keeps 6; prod keeps 1 and passes on org's 17: 6 + 1 + 17 = 24, every device of the tree.
    expect(book.available(p1, 0)).toBe(24 * D);
    // special: org's 17 (research's 10, the 5 prod lends, org's own 2); p1's kept 6 and prod's kept 1 are not lendable.
    expect(book.available(special, 0)).toBe(17 * D);
  });

  it('p1 borrows 12: the tree has 4 left, which research may take up to its nominal and special may borrow', () => {
    const book = new QuotaBook(tenants, 1);
    book.add(p1, 0, 20 * D);
    // prod holds 20 - 6 = 14 for p1, beyond the 1 it keeps: org holds 13 of its 17.
    expect(book.cohortUsage(1, 0)).toBe(14 * D);
    expect(book.cohortUsage(2, 0)).toBe(13 * D);
    expect(book.borrowing(p1, 0)).toBe(true);
    expect(book.available(r1, 0)).toBe(4 * D);
    expect(book.available(special, 0)).toBe(4 * D);
    expect(book.available(p1, 0)).toBe(4 * D);
    book.add(r1, 0, 4 * D);
    expect(book.available(r2, 0)).toBe(0);
    expect(book.available(p1, 0)).toBe(0);
    // Giving back restores every level.
    book.remove(r1, 0, 4 * D);
    book.remove(p1, 0, 20 * D);
    expect(book.cohortUsage(1, 0)).toBe(0);
    expect(book.cohortUsage(2, 0)).toBe(0);
    expect(book.available(special, 0)).toBe(17 * D);
  });

  it('a borrowing limit on prod caps p1 at its 8 + prod 4 + 3 borrowed = 15', () => {
    const capped = structuredClone(TREE);
    capped.cohorts[2]!.quota.k0 = { nominal: 4, lending_limit: 5, borrowing_limit: 3 } as never;
    const book = new QuotaBook(resolve(capped).tenants, 1);
    expect(book.available(p1, 0)).toBe(15 * D);
    expect(book.potential(p1, 0)).toBe(15 * D);
  });

  it('a flat cohort is the one-level tree: the same numbers as before cohorts could nest', () => {
    const flat = resolve({ queues: [{ name: 'a', cohort: 'c', quota: { k0: { nominal: 9, borrowing_limit: 1 } } }, { name: 'b', cohort: 'c', quota: { k0: 12 } }] }).tenants;
    const book = new QuotaBook(flat, 1);
    expect(book.available(0, 0)).toBe(10 * D);
    expect(book.available(1, 0)).toBe(21 * D);
  });
});

const POOL = `
name: hierarchical
network: ideal
datacentres:
  - name: dc
    node_groups:
      - { count: 3, device: H100 }
`;

const SCENARIO_TENANTS = `
tenants:
  queues:
    - { name: r1, cohort: research, quota: { H100: 6 }, preemption: { reclaim_within_cohort: any } }
    - { name: r2, cohort: research, quota: { H100: 4 } }
    - { name: p1, cohort: prod, quota: { H100: { nominal: 8, lending_limit: 2 } } }
    - { name: special, cohort: org, quota: { H100: 0 } }
  cohorts:
    - { name: org, quota: { H100: 2 } }
    - { name: research, parent: org, quota: { H100: { nominal: 0, borrowing_limit: 0 } } }
    - { name: prod, parent: org, quota: { H100: { nominal: 4, lending_limit: 5 } } }
`;

const JOBS = `
workloads:
  - jobs:
      - { name: p-a, devices: 8, duration: 2h, reference_device: H100, queue: p1 }
      - { name: p-b, devices: 8, duration: 2h, reference_device: H100, queue: p1 }
      - { name: p-c, devices: 8, duration: 2h, reference_device: H100, queue: p1 }
      - { name: r-a, submit: 10min, devices: 4, duration: 1h, reference_device: H100, queue: r1 }
      - { name: s-a, submit: 20min, devices: 2, duration: 1h, reference_device: H100, queue: special }
`;

const load = (text: string, files: Record<string, string> = {}) => loadWithFiles(text, files);

const errors = inputErrorOf;

describe('hierarchical cohorts in a run', () => {
  it('p1 borrows the whole tree; r1 reclaims across it, taking back the last admitted p1 job; special borrows what is left', () => {
    const r = runToCsv(load(POOL + SCENARIO_TENANTS + JOBS));
    const row = (name: string) => r.jobs.find((j) => j.job_id === name)!;
    // p1 may hold 24 (by hand above): all three 8-device jobs start at once.
    expect([row('p-a').start_s, row('p-b').start_s, row('p-c').start_s]).toEqual([0, 0, 0]);
    // r1 (nominal 6, nothing used) reclaims: p1 borrows, so its most recently admitted job is
    // preempted at 600 s; after its 60 s checkpoint r1 starts on the freed devices.
    expect(row('r-a').start_s).toBe(660);
    expect(row('p-c').preemptions).toBe(1);
    expect(row('p-a').preemptions + row('p-b').preemptions).toBe(0);
    // special at 1200 s: org has 17 - 9 (p1's 16 beyond prod's keep) - 4 (r1) = 4 left; it takes 2.
    expect(row('s-a').start_s).toBe(1200);
    const tenants = r.tenantsCsv!.split('\n');
    expect(tenants[0]).toMatch(/^tenant,quota_devices,/);
    expect(tenants.find((l) => l.startsWith('p1,'))!.split(',')[6]).toBe('1'); // preempted_jobs
  });

  it("borrowing from a cohort's own quota credits no queue: b borrows 8 for an hour, a lends 4 of them, org's own 4 the rest", () => {
    const r = runToCsv(
      load(`${POOL.replace('count: 3', 'count: 1')}
tenants:
  queues:
    - { name: a, cohort: org, quota: { H100: 4 } }
    - { name: b, cohort: org, quota: { H100: 0 } }
  cohorts:
    - { name: org, quota: { H100: 4 } }
workloads:
  - jobs:
      - { name: b1, devices: 8, duration: 1h, reference_device: H100, queue: b }
`),
    );
    expect(r.jobs[0]!.start_s).toBe(0);
    const rows = Object.fromEntries(r.tenants!.rows.map((t) => [t.tenant, t]));
    expect(rows.b!.borrowed_device_hours).toBe(8);
    expect(rows.a!.lent_device_hours).toBe(4);
    expect(rows.b!.lent_device_hours).toBe(0);
  });

  it('reads Cohort manifests: spec.parent (v1beta1) or spec.parentName (v1beta2), and quota of their own', () => {
    const manifests = `
apiVersion: kueue.x-k8s.io/v1beta1
kind: Cohort
metadata: { name: org }
spec:
  resourceGroups:
  - coveredResources: [nvidia.com/gpu]
    flavors: [{ name: H100, resources: [{ name: nvidia.com/gpu, nominalQuota: 2 }] }]
---
apiVersion: kueue.x-k8s.io/v1beta1
kind: Cohort
metadata: { name: research }
spec:
  parent: org
  resourceGroups:
  - coveredResources: [nvidia.com/gpu]
    flavors: [{ name: H100, resources: [{ name: nvidia.com/gpu, nominalQuota: 0, borrowingLimit: 0 }] }]
---
apiVersion: kueue.x-k8s.io/v1beta2
kind: Cohort
metadata: { name: prod }
spec:
  parentName: org
  resourceGroups:
  - coveredResources: [nvidia.com/gpu]
    flavors: [{ name: H100, resources: [{ name: nvidia.com/gpu, nominalQuota: 4, lendingLimit: 5 }] }]
---
kind: ClusterQueue
metadata: { name: r1 }
spec:
  cohort: research
  preemption: { reclaimWithinCohort: Any }
  resourceGroups: [{ coveredResources: [nvidia.com/gpu], flavors: [{ name: H100, resources: [{ name: nvidia.com/gpu, nominalQuota: 6 }] }] }]
---
kind: ClusterQueue
metadata: { name: r2 }
spec:
  cohort: research
  resourceGroups: [{ coveredResources: [nvidia.com/gpu], flavors: [{ name: H100, resources: [{ name: nvidia.com/gpu, nominalQuota: 4 }] }] }]
---
kind: ClusterQueue
metadata: { name: p1 }
spec:
  cohortName: prod
  resourceGroups: [{ coveredResources: [nvidia.com/gpu], flavors: [{ name: H100, resources: [{ name: nvidia.com/gpu, nominalQuota: 8, lendingLimit: 2 }] }] }]
---
kind: ClusterQueue
metadata: { name: special }
spec:
  cohort: org
  resourceGroups: [{ coveredResources: [nvidia.com/gpu], flavors: [{ name: H100, resources: [{ name: nvidia.com/gpu, nominalQuota: 0 }] }] }]
`;
    const imported = kueueToTenants(manifests, {});
    expect(imported.problems).toEqual([]);
    expect(imported.tenants.cohorts).toEqual([
      { name: 'org', quota: { H100: { nominal: 2 } } },
      { name: 'research', parent: 'org', quota: { H100: { nominal: 0, borrowing_limit: 0 } } },
      { name: 'prod', parent: 'org', quota: { H100: { nominal: 4, lending_limit: 5 } } },
    ]);
    // The same run as the tenants: section above, byte for byte.
    const fromKueue = runToCsv(load(`${POOL}tenants_from: { format: kueue, path: kueue.yaml }\n${JOBS}`, { 'kueue.yaml': manifests }));
    const inline = runToCsv(load(POOL + SCENARIO_TENANTS + JOBS));
    expect(fromKueue.jobsCsv).toBe(inline.jobsCsv);
    expect(fromKueue.tenantsCsv).toBe(inline.tenantsCsv);
  });

  it('refuses a cycle, an unknown parent, limits on a root, a cohort defined twice, and fair sharing over a tree', () => {
    const bad = `
tenants:
  fair_sharing: true
  queues:
    - { name: a, cohort: x, quota: { H100: 8 } }
    - { name: b, cohort: z, quota: { H100: 8 } }
  cohorts:
    - { name: x, parent: y }
    - { name: y, parent: x }
    - { name: z, parent: orgg, quota: { H100: 1 } }
    - { name: w, quota: { H100: { nominal: 2, borrowing_limit: 1 } } }
    - { name: w }
`;
    expect(errors(() => load(POOL + bad + JOBS.replace(/queue: (p1|r1|special)/g, 'queue: a')))).toMatchInlineSnapshot(`
      "scenario.yaml:19:15: tenants.cohorts[4].name: cohort 'w' is defined twice (first at tenants.cohorts[3])
      scenario.yaml:17:26: tenants.cohorts[2].parent: unknown cohort 'orgg': a parent is a cohort of \`tenants.cohorts\` or one a queue names (x, z, y, w)
      scenario.yaml:15:26: tenants.cohorts[0].parent: cohorts form a cycle: x -> y -> x; a cohort tree needs a root (Kueue stops admitting in the whole tree while a cycle exists)
      scenario.yaml:18:33: tenants.cohorts[3].quota.H100: borrowing_limit and lending_limit need the cohort to have a parent: they bound its subtree against the rest of the tree (Kueue refuses them on a root too)"
    `);
    const fair = SCENARIO_TENANTS.replace('tenants:\n', 'tenants:\n  fair_sharing: true\n');
    expect(errors(() => load(POOL + fair + JOBS))).toMatchInlineSnapshot(`"scenario.yaml:10:17: tenants.fair_sharing: fair sharing over a tree of cohorts (Kueue compares shares level by level, with cohort weights) is not modelled; poolsim shares fairly within flat cohorts only"`);
  });

  it('refuses a cycle of Cohort manifests, naming the objects', () => {
    const cyclic = `
kind: Cohort
metadata: { name: a }
spec: { parent: b }
---
kind: Cohort
metadata: { name: b }
spec: { parentName: a }
---
kind: ClusterQueue
metadata: { name: q }
spec:
  cohort: a
  resourceGroups: [{ coveredResources: [nvidia.com/gpu], flavors: [{ name: H100, resources: [{ name: nvidia.com/gpu, nominalQuota: 8 }] }] }]
`;
    expect(errors(() => load(`${POOL}tenants_from: { format: kueue, path: kueue.yaml }\n${JOBS.replace(/queue: \w+/g, 'queue: q')}`, { 'kueue.yaml': cyclic }))).toMatchInlineSnapshot(`"scenario.yaml:8:38: tenants_from.path: kueue.yaml:2: Cohort 'a': cohorts form a cycle: a -> b -> a; a cohort tree needs a root (Kueue stops admitting in the whole tree while a cycle exists)"`);
  });
});
