// What the scheduler knows cannot fit before it asks a placement policy: the largest GPU share left
// per kind (Cluster.maxSharedFreeMilli) against a scan, and ctx.place answering without the policy
// when no allowed kind has the job's devices free (Cluster.mayHoldNow).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Cluster, WHOLE_DEVICE_MILLI } from '../src/model/cluster.js';
import { PLACEMENT_POLICIES, QUEUE_POLICIES } from '../src/policy/registry.js';
import type { Placer } from '../src/policy/types.js';
import { simulate } from '../src/sim/simulation.js';
import { runToCsv, scenarioFromText } from './helpers.js';

const pool = `name: s
datacentres:
  - name: dc
    node_groups: [{ count: 2, device: A100-80GB }, { count: 1, device: H100 }]
workloads:
  - jobs: [{ name: a, devices: 1, duration: 1h, reference_device: A100-80GB }]
`;

describe('the largest share left, per kind', () => {
  it('equals a scan of every partly used device after any allocations and releases (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat({ max: 23 }), fc.integer({ min: 1, max: 999 }), fc.boolean()), { maxLength: 200 }), (ops) => {
        const cluster = new Cluster(scenarioFromText(pool).shape);
        const held: [number, number][] = [];
        for (const [dev, milli, release] of ops) {
          if (release && held.length > 0) {
            const [d, m] = held.splice(dev % held.length, 1)[0]!;
            cluster.releaseShare(d, m);
          } else if (cluster.deviceFreeMilli[dev]! >= milli) {
            cluster.allocateShare(dev, milli);
            held.push([dev, milli]);
          }
          for (const kind of cluster.allKinds) {
            let max = 0;
            for (let d = 0; d < cluster.deviceCount; d++) {
              const free = cluster.deviceFreeMilli[d]!;
              if (cluster.nodeKind[cluster.deviceNode[d]!] === kind && free > 0 && free < WHOLE_DEVICE_MILLI) max = Math.max(max, free);
            }
            expect(cluster.maxSharedFreeMilli(kind)).toBe(max);
          }
        }
      }),
    );
  });
});

describe('ctx.place and what cannot fit', () => {
  it('does not ask the placement policy while no allowed kind has the devices free, and decides as if it had', () => {
    // Two A100 nodes (16 GPUs): eight 2-GPU jobs fill them; the 16 waiting behind cannot fit until one ends.
    const text = `name: q
datacentres:
  - name: dc
    node_groups: [{ count: 2, device: A100-80GB }]
workloads:
  - generator: { count: 24, arrival: { process: fixed, interval: 1s }, devices: 2, duration: { distribution: uniform, min: 1h, max: 3h }, reference_device: A100-80GB }
policy: multifactor
placement: first-fit
`;
    // multifactor tries ctx.place for every waiting job on every pass.
    const multifactor = () => {
      const def = QUEUE_POLICIES.get('multifactor')!;
      return def.create(def.params.parse({}) as never);
    };
    const asked: number[] = [];
    const firstFit = PLACEMENT_POLICIES.get('first-fit')!.create({} as never);
    const counting: Placer = {
      place(job, cluster, hints) {
        asked.push(cluster.kindFree[0]!);
        return firstFit.place(job, cluster, hints);
      },
    };
    const resolved = scenarioFromText(text);
    const r = simulate(resolved, { policies: { queue: multifactor(), placer: counting, queueName: 'multifactor', placementName: 'counting' } });
    // The same decisions as the scenario's own first-fit, which is asked every time.
    expect(runToCsv(resolved, { policies: { queue: multifactor(), placer: counting, queueName: 'multifactor', placementName: 'counting' } }).jobsCsv).toBe(runToCsv(resolved).jobsCsv);
    expect(r.summary.jobs_completed).toBe(24);
    // Asked only with at least the job's 2 devices free somewhere.
    expect(asked.length).toBeGreaterThan(0);
    expect(Math.min(...asked)).toBeGreaterThanOrEqual(2);
  });
});
