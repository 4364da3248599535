// Slurm's multifactor priority (src/policy/multifactor.ts): the formula by hand, the decayed usage
// by hand, and fair share at work (a light account's jobs pass a heavy account's queue).
import { describe, expect, it } from 'vitest';
import { FairShareUsage, multifactorPriority, type MultifactorParams } from '../src/policy/multifactor.js';
import { resolvePolicies } from '../src/policy/registry.js';
import type { JobView } from '../src/policy/types.js';
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
});
