// What a failure costs a job, worked by hand on one 8-GPU node: the work since the last restore
// point or checkpoint is lost (once), and its effective training fraction is useful compute time
// over the time since its first start.
import { describe, expect, it } from 'vitest';
import type { Simulation } from '../src/sim/simulation.js';
import { runToCsv, scenarioFromText } from './helpers.js';

const pool = (extra: string, jobs: string): string => `
name: accounting
network: ideal
preemption: { checkpoint: 60s, restore: 60s }
datacentres:
  - { name: dc, node_groups: [{ count: 1, device: H100 }] }
workloads:
  - jobs:
${jobs}${extra}`;

/** Fail the named job at each of `atS` (the devices stay up: it restarts at once). */
const failAt = (name: string, ...atS: number[]) => (sim: Simulation) => {
  for (const t of atS) sim.engine.daemonAt(t, () => sim.failJob(sim.running.find((j) => j.name === name)!, 'failure'));
};

describe('one failure, checkpoints every hour', () => {
  // 10 h of compute; a checkpoint of 300 s after each hour of compute (cycle 3,900 s), restart 600 s.
  const text = pool('checkpointing: { interval: 1h, cost: 300s, restart: 600s }\n', '      - { name: a, devices: 8, duration: 10h, reference_device: H100 }\n');

  it('loses the partial cycle once: effective fraction = 36,000 s of compute / 40,700 s', () => {
    const a = runToCsv(scenarioFromText(text), { observe: failAt('a', 5000) }).jobs[0]!;
    // Failure at 5,000 s: one cycle kept (3,900 s), 1,100 s lost (compute and checkpoint writing
    // alike). Then 36,000 x 3,900 / 3,600 = 39,000 s of progress to redo the rest, after 600 s of restart.
    expect(a.failures).toBe(1);
    expect(a.finish_s).toBeCloseTo(5000 + 600 + 39000 - 3900, 6);
    // Useful: the 36,000 s of compute the job needs; everything else is checkpoints, loss or restart.
    expect(a.effective_training_fraction).toBeCloseTo(36000 / 40700, 9);
  });

  it('without a failure: compute over compute plus checkpoint writing', () => {
    const a = runToCsv(scenarioFromText(text)).jobs[0]!;
    expect(a.finish_s).toBeCloseTo(39000, 6);
    expect(a.effective_training_fraction).toBeCloseTo(36000 / 39000, 9);
  });
});
