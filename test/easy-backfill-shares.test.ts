// EASY backfilling with GPU shares (Alibaba's GPU-sharing pods): a device shared by several jobs
// comes free whole only when the last of them ends, so the head's reservation and its extra devices
// count it once, at that time. Counted once per share, at each share's end, the extra devices were
// overstated and a backfilled job took one the head needed.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../src/model/load-scenario.js';
import { createEasyBackfill, type Reservation } from '../src/policy/easy-backfill.js';
import { PLACEMENT_POLICIES } from '../src/policy/registry.js';
import { simulate } from '../src/sim/simulation.js';

interface Pod {
  name: string;
  gpus: number;
  milli: number;
  submitS: number;
  runS: number;
}

/** One node of `gpus` GPUs (so that any free devices can hold a gang: the count EASY assumes), the pods as an openb trace. */
function run(gpus: number, pods: readonly Pod[]): { started: Map<string, number>; promised: Map<string, number>; completed: number } {
  const files: Record<string, string> = {
    '/t/nodes.csv': `sn,cpu_milli,memory_mib,gpu,model\nn0,640000,2621440,${gpus},V100M32\n`,
    '/t/pods.csv': [
      'name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,deletion_time,scheduled_time',
      ...pods.map((p) => `${p.name},1000,1024,${p.gpus},${p.milli},,LS,Running,${p.submitS},${p.submitS + p.runS},${p.submitS}`),
    ].join('\n') + '\n',
  };
  const text = `name: easy-shares
network: ideal
datacentres:
  - name: dc
    nodes_from: { format: alibaba-openb, path: nodes.csv, device_map: { V100M32: V100-SXM2-32GB } }
workloads:
  - trace: { format: alibaba-openb, path: pods.csv, reference_device: V100-SXM2-32GB, device_map: { V100M32: V100-SXM2-32GB } }
`;
  const resolved = loadScenario(text, '/t/easy.yaml', { readFile: (p) => files[p]!, baseDir: '/t' });
  const promised = new Map<string, number>();
  const queue = createEasyBackfill({ onReservation: (r: Reservation) => promised.set(r.job.name, Math.min(promised.get(r.job.name) ?? Infinity, r.timeS)) });
  const placer = PLACEMENT_POLICIES.get('first-fit')!.create({} as never);
  const started = new Map<string, number>();
  const r = simulate(resolved, {
    policies: { queue, placer, queueName: 'easy-backfill', placementName: 'first-fit' },
    observe: (sim) => sim.signals.on('started', (job, now) => started.set(job.name, now)),
  });
  return { started, promised, completed: r.summary.jobs_completed };
}

describe('easy-backfill with GPU shares', () => {
  it('two shares of one GPU free one device, not two: a 10 h job does not backfill into the head\'s devices', () => {
    // 3 GPUs: a whole job and two half-GPU shares of one device, all ending at 1 h, and one GPU free.
    // The head (3 GPUs) is reserved at 1 h with no extra device; 'x' (1 GPU, 10 h) used to backfill
    // on the free GPU, counted as extra, and the head started at 10 h.
    const r = run(3, [
      { name: 'w', gpus: 1, milli: 1000, submitS: 0, runS: 3600 },
      { name: 'a', gpus: 1, milli: 500, submitS: 0, runS: 3600 },
      { name: 'b', gpus: 1, milli: 500, submitS: 0, runS: 3600 },
      { name: 'head', gpus: 3, milli: 1000, submitS: 10, runS: 3600 },
      { name: 'x', gpus: 1, milli: 1000, submitS: 20, runS: 36000 },
    ]);
    expect(r.promised.get('head')).toBe(3600);
    expect(r.started.get('head')).toBe(3600);
    expect(r.started.get('x')).toBe(7200);
  });

  it('never starts a head later than the reservation it was given', () => {
    const pod = fc.record({
      gpus: fc.integer({ min: 1, max: 8 }),
      milli: fc.constantFrom(1000, 1000, 500, 300, 700, 250),
      submitS: fc.integer({ min: 0, max: 20_000 }),
      runS: fc.integer({ min: 60, max: 20_000 }),
    });
    let reserved = 0;
    fc.assert(
      fc.property(fc.array(pod, { minLength: 2, maxLength: 30 }), (raw) => {
        const pods = raw.map((p, i) => ({ ...p, name: `p${i}`, milli: p.gpus > 1 ? 1000 : p.milli }));
        const r = run(8, pods);
        expect(r.completed).toBe(pods.length);
        reserved += r.promised.size;
        for (const [name, t] of r.promised) expect(r.started.get(name)!, name).toBeLessThanOrEqual(t * (1 + 1e-9) + 1e-6);
      }),
      { numRuns: 150, seed: 23 },
    );
    expect(reserved).toBeGreaterThan(50);
  }, 300_000);
});
