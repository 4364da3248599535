// EASY backfilling: it never delays the head job's reservation (a property test with exact
// predicted run times: jobs given as durations on one kind), and it beats FIFO on mean queueing
// delay on a mixed workload (scenarios/policy-backfill.yaml).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../src/model/load-scenario.js';
import { createEasyBackfill, type Reservation } from '../src/policy/easy-backfill.js';
import { PLACEMENT_POLICIES, resolvePolicies } from '../src/policy/registry.js';
import { simulate } from '../src/sim/simulation.js';
import { bundled } from './helpers.js';

const jobArb = fc.record({ devices: fc.integer({ min: 1, max: 32 }), durationS: fc.integer({ min: 60, max: 20_000 }), submitS: fc.integer({ min: 0, max: 20_000 }) });

describe('easy-backfill', () => {
  it('never starts the head job later than the reservation it was given', () => {
    fc.assert(
      fc.property(fc.array(jobArb, { minLength: 2, maxLength: 30 }), fc.integer({ min: 1, max: 4 }), fc.constantFrom(1, 2, 4, 8), (jobs, nodes, perNode) => {
        const total = nodes * perNode;
        const text = [
          'name: easy-property',
          'datacentres:',
          '  - name: dc',
          '    node_groups:',
          `      - { count: ${nodes}, device: A100-80GB, devices_per_node: ${perNode} }`,
          'workloads:',
          '  - jobs:',
          ...jobs.map((j, i) => `      - { name: j${i}, devices: ${Math.min(j.devices, total)}, duration: ${j.durationS}s, submit: ${j.submitS}s, device_kinds: [A100-80GB] }`),
        ].join('\n');
        const resolved = loadScenario(text, 'easy.yaml');
        // The earliest reservation each head job was promised.
        const promised = new Map<string, number>();
        const queue = createEasyBackfill({
          onReservation: (r: Reservation) => promised.set(r.job.name, Math.min(promised.get(r.job.name) ?? Infinity, r.timeS)),
        });
        // A placer that can use any free devices of the kind, as the reservation's per-kind count assumes.
        const placer = PLACEMENT_POLICIES.get('spread')!.create({} as never);
        const started = new Map<string, number>();
        const r = simulate(resolved, {
          policies: { queue, placer, queueName: 'easy-backfill', placementName: 'spread' },
          observe: (sim) => sim.signals.on('started', (job, now) => started.set(job.name, now)),
        });
        expect(r.summary.jobs_completed).toBe(jobs.length);
        for (const [name, t] of promised) expect(started.get(name)!).toBeLessThanOrEqual(t * (1 + 1e-9) + 1e-6);
      }),
      { numRuns: 300, seed: 99 },
    );
  });

  it('beats FIFO on mean queueing delay on a mixed workload (scenarios/policy-backfill.yaml)', () => {
    const resolved = bundled('policy-backfill');
    const placement = resolved.scenario.placement;
    const easy = simulate(resolved, { policies: resolvePolicies({ name: 'easy-backfill', params: {} }, placement) }).summary;
    const fifo = simulate(resolved, { policies: resolvePolicies({ name: 'fifo', params: {} }, placement) }).summary;
    expect(easy.jobs_completed).toBe(fifo.jobs_completed);
    expect(easy.queueing_delay_mean_s).toBeLessThan(0.5 * fifo.queueing_delay_mean_s);
  });
});
