// Jobs still waiting when a horizon stops the run. The summary counted each one's wait so far in
// the queueing statistics, but jobs.csv left its queueing_delay_s empty (or, for a job preempted and
// waiting again, gave only its earlier waits), so the summary's mean and percentiles could not be
// had from jobs.csv; and a waiting job that had run before kept its preemptions, its done work and
// its device-time out of the summary: one preempted at 30 min and waiting at the horizon took 7.8
// of 12.8 EFLOP out of useful_pflop, the pool's effective compute ratio read 0.21 for 0.54, and
// preemptions read 0 for 1.
import { describe, expect, it } from 'vitest';
import { runToCsv, scenarioFromText } from './helpers.js';

const text = `name: horizon-waiting
network: ideal
horizon: 3000s
datacentres:
  - name: dc
    node_groups: [{ name: g, count: 1, device: H100 }]
preemption: { checkpoint: 60s, restore: 120s }
policy: { name: priority, params: { preemptive: true } }
workloads:
  - jobs:
      - { name: lo, devices: 8, duration: 1h, reference_device: H100, priority: 0 }
      - { name: hi, devices: 8, duration: 1h, reference_device: H100, priority: 5, submit: 30min }
      - { name: never, devices: 8, duration: 1h, reference_device: H100, priority: 0, submit: 2000s }
`;

describe('jobs waiting at the horizon', () => {
  it('jobs.csv gives their wait so far, and the summary counts what they did before', () => {
    const r = runToCsv(scenarioFromText(text));
    const row = (id: string) => r.jobs.find((j) => j.job_id === id)!;
    // lo: ran 0-1800 s, checkpointed until 1860 s, waiting since: 1140 s so far, all of it re-queued.
    expect([row('lo').status, row('lo').queueing_delay_s, row('lo').requeued_s, row('lo').preemptions]).toEqual(['waiting', 1140, 1140, 1]);
    // never: waiting since its submission at 2000 s, never started.
    expect([row('never').status, row('never').queueing_delay_s, row('never').requeued_s]).toEqual(['waiting', 1000, 0]);
    const s = r.summary;
    expect(s.preemptions).toBe(1);
    const useful = r.jobs.reduce((a, j) => a + j.useful_pflop, 0);
    expect(s.useful_pflop).toBeCloseTo(useful, 6);
    expect(s.useful_pflop).toBeCloseTo((1800 + 3000 - 1860) * 8 * 989e12 * 0.55 / 1e15, 6);
    const waits = r.jobs.map((j) => j.queueing_delay_s);
    expect(s.queueing_delay_mean_s).toBeCloseTo(waits.reduce((a, b) => a + b, 0) / waits.length, 9);
    expect(s.effective_compute_ratio_pool).toBeCloseTo(0.539, 9);
  });
});
