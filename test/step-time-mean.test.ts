// jobs.csv's step_time_s is the job's time per step: its progress time over the steps it did. A job
// whose step changes during its run (another job starts sharing its long-haul link) must not have
// its slow stretch counted once per second instead of once per step.
import { describe, expect, it } from 'vitest';
import { runToCsv, scenarioFromText } from './helpers.js';

// x (H100) and y (A100) each run tp 8 x dp 2 with one node in each site: their data-parallel rings
// both cross the 1 Gbps link. x runs alone for an hour, then shares the link with y until it ends;
// y shares it, then runs alone. Neither checkpoints, fails or waits: each progresses from start_s
// to finish_s, doing 1B / 4,194,304 = 238.42 steps.
const scenario = `name: step-mean
seed: 1
datacentres:
  - name: north
    fabric: IB-NDR
    node_groups:
      - { name: hn, count: 1, device: H100 }
      - { name: an, count: 1, device: A100-80GB }
  - name: south
    fabric: IB-NDR
    node_groups:
      - { name: hs, count: 1, device: H100 }
      - { name: as, count: 1, device: A100-80GB }
links:
  - { between: [north, south], latency: 100us, bandwidth: 1Gbps }
workloads:
  - jobs:
      - { name: x, devices: 16, device_kinds: [H100], params: 1B, tokens: 1B, model: { global_batch: 4194304 }, layout: { tp: 8, pp: 1, dp: 2, micro_batch_size: 8 } }
      - { name: y, devices: 16, submit: 1h, device_kinds: [A100-80GB], params: 1B, tokens: 1B, model: { global_batch: 4194304 }, layout: { tp: 8, pp: 1, dp: 2, micro_batch_size: 8 } }
`;

describe('step_time_s of a job whose step changes', () => {
  it('is its progress time over its steps, and its parts add up to it', () => {
    const jobs = runToCsv(scenarioFromText(scenario)).jobs;
    const steps = 1e9 / 4194304;
    for (const name of ['x', 'y']) {
      const j = jobs.find((r) => r.job_id === name)!;
      expect(j.status).toBe('completed');
      // By hand: x 9,820.99 s / 238.42 steps = 41.19 s a step (the seconds-weighted mean printed 42.74 s,
      // 3.8% high; y 53.45 s, printed 54.62 s).
      expect((j.step_time_s * steps) / (j.finish_s - j.start_s)).toBeCloseTo(1, 9);
      expect((j.compute_s + j.exposed_comm_s + j.bubble_s) / j.step_time_s).toBeCloseTo(1, 9);
      // comm_fraction stays the share of its progress time in exposed communication.
      expect(j.comm_fraction).toBeCloseTo(j.exposed_comm_s / j.step_time_s, 9);
    }
    // The two stretches really differ: x slows down by more than 10% once y shares the link.
    const x = jobs.find((r) => r.job_id === 'x')!;
    expect(x.step_time_s).toBeCloseTo(41.19, 1);
  });
});
