// EASY backfilling: it never delays the head job's reservation (a property test with exact
// predicted run times: jobs given as durations on one kind), and it beats FIFO on mean queueing
// delay on a mixed workload (scenarios/policy-backfill.yaml).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../src/model/load-scenario.js';
import { createEasyBackfill, reserve, type Reservation } from '../src/policy/easy-backfill.js';
import { runtimeOnS } from '../src/policy/predict.js';
import type { QueueDiscipline } from '../src/policy/types.js';
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

  it('starts every job when EASY by its definition does (the line walked job by job, every job placed)', () => {
    // The reference: each pass walks the whole line; the head's reservation from reserve(); a later
    // job starts if it is placed now on another kind, ends by the reservation, or fits the extra.
    const naive: QueueDiscipline = {
      schedule(ctx) {
        let res: Reservation | undefined;
        let extra = 0;
        for (const job of [...ctx.waiting]) {
          const p = ctx.place(job);
          if (!res) {
            if (p) ctx.start(job, p);
            else if (!(res = reserve(job, ctx))) return;
            else extra = res.extra;
            continue;
          }
          if (!p) continue;
          if (p.kind !== res.kind || ctx.nowS + runtimeOnS(job, p, ctx) <= res.timeS) ctx.start(job, p);
          else if (job.devices <= extra) {
            extra -= job.devices;
            ctx.start(job, p);
          }
        }
      },
    };
    const shapeArb = fc.record({ devices: fc.constantFrom(1, 2, 4, 8, 16), durationS: fc.integer({ min: 10, max: 5000 }), submitS: fc.integer({ min: 0, max: 3000 }), kinds: fc.constantFrom('[A100-80GB]', '[H100]', '[A100-80GB, H100]') });
    fc.assert(
      fc.property(fc.array(shapeArb, { minLength: 5, maxLength: 120 }), (jobs) => {
        const text = [
          'name: easy-reference',
          'network: ideal',
          'datacentres:',
          '  - name: dc',
          '    node_groups:',
          '      - { count: 2, device: A100-80GB, devices_per_node: 8 }',
          '      - { count: 1, device: H100, devices_per_node: 8 }',
          'workloads:',
          '  - jobs:',
          ...jobs.map((j, i) => `      - { name: j${i}, devices: ${j.kinds === '[H100]' ? Math.min(j.devices, 8) : j.devices}, duration: ${j.durationS}s, submit: ${j.submitS}s, reference_device: A100-80GB, device_kinds: ${j.kinds} }`),
        ].join('\n');
        const resolved = loadScenario(text, 'easy.yaml');
        const run = (queue: QueueDiscipline): string[] => {
          const starts: string[] = [];
          simulate(resolved, {
            policies: { queue, placer: PLACEMENT_POLICIES.get('first-fit')!.create({} as never), queueName: 'easy-backfill', placementName: 'first-fit' },
            observe: (sim) => sim.signals.on('started', (job, now) => starts.push(`${job.name}@${now}`)),
          });
          return starts;
        };
        expect(run(createEasyBackfill())).toEqual(run(naive));
      }),
      { numRuns: 150, seed: 7 },
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
