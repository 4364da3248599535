// A queue policy's wake-up (ctx.wakeAt) left pending after the last job has ended must not stretch
// the run: multifactor asks for a pass when each waiting job's age factor would reach max_age
// (7 days by default), and that wake-up kept a 16-hour workload simulating for a week, so
// utilisation, the pool's effective compute ratio and idle energy were taken over 7.3 days.
import { describe, expect, it } from 'vitest';
import { runToCsv, scenarioFromText } from './helpers.js';

const scenario = (policy: string, extra = ''): string => `name: wake-end
seed: 3
network: ideal
${extra}datacentres:
  - name: dc
    node_groups:
      - { name: a100, count: 2, device: A100-80GB }
      - { name: v100, count: 2, device: V100-SXM2-32GB }
workloads:
  - generator:
      name: mixed
      count: 40
      arrival: { process: poisson, mean_interval: 10min }
      devices: { distribution: empirical, values: [1, 2, 4, 8, 16], weights: [20, 20, 20, 20, 10] }
      duration: { distribution: lognormal, median: 40min, sigma: 1.0, max: 6h }
      priority: { distribution: empirical, values: [0, 1, 2], weights: [5, 3, 2] }
      reference_device: A100-80GB
policy: ${policy}
placement: { name: heterogeneity-aware, params: { min_speed_ratio: 0.9 } }
`;

describe('a run to idle ends with its last job, not with a policy wake-up left pending', () => {
  it('multifactor (age factor on): utilisation and pool ECR over the makespan, as without the age factor', () => {
    const aged = runToCsv(scenarioFromText(scenario('multifactor'))).summary;
    const unaged = runToCsv(scenarioFromText(scenario('{ name: multifactor, params: { weight_age: 0, weight_job_size: 50000, favor_small: true, backfill: false } }'))).summary;
    // The same 40 jobs end at the same time under both: the same busy hours over the same window.
    expect(aged.jobs_completed).toBe(40);
    expect(aged.makespan_s).toBeCloseTo(56_467.747, 2);
    expect(unaged.makespan_s).toBeCloseTo(aged.makespan_s, 6);
    expect(aged.busy_device_hours).toBeCloseTo(unaged.busy_device_hours, 6);
    // 213.707 device-hours on 32 devices over 15.69 h: 0.4258 (it read 0.0383, over 7.3 days).
    expect(aged.utilisation).toBeCloseTo((aged.busy_device_hours * 3600) / (32 * aged.makespan_s), 9);
    expect(aged.utilisation).toBeCloseTo(0.42577, 4);
    expect(aged.effective_compute_ratio_pool).toBeCloseTo(unaged.effective_compute_ratio_pool, 9);
    expect(aged.energy_kwh).toBeCloseTo(unaged.energy_kwh, 6);
  });

  it('with a horizon the run still ends at the horizon', () => {
    const r = runToCsv(scenarioFromText(scenario('multifactor', 'horizon: 30h\n')));
    expect(r.endS).toBe(30 * 3600);
    expect(r.summary.utilisation).toBeCloseTo((r.summary.busy_device_hours * 3600) / (32 * 30 * 3600), 9);
  });
});
