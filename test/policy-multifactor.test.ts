// Slurm's multifactor priority (src/policy/multifactor.ts): the formula by hand, the decayed usage
// by hand, and fair share at work (a light account's jobs pass a heavy account's queue).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMultifactor, FairShareUsage, multifactorPriority, type MultifactorParams } from '../src/policy/multifactor.js';
import { PLACEMENT_POLICIES, resolvePolicies } from '../src/policy/registry.js';
import type { JobView, Placer } from '../src/policy/types.js';
import { simulate } from '../src/sim/simulation.js';
import { runToCsv, scenarioFromText } from './helpers.js';

const params: MultifactorParams = { weight_age: 1000, weight_fairshare: 10000, weight_job_size: 1000, weight_qos: 1000, max_age: 7 * 86400, half_life: 7 * 86400, favor_small: false, shares: {}, backfill: true };
const job = (o: Partial<JobView>): JobView => ({ id: 0, name: 'j', devices: 16, submitS: 0, priority: 2, allowedKinds: undefined, usefulFlop: 1, efficiency: undefined, params: 0, remainingFlop: 1, attainedDeviceS: 0, predictedRuntimeS: 1, state: 'waiting', placement: undefined, preemptions: 0, milli: 1000, cpuMilli: 0, memoryMiB: 0, account: 'a', ...o });

describe('multifactor priority', () => {
  it("is Slurm's weighted sum of factors: age, fair share 2^(-U/S), job size and QOS", () => {
    // Waited 3.5 of 7 days (0.5); 16 of 64 devices (0.25); priority 2 of at most 4 (0.5); its account
    // has used half of the pool's usage on a quarter of the shares: 2^(-0.5/0.25) = 0.25.
    const ctx = { nowS: 3.5 * 86400, poolDevices: 64, maxQos: 4, usage: () => 0.5, shareOf: () => 0.25 };
    expect(multifactorPriority(job({}), ctx, params)).toBeCloseTo(1000 * 0.5 + 10000 * 0.25 + 1000 * 0.25 + 1000 * 0.5, 9);
    // PriorityFavorSmall turns the size factor around; age stops at 1.
    expect(multifactorPriority(job({}), { ...ctx, nowS: 30 * 86400 }, { ...params, favor_small: true })).toBeCloseTo(1000 * 1 + 2500 + 1000 * 0.75 + 500, 9);
  });

  it('usage decays by half every half-life, and accrues as the integral of decayed device-time', () => {
    const u = new FairShareUsage(100);
    const run = (account: string, devices: number) => job({ account, devices });
    u.advance(0, [run('a', 8)]);
    u.advance(100, [run('b', 8)]);
    // a: 8 devices for one half-life, each instant decayed to t = 100: 8 x 100 x (1 - 1/2) / ln 2.
    const a = (8 * 100 * 0.5) / Math.LN2;
    expect(u.normalized('a')).toBe(1);
    u.advance(200, []);
    // a has decayed once more; b accrued the same as a did.
    expect(u.normalized('a')).toBeCloseTo(a / 2 / (a / 2 + a), 12);
    expect(u.normalized('b')).toBeCloseTo(a / (a / 2 + a), 12);
  });

  it("fair share lets a light account's jobs pass a heavy account's queue that FIFO would make them wait behind", () => {
    const text = `name: fs
seed: 1
network: ideal
datacentres:
  - name: dc
    node_groups: [{ count: 2, device: H100 }]
workloads:
  - generator: { name: heavy, count: 60, arrival: { process: poisson, mean_interval: 5min }, devices: { distribution: empirical, values: [8] }, duration: { distribution: lognormal, median: 1h, sigma: 0.3 }, reference_device: H100 }
  - generator: { name: light, count: 10, start: 2h, arrival: { process: poisson, mean_interval: 30min }, devices: { distribution: empirical, values: [8] }, duration: { distribution: lognormal, median: 1h, sigma: 0.3 }, reference_device: H100 }
policy: fifo
`;
    const r = scenarioFromText(text);
    const meanWait = (policy: string, who: string): number => {
      const rows = runToCsv(r, { policies: resolvePolicies({ name: policy, params: {} }, r.scenario.placement, { src: r.src }) }).jobs.filter((j) => j.job_id.startsWith(who));
      return rows.reduce((a, j) => a + j.queueing_delay_s, 0) / rows.length;
    };
    const fifo = meanWait('fifo', 'light');
    const fair = meanWait('multifactor', 'light');
    expect(fair).toBeLessThan(0.5 * fifo);
    // The heavy account pays for it.
    expect(meanWait('multifactor', 'heavy')).toBeGreaterThan(meanWait('fifo', 'heavy'));
  });
  it('with a pure placer, skips only jobs that could not start anyway: the same starts as asking about every job (model, FP8 and duration jobs; share pods in place-memo.test.ts)', () => {
    const V100 = 'V100-SXM2-32GB';
    const jobArb = fc.record({
      type: fc.constantFrom('duration', 'model', 'model', 'fp8'),
      devices: fc.constantFrom(1, 2, 4, 8),
      kinds: fc.constantFrom(`[${V100}]`, '[H100]', `[${V100}, H100]`),
      size: fc.integer({ min: 1, max: 100 }),
      submitS: fc.integer({ min: 0, max: 3000 }),
      account: fc.constantFrom('a', 'b'),
    });
    let skipped = 0;
    fc.assert(
      fc.property(fc.array(jobArb, { minLength: 5, maxLength: 40 }), (jobs) => {
        const lines = jobs.map((j, i) => {
          const head = `      - { name: ${j.account}${i}, submit: ${j.submitS}s, `;
          if (j.type === 'duration') return `${head}devices: ${j.devices}, duration: ${j.size * 200}s, reference_device: ${V100}, device_kinds: ${j.kinds} }`;
          const fp8 = j.type === 'fp8';
          const model = `{ layers: 4, hidden_size: 4096, vocab: 32000, seq_len: 512, global_batch: 8K, recompute: none${fp8 ? ', precision: fp8' : ''} }`;
          return `${head}devices: ${j.devices}, params: ${12 * 4 * 4096 * 4096 + 32_000 * 4096}, tokens: ${j.size * 2_000_000}, device_kinds: ${fp8 ? '[H100]' : j.kinds}, model: ${model} }`;
        });
        // Two workload entries, two accounts (fair share): each listed only when it has jobs.
        const entries = ['a', 'b'].map((acc) => lines.filter((l) => l.includes(`name: ${acc}`))).filter((l) => l.length > 0);
        const text = [
          'name: multifactor-skip',
          'datacentres:',
          '  - name: dc',
          '    fabric: IB-HDR',
          '    node_groups:',
          `      - { count: 1, device: ${V100}, devices_per_node: 8 }`,
          '      - { count: 1, device: H100, devices_per_node: 8 }',
          'workloads:',
          ...entries.flatMap((l) => ['  - jobs:', ...l]),
        ];
        const resolved = scenarioFromText(text.join('\n'));
        const run = (pure: boolean): { starts: string[]; calls: number } => {
          const inner = PLACEMENT_POLICIES.get('first-fit')!.create({} as never);
          let calls = 0;
          const placer: Placer = { place: (job, cluster, hints) => (calls++, inner.place(job, cluster, hints)), ...(pure ? { requestOnly: true } : {}) };
          const starts: string[] = [];
          simulate(resolved, {
            policies: { queue: createMultifactor(params), placer, queueName: 'multifactor', placementName: 'first-fit' },
            observe: (sim) => sim.signals.on('started', (job, now) => starts.push(`${job.name}@${now}`)),
          });
          return { starts, calls };
        };
        const asked = run(false);
        const pure = run(true);
        expect(pure.starts).toEqual(asked.starts);
        if (pure.calls < asked.calls) skipped++;
      }),
      { numRuns: 60, seed: 5 },
    );
    expect(skipped).toBeGreaterThan(10);
  }, 120_000);
});
