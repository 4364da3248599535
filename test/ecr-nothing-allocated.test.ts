// The effective compute ratio over allocated device-time has no value when no device was allocated:
// summary.csv leaves it empty (as jobs.csv does for a job that never held a device), and the terminal
// prints '-'. A 0 there read as "every allocated device-second wasted", and a compare over seeds
// averaged that 0 into the policy's mean.
import { describe, expect, it } from 'vitest';
import { formatSummary } from '../src/cli/summary-table.js';
import { runToCsv, scenarioFromText } from './helpers.js';

// j waits for its 10 TB dataset over a 1 Gbps link (80,000 s at best): the 2 h horizon comes first.
const scenario = `name: nothing-allocated
seed: 1
horizon: 2h
datacentres:
  - name: a
    node_groups:
      - { name: g, count: 1, device: H100, devices_per_node: 8 }
  - name: b
    node_groups:
      - { name: h, count: 1, device: H100, devices_per_node: 8 }
links:
  - { between: [a, b], latency: 1ms, bandwidth: 1Gbps }
transfers:
  - { name: data, from: b, to: a, size: 10TB, before: j }
workloads:
  - jobs:
      - { name: j, devices: 8, duration: 1h, reference_device: H100 }
`;

describe('a run in which no device was allocated', () => {
  it('has no allocated effective compute ratio: empty in summary.csv, - on the terminal; the pool ratio is 0', () => {
    const r = runToCsv(scenarioFromText(scenario));
    expect(r.summary.jobs_unfinished).toBe(1);
    expect(r.summary.busy_device_hours).toBe(0);
    // By hand: no useful work over 16 devices x 7,200 s of the pool: 0 of the pool.
    expect(r.summary.effective_compute_ratio_pool).toBe(0);
    expect(r.summary.effective_compute_ratio_allocated).toBeNaN();
    const [head, row] = r.summaryCsv.trim().split('\n');
    expect(row!.split(',')[head!.split(',').indexOf('effective_compute_ratio_allocated')]).toBe('');
    const line = formatSummary(r.summary).split('\n').find((l) => l.trim().startsWith('effective compute ratio'))!;
    expect(line).toContain('0.0% of the pool, - of allocated device-time');
    expect(r.jobs[0]!.effective_compute_ratio).toBeNaN();
  });
});
