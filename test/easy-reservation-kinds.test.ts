// EASY backfilling on a pool of two kinds never starts a head job later than the reservation it was
// given (the single-kind property is in policy-easy.test.ts): jobs confined to either kind or free to
// use both, their run times exact (durations on one reference kind, scaled to the other by peak x
// efficiency), placed by a placer that can use any free devices of a kind, as the count assumes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../src/model/load-scenario.js';
import { createEasyBackfill, type Reservation } from '../src/policy/easy-backfill.js';
import { PLACEMENT_POLICIES } from '../src/policy/registry.js';
import { simulate } from '../src/sim/simulation.js';

const jobArb = fc.record({
  devices: fc.integer({ min: 1, max: 16 }),
  durationS: fc.integer({ min: 60, max: 20_000 }),
  submitS: fc.integer({ min: 0, max: 20_000 }),
  kinds: fc.constantFrom('[A100-80GB]', '[H100]', '[A100-80GB, H100]'),
});

describe('easy-backfill on two kinds', () => {
  it('never starts the head job later than the reservation it was given', () => {
    let reserved = 0;
    fc.assert(
      fc.property(fc.array(jobArb, { minLength: 2, maxLength: 30 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 2 }), (jobs, aNodes, hNodes) => {
        const text = [
          'name: easy-kinds',
          'network: ideal',
          'datacentres:',
          '  - name: dc',
          '    node_groups:',
          `      - { count: ${aNodes}, device: A100-80GB, devices_per_node: 8 }`,
          `      - { count: ${hNodes}, device: H100, devices_per_node: 8 }`,
          'workloads:',
          '  - jobs:',
          ...jobs.map((j, i) => {
            const cap = j.kinds === '[H100]' ? hNodes * 8 : j.kinds === '[A100-80GB]' ? aNodes * 8 : Math.max(aNodes, hNodes) * 8;
            return `      - { name: j${i}, devices: ${Math.min(j.devices, cap)}, duration: ${j.durationS}s, submit: ${j.submitS}s, reference_device: A100-80GB, device_kinds: ${j.kinds} }`;
          }),
        ].join('\n');
        const resolved = loadScenario(text, 'easy.yaml');
        const promised = new Map<string, number>();
        const queue = createEasyBackfill({ onReservation: (r: Reservation) => promised.set(r.job.name, Math.min(promised.get(r.job.name) ?? Infinity, r.timeS)) });
        const placer = PLACEMENT_POLICIES.get('spread')!.create({} as never);
        const started = new Map<string, number>();
        const r = simulate(resolved, {
          policies: { queue, placer, queueName: 'easy-backfill', placementName: 'spread' },
          observe: (sim) => sim.signals.on('started', (job, now) => started.set(job.name, now)),
        });
        expect(r.summary.jobs_completed).toBe(jobs.length);
        reserved += promised.size;
        for (const [name, t] of promised) expect(started.get(name)!).toBeLessThanOrEqual(t * (1 + 1e-9) + 1e-6);
      }),
      { numRuns: 200, seed: 17 },
    );
    // The property was put to the test: heads were blocked and reserved.
    expect(reserved).toBeGreaterThan(100);
  }, 300_000);
});
