// Invariants on random pools and workloads (property tests): no device over-allocated at any time,
// every submitted job ends completed or rejected, time never goes backwards.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { simulate } from '../src/sim/simulation.js';
import type { Simulation } from '../src/sim/simulation.js';
import { scenarioFromText } from './helpers.js';

const KINDS = ['H100', 'A100-80GB', 'V100-SXM2-32GB'];

const scenarioArb = fc.record({
  groups: fc.array(fc.record({ kind: fc.constantFrom(...KINDS), count: fc.integer({ min: 1, max: 4 }), perNode: fc.constantFrom(1, 2, 4, 8) }), {
    minLength: 1,
    maxLength: 3,
  }),
  jobs: fc.array(
    fc.record({
      submit: fc.integer({ min: 0, max: 5000 }),
      devices: fc.integer({ min: 1, max: 24 }),
      minutes: fc.integer({ min: 1, max: 300 }),
      kinds: fc.subarray(KINDS, { minLength: 1 }),
    }),
    { minLength: 1, maxLength: 40 },
  ),
  seed: fc.nat(1000),
});

type Generated = typeof scenarioArb extends fc.Arbitrary<infer T> ? T : never;

function toYaml(s: Generated): string {
  const groups = s.groups.map((g) => `      - { count: ${g.count}, device: ${g.kind}, devices_per_node: ${g.perNode} }`).join('\n');
  const jobs = s.jobs
    .map((j) => `      - { submit: ${j.submit}s, devices: ${j.devices}, duration: ${j.minutes}min, reference_device: ${j.kinds[0]}, device_kinds: [${j.kinds.join(', ')}] }`)
    .join('\n');
  // A generator whose sizes sometimes exceed the pool: those are rejected at run time, with a reason.
  const generated = `  - generator: { count: ${GENERATED}, arrival: { process: poisson, rate: 1/min }, devices: { distribution: empirical, values: [1, 8, 64, 500] }, duration: { distribution: exponential, mean: 1h }, reference_device: ${s.groups[0]!.kind}, device_kinds: [${s.groups[0]!.kind}] }`;
  return `name: random\nseed: ${s.seed}\ndatacentres:\n  - name: dc\n    node_groups:\n${groups}\nworkloads:\n  - jobs:\n${jobs}\n${generated}\n`;
}

const GENERATED = 5;

/** Listed jobs must fit the pool (else the file is invalid input, tested elsewhere). */
function fits(s: Generated): boolean {
  const perKind = new Map<string, number>();
  for (const g of s.groups) perKind.set(g.kind, (perKind.get(g.kind) ?? 0) + g.count * g.perNode);
  return s.jobs.every((j) => j.kinds.some((k) => (perKind.get(k) ?? 0) >= j.devices));
}

/** Check cluster bookkeeping after every lifecycle signal. */
function watch(sim: Simulation, problems: string[]): void {
  let lastS = 0;
  const check = (what: string, now: number): void => {
    if (now < lastS) problems.push(`time went backwards at ${what}: ${now} < ${lastS}`);
    lastS = now;
    const c = sim.cluster;
    for (let n = 0; n < c.nodeCount; n++) {
      if (c.nodeFree[n]! < 0 || c.nodeFree[n]! > c.nodeDevices[n]!) problems.push(`node ${n} free ${c.nodeFree[n]} of ${c.nodeDevices[n]}`);
    }
    for (let d = 0; d < c.deviceCount; d++) if (c.deviceFreeMilli[d]! < 0) problems.push(`device ${d} over-allocated`);
    let held = 0;
    for (const j of sim.running) {
      held += j.heldDevices.length;
      if (j.heldDevices.length !== j.devices) problems.push(`job ${j.name} holds ${j.heldDevices.length} of ${j.devices}`);
      const kind = c.nodeKind[c.deviceNode[j.heldDevices[0]!]!]!;
      if (j.allowedKinds && !j.allowedKinds.includes(kind)) problems.push(`job ${j.name} on a kind it does not allow`);
    }
    let free = 0;
    for (let n = 0; n < c.nodeCount; n++) free += c.nodeFree[n]!;
    if (free + held !== c.deviceCount) problems.push(`free ${free} + held ${held} != ${c.deviceCount}`);
  };
  sim.signals.on('started', (_j, now) => check('start', now));
  sim.signals.on('finished', (_j, now) => check('finish', now));
  sim.signals.on('submitted', (_j, now) => check('submit', now));
}

describe('simulation invariants (property)', () => {
  it('never over-allocates, loses no job, and keeps time monotone', () => {
    let rejectedSeen = 0;
    fc.assert(
      fc.property(scenarioArb, (s) => {
        fc.pre(fits(s));
        const problems: string[] = [];
        const statuses = new Map<string, string>();
        const r = simulate(scenarioFromText(toYaml(s)), {
          observe: (sim) => watch(sim, problems),
          jobSink: (row) => statuses.set(row.job_id, row.status),
        });
        expect(problems).toEqual([]);
        const total = s.jobs.length + GENERATED;
        expect(r.summary.jobs_submitted).toBe(total);
        expect(r.summary.jobs_completed + r.summary.jobs_rejected).toBe(total);
        expect(statuses.size).toBe(total);
        for (const st of statuses.values()) expect(['completed', 'rejected']).toContain(st);
        rejectedSeen += r.summary.jobs_rejected;
      }),
      { numRuns: 150 },
    );
    expect(rejectedSeen).toBeGreaterThan(0); // the rejection path was exercised
  });
});
