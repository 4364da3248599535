// One contract suite over every registered queue x placement policy (and the tutorial's plug-in),
// on randomly generated small scenarios: capacity never exceeded, gangs all or nothing, allowed
// device kinds respected, no job lost, deterministic.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadScenario, type ResolvedScenario } from '../src/model/load-scenario.js';
import { loadPolicies } from '../src/policy/plugin.js';
import { PLACEMENT_POLICIES, QUEUE_POLICIES, resolvePolicies, type ResolvedPolicies } from '../src/policy/registry.js';
import { SourceMap } from '../src/scenario/errors.js';
import type { PolicyRef } from '../src/scenario/schema.js';
import type { Simulation } from '../src/sim/simulation.js';
import { repoPath, runToCsv } from './helpers.js';
import { ensureDist } from './policy-dist.js';

const KINDS = ['V100-SXM2-32GB', 'A100-80GB', 'H100'] as const;
const TUTORIAL = './examples/policies/smallest-first-within-priority.mjs';

interface GroupSpec {
  dc: number;
  kind: number;
  count: number;
  perNode: number;
}
interface JobSpec {
  devices: number;
  durationMin: number;
  submitMin: number;
  priority: number;
  kinds: number[] | undefined;
}

const groupArb: fc.Arbitrary<GroupSpec> = fc.record({
  dc: fc.integer({ min: 0, max: 1 }),
  kind: fc.integer({ min: 0, max: 2 }),
  count: fc.integer({ min: 1, max: 4 }),
  perNode: fc.constantFrom(1, 2, 4, 8),
});
const jobArb: fc.Arbitrary<JobSpec> = fc.record({
  devices: fc.integer({ min: 1, max: 24 }),
  durationMin: fc.integer({ min: 1, max: 180 }),
  submitMin: fc.integer({ min: 0, max: 240 }),
  priority: fc.integer({ min: 0, max: 2 }),
  kinds: fc.option(fc.uniqueArray(fc.integer({ min: 0, max: 2 }), { minLength: 1, maxLength: 2 }), { nil: undefined }),
});
const scenarioArb = fc.record({ groups: fc.array(groupArb, { minLength: 1, maxLength: 4 }), jobs: fc.array(jobArb, { minLength: 1, maxLength: 14 }), seed: fc.nat(1000) });

/** Scenario text for the generated pool and jobs; jobs are clamped to what their kinds can ever hold. */
function scenarioText(s: { groups: GroupSpec[]; jobs: JobSpec[]; seed: number }): string {
  const total = [0, 0, 0];
  for (const g of s.groups) total[g.kind]! += g.count * g.perNode;
  const present = [0, 1, 2].filter((k) => total[k]! > 0);
  const lines = [`name: contract`, `seed: ${s.seed}`, `preemption: { checkpoint: 30s, restore: 45s }`, `datacentres:`];
  for (const dc of [0, 1]) {
    const groups = s.groups.filter((g) => g.dc === dc);
    if (groups.length === 0) continue;
    lines.push(`  - name: dc${dc}`, `    nodes_per_leaf: 2`, `    electricity_price: ${0.05 + dc * 0.04}`, `    carbon_intensity: ${0.4 - dc * 0.3}`, `    node_groups:`);
    for (const g of groups) lines.push(`      - { count: ${g.count}, device: ${KINDS[g.kind]}, devices_per_node: ${g.perNode} }`);
  }
  if (s.groups.some((g) => g.dc === 0) && s.groups.some((g) => g.dc === 1)) lines.push(`links:`, `  - { between: [dc0, dc1], latency: 1ms, bandwidth: 100Gbps }`);
  lines.push(`workloads:`, `  - jobs:`);
  s.jobs.forEach((j, i) => {
    const kinds = (j.kinds ?? present).filter((k) => total[k]! > 0);
    const allowed = j.kinds && kinds.length > 0 ? kinds : undefined;
    const cap = Math.max(...(allowed ?? present).map((k) => total[k]!));
    const ref = KINDS[(allowed ?? present)[0]!];
    const kindsField = allowed ? `, device_kinds: [${allowed.map((k) => KINDS[k]).join(', ')}]` : '';
    lines.push(
      `      - { name: j${i}, devices: ${Math.min(j.devices, cap)}, duration: ${j.durationMin}min, submit: ${j.submitMin}min, priority: ${j.priority}, reference_device: ${ref}${kindsField} }`,
    );
  });
  return lines.join('\n') + '\n';
}

/** Check the invariants after every start; returns the problems seen. */
function watchInvariants(sim: Simulation, problems: string[]): void {
  const c = sim.cluster;
  sim.signals.on('started', (job, now) => {
    for (let d = 0; d < c.deviceCount; d++) if (c.deviceFreeMilli[d]! < 0) problems.push(`t=${now}: device ${d} over-allocated`);
    for (let n = 0; n < c.nodeCount; n++) if (c.nodeFree[n]! < 0 || c.nodeFree[n]! > c.nodeDevices[n]!) problems.push(`t=${now}: node ${n} free ${c.nodeFree[n]}`);
    if (job.heldDevices.length !== job.devices) problems.push(`${job.name}: holds ${job.heldDevices.length} of ${job.devices} devices`);
    for (const d of job.heldDevices) {
      const kind = c.nodeKind[c.deviceNode[d]!]!;
      if (kind !== job.placement!.kind) problems.push(`${job.name}: device ${d} not of its placement's kind`);
      if (job.allowedKinds && !job.allowedKinds.includes(kind)) problems.push(`${job.name}: kind ${c.kinds[kind]!.name} not allowed`);
    }
  });
}

type Make = (resolved: ResolvedScenario) => Promise<ResolvedPolicies>;

const ref = (name: string, params: Record<string, unknown> = {}): PolicyRef => ({ name, params });
const builtIn =
  (q: PolicyRef, p: PolicyRef): Make =>
  async () =>
    resolvePolicies(q, p);

const queues: [string, PolicyRef | 'tutorial'][] = [
  ...[...QUEUE_POLICIES.keys()].map((n): [string, PolicyRef] => [n, ref(n)]),
  ['priority (preemptive)', ref('priority', { preemptive: true, strict: false })],
  ['las (starvation 1h, least-progress)', ref('las', { thresholds: ['10min', '1h'], starvation: '1h', victims: 'least-progress' })],
  ['tutorial plug-in', 'tutorial'],
];
const placements: [string, PolicyRef][] = [
  ...[...PLACEMENT_POLICIES.keys()].map((n): [string, PolicyRef] => [n, ref(n)]),
  ['topology-aware (any devices, cross-site)', ref('topology-aware', { whole_nodes: false, cross_site: 'when-free' })],
  ['site-aware (carbon)', ref('site-aware', { objective: 'carbon', max_slowdown: 2 })],
];

function maker(q: PolicyRef | 'tutorial', p: PolicyRef): Make {
  if (q !== 'tutorial') return builtIn(q, p);
  return (resolved) =>
    loadPolicies(resolved, repoPath('.'), { policy: { ref: ref(TUTORIAL), baseDir: repoPath('.'), src: new SourceMap('test', undefined, undefined) }, placement: { ref: p, baseDir: '.', src: new SourceMap('test', undefined, undefined) } });
}

describe('policy contract', () => {
  beforeAll(async () => {
    await ensureDist();
  });

  for (const [qName, q] of queues) {
    for (const [pName, p] of placements) {
      it(`${qName} x ${pName}`, async () => {
        const make = maker(q, p);
        await fc.assert(
          fc.asyncProperty(scenarioArb, async (s) => {
            const text = scenarioText(s);
            const resolved = loadScenario(text, 'contract.yaml');
            const problems: string[] = [];
            const a = runToCsv(resolved, { policies: await make(resolved), observe: (sim) => watchInvariants(sim, problems) });
            expect(problems, text).toEqual([]);
            // No job lost: run to idle, every job ends completed or rejected.
            expect(a.summary.jobs_completed + a.summary.jobs_rejected, text).toBe(s.jobs.length);
            expect(a.summary.jobs_unfinished).toBe(0);
            expect(a.jobs.every((j) => j.status === 'completed' || j.status === 'rejected')).toBe(true);
            // Deterministic: same seed, same bytes.
            const b = runToCsv(resolved, { policies: await make(resolved) });
            expect(b.jobsCsv).toBe(a.jobsCsv);
            expect(b.summaryCsv).toBe(a.summaryCsv);
          }),
          { numRuns: 12, seed: 4242 },
        );
      });
    }
  }
});
